#include "pki/service.hpp"

#include <boost/test/unit_test.hpp>
#include <optional>

#include "signing/signature.hpp"
#include "tests/pki/fake_store.hpp"
#include "tests/signing/openssl_cli.hpp"

namespace {

using namespace procura;
using core::ErrorKind;
using core::Role;
using testing::require_error;
using testing::run;
using testing::Run;
using testing::Workdir;

constexpr std::int64_t hour_ms = 3'600'000;

// A CA, a fake store and a clock set to the real time, so that the stock openssl command,
// which checks validity against its own clock, accepts what the service issues.
struct Fixture {
    Workdir w;
    core::ManualClock clock{core::SystemClock().now_ms()};
    signing::PrivateKey ca_key = *signing::PrivateKey::generate_ec_p256();
    signing::Certificate ca = *signing::make_root_ca(
        ca_key, "Procura Test CA", {clock.now_ms() - hour_ms, clock.now_ms() + 1000 * hour_ms});
    pki::FakeCertificateStore store;
    pki::CertificateService service{store, ca, ca_key, clock, pki::CertificatePolicy{}};
    core::Caller alice{1, Role::supplier, "alice"};
    core::Caller bob{2, Role::supplier, "bob"};
    core::Caller admin{3, Role::admin, "root"};
    core::Caller auditor{4, Role::auditor, "audrey"};

    Fixture() { w.write("ca.pem", ca.to_pem()); }

    // A fresh PKCS#10 request made by openssl; its key is kept as NAME.key.
    std::string csr(const std::string& name,
                    const std::string& key_options = "ec -pkeyopt ec_paramgen_curve:P-256") {
        const Run req =
            run("openssl req -new -newkey " + key_options + " -nodes -keyout " +
                w.path(name + ".key") + " -subj /CN=" + name + " -out " + w.path(name + ".csr"));
        BOOST_REQUIRE_MESSAGE(req.status == 0, req.output);
        return w.read(name + ".csr");
    }

