// CMS signatures, checked both ways against the stock `openssl cms` command, and every reason
// for refusal with its own error code.
#include "signing/signature.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <map>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "tests/signing/forged_signer.hpp"
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

Validity around_now() {
    return Validity{now_ms - core::ms_per_day, now_ms + 30 * core::ms_per_day};
}

// A platform CA and a supplier (user 42) whose key exists as a plain PEM file for openssl and
// as a PrivateKey for us; the CA key is also written (encrypted) for openssl x509 -req.
struct World {
    Workdir w;
    PrivateKey ca_key = *PrivateKey::generate_ec_p256();
    Certificate ca = *make_root_ca(ca_key, "Procura test CA", around_now());
    std::optional<procura::testing::OpenSSLUser> user;
    SignatureVerifier verifier{*Certificate::from_pem(ca.to_pem())};

    World() {
        w.write("ca.pem", ca.to_pem());
        w.write("ca.key", *ca_key.to_encrypted_pem("ca-pass"));
        user = procura::testing::make_openssl_user(w, ca, ca_key, "acme", 42, around_now());
        w.write("content.bin", std::string("bid\0document", 12));
    }

    VerifyOptions options() const {
        VerifyOptions o;
        o.at_ms = now_ms;
        o.expected_user = 42;
        return o;
    }

    // Runs openssl cms -sign with the user's key; returns the DER.
    std::string openssl_sign(const std::string& extra) {
        const Run r = run("openssl cms -sign -binary -in " + w.path("content.bin") + " -signer " +
                          user->cert_path + " -inkey " + user->key_path + " -outform DER -out " +
                          w.path("sig.der") + " " + extra);
        BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
        return w.read("sig.der");
    }
};

const std::string content("bid\0document", 12);

}  // namespace

BOOST_AUTO_TEST_SUITE(signatures)

BOOST_AUTO_TEST_CASE(openssl_attached_signature_verifies_and_names_the_signer) {
    World world;
    auto verified =
        world.verifier.verify(world.openssl_sign("-nodetach"), std::nullopt, world.options());
    BOOST_REQUIRE_MESSAGE(verified.ok(),
                          (verified.ok() ? std::string() : verified.error().message));
    BOOST_TEST(verified->content == content);
    BOOST_TEST((verified->signer_user == std::optional<core::UserId>(42)));
    BOOST_TEST(verified->signer_subject == "UID=42,CN=acme,O=Procura");
    BOOST_TEST(verified->signer_serial_hex == world.user->cert.serial_hex());
}

BOOST_AUTO_TEST_CASE(openssl_detached_signature_verifies_with_its_content) {
    World world;
    const std::string der = world.openssl_sign("");
    auto verified = world.verifier.verify(der, std::string_view(content), world.options());
    BOOST_REQUIRE(verified.ok());
    BOOST_TEST(verified->content == content);
    require_error(world.verifier.verify(der, std::nullopt, world.options()),
                  ErrorKind::unprocessable, "missing_content");
    require_error(world.verifier.verify(der, std::string_view("bid document!"), world.options()),
                  ErrorKind::unprocessable, "bad_signature");
}

BOOST_AUTO_TEST_CASE(our_signatures_verify_with_openssl_cms) {
    World world;
    auto attached = sign(content, world.user->cert, world.user->key, Attachment::attached);
    BOOST_REQUIRE(attached.ok());
    world.w.write("ours.der", *attached);
    const Run verify =
        run("openssl cms -verify -binary -inform DER -in " + world.w.path("ours.der") +
            " -CAfile " + world.w.path("ca.pem") + " -out " + world.w.path("out.bin"));
    BOOST_TEST(verify.status == 0, verify.output);
    BOOST_TEST(world.w.read("out.bin") == content);

    auto detached = sign(content, world.user->cert, world.user->key, Attachment::detached);
    BOOST_REQUIRE(detached.ok());
    world.w.write("detached.der", *detached);
    const Run verify_detached =
        run("openssl cms -verify -binary -inform DER -in " + world.w.path("detached.der") +
            " -content " + world.w.path("content.bin") + " -CAfile " + world.w.path("ca.pem") +
            " -out /dev/null");
    BOOST_TEST(verify_detached.status == 0, verify_detached.output);
    // Our own verifier agrees, and the digest is SHA-256.
    BOOST_TEST(world.verifier.verify(*attached, std::nullopt, world.options()).ok());
    const Run print = run("openssl cms -cmsout -print -inform DER -in " + world.w.path("ours.der"));
    BOOST_TEST(print.output.find("sha256") != std::string::npos);
}

