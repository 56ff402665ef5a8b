// The time-stamp authority against the stock `openssl ts` command: its queries get our
// responses, and its verifier accepts our tokens for the right data only.
#include "signing/tsa.hpp"

#include <boost/test/unit_test.hpp>
#include <set>

#include "core/clock.hpp"
#include "core/hash.hpp"
#include "tests/signing/openssl_cli.hpp"

using namespace procura;
using namespace procura::signing;
using core::ErrorKind;
using procura::testing::require_error;
using procura::testing::run;
using procura::testing::Run;
using procura::testing::Workdir;

namespace {

const std::int64_t now_ms = core::SystemClock().now_ms();

struct World {
    Workdir w;
    core::ManualClock clock{now_ms};
    PrivateKey ca_key = *PrivateKey::generate_ec_p256();
    Certificate ca =
        *make_root_ca(ca_key, "Procura test CA",
                      Validity{now_ms - core::ms_per_day, now_ms + 30 * core::ms_per_day});
    TimeStampAuthority tsa = make_tsa();

    TimeStampAuthority make_tsa() {
        auto key = PrivateKey::generate_ec_p256();
        auto cert = issue_tsa_certificate(
            ca, ca_key, *key, "Procura TSA",
            Validity{now_ms - core::ms_per_day, now_ms + 30 * core::ms_per_day});
        return *TimeStampAuthority::create(std::move(*cert), std::move(*key), clock, TSAOptions{});
    }

    World() {
        w.write("ca.pem", ca.to_pem());
        w.write("tsa.pem", tsa.certificate().to_pem());
        w.write("data.bin", "the SHA-256 of a received bid goes here");
    }

    // openssl ts -query for data.bin with the given digest option; returns the request DER.
    std::string query(const std::string& digest) {
        const Run q = run("openssl ts -query -data " + w.path("data.bin") + " " + digest +
                          " -cert -out " + w.path("req.tsq"));
        BOOST_REQUIRE_MESSAGE(q.status == 0, q.output);
        return w.read("req.tsq");
    }

