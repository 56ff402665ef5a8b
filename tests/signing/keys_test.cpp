// Keys and certificates, checked both ways against the stock `openssl` command: it must read
// what we write, and we must read what it writes.
#include "signing/keys.hpp"

#include <boost/test/unit_test.hpp>

#include "core/clock.hpp"
#include "tests/signing/openssl_cli.hpp"

using namespace procura;
using namespace procura::signing;
using core::ErrorKind;
using procura::testing::require_error;
using procura::testing::run;
using procura::testing::Run;
using procura::testing::Workdir;

namespace {

constexpr std::int64_t t0_ms = 1'795'774'800'000;  // 2026-11-27T10:20:00Z

Validity one_year() { return Validity{t0_ms - 60'000, t0_ms + 365 * core::ms_per_day}; }

struct Pki {
    PrivateKey ca_key = *PrivateKey::generate_ec_p256();
    Certificate ca = *make_root_ca(ca_key, "Procura test CA", one_year());
};

}  // namespace

BOOST_AUTO_TEST_SUITE(private_keys)

BOOST_AUTO_TEST_CASE(keys_round_trip_through_encrypted_pkcs8_only) {
    auto key = PrivateKey::generate_ec_p256();
    BOOST_REQUIRE(key.ok());
    auto pem = key->to_encrypted_pem("correct horse");
    BOOST_REQUIRE(pem.ok());
    BOOST_TEST(pem->rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0) == 0u);
    auto back = PrivateKey::from_encrypted_pem(*pem, "correct horse");
    BOOST_REQUIRE(back.ok());
    BOOST_TEST(back->public_key_pem() == key->public_key_pem());
    require_error(PrivateKey::from_encrypted_pem(*pem, "wrong horse"), ErrorKind::unauthenticated,
                  "wrong_passphrase");
    require_error(key->to_encrypted_pem(""), ErrorKind::bad_request, "empty_passphrase");
    require_error(PrivateKey::from_encrypted_pem("garbage", "x"), ErrorKind::bad_request,
                  "not_encrypted_key");
}

BOOST_AUTO_TEST_CASE(stock_openssl_reads_our_key_and_sees_aes_256) {
    Workdir w;
    auto key = PrivateKey::generate_ec_p256();
    w.write("key.pem", *key->to_encrypted_pem("s3cret pass"));
    const Run pub =
        run("openssl pkey -in " + w.path("key.pem") + " -passin pass:'s3cret pass' -pubout");
    BOOST_TEST(pub.status == 0, pub.output);
    BOOST_TEST(pub.output == key->public_key_pem());
    const Run parsed = run("openssl asn1parse -in " + w.path("key.pem"));
    BOOST_TEST(parsed.output.find("aes-256-cbc") != std::string::npos, parsed.output);
    BOOST_TEST(run("openssl pkey -in " + w.path("key.pem") + " -passin pass:nope -noout").status !=
               0);
}

BOOST_AUTO_TEST_CASE(we_read_keys_encrypted_by_openssl_and_refuse_keys_in_clear) {
    Workdir w;
    const Run gen = run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                        w.path("clear.pem"));
    BOOST_REQUIRE_MESSAGE(gen.status == 0, gen.output);
    require_error(PrivateKey::from_encrypted_pem(w.read("clear.pem"), "x"), ErrorKind::bad_request,
                  "not_encrypted_key");
    const Run enc = run("openssl pkcs8 -topk8 -v2 aes-256-cbc -in " + w.path("clear.pem") +
                        " -passout pass:openssl-pass -out " + w.path("enc.pem"));
    BOOST_REQUIRE_MESSAGE(enc.status == 0, enc.output);
    auto key = PrivateKey::from_encrypted_pem(w.read("enc.pem"), "openssl-pass");
    BOOST_REQUIRE(key.ok());
    const Run pub = run("openssl pkey -in " + w.path("clear.pem") + " -pubout");
    BOOST_TEST(key->public_key_pem() == pub.output);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(certificates)

BOOST_AUTO_TEST_CASE(root_ca_is_a_critical_ca_that_openssl_verifies) {
    Workdir w;
    Pki pki;
    BOOST_TEST(pki.ca.matches(pki.ca_key));
    BOOST_TEST(pki.ca.subject() == "CN=Procura test CA,O=Procura");
    BOOST_TEST(pki.ca.not_before_ms() == one_year().not_before_ms);
    BOOST_TEST(pki.ca.not_after_ms() == one_year().not_after_ms);
    w.write("ca.pem", pki.ca.to_pem());
    const Run verify = run("openssl verify -CAfile " + w.path("ca.pem") + " -attime " +
                           std::to_string(t0_ms / 1000) + " " + w.path("ca.pem"));
    BOOST_TEST(verify.status == 0, verify.output);
    const Run ext =
        run("openssl x509 -in " + w.path("ca.pem") + " -noout -ext basicConstraints,keyUsage");
    BOOST_TEST(ext.output.find("X509v3 Basic Constraints: critical") != std::string::npos,
               ext.output);
    BOOST_TEST(ext.output.find("CA:TRUE") != std::string::npos);
    BOOST_TEST(ext.output.find("Certificate Sign") != std::string::npos);
    auto back = Certificate::from_pem(pki.ca.to_pem());
    BOOST_REQUIRE(back.ok());
    BOOST_TEST(back->serial_hex() == pki.ca.serial_hex());
    require_error(Certificate::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n"),
                  ErrorKind::bad_request, "bad_certificate");
    require_error(make_root_ca(pki.ca_key, "x", Validity{t0_ms, t0_ms}), ErrorKind::bad_request,
                  "bad_validity");
}

BOOST_AUTO_TEST_CASE(user_certificate_from_an_openssl_request_carries_the_user_id) {
    Workdir w;
    Pki pki;
    const Run req = run(
        "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
        w.path("user.key") + " -subj '/CN=whatever the supplier typed' -out " + w.path("user.csr"));
    BOOST_REQUIRE_MESSAGE(req.status == 0, req.output);
    auto cert =
        issue_from_csr(pki.ca, pki.ca_key, w.read("user.csr"), 42, "acme-supplies", one_year());
    BOOST_REQUIRE_MESSAGE(cert.ok(), (cert.ok() ? std::string() : cert.error().message));
    BOOST_TEST(cert->subject() == "UID=42,CN=acme-supplies,O=Procura");
    BOOST_TEST((cert->user_id() == std::optional<core::UserId>(42)));
    BOOST_TEST(!pki.ca.user_id().has_value());
    w.write("ca.pem", pki.ca.to_pem());
    w.write("user.pem", cert->to_pem());
    const Run verify = run("openssl verify -CAfile " + w.path("ca.pem") + " -attime " +
                           std::to_string(t0_ms / 1000) + " " + w.path("user.pem"));
    BOOST_TEST(verify.status == 0, verify.output);
    // The certificate holds the key of the request: openssl pairs it with the private key.
    const Run pair = run("openssl x509 -in " + w.path("user.pem") + " -noout -pubkey");
    const Run key_pub = run("openssl pkey -in " + w.path("user.key") + " -pubout");
    BOOST_TEST(pair.output == key_pub.output);
    const Run ext = run("openssl x509 -in " + w.path("user.pem") + " -noout -ext keyUsage");
    BOOST_TEST(ext.output.find("Digital Signature, Key Agreement") != std::string::npos,
               ext.output);
}

BOOST_AUTO_TEST_CASE(rsa_2048_requests_are_accepted_and_weaker_keys_refused) {
    Workdir w;
    Pki pki;
    const auto request = [&](const std::string& name, const std::string& key_options) {
        const Run r = run("openssl req -new -newkey " + key_options + " -nodes -keyout " +
                          w.path(name + ".key") + " -subj /CN=x -out " + w.path(name + ".csr"));
        BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
        return w.read(name + ".csr");
    };
    auto rsa = issue_from_csr(pki.ca, pki.ca_key, request("rsa2048", "rsa:2048"), 7, "rsa-user",
                              one_year());
    BOOST_TEST(rsa.ok());
    require_error(
        issue_from_csr(pki.ca, pki.ca_key, request("rsa1024", "rsa:1024"), 7, "u", one_year()),
        ErrorKind::bad_request, "weak_key");
    require_error(
        issue_from_csr(pki.ca, pki.ca_key, request("p384", "ec -pkeyopt ec_paramgen_curve:P-384"),
                       7, "u", one_year()),
        ErrorKind::bad_request, "weak_key");
}

BOOST_AUTO_TEST_CASE(malformed_and_tampered_requests_are_refused) {
    Workdir w;
    Pki pki;
    require_error(issue_from_csr(pki.ca, pki.ca_key, "", 1, "u", one_year()),
                  ErrorKind::bad_request, "bad_csr");
    require_error(issue_from_csr(pki.ca, pki.ca_key, std::string(100'000, 'A'), 1, "u", one_year()),
                  ErrorKind::bad_request, "bad_csr");
    const Run req =
        run("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
            w.path("k") + " -subj /CN=original -out " + w.path("csr.pem"));
    BOOST_REQUIRE_MESSAGE(req.status == 0, req.output);
    // Change the subject inside the signed part (DER -> flip one byte of "original") so that
    // the request's own signature no longer verifies.
    BOOST_REQUIRE(
        run("openssl req -in " + w.path("csr.pem") + " -outform DER -out " + w.path("csr.der"))
            .status == 0);
    std::string der = w.read("csr.der");
    const auto at = der.find("original");
    BOOST_REQUIRE(at != std::string::npos);
    der[at] = 'O';
    w.write("tampered.der", der);
    BOOST_REQUIRE(run("openssl req -inform DER -in " + w.path("tampered.der") + " -out " +
                      w.path("tampered.pem"))
                      .status == 0);
    require_error(issue_from_csr(pki.ca, pki.ca_key, w.read("tampered.pem"), 1, "u", one_year()),
                  ErrorKind::bad_request, "csr_signature_invalid");
}

BOOST_AUTO_TEST_CASE(tsa_certificate_has_critical_time_stamping_usage) {
    Workdir w;
    Pki pki;
    auto tsa_key = PrivateKey::generate_ec_p256();
    auto tsa = issue_tsa_certificate(pki.ca, pki.ca_key, *tsa_key, "Procura TSA", one_year());
    BOOST_REQUIRE(tsa.ok());
    BOOST_TEST(tsa->matches(*tsa_key));
    BOOST_TEST(!tsa->matches(pki.ca_key));
    w.write("ca.pem", pki.ca.to_pem());
    w.write("tsa.pem", tsa->to_pem());
    const Run ext = run("openssl x509 -in " + w.path("tsa.pem") + " -noout -ext extendedKeyUsage");
    BOOST_TEST(ext.output.find("X509v3 Extended Key Usage: critical") != std::string::npos,
               ext.output);
    BOOST_TEST(ext.output.find("Time Stamping") != std::string::npos);
    const Run verify = run("openssl verify -purpose timestampsign -CAfile " + w.path("ca.pem") +
                           " -attime " + std::to_string(t0_ms / 1000) + " " + w.path("tsa.pem"));
    BOOST_TEST(verify.status == 0, verify.output);
}

BOOST_AUTO_TEST_CASE(serials_are_positive_full_length_and_unique) {
    const std::string a = random_serial_hex();
    BOOST_TEST(a.size() == 32u);
    BOOST_TEST((a[0] >= '4' && a[0] <= '7'));
    BOOST_TEST(a != random_serial_hex());
}

BOOST_AUTO_TEST_SUITE_END()
