#include <atomic>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "db/audit_sql.hpp"
#include "pki/mysql_store.hpp"
#include "tests/pki/store_contract.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace procura::pki;
using namespace procura::pki::contract;
using procura::core::ErrorKind;
namespace testing = procura::testing;

// A fresh migrated database with users 1 (alice) and 2 (bob), and a store over it.
struct MySQLSubject {
    std::unique_ptr<procura::db::ConnectionPool> pool;
    std::unique_ptr<MySQLCertificateStore> store;
};

StoreUnderTest mysql_subject() {
    auto owned = std::make_shared<MySQLSubject>();
    owned->pool = testing::open_fresh_migrated_pool("pki", 8);
    testing::execute_sql(*owned->pool,
                         "INSERT INTO users (id, username, role, password_hash, created_at_ms) "
                         "VALUES (1, 'alice', 'supplier', 'x', 0), (2, 'bob', 'supplier', 'x', 0)");
    owned->store = std::make_unique<MySQLCertificateStore>(*owned->pool);
    return {owned, owned->store.get(), 1, 2};
}

procura::db::ConnectionPool& pool_of(const StoreUnderTest& s) {
    return *std::static_pointer_cast<MySQLSubject>(s.owner)->pool;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_certificate_store)

PROCURA_CERTIFICATE_STORE_CONTRACT_TESTS(mysql_subject())

BOOST_AUTO_TEST_CASE(changes_and_their_audit_events_commit_together) {
    const StoreUnderTest s = mysql_subject();
    auto id = s.store->insert(sample(s.alice, "0F01", "f1"), event("certificate.issued"));
    BOOST_REQUIRE(id.ok());
    procura::core::AuditEvent revoked = event("certificate.revoked");
    revoked.entity_id = *id;
    BOOST_REQUIRE(
        s.store->revoke("0F01", {t0 + 1, RevocationReason::superseded, s.alice}, revoked).ok());
    // Refused changes leave no event behind.
    BOOST_TEST(!s.store->insert(sample(s.bob, "0F02", "f1"), event("certificate.issued")).ok());
    BOOST_TEST(!s.store
                    ->revoke("0F01", {t0 + 2, RevocationReason::unspecified, s.alice},
                             event("certificate.revoked"))
                    .ok());
    auto trail = procura::db::read_audit_trail(pool_of(s), "certificate", *id);
    BOOST_REQUIRE(trail.ok());
    BOOST_REQUIRE(trail->size() == 2u);
    BOOST_TEST((*trail)[0].event.action == "certificate.issued");
    BOOST_TEST((*trail)[1].event.action == "certificate.revoked");
    BOOST_TEST(testing::query_int64(pool_of(s), "SELECT COUNT(*) FROM audit_events") == 2);
    BOOST_TEST(testing::query_int64(pool_of(s), "SELECT COUNT(*) FROM user_certificates") == 1);
}

BOOST_AUTO_TEST_CASE(an_unknown_user_gets_no_certificate) {
    const StoreUnderTest s = mysql_subject();
    auto r = s.store->insert(sample(99, "1001", "99"), event("certificate.issued"));
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST((r.error().kind == ErrorKind::not_found));
}

// Six requests for one user at the same moment, each with its own key: exactly one wins, the
// others are told the user already holds a certificate.
BOOST_AUTO_TEST_CASE(racing_registrations_leave_one_active_certificate) {
    const StoreUnderTest s = mysql_subject();
    constexpr int writers = 6;
    std::atomic<int> ready{0};
    std::atomic<int> won{0};
    std::atomic<int> refused_active{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < writers; ++i) {
        threads.emplace_back([&, i] {
            ready.fetch_add(1);
            while (ready.load() < writers) std::this_thread::yield();
            const std::string n = std::to_string(i);
            auto r = s.store->insert(sample(s.alice, "20" + n, "2" + n), event("i"));
            if (r.ok()) {
                won.fetch_add(1);
            } else if (r.error().code == "certificate_active") {
                refused_active.fetch_add(1);
            }
        });
    }
    for (std::thread& t : threads) t.join();
    BOOST_TEST(won.load() == 1);
    BOOST_TEST(refused_active.load() == writers - 1);
    BOOST_TEST(testing::query_int64(
                   pool_of(s), "SELECT COUNT(*) FROM user_certificates WHERE user_id = 1") == 1);
}

BOOST_AUTO_TEST_CASE(find_many_matches_any_case_and_refuses_what_is_not_hex) {
    const StoreUnderTest s = mysql_subject();
    BOOST_REQUIRE(s.store->insert(sample(s.alice, "0ABC01", "m1"), event("i")).ok());
    auto found = s.store->find_many({"0abc01"});  // stored upper-case, as BN_bn2hex writes it
    BOOST_REQUIRE(found.ok());
    BOOST_REQUIRE_EQUAL(found->size(), 1U);
    BOOST_TEST(found->front().serial_hex == "0ABC01");
    // Serials are written into the statement's text: a quote never gets there.
    auto bad = s.store->find_many({"0ABC01", "0A' OR '1'='1"});
    BOOST_REQUIRE(!bad.ok());
    BOOST_TEST(bad.error().code == "bad_serial");
}

BOOST_AUTO_TEST_SUITE_END()