// The signer-confusion attack (tests/signing/forged_signer.hpp): refused, as stock openssl
// refuses it, instead of being taken for the victim's signature.
BOOST_AUTO_TEST_CASE(a_forged_certificate_carried_beside_the_victims_is_refused) {
    World world;
    const std::string der = procura::testing::sign_as_victim(content, world.user->cert);
    require_error(world.verifier.verify(der, std::nullopt, world.options()),
                  ErrorKind::unprocessable, "ambiguous_signer");
    VerifyOptions anyone = world.options();
    anyone.expected_user.reset();
    require_error(world.verifier.verify(der, std::nullopt, anyone), ErrorKind::unprocessable,
                  "ambiguous_signer");
    world.w.write("forged.der", der);
    const Run r = run("openssl cms -verify -binary -inform DER -in " + world.w.path("forged.der") +
                      " -CAfile " + world.w.path("ca.pem") + " -out " + world.w.path("out.bin"));
    BOOST_TEST(r.status != 0, "stock openssl accepted the forged signature: " << r.output);
}

BOOST_AUTO_TEST_CASE(certificate_is_judged_at_the_given_instant_not_now) {
    World world;
    const std::string der = world.openssl_sign("-nodetach");
    VerifyOptions o = world.options();
    o.at_ms = now_ms + 31 * core::ms_per_day;  // after not_after
    require_error(world.verifier.verify(der, std::nullopt, o), ErrorKind::unprocessable,
                  "certificate_not_valid_at_time");
    o.at_ms = now_ms - 2 * core::ms_per_day;  // before not_before
    require_error(world.verifier.verify(der, std::nullopt, o), ErrorKind::unprocessable,
                  "certificate_not_valid_at_time");
}

BOOST_AUTO_TEST_CASE(revoked_wrong_user_and_foreign_ca_are_refused) {
    World world;
    const std::string der = world.openssl_sign("-nodetach");
    VerifyOptions revoked = world.options();
    std::string asked_serial;
    revoked.is_revoked = [&](const std::string& serial, std::int64_t) {
        asked_serial = serial;
        return true;
    };
    require_error(world.verifier.verify(der, std::nullopt, revoked), ErrorKind::unprocessable,
                  "certificate_revoked");
    BOOST_TEST(asked_serial == world.user->cert.serial_hex());
    VerifyOptions other_user = world.options();
    other_user.expected_user = 43;
    require_error(world.verifier.verify(der, std::nullopt, other_user), ErrorKind::forbidden,
                  "wrong_signer");
    auto other_ca_key = PrivateKey::generate_ec_p256();
    SignatureVerifier foreign(*make_root_ca(*other_ca_key, "Another CA", around_now()));
    require_error(foreign.verify(der, std::nullopt, world.options()), ErrorKind::unprocessable,
                  "untrusted_certificate");
}

BOOST_AUTO_TEST_CASE(sha1_digest_and_weak_keys_are_refused) {
    World world;
    require_error(world.verifier.verify(world.openssl_sign("-nodetach -md sha1"), std::nullopt,
                                        world.options()),
                  ErrorKind::unprocessable, "weak_digest");
    // An RSA-1024 certificate signed by our CA key outside our issuing code (which refuses it).
    const Run req =
        run("openssl req -new -newkey rsa:1024 -nodes -keyout " + world.w.path("weak.key") +
            " -subj /UID=42/CN=weak -out " + world.w.path("weak.csr"));
    BOOST_REQUIRE_MESSAGE(req.status == 0, req.output);
    const Run x509 =
        run("openssl x509 -req -in " + world.w.path("weak.csr") + " -CA " + world.w.path("ca.pem") +
            " -CAkey " + world.w.path("ca.key") +
            " -passin pass:ca-pass -CAcreateserial -days 5 -out " + world.w.path("weak.pem"));
    BOOST_REQUIRE_MESSAGE(x509.status == 0, x509.output);
    const Run s = run("openssl cms -sign -binary -nodetach -in " + world.w.path("content.bin") +
                      " -signer " + world.w.path("weak.pem") + " -inkey " +
                      world.w.path("weak.key") + " -outform DER -out " + world.w.path("weak.der"));
    BOOST_REQUIRE_MESSAGE(s.status == 0, s.output);
    // openssl x509 -req starts the validity at the current second: judge it a minute later.
    VerifyOptions later = world.options();
    later.at_ms = core::SystemClock().now_ms() + 60'000;
    require_error(world.verifier.verify(world.w.read("weak.der"), std::nullopt, later),
                  ErrorKind::unprocessable, "weak_key");
}