    pki::UserCertificate registered(const core::Caller& caller, const std::string& name) {
        auto issued = service.register_csr(caller, csr(name));
        BOOST_REQUIRE_MESSAGE(issued.ok(), (issued.ok() ? std::string() : issued.error().message));
        return *issued;
    }
};

BOOST_FIXTURE_TEST_SUITE(certificate_service, Fixture)

BOOST_AUTO_TEST_CASE(issued_certificate_names_the_user_and_verifies_with_openssl) {
    const pki::UserCertificate c = registered(alice, "alice");
    BOOST_TEST(c.user_id == alice.user_id);
    BOOST_TEST(c.subject.find("UID=1") != std::string::npos);
    BOOST_TEST(c.subject.find("CN=alice") != std::string::npos);
    BOOST_TEST(c.issued_at_ms == clock.now_ms());
    BOOST_TEST(c.not_after_ms - c.not_before_ms == pki::CertificatePolicy{}.validity_ms);
    BOOST_TEST(c.key_sha256.size() == 64u);
    BOOST_TEST((pki::status_at(c, clock.now_ms()) == pki::CertificateStatus::active));

    w.write("alice.pem", c.pem);
    const Run verify =
        run("openssl verify -CAfile " + w.path("ca.pem") + " " + w.path("alice.pem"));
    BOOST_TEST(verify.status == 0, verify.output);
    // The certificate carries the key openssl made.
    const Run from_key = run("openssl pkey -in " + w.path("alice.key") + " -pubout");
    const Run from_cert = run("openssl x509 -in " + w.path("alice.pem") + " -noout -pubkey");
    BOOST_TEST(from_key.output == from_cert.output);

    auto events = store.audit_events();
    BOOST_REQUIRE(events.size() == 1u);
    BOOST_TEST(events[0].action == "certificate.issued");
    BOOST_TEST(events[0].actor_user_id == alice.user_id);
    BOOST_TEST(events[0].entity_id == c.id);
}

BOOST_AUTO_TEST_CASE(rsa_2048_is_accepted_and_weak_keys_are_not) {
    auto rsa = service.register_csr(alice, csr("rsa", "rsa:2048"));
    BOOST_REQUIRE(rsa.ok());
    require_error(service.register_csr(bob, csr("small", "rsa:1024")), ErrorKind::bad_request,
                  "weak_key");
    require_error(service.register_csr(bob, csr("p384", "ec -pkeyopt ec_paramgen_curve:P-384")),
                  ErrorKind::bad_request, "weak_key");
}

BOOST_AUTO_TEST_CASE(bad_requests_are_refused_and_store_nothing) {
    require_error(service.register_csr(alice, ""), ErrorKind::unprocessable, "csr_required");
    require_error(service.register_csr(alice, "not a certificate request"), ErrorKind::bad_request,
                  "bad_csr");
    std::string truncated = csr("t");
    truncated.resize(truncated.size() / 2);
    require_error(service.register_csr(alice, truncated), ErrorKind::bad_request, "bad_csr");
    require_error(service.register_csr(alice, std::string(20'000, 'A')),
                  ErrorKind::payload_too_large, "csr_too_large");
    // A request whose self-signature was altered: take the DER, flip a byte of the signature.
    const Run der =
        run("openssl req -in " + w.path("t.csr") + " -outform DER -out " + w.path("t.der"));
    BOOST_REQUIRE(der.status == 0);
    std::string bytes = w.read("t.der");
    bytes[bytes.size() - 5] = static_cast<char>(bytes[bytes.size() - 5] ^ 0x01);
    w.write("tampered.der", bytes);
    const Run pem = run("openssl req -inform DER -in " + w.path("tampered.der") + " -out " +
                        w.path("tampered.csr"));
    BOOST_REQUIRE_MESSAGE(pem.status == 0, pem.output);
    require_error(service.register_csr(alice, w.read("tampered.csr")), ErrorKind::bad_request,
                  "csr_signature_invalid");
    auto listed = service.list_for_user(alice, alice.user_id);
    BOOST_REQUIRE(listed.ok());
    BOOST_TEST(listed->empty());
    BOOST_TEST(store.audit_events().empty());
}

BOOST_AUTO_TEST_CASE(one_active_certificate_then_renewal_after_revocation) {
    const pki::UserCertificate first = registered(alice, "a1");
    require_error(service.register_csr(alice, csr("a2")), ErrorKind::conflict,
                  "certificate_active");
    clock.advance_ms(1000);
    auto revoked = service.revoke(alice, first.serial_hex, "superseded");
    BOOST_REQUIRE(revoked.ok());
    BOOST_TEST(revoked->revocation->at_ms == clock.now_ms());
    BOOST_TEST((revoked->revocation->reason == pki::RevocationReason::superseded));
    const pki::UserCertificate second = registered(alice, "a3");
    BOOST_TEST(second.serial_hex != first.serial_hex);
    // The revoked key cannot come back, for this user or another.
    require_error(service.register_csr(bob, w.read("a1.csr")), ErrorKind::conflict,
                  "key_already_registered");
}

BOOST_AUTO_TEST_CASE(who_may_revoke_and_with_which_reason) {
    const pki::UserCertificate c = registered(alice, "a");
    require_error(service.revoke(bob, c.serial_hex, "keyCompromise"), ErrorKind::forbidden,
                  "forbidden");
    require_error(service.revoke(auditor, c.serial_hex, "keyCompromise"), ErrorKind::forbidden,
                  "forbidden");
    require_error(service.revoke(alice, c.serial_hex, "key-compromise"), ErrorKind::unprocessable,
                  "bad_reason");
    require_error(service.revoke(alice, "ZZ", "keyCompromise"), ErrorKind::bad_request,
                  "bad_serial");
    require_error(service.revoke(alice, "ABCDEF", "keyCompromise"), ErrorKind::not_found,
                  "certificate_not_found");
    auto by_admin = service.revoke(admin, c.serial_hex, "affiliationChanged");
    BOOST_REQUIRE(by_admin.ok());
    BOOST_TEST(by_admin->revocation->by == admin.user_id);
    require_error(service.revoke(alice, c.serial_hex, "keyCompromise"), ErrorKind::conflict,
                  "already_revoked");
    auto events = store.audit_events();
    BOOST_REQUIRE(events.size() == 2u);
    BOOST_TEST(events[1].action == "certificate.revoked");
    BOOST_TEST(events[1].entity_version == 2);
    BOOST_TEST(events[1].payload_json.find("affiliationChanged") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(lookup_and_listing) {
    const pki::UserCertificate c = registered(alice, "a");
    std::string lower = c.serial_hex;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto found = service.get(lower);
    BOOST_REQUIRE(found.ok());
    BOOST_TEST(found->pem == c.pem);
    require_error(service.get(std::string(41, 'A')), ErrorKind::bad_request, "bad_serial");
    require_error(service.get("0123"), ErrorKind::not_found, "certificate_not_found");

    BOOST_TEST(service.list_for_user(alice, alice.user_id).ok());
    BOOST_TEST(service.list_for_user(auditor, alice.user_id).ok());
    BOOST_TEST(service.list_for_user(admin, alice.user_id).ok());
    require_error(service.list_for_user(bob, alice.user_id), ErrorKind::forbidden, "forbidden");
}

BOOST_AUTO_TEST_CASE(revocation_counts_from_its_moment_not_before) {
    const pki::UserCertificate c = registered(alice, "a");
    const std::int64_t before = clock.now_ms();
    clock.advance_ms(5000);
    BOOST_REQUIRE(service.revoke(alice, c.serial_hex, "keyCompromise").ok());
    const std::int64_t revoked_at = clock.now_ms();
    BOOST_TEST(!*service.revoked_at(c.serial_hex, before));
    BOOST_TEST(!*service.revoked_at(c.serial_hex, revoked_at - 1));
    BOOST_TEST(*service.revoked_at(c.serial_hex, revoked_at));
    BOOST_TEST(!*service.revoked_at("ABCDEF", revoked_at));  // unknown: the chain decides

    // A signature by the certificate's key verifies at a receipt time before the revocation
    // and is refused at one after it.
    const Run enc = run("openssl pkcs8 -topk8 -v2 aes-256-cbc -in " + w.path("a.key") +
                        " -passout pass:x -out " + w.path("a.enc"));
    BOOST_REQUIRE(enc.status == 0);
    auto key = signing::PrivateKey::from_encrypted_pem(w.read("a.enc"), "x");
    auto cert = signing::Certificate::from_pem(c.pem);
    BOOST_REQUIRE(key.ok() && cert.ok());
    auto signature = signing::sign("bid", *cert, *key, signing::Attachment::attached);
    BOOST_REQUIRE(signature.ok());
    signing::SignatureVerifier verifier(*signing::Certificate::from_pem(ca.to_pem()));
    signing::VerifyOptions options;
    options.expected_user = alice.user_id;
    options.is_revoked = [&](const std::string& serial, std::int64_t at) {
        auto revoked = service.revoked_at(serial, at);
        return !revoked.ok() || *revoked;  // fail closed if the store cannot answer
    };
    options.at_ms = before;
    BOOST_TEST(verifier.verify(*signature, std::nullopt, options).ok());
    options.at_ms = revoked_at;
    require_error(verifier.verify(*signature, std::nullopt, options), ErrorKind::unprocessable,
                  "certificate_revoked");
}

BOOST_AUTO_TEST_CASE(crl_lists_revocations_and_openssl_checks_against_it) {
    const pki::UserCertificate kept = registered(bob, "b");
    const pki::UserCertificate gone = registered(alice, "a");
    BOOST_REQUIRE(service.revoke(alice, gone.serial_hex, "keyCompromise").ok());
    auto crl = service.crl();
    BOOST_REQUIRE(crl.ok());
    BOOST_TEST(crl->next_update_ms - crl->this_update_ms ==
               pki::CertificatePolicy{}.crl_validity_ms);
    w.write("crl.pem", crl->pem);
    w.write("kept.pem", kept.pem);
    w.write("gone.pem", gone.pem);

    const Run signature = run("openssl crl -in " + w.path("crl.pem") + " -CAfile " +
                              w.path("ca.pem") + " -noout -text");
    BOOST_REQUIRE_MESSAGE(signature.status == 0, signature.output);
    BOOST_TEST(signature.output.find("verify OK") != std::string::npos, signature.output);
    BOOST_TEST(signature.output.find("Key Compromise") != std::string::npos, signature.output);

    const std::string check = "openssl verify -crl_check -CRLfile " + w.path("crl.pem") +
                              " -CAfile " + w.path("ca.pem") + " ";
    const Run ok = run(check + w.path("kept.pem"));
    BOOST_TEST(ok.status == 0, ok.output);
    const Run refused = run(check + w.path("gone.pem"));
    BOOST_TEST(refused.status != 0);
    BOOST_TEST(refused.output.find("certificate revoked") != std::string::npos, refused.output);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
