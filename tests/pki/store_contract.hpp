// The CertificateStore contract (pki/store.hpp) as Boost.Test cases, run against every
// implementation: PROCURA_CERTIFICATE_STORE_CONTRACT_TESTS(make_subject) expands to test cases
// in the current suite; make_subject yields a StoreUnderTest over a fresh, empty store in which
// users `alice` and `bob` exist.
#pragma once

#include <boost/test/unit_test.hpp>
#include <map>
#include <memory>
#include <string>

#include "pki/store.hpp"

namespace procura::pki::contract {

struct StoreUnderTest {
    std::shared_ptr<void> owner;  // keeps whatever the store needs alive (a pool, say)
    CertificateStore* store = nullptr;
    core::UserId alice = 0;
    core::UserId bob = 0;
};

inline constexpr std::int64_t t0 = 1'800'000'000'000;

inline UserCertificate sample(core::UserId user, const std::string& serial,
                              const std::string& key) {
    UserCertificate c;
    c.serial_hex = serial;
    c.user_id = user;
    c.subject = "UID=" + std::to_string(user) + ",CN=user,O=Procura";
    c.key_sha256 = std::string(64 - key.size(), '0') + key;
    c.pem = "-----BEGIN CERTIFICATE-----\nMIIB" + serial + "\n-----END CERTIFICATE-----\n";
    c.not_before_ms = t0;
    c.not_after_ms = t0 + 1'000'000;
    c.issued_at_ms = t0;
    return c;
}

inline core::AuditEvent event(std::string action) {
    return core::AuditEvent{t0, 0, std::move(action), "certificate", 0, 1, "{}"};
}

template <class T>
void require_store_error(const core::Result<T>& r, core::ErrorKind kind, const std::string& code) {
    BOOST_REQUIRE_MESSAGE(!r.ok(), "expected " + code);
    BOOST_TEST((r.error().kind == kind));
    BOOST_TEST(r.error().code == code);
}

inline void inserted_certificate_reads_back(const StoreUnderTest& s) {
    auto first = s.store->insert(sample(s.alice, "0A01", "a1"), event("certificate.issued"));
    BOOST_REQUIRE(first.ok());
    auto found = s.store->find("0A01");
    BOOST_REQUIRE(found.ok() && found->has_value());
    const UserCertificate& c = **found;
    const UserCertificate expected = sample(s.alice, "0A01", "a1");
    BOOST_TEST(c.id == *first);
    BOOST_TEST(c.user_id == s.alice);
    BOOST_TEST(c.subject == expected.subject);
    BOOST_TEST(c.key_sha256 == expected.key_sha256);
    BOOST_TEST(c.pem == expected.pem);
    BOOST_TEST(c.not_before_ms == expected.not_before_ms);
    BOOST_TEST(c.not_after_ms == expected.not_after_ms);
    BOOST_TEST(c.issued_at_ms == expected.issued_at_ms);
    BOOST_TEST(!c.revocation.has_value());
    auto missing = s.store->find("0A02");
    BOOST_REQUIRE(missing.ok());
    BOOST_TEST(!missing->has_value());
}

inline void one_active_certificate_per_user(const StoreUnderTest& s) {
    BOOST_REQUIRE(s.store->insert(sample(s.alice, "0B01", "b1"), event("i")).ok());
    require_store_error(s.store->insert(sample(s.alice, "0B02", "b2"), event("i")),
                        core::ErrorKind::conflict, "certificate_active");
    // Another user is not affected.
    BOOST_REQUIRE(s.store->insert(sample(s.bob, "0B03", "b3"), event("i")).ok());
    // After revocation the user may register again.
    BOOST_REQUIRE(
        s.store->revoke("0B01", {t0 + 10, RevocationReason::superseded, s.alice}, event("r")).ok());
    BOOST_REQUIRE(s.store->insert(sample(s.alice, "0B02", "b2"), event("i")).ok());
    auto listed = s.store->list_for_user(s.alice);
    BOOST_REQUIRE(listed.ok());
    BOOST_REQUIRE(listed->size() == 2u);
    BOOST_TEST((*listed)[0].serial_hex == "0B02");  // newest first
    BOOST_TEST((*listed)[1].serial_hex == "0B01");
}

inline void a_key_is_registered_once(const StoreUnderTest& s) {
    BOOST_REQUIRE(s.store->insert(sample(s.alice, "0C01", "c1"), event("i")).ok());
    require_store_error(s.store->insert(sample(s.bob, "0C02", "c1"), event("i")),
                        core::ErrorKind::conflict, "key_already_registered");
    BOOST_REQUIRE(
        s.store->revoke("0C01", {t0 + 1, RevocationReason::key_compromise, s.alice}, event("r"))
            .ok());
    require_store_error(s.store->insert(sample(s.alice, "0C03", "c1"), event("i")),
                        core::ErrorKind::conflict, "key_already_registered");
    auto bobs = s.store->list_for_user(s.bob);
    BOOST_REQUIRE(bobs.ok());
    BOOST_TEST(bobs->empty());
}

inline void revocation_is_one_way_and_reads_back(const StoreUnderTest& s) {
    BOOST_REQUIRE(s.store->insert(sample(s.alice, "0D01", "d1"), event("i")).ok());
    const Revocation revocation{t0 + 500, RevocationReason::key_compromise, s.bob};
    BOOST_REQUIRE(s.store->revoke("0D01", revocation, event("r")).ok());
    auto found = s.store->find("0D01");
    BOOST_REQUIRE(found.ok() && found->has_value() && (*found)->revocation.has_value());
    BOOST_TEST((*found)->revocation->at_ms == t0 + 500);
    BOOST_TEST(((*found)->revocation->reason == RevocationReason::key_compromise));
    BOOST_TEST((*found)->revocation->by == s.bob);
    require_store_error(
        s.store->revoke("0D01", {t0 + 900, RevocationReason::unspecified, s.alice}, event("r")),
        core::ErrorKind::conflict, "already_revoked");
    auto again = s.store->find("0D01");
    BOOST_REQUIRE(again.ok() && again->has_value());
    BOOST_TEST((*again)->revocation->at_ms == t0 + 500);  // the first revocation stands
    require_store_error(
        s.store->revoke("0DFF", {t0, RevocationReason::unspecified, s.alice}, event("r")),
        core::ErrorKind::not_found, "certificate_not_found");
}

inline void revoked_list_holds_unexpired_revocations_in_order(const StoreUnderTest& s) {
    UserCertificate short_lived = sample(s.alice, "0E01", "e1");
    short_lived.not_after_ms = t0 + 100;
    BOOST_REQUIRE(s.store->insert(short_lived, event("i")).ok());
    BOOST_REQUIRE(
        s.store->revoke("0E01", {t0 + 50, RevocationReason::unspecified, s.alice}, event("r"))
            .ok());
    BOOST_REQUIRE(s.store->insert(sample(s.alice, "0E02", "e2"), event("i")).ok());
    BOOST_REQUIRE(
        s.store->revoke("0E02", {t0 + 70, RevocationReason::superseded, s.alice}, event("r")).ok());
    BOOST_REQUIRE(s.store->insert(sample(s.bob, "0E03", "e3"), event("i")).ok());
    BOOST_REQUIRE(
        s.store->revoke("0E03", {t0 + 60, RevocationReason::key_compromise, s.bob}, event("r"))
            .ok());
    BOOST_REQUIRE(s.store->insert(sample(s.alice, "0E04", "e4"), event("i")).ok());  // active

    auto before_expiry = s.store->list_revoked(t0 + 99);
    BOOST_REQUIRE(before_expiry.ok());
    BOOST_REQUIRE(before_expiry->size() == 3u);
    BOOST_TEST((*before_expiry)[0].serial_hex == "0E01");
    BOOST_TEST((*before_expiry)[1].serial_hex == "0E03");
    BOOST_TEST((*before_expiry)[2].serial_hex == "0E02");
    auto after_expiry = s.store->list_revoked(t0 + 100);  // 0E01 expired: off the list
    BOOST_REQUIRE(after_expiry.ok());
    BOOST_REQUIRE(after_expiry->size() == 2u);
    BOOST_TEST((*after_expiry)[0].serial_hex == "0E03");
}

inline void several_certificates_are_found_in_one_read(const StoreUnderTest& s) {
    BOOST_REQUIRE(s.store->insert(sample(s.alice, "0C01", "c1"), event("i")).ok());
    BOOST_REQUIRE(
        s.store->revoke("0C01", {t0 + 5, RevocationReason::superseded, s.alice}, event("r")).ok());
    BOOST_REQUIRE(s.store->insert(sample(s.bob, "0C02", "c2"), event("i")).ok());
    auto found = s.store->find_many({"0C01", "0C02", "0CFF"});  // 0CFF: no such certificate
    BOOST_REQUIRE(found.ok());
    BOOST_REQUIRE_EQUAL(found->size(), 2U);
    std::map<std::string, const UserCertificate*> by_serial;
    for (const UserCertificate& c : *found) by_serial[c.serial_hex] = &c;
    BOOST_REQUIRE(by_serial.count("0C01") == 1 && by_serial.count("0C02") == 1);
    BOOST_REQUIRE(by_serial["0C01"]->revocation.has_value());
    BOOST_TEST(by_serial["0C01"]->revocation->at_ms == t0 + 5);
    BOOST_TEST(!by_serial["0C02"]->revocation.has_value());
    BOOST_TEST(by_serial["0C02"]->user_id == s.bob);
    auto none = s.store->find_many({});
    BOOST_REQUIRE(none.ok());
    BOOST_TEST(none->empty());
}

}  // namespace procura::pki::contract

#define PROCURA_CERTIFICATE_STORE_CONTRACT_CASE(name, make_subject)            \
    BOOST_AUTO_TEST_CASE(name) {                                               \
        const procura::pki::contract::StoreUnderTest subject = (make_subject); \
        procura::pki::contract::name(subject);                                 \
    }

#define PROCURA_CERTIFICATE_STORE_CONTRACT_TESTS(make_subject)                                  \
    PROCURA_CERTIFICATE_STORE_CONTRACT_CASE(inserted_certificate_reads_back, make_subject)      \
    PROCURA_CERTIFICATE_STORE_CONTRACT_CASE(one_active_certificate_per_user, make_subject)      \
    PROCURA_CERTIFICATE_STORE_CONTRACT_CASE(a_key_is_registered_once, make_subject)             \
    PROCURA_CERTIFICATE_STORE_CONTRACT_CASE(revocation_is_one_way_and_reads_back, make_subject) \
    PROCURA_CERTIFICATE_STORE_CONTRACT_CASE(revoked_list_holds_unexpired_revocations_in_order,  \
                                            make_subject)                                       \
    PROCURA_CERTIFICATE_STORE_CONTRACT_CASE(several_certificates_are_found_in_one_read,         \
                                            make_subject)