BOOST_AUTO_TEST_CASE(tampered_garbage_and_other_cms_types_are_refused) {
    World world;
    std::string der = world.openssl_sign("-nodetach");
    const auto at = der.find(std::string("document"));
    BOOST_REQUIRE(at != std::string::npos);
    der[at] = 'D';  // the content changes, the DER stays valid
    require_error(world.verifier.verify(der, std::nullopt, world.options()),
                  ErrorKind::unprocessable, "bad_signature");
    require_error(world.verifier.verify("", std::nullopt, world.options()), ErrorKind::bad_request,
                  "not_cms");
    require_error(world.verifier.verify(std::string(100, '\x30'), std::nullopt, world.options()),
                  ErrorKind::bad_request, "not_cms");
    const std::string good = world.openssl_sign("-nodetach");
    require_error(
        world.verifier.verify(good.substr(0, good.size() / 2), std::nullopt, world.options()),
        ErrorKind::bad_request, "not_cms");
    const Run enc =
        run("openssl cms -encrypt -binary -aes-256-cbc -in " + world.w.path("content.bin") +
            " -outform DER -out " + world.w.path("env.der") + " " + world.user->cert_path);
    BOOST_REQUIRE_MESSAGE(enc.status == 0, enc.output);
    require_error(world.verifier.verify(world.w.read("env.der"), std::nullopt, world.options()),
                  ErrorKind::unprocessable, "not_signed_data");
    require_error(world.verifier.verify(good, std::string_view(content), world.options()),
                  ErrorKind::unprocessable, "unexpected_content");
    VerifyOptions small = world.options();
    small.content_bytes_max = 4;
    require_error(world.verifier.verify(good, std::nullopt, small), ErrorKind::payload_too_large,
                  "too_large");
    small.signature_bytes_max = 10;
    require_error(world.verifier.verify(good, std::nullopt, small), ErrorKind::payload_too_large,
                  "too_large");
}

BOOST_AUTO_TEST_SUITE_END()

// The verifier's cache of verified chains: it may save the chain verification, never change a
// result or an error code.
BOOST_AUTO_TEST_SUITE(signature_chain_cache)

namespace {

// A signature by a user of another CA who took the same name and user id as world's user, and
// which also carries world's (trusted) user certificate.
std::string foreign_signature(World& world) {
    auto other_ca_key = PrivateKey::generate_ec_p256();
    auto other_ca = make_root_ca(*other_ca_key, "Procura test CA", around_now());
    const auto mallory = procura::testing::make_openssl_user(world.w, *other_ca, *other_ca_key,
                                                             "acme-foreign", 42, around_now());
    const Run r =
        run("openssl cms -sign -binary -nodetach -in " + world.w.path("content.bin") + " -signer " +
            mallory.cert_path + " -inkey " + mallory.key_path + " -certfile " +
            world.user->cert_path + " -outform DER -out " + world.w.path("foreign.der"));
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
    return world.w.read("foreign.der");
}

}  // namespace

BOOST_AUTO_TEST_CASE(second_verify_of_the_same_signer_is_a_hit_with_the_same_result) {
    World world;
    const std::string der = world.openssl_sign("-nodetach");
    auto first = world.verifier.verify(der, std::nullopt, world.options());
    BOOST_REQUIRE(first.ok());
    BOOST_TEST(world.verifier.cache_stats().misses == 1u);
    BOOST_TEST(world.verifier.cache_stats().hits == 0u);
    BOOST_TEST(world.verifier.cache_stats().entries == 1u);
    // Another signature by the same signer over the same certificates hits as well.
    for (const std::string& again : {der, world.openssl_sign("-nodetach")}) {
        auto second = world.verifier.verify(again, std::nullopt, world.options());
        BOOST_REQUIRE(second.ok());
        BOOST_TEST(second->content == first->content);
        BOOST_TEST((second->signer_user == first->signer_user));
        BOOST_TEST(second->signer_subject == first->signer_subject);
        BOOST_TEST(second->signer_serial_hex == first->signer_serial_hex);
    }
    BOOST_TEST(world.verifier.cache_stats().hits == 2u);
    BOOST_TEST(world.verifier.cache_stats().misses == 1u);
}