    Run reply_text() { return run("openssl ts -reply -in " + w.path("resp.tsr") + " -text"); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(time_stamp_authority)

BOOST_AUTO_TEST_CASE(openssl_query_gets_a_token_that_openssl_verifies) {
    World world;
    world.clock.set_ms(1'795'774'800'123);  // 2026-11-27T10:20:00.123Z
    auto response = world.tsa.respond(world.query("-sha256"));
    BOOST_REQUIRE(response.ok());
    world.w.write("resp.tsr", *response);
    const Run text = world.reply_text();
    BOOST_TEST(text.output.find("Status: Granted.") != std::string::npos, text.output);
    BOOST_TEST(text.output.find("Policy OID: 1.3.6.1.4.1.57264.1.1") != std::string::npos);
    BOOST_TEST(text.output.find("Time stamp: Nov 27 10:20:00.123 2026 GMT") != std::string::npos,
               text.output);
    BOOST_TEST(text.output.find("Accuracy: 0x01 seconds") != std::string::npos, text.output);
    BOOST_TEST(text.output.find("Nonce: 0x") != std::string::npos);
    const Run verify = run("openssl ts -verify -data " + world.w.path("data.bin") + " -in " +
                           world.w.path("resp.tsr") + " -CAfile " + world.w.path("ca.pem"));
    BOOST_TEST(verify.status == 0, verify.output);
    BOOST_TEST(verify.output.find("Verification: OK") != std::string::npos);

    world.w.write("other.bin", "the SHA-256 of another bid");
    const Run altered = run("openssl ts -verify -data " + world.w.path("other.bin") + " -in " +
                            world.w.path("resp.tsr") + " -CAfile " + world.w.path("ca.pem"));
    BOOST_TEST(altered.status != 0, altered.output);
}

BOOST_AUTO_TEST_CASE(the_nonce_is_echoed_and_serials_never_repeat) {
    World world;
    const std::string request = world.query("-sha512");
    const Run q = run("openssl ts -query -in " + world.w.path("req.tsq") + " -text");
    const auto nonce_at = q.output.find("Nonce: ");
    BOOST_REQUIRE(nonce_at != std::string::npos);
    const std::string nonce = q.output.substr(nonce_at, q.output.find('\n', nonce_at) - nonce_at);
    std::set<std::string> serials;
    for (int i = 0; i < 3; ++i) {
        auto response = world.tsa.respond(request);
        BOOST_REQUIRE(response.ok());
        world.w.write("resp.tsr", *response);
        const Run text = world.reply_text();
        BOOST_TEST(text.output.find(nonce) != std::string::npos, text.output);
        const auto serial_at = text.output.find("Serial number: ");
        BOOST_REQUIRE(serial_at != std::string::npos);
        serials.insert(
            text.output.substr(serial_at, text.output.find('\n', serial_at) - serial_at));
    }
    BOOST_TEST(serials.size() == 3u);
}

BOOST_AUTO_TEST_CASE(weak_imprints_get_a_der_rejection_not_text) {
    World world;
    for (const std::string digest : {"-sha1", "-md5"}) {
        auto response = world.tsa.respond(world.query(digest));
        BOOST_REQUIRE(response.ok());
        world.w.write("resp.tsr", *response);
        const Run text = world.reply_text();
        BOOST_TEST(text.status == 0, text.output);
        BOOST_TEST(text.output.find("Status: Rejected.") != std::string::npos, text.output);
        BOOST_TEST(text.output.find("unrecognized or unsupported algorithm identifier") !=
                       std::string::npos,
                   text.output);
    }
}

BOOST_AUTO_TEST_CASE(non_requests_and_oversized_bodies_are_errors) {
    World world;
    require_error(world.tsa.respond(""), ErrorKind::bad_request, "not_ts_request");
    require_error(world.tsa.respond("hello, time"), ErrorKind::bad_request, "not_ts_request");
    const std::string request = world.query("-sha256");
    require_error(world.tsa.respond(request.substr(0, request.size() - 3)), ErrorKind::bad_request,
                  "not_ts_request");
    require_error(world.tsa.respond(std::string(5000, '\x30')), ErrorKind::payload_too_large,
                  "too_large");
}

BOOST_AUTO_TEST_CASE(only_a_time_stamping_certificate_can_run_the_tsa) {
    World world;
    // A user certificate with its own key: only the missing timeStamping usage can refuse it.
    auto user =
        procura::testing::make_openssl_user(world.w, world.ca, world.ca_key, "someone", 5,
                                            Validity{now_ms - 1000, now_ms + core::ms_per_day});
    BOOST_TEST(user.cert.matches(user.key));
    require_error(
        TimeStampAuthority::create(std::move(user.cert), std::move(user.key), world.clock, {}),
        ErrorKind::bad_request, "not_a_tsa_certificate");
}

BOOST_AUTO_TEST_CASE(our_verifier_checks_data_signature_chain_and_status) {
    World world;
    world.clock.set_ms(1'795'774'800'123);
    auto response = world.tsa.respond(world.query("-sha256"));
    BOOST_REQUIRE(response.ok());
    const std::string data = world.w.read("data.bin");
    auto verified = verify_time_stamp(*response, data, world.ca);
    BOOST_REQUIRE_MESSAGE(verified.ok(),
                          (verified.ok() ? std::string() : verified.error().message));
    BOOST_TEST(verified->time_ms == 1'795'774'800'123);
    BOOST_TEST(verified->policy_oid == "1.3.6.1.4.1.57264.1.1");
    BOOST_TEST(verified->serial_hex.size() == 32u);

    require_error(verify_time_stamp(*response, data + "!", world.ca), ErrorKind::unprocessable,
                  "time_stamp_invalid");
    auto other_key = PrivateKey::generate_ec_p256();
    auto other_ca = make_root_ca(*other_key, "Another CA",
                                 Validity{now_ms - core::ms_per_day, now_ms + core::ms_per_day});
    require_error(verify_time_stamp(*response, data, *other_ca), ErrorKind::unprocessable,
                  "time_stamp_invalid");
    // A flipped bit inside the signature: the token no longer verifies.
    std::string tampered = *response;
    tampered[tampered.size() - 10] = static_cast<char>(tampered[tampered.size() - 10] ^ 0x01);
    auto bad = verify_time_stamp(tampered, data, world.ca);
    BOOST_REQUIRE(!bad.ok());
    BOOST_TEST((bad.error().code == "time_stamp_invalid" || bad.error().code == "not_ts_response"),
               bad.error().code);
    auto rejected = world.tsa.respond(world.query("-sha1"));
    BOOST_REQUIRE(rejected.ok());
    require_error(verify_time_stamp(*rejected, data, world.ca), ErrorKind::unprocessable,
                  "not_granted");
    require_error(verify_time_stamp("junk", data, world.ca), ErrorKind::bad_request,
                  "not_ts_response");
}

// Bid receipts carry the bare token (not a TimeStampResp): verify_time_stamp_token checks it
// over a SHA-256 digest, with the signature check always on.
BOOST_AUTO_TEST_CASE(token_verification_checks_imprint_signature_and_chain) {
    World world;
    world.clock.set_ms(1'795'774'800'123);
    const std::string data = world.w.read("data.bin");
    const core::Sha256 digest = core::sha256(data);
    auto token = world.tsa.stamp(digest);
    BOOST_REQUIRE(token.ok());
    BOOST_TEST(token->time_ms == 1'795'774'800'123);  // genTime, as the token itself says

    auto verified = verify_time_stamp_token(token->token, digest, world.ca);
    BOOST_REQUIRE_MESSAGE(verified.ok(),
                          (verified.ok() ? std::string() : verified.error().message));
    BOOST_TEST(verified->time_ms == 1'795'774'800'123);
    BOOST_TEST(verified->policy_oid == "1.3.6.1.4.1.57264.1.1");
    BOOST_TEST(verified->serial_hex.size() == 32u);
    BOOST_TEST(
        verify_time_stamp_token(token->token, digest, world.ca, &world.tsa.certificate()).ok());

    // Another hash: the imprint does not match.
    require_error(verify_time_stamp_token(token->token, core::sha256(data + "!"), world.ca),
                  ErrorKind::unprocessable, "imprint_mismatch");
    // Another CA: the TSA does not chain to it, even when its certificate is handed over.
    auto other_key = PrivateKey::generate_ec_p256();
    auto other_ca = make_root_ca(*other_key, "Another CA",
                                 Validity{now_ms - core::ms_per_day, now_ms + core::ms_per_day});
    require_error(verify_time_stamp_token(token->token, digest, *other_ca),
                  ErrorKind::unprocessable, "time_stamp_invalid");
    require_error(
        verify_time_stamp_token(token->token, digest, *other_ca, &world.tsa.certificate()),
        ErrorKind::unprocessable, "time_stamp_invalid");
    // A TSA certified by another CA signs a token over the same digest: refused.
    World stranger;
    auto foreign = stranger.tsa.stamp(digest);
    BOOST_REQUIRE(foreign.ok());
    require_error(verify_time_stamp_token(foreign->token, digest, world.ca),
                  ErrorKind::unprocessable, "time_stamp_invalid");
    require_error(
        verify_time_stamp_token(foreign->token, digest, world.ca, &stranger.tsa.certificate()),
        ErrorKind::unprocessable, "time_stamp_invalid");
    // A flipped bit in the signature (the end of the DER): the signature check catches it.
    std::string tampered = token->token;
    tampered[tampered.size() - 10] = static_cast<char>(tampered[tampered.size() - 10] ^ 0x01);
    auto bad = verify_time_stamp_token(tampered, digest, world.ca);
    BOOST_REQUIRE(!bad.ok());
    BOOST_TEST((bad.error().code == "time_stamp_invalid" || bad.error().code == "not_ts_token"),
               bad.error().code);
    // Not a token: junk, trailing bytes, a whole TimeStampResp.
    require_error(verify_time_stamp_token("junk", digest, world.ca), ErrorKind::bad_request,
                  "not_ts_token");
    require_error(verify_time_stamp_token(token->token + "x", digest, world.ca),
                  ErrorKind::bad_request, "not_ts_token");
    auto response = world.tsa.respond(world.query("-sha256"));
    BOOST_REQUIRE(response.ok());
    require_error(verify_time_stamp_token(*response, digest, world.ca), ErrorKind::bad_request,
                  "not_ts_token");
}

BOOST_AUTO_TEST_CASE(token_verification_agrees_with_openssl_and_needs_the_signer_certificate) {
    World world;
    // A token over SHA-384 of the data is not a token over its SHA-256.
    auto sha384 = world.tsa.respond(world.query("-sha384"));
    BOOST_REQUIRE(sha384.ok());
    world.w.write("resp384.tsr", *sha384);
    const Run out384 = run("openssl ts -reply -in " + world.w.path("resp384.tsr") +
                           " -token_out -out " + world.w.path("tok384.der"));
    BOOST_REQUIRE_MESSAGE(out384.status == 0, out384.output);
    const core::Sha256 digest = core::sha256(world.w.read("data.bin"));
    require_error(verify_time_stamp_token(world.w.read("tok384.der"), digest, world.ca),
                  ErrorKind::unprocessable, "imprint_mismatch");

    // A token without the TSA's certificate (openssl ts -query without -cert) verifies only when
    // the certificate is given, as `openssl ts -verify -untrusted tsa.pem` needs it.
    const Run query = run("openssl ts -query -data " + world.w.path("data.bin") + " -sha256 -out " +
                          world.w.path("nocert.tsq"));
    BOOST_REQUIRE_MESSAGE(query.status == 0, query.output);
    auto response = world.tsa.respond(world.w.read("nocert.tsq"));
    BOOST_REQUIRE(response.ok());
    world.w.write("nocert.tsr", *response);
    const Run out = run("openssl ts -reply -in " + world.w.path("nocert.tsr") +
                        " -token_out -out " + world.w.path("nocert.der"));
    BOOST_REQUIRE_MESSAGE(out.status == 0, out.output);
    const std::string token = world.w.read("nocert.der");
    require_error(verify_time_stamp_token(token, digest, world.ca), ErrorKind::unprocessable,
                  "time_stamp_invalid");
    auto verified = verify_time_stamp_token(token, digest, world.ca, &world.tsa.certificate());
    BOOST_TEST(verified.ok(), (verified.ok() ? std::string() : verified.error().message));

    // And openssl accepts what we accept.
    auto stamped = world.tsa.stamp(digest);
    BOOST_REQUIRE(stamped.ok());
    world.w.write("tok.der", stamped->token);
    const Run verify =
        run("openssl ts -verify -token_in -in " + world.w.path("tok.der") + " -digest " +
            core::to_hex(digest) + " -CAfile " + world.w.path("ca.pem"));
    BOOST_TEST(verify.status == 0, verify.output);
    BOOST_TEST(verify_time_stamp_token(stamped->token, digest, world.ca).ok());
}

BOOST_AUTO_TEST_SUITE_END()