BOOST_AUTO_TEST_CASE(checks_after_the_chain_keep_their_codes_on_a_hit) {
    World world;
    const std::string der = world.openssl_sign("");
    BOOST_REQUIRE(world.verifier.verify(der, std::string_view(content), world.options()).ok());
    VerifyOptions other_user = world.options();
    other_user.expected_user = 43;
    require_error(world.verifier.verify(der, std::string_view(content), other_user),
                  ErrorKind::forbidden, "wrong_signer");
    require_error(world.verifier.verify(der, std::string_view("bid document!"), world.options()),
                  ErrorKind::unprocessable, "bad_signature");
    require_error(world.verifier.verify(world.openssl_sign("-nodetach -md sha1"), std::nullopt,
                                        world.options()),
                  ErrorKind::unprocessable, "weak_digest");
    require_error(world.verifier.verify(der, std::nullopt, world.options()),
                  ErrorKind::unprocessable, "missing_content");
    BOOST_TEST(world.verifier.cache_stats().hits == 3u);
    BOOST_TEST(world.verifier.cache_stats().misses == 1u);
}

BOOST_AUTO_TEST_CASE(a_cached_chain_is_not_used_outside_its_validity_window) {
    World world;
    const std::string der = world.openssl_sign("-nodetach");
    BOOST_REQUIRE(world.verifier.verify(der, std::nullopt, world.options()).ok());
    VerifyOptions o = world.options();
    o.at_ms = now_ms + 31 * core::ms_per_day;  // after not_after
    require_error(world.verifier.verify(der, std::nullopt, o), ErrorKind::unprocessable,
                  "certificate_not_valid_at_time");
    o.at_ms = now_ms - 2 * core::ms_per_day;  // before not_before
    require_error(world.verifier.verify(der, std::nullopt, o), ErrorKind::unprocessable,
                  "certificate_not_valid_at_time");
    // The last valid second (certificate times are whole seconds) verifies, the next does not;
    // both are left to the full verification, which decides the boundary exactly.
    o.at_ms = world.user->cert.not_after_ms() - 1000;
    BOOST_TEST(world.verifier.verify(der, std::nullopt, o).ok());
    o.at_ms = world.user->cert.not_after_ms();
    require_error(world.verifier.verify(der, std::nullopt, o), ErrorKind::unprocessable,
                  "certificate_not_valid_at_time");
    // The refusals went through the full verification and did not disturb the cached chain.
    const auto hits = world.verifier.cache_stats().hits;
    BOOST_TEST(world.verifier.verify(der, std::nullopt, world.options()).ok());
    BOOST_TEST(world.verifier.cache_stats().hits == hits + 1);
    BOOST_TEST(world.verifier.cache_stats().entries == 1u);
}

BOOST_AUTO_TEST_CASE(revocation_is_asked_on_every_verify_never_cached) {
    World world;
    const std::string der = world.openssl_sign("-nodetach");
    bool revoked = false;
    int asked = 0;
    VerifyOptions o = world.options();
    o.is_revoked = [&](const std::string& serial, std::int64_t at) {
        ++asked;
        BOOST_TEST(serial == world.user->cert.serial_hex());
        BOOST_TEST(at == now_ms);
        return revoked;
    };
    BOOST_REQUIRE(world.verifier.verify(der, std::nullopt, o).ok());
    revoked = true;  // revoked after the first verification
    require_error(world.verifier.verify(der, std::nullopt, o), ErrorKind::unprocessable,
                  "certificate_revoked");
    BOOST_TEST(asked == 2);
    BOOST_TEST(world.verifier.cache_stats().hits == 1u);
}

BOOST_AUTO_TEST_CASE(another_cas_certificate_never_becomes_trusted_through_the_cache) {
    World world;
    BOOST_REQUIRE(
        world.verifier.verify(world.openssl_sign("-nodetach"), std::nullopt, world.options()).ok());
    const std::string foreign = foreign_signature(world);
    for (int i = 0; i < 3; ++i) {
        require_error(world.verifier.verify(foreign, std::nullopt, world.options()),
                      ErrorKind::unprocessable, "untrusted_certificate");
    }
    // Failed chain verifications are not cached: each one was a full verification.
    BOOST_TEST(world.verifier.cache_stats().misses == 4u);
    BOOST_TEST(world.verifier.cache_stats().hits == 0u);
    BOOST_TEST(world.verifier.cache_stats().entries == 1u);
}

BOOST_AUTO_TEST_CASE(the_cache_is_bounded_and_can_be_disabled) {
    World world;
    const auto bob = procura::testing::make_openssl_user(world.w, world.ca, world.ca_key, "bob", 43,
                                                         around_now());
    auto bob_signed = sign(content, bob.cert, bob.key, Attachment::attached);
    BOOST_REQUIRE(bob_signed.ok());
    const std::string acme_signed = world.openssl_sign("-nodetach");
    SignatureVerifier one_entry(*Certificate::from_pem(world.ca.to_pem()), 1);
    SignatureVerifier uncached(*Certificate::from_pem(world.ca.to_pem()), 0);
    for (int i = 0; i < 3; ++i) {
        for (SignatureVerifier* verifier : {&one_entry, &uncached}) {
            auto acme = verifier->verify(acme_signed, std::nullopt, world.options());
            BOOST_REQUIRE(acme.ok());
            BOOST_TEST((acme->signer_user == std::optional<core::UserId>(42)));
            VerifyOptions as_bob = world.options();
            as_bob.expected_user = 43;
            auto by_bob = verifier->verify(*bob_signed, std::nullopt, as_bob);
            BOOST_REQUIRE(by_bob.ok());
            BOOST_TEST((by_bob->signer_user == std::optional<core::UserId>(43)));
        }
        BOOST_TEST(one_entry.cache_stats().entries == 1u);
    }
    BOOST_TEST(uncached.cache_stats().hits == 0u);
    BOOST_TEST(uncached.cache_stats().misses == 6u);
    BOOST_TEST(uncached.cache_stats().entries == 0u);
    // A moved verifier keeps its cache (bob's chain was the last one verified).
    SignatureVerifier moved = std::move(one_entry);
    const auto hits = moved.cache_stats().hits;
    VerifyOptions as_bob = world.options();
    as_bob.expected_user = 43;
    BOOST_TEST(moved.verify(*bob_signed, std::nullopt, as_bob).ok());
    BOOST_TEST(moved.cache_stats().hits == hits + 1);
}

BOOST_AUTO_TEST_CASE(many_threads_verify_at_once_through_one_verifier) {
    World world;
    const std::string good = world.openssl_sign("-nodetach");
    const std::string detached = world.openssl_sign("");
    const std::string foreign = foreign_signature(world);
    constexpr int threads_count = 4;
    constexpr int rounds = 40;
    std::vector<int> failures(threads_count, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < threads_count; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < rounds; ++i) {
                const auto a = world.verifier.verify(good, std::nullopt, world.options());
                const auto b =
                    world.verifier.verify(detached, std::string_view(content), world.options());
                const auto c = world.verifier.verify(foreign, std::nullopt, world.options());
                if (!a.ok() || a->content != content || !b.ok() || c.ok() ||
                    c.error().code != "untrusted_certificate") {
                    ++failures[static_cast<std::size_t>(t)];
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (int f : failures) BOOST_TEST(f == 0);
    const auto stats = world.verifier.cache_stats();
    BOOST_TEST(stats.hits + stats.misses == 3u * threads_count * rounds);
    BOOST_TEST(stats.misses >= static_cast<std::uint64_t>(threads_count * rounds));
    BOOST_TEST(stats.entries == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

// Signatures that leave the signer's certificate out (`openssl cms -sign -nocerts`): the
// verifier gets it from VerifyOptions::find_certificate, keeps the parsed certificate once its
// chain has verified, and refuses with the same codes as for signatures that carry it.
BOOST_AUTO_TEST_SUITE(certificate_less_signatures)

namespace {

// A directory of issued certificates by serial, counting the questions it is asked.
struct Directory {
    std::map<std::string, std::string> pem_by_serial;
    std::atomic<int> asked{0};

    void add(const Certificate& cert) { pem_by_serial[cert.serial_hex()] = cert.to_pem(); }

    VerifyOptions options(const World& world) {
        VerifyOptions o = world.options();
        o.find_certificate = [this](const std::string& serial) -> std::optional<std::string> {
            ++asked;
            const auto found = pem_by_serial.find(serial);
            if (found == pem_by_serial.end()) return std::nullopt;
            return found->second;
        };
        return o;
    }
};

// Signs world's content with openssl as the user whose key and certificate are at these paths.
std::string openssl_sign_as(World& world, const procura::testing::OpenSSLUser& signer,
                            const std::string& extra) {
    const Run r = run("openssl cms -sign -binary -in " + world.w.path("content.bin") + " -signer " +
                      signer.cert_path + " -inkey " + signer.key_path + " -outform DER -out " +
                      world.w.path("as.der") + " " + extra);
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
    return world.w.read("as.der");
}

}  // namespace

BOOST_AUTO_TEST_CASE(openssl_nocerts_signatures_verify_through_the_lookup_once) {
    World world;
    Directory directory;
    directory.add(world.user->cert);
    const std::string attached = world.openssl_sign("-nodetach -nocerts");
    const std::string detached = world.openssl_sign("-nocerts");
    // They really carry no certificate.
    world.w.write("nocerts.der", attached);
    const Run print =
        run("openssl cms -cmsout -print -inform DER -in " + world.w.path("nocerts.der"));
    BOOST_TEST(print.output.find("certificates:\n      <ABSENT>") != std::string::npos,
               print.output);

    const VerifyOptions o = directory.options(world);
    auto verified = world.verifier.verify(attached, std::nullopt, o);
    BOOST_REQUIRE_MESSAGE(verified.ok(),
                          (verified.ok() ? std::string() : verified.error().message));
    BOOST_TEST(verified->content == content);
    BOOST_TEST((verified->signer_user == std::optional<core::UserId>(42)));
    BOOST_TEST(verified->signer_subject == "UID=42,CN=acme,O=Procura");
    BOOST_TEST(verified->signer_serial_hex == world.user->cert.serial_hex());
    auto by_detached = world.verifier.verify(detached, std::string_view(content), o);
    BOOST_REQUIRE(by_detached.ok());
    BOOST_TEST(by_detached->content == content);
    // The certificate was asked for once, then reused; the chain was verified once.
    BOOST_TEST(directory.asked == 1);
    auto stats = world.verifier.cache_stats();
    BOOST_TEST(stats.certificate_misses == 1u);
    BOOST_TEST(stats.certificate_hits == 1u);
    BOOST_TEST(stats.certificate_entries == 1u);
    BOOST_TEST(stats.misses == 1u);
    BOOST_TEST(stats.hits == 1u);
    // A signature that carries its certificate does not use the lookup.
    BOOST_TEST(world.verifier.verify(world.openssl_sign("-nodetach"), std::nullopt, o).ok());
    BOOST_TEST(directory.asked == 1);
    BOOST_TEST(world.verifier.cache_stats().certificate_hits == 1u);
}

BOOST_AUTO_TEST_CASE(unknown_signers_are_refused) {
    World world;
    Directory directory;  // knows nobody
    const std::string der = world.openssl_sign("-nodetach -nocerts");
    require_error(world.verifier.verify(der, std::nullopt, directory.options(world)),
                  ErrorKind::unprocessable, "unknown_signer");
    require_error(world.verifier.verify(der, std::nullopt, directory.options(world)),
                  ErrorKind::unprocessable, "unknown_signer");
    BOOST_TEST(directory.asked == 2);  // a refusal is not remembered
    BOOST_TEST(world.verifier.cache_stats().certificate_entries == 0u);
    // Without a lookup, as before: the signature does not carry its signer's certificate.
    require_error(world.verifier.verify(der, std::nullopt, world.options()),
                  ErrorKind::unprocessable, "untrusted_certificate");
    // The lookup answers with another user's certificate (a different serial's holder): it is
    // not the certificate the signature names.
    const auto bob = procura::testing::make_openssl_user(world.w, world.ca, world.ca_key, "bob", 43,
                                                         around_now());
    directory.pem_by_serial[world.user->cert.serial_hex()] = bob.cert.to_pem();
    require_error(world.verifier.verify(der, std::nullopt, directory.options(world)),
                  ErrorKind::unprocessable, "unknown_signer");
    // Garbage instead of a PEM certificate.
    directory.pem_by_serial[world.user->cert.serial_hex()] = "not a certificate";
    require_error(world.verifier.verify(der, std::nullopt, directory.options(world)),
                  ErrorKind::unprocessable, "unknown_signer");
    // A signer named by key identifier cannot be looked up by serial.
    Directory knows_acme;
    knows_acme.add(world.user->cert);
    require_error(world.verifier.verify(world.openssl_sign("-nodetach -nocerts -keyid"),
                                        std::nullopt, knows_acme.options(world)),
                  ErrorKind::unprocessable, "unknown_signer");
    BOOST_TEST(knows_acme.asked == 0);
    BOOST_TEST(world.verifier.cache_stats().certificate_entries == 0u);
}

BOOST_AUTO_TEST_CASE(a_certificate_of_another_ca_found_by_the_lookup_is_untrusted) {
    World world;
    auto other_ca_key = PrivateKey::generate_ec_p256();
    auto other_ca = make_root_ca(*other_ca_key, "Procura test CA", around_now());
    const auto mallory = procura::testing::make_openssl_user(world.w, *other_ca, *other_ca_key,
                                                             "acme-foreign", 42, around_now());
    Directory directory;
    directory.add(mallory.cert);
    const std::string der = openssl_sign_as(world, mallory, "-nodetach -nocerts");
    for (int i = 0; i < 2; ++i) {
        require_error(world.verifier.verify(der, std::nullopt, directory.options(world)),
                      ErrorKind::unprocessable, "untrusted_certificate");
    }
    // Never kept: each verification asked for it again and verified its chain in full.
    BOOST_TEST(directory.asked == 2);
    const auto stats = world.verifier.cache_stats();
    BOOST_TEST(stats.certificate_entries == 0u);
    BOOST_TEST(stats.misses == 2u);
    BOOST_TEST(stats.entries == 0u);
}

BOOST_AUTO_TEST_CASE(revocation_and_the_other_checks_keep_their_codes) {
    World world;
    Directory directory;
    directory.add(world.user->cert);
    const std::string der = world.openssl_sign("-nodetach -nocerts");
    VerifyOptions o = directory.options(world);
    BOOST_REQUIRE(world.verifier.verify(der, std::nullopt, o).ok());
    bool revoked = true;
    int revocation_asked = 0;
    o.is_revoked = [&](const std::string& serial, std::int64_t) {
        ++revocation_asked;
        BOOST_TEST(serial == world.user->cert.serial_hex());
        return revoked;
    };
    // Revoked after the certificate was kept: asked on every call.
    for (int i = 0; i < 2; ++i) {
        require_error(world.verifier.verify(der, std::nullopt, o), ErrorKind::unprocessable,
                      "certificate_revoked");
    }
    BOOST_TEST(revocation_asked == 2);
    revoked = false;
    BOOST_TEST(world.verifier.verify(der, std::nullopt, o).ok());
    // Also when the first verification is the revoked one (nothing kept yet).
    SignatureVerifier fresh(*Certificate::from_pem(world.ca.to_pem()));
    revoked = true;
    require_error(fresh.verify(der, std::nullopt, o), ErrorKind::unprocessable,
                  "certificate_revoked");
    revoked = false;

    VerifyOptions other_user = o;
    other_user.expected_user = 43;
    require_error(world.verifier.verify(der, std::nullopt, other_user), ErrorKind::forbidden,
                  "wrong_signer");
    require_error(
        world.verifier.verify(world.openssl_sign("-nodetach -nocerts -md sha1"), std::nullopt, o),
        ErrorKind::unprocessable, "weak_digest");
    VerifyOptions late = o;
    late.at_ms = now_ms + 31 * core::ms_per_day;  // after not_after
    require_error(world.verifier.verify(der, std::nullopt, late), ErrorKind::unprocessable,
                  "certificate_not_valid_at_time");
    late.at_ms = now_ms - 2 * core::ms_per_day;  // before not_before
    require_error(world.verifier.verify(der, std::nullopt, late), ErrorKind::unprocessable,
                  "certificate_not_valid_at_time");
    BOOST_TEST(directory.asked == 2);  // world.verifier once, fresh once
}

BOOST_AUTO_TEST_CASE(tampered_content_is_refused) {
    World world;
    Directory directory;
    directory.add(world.user->cert);
    const VerifyOptions o = directory.options(world);
    std::string der = world.openssl_sign("-nodetach -nocerts");
    BOOST_REQUIRE(world.verifier.verify(der, std::nullopt, o).ok());
    const auto at = der.find(std::string("document"));
    BOOST_REQUIRE(at != std::string::npos);
    der[at] = 'D';  // the content changes, the DER stays valid
    require_error(world.verifier.verify(der, std::nullopt, o), ErrorKind::unprocessable,
                  "bad_signature");
    const std::string detached = world.openssl_sign("-nocerts");
    require_error(world.verifier.verify(detached, std::string_view("bid document!"), o),
                  ErrorKind::unprocessable, "bad_signature");
    require_error(world.verifier.verify(detached, std::nullopt, o), ErrorKind::unprocessable,
                  "missing_content");
    BOOST_TEST(world.verifier.verify(detached, std::string_view(content), o).ok());
}

BOOST_AUTO_TEST_CASE(our_signatures_can_leave_the_certificate_out) {
    World world;
    Directory directory;
    directory.add(world.user->cert);
    auto der = sign(content, world.user->cert, world.user->key, Attachment::attached,
                    SignerCertificate::left_out);
    BOOST_REQUIRE(der.ok());
    world.w.write("ours-nocerts.der", *der);
    // openssl verifies it when given the signer's certificate, and not without it.
    const Run with_cert =
        run("openssl cms -verify -binary -inform DER -in " + world.w.path("ours-nocerts.der") +
            " -certfile " + world.user->cert_path + " -CAfile " + world.w.path("ca.pem") +
            " -out " + world.w.path("out.bin"));
    BOOST_TEST(with_cert.status == 0, with_cert.output);
    BOOST_TEST(world.w.read("out.bin") == content);
    const Run without =
        run("openssl cms -verify -binary -inform DER -in " + world.w.path("ours-nocerts.der") +
            " -CAfile " + world.w.path("ca.pem") + " -out /dev/null");
    BOOST_TEST(without.status != 0, without.output);
    auto verified = world.verifier.verify(*der, std::nullopt, directory.options(world));
    BOOST_REQUIRE(verified.ok());
    BOOST_TEST(verified->content == content);
    // The default still carries it.
    auto carried = sign(content, world.user->cert, world.user->key, Attachment::detached);
    BOOST_REQUIRE(carried.ok());
    BOOST_TEST(carried->size() > der->size());
    BOOST_TEST(world.verifier.verify(*carried, std::string_view(content), world.options()).ok());
}

BOOST_AUTO_TEST_CASE(the_certificate_cache_is_bounded_and_can_be_disabled) {
    World world;
    const auto bob = procura::testing::make_openssl_user(world.w, world.ca, world.ca_key, "bob", 43,
                                                         around_now());
    Directory directory;
    directory.add(world.user->cert);
    directory.add(bob.cert);
    const std::string by_acme = world.openssl_sign("-nodetach -nocerts");
    const std::string by_bob = openssl_sign_as(world, bob, "-nodetach -nocerts");
    SignatureVerifier one_entry(*Certificate::from_pem(world.ca.to_pem()),
                                SignatureVerifier::chain_cache_entries_default, 1);
    SignatureVerifier uncached(*Certificate::from_pem(world.ca.to_pem()), 0, 0);
    VerifyOptions as_bob = directory.options(world);
    as_bob.expected_user = 43;
    for (int i = 0; i < 3; ++i) {
        for (SignatureVerifier* verifier : {&one_entry, &uncached}) {
            auto acme = verifier->verify(by_acme, std::nullopt, directory.options(world));
            BOOST_REQUIRE(acme.ok());
            BOOST_TEST((acme->signer_user == std::optional<core::UserId>(42)));
            auto bobs = verifier->verify(by_bob, std::nullopt, as_bob);
            BOOST_REQUIRE(bobs.ok());
            BOOST_TEST((bobs->signer_user == std::optional<core::UserId>(43)));
        }
        BOOST_TEST(one_entry.cache_stats().certificate_entries == 1u);
    }
    BOOST_TEST(uncached.cache_stats().certificate_entries == 0u);
    BOOST_TEST(uncached.cache_stats().certificate_hits == 0u);
    BOOST_TEST(uncached.cache_stats().certificate_misses == 6u);
    BOOST_TEST(one_entry.cache_stats().certificate_misses == 6u);  // they evict each other
    BOOST_TEST(directory.asked == 12);
}

BOOST_AUTO_TEST_CASE(many_threads_share_the_kept_certificates) {
    World world;
    const auto bob = procura::testing::make_openssl_user(world.w, world.ca, world.ca_key, "bob", 43,
                                                         around_now());
    Directory directory;
    directory.add(world.user->cert);
    directory.add(bob.cert);
    const std::string by_acme = world.openssl_sign("-nodetach -nocerts");
    const std::string detached = world.openssl_sign("-nocerts");
    const std::string by_bob = openssl_sign_as(world, bob, "-nodetach -nocerts");
    const VerifyOptions o = directory.options(world);
    VerifyOptions as_bob = o;
    as_bob.expected_user = 43;
    constexpr int threads_count = 4;
    constexpr int rounds = 40;
    std::vector<int> failures(threads_count, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < threads_count; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < rounds; ++i) {
                const auto a = world.verifier.verify(by_acme, std::nullopt, o);
                const auto b = world.verifier.verify(detached, std::string_view(content), o);
                const auto c = world.verifier.verify(by_bob, std::nullopt, as_bob);
                const auto d = world.verifier.verify(by_bob, std::nullopt, o);  // wrong signer
                if (!a.ok() || a->content != content || !b.ok() || !c.ok() ||
                    c->signer_user != std::optional<core::UserId>(43) || d.ok() ||
                    d.error().code != "wrong_signer") {
                    ++failures[static_cast<std::size_t>(t)];
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (int f : failures) BOOST_TEST(f == 0);
    const auto stats = world.verifier.cache_stats();
    BOOST_TEST(stats.certificate_entries == 2u);
    BOOST_TEST(stats.certificate_hits + stats.certificate_misses == 4u * threads_count * rounds);
    BOOST_TEST(directory.asked == static_cast<int>(stats.certificate_misses));
    BOOST_TEST(stats.certificate_misses <= 2u * threads_count);  // only until each was kept
}

BOOST_AUTO_TEST_SUITE_END()
