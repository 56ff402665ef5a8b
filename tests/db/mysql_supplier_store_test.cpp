#include <atomic>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "auth/mysql_store.hpp"
#include "db/audit_sql.hpp"
#include "suppliers/mysql_store.hpp"
#include "tests/suppliers/store_contract.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace procura::suppliers;
using namespace procura::suppliers::contract;
using procura::core::ErrorKind;
namespace testing = procura::testing;

// A fresh migrated database with officer 1 (olga) to review with, and the stores over it.
struct MySQLSubject {
    std::unique_ptr<procura::db::ConnectionPool> pool;
    std::unique_ptr<MySQLSupplierStore> store;
    std::unique_ptr<procura::auth::MySQLUserStore> users;
};

StoreUnderTest mysql_subject() {
    auto owned = std::make_shared<MySQLSubject>();
    owned->pool = testing::open_fresh_migrated_pool("suppliers", 8);
    testing::execute_sql(*owned->pool,
                         "INSERT INTO users (id, username, role, password_hash, created_at_ms) "
                         "VALUES (1, 'olga', 'officer', 'x', 0)");
    owned->store = std::make_unique<MySQLSupplierStore>(*owned->pool);
    owned->users = std::make_unique<procura::auth::MySQLUserStore>(*owned->pool);
    return {owned, owned->store.get(), owned->users.get(), 1};
}

procura::db::ConnectionPool& pool_of(const StoreUnderTest& s) {
    return *std::static_pointer_cast<MySQLSubject>(s.owner)->pool;
}

std::int64_t count(const StoreUnderTest& s, const std::string& sql) {
    return testing::query_int64(pool_of(s), sql);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_supplier_store)

PROCURA_SUPPLIER_STORE_CONTRACT_TESTS(mysql_subject())

BOOST_AUTO_TEST_CASE(changes_and_their_audit_events_commit_together) {
    const StoreUnderTest s = mysql_subject();
    auto ids = register_one(s, "mueller", "HRB 1");
    BOOST_REQUIRE(ids.ok());
    // The service names the entities of review events itself; the store stores them as given.
    procura::core::AuditEvent approved = event("supplier.approved");
    approved.entity_id = ids->supplier_id;
    procura::core::AuditEvent activated = event("user.activated", "user");
    activated.entity_id = ids->user_id;
    BOOST_REQUIRE(
        s.store->approve(ids->supplier_id, {s.reviewer, t0 + 1, {}}, approved, activated).ok());
    // Refused changes leave no event and no row behind.
    BOOST_TEST(!register_one(s, "other", "HRB 1").ok());
    BOOST_TEST(!register_one(s, "mueller", "HRB 2").ok());
    BOOST_TEST(
        !s.store->reject(ids->supplier_id, {s.reviewer, t0 + 2, "late"}, event("supplier.rejected"))
             .ok());
    auto trail = procura::db::read_audit_trail(pool_of(s), "supplier", ids->supplier_id);
    BOOST_REQUIRE(trail.ok());
    BOOST_REQUIRE(trail->size() == 2u);
    BOOST_TEST((*trail)[0].event.action == "supplier.registered");
    BOOST_TEST((*trail)[1].event.action == "supplier.approved");
    auto user_trail = procura::db::read_audit_trail(pool_of(s), "user", ids->user_id);
    BOOST_REQUIRE(user_trail.ok());
    BOOST_REQUIRE(user_trail->size() == 2u);
    BOOST_TEST((*user_trail)[0].event.action == "user.added");
    BOOST_TEST((*user_trail)[1].event.action == "user.activated");
    BOOST_TEST(count(s, "SELECT COUNT(*) FROM audit_events") == 4);
    BOOST_TEST(count(s, "SELECT COUNT(*) FROM suppliers") == 1);
    BOOST_TEST(count(s, "SELECT COUNT(*) FROM users") == 2);  // olga and mueller
}

// A supplier insert that fails after the user row was written (here: a value the column
// refuses in strict mode) rolls the user row back too.
BOOST_AUTO_TEST_CASE(a_failed_supplier_insert_leaves_no_user) {
    const StoreUnderTest s = mysql_subject();
    Supplier bad = sample("HRB 9");
    bad.address.country = "DEU";  // CHAR(2): strict mode refuses it
    auto r = s.store->register_supplier(login_user("ghost"), bad, event("user.added", "user"),
                                        event("supplier.registered"));
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(count(s, "SELECT COUNT(*) FROM users WHERE username = 'ghost'") == 0);
    BOOST_TEST(count(s, "SELECT COUNT(*) FROM suppliers") == 0);
    BOOST_TEST(count(s, "SELECT COUNT(*) FROM audit_events") == 0);
}

// Six registrations of one registration number at the same moment, each with its own
// username: exactly one wins, the others are told the number is taken, and no stray user is
// left behind.
BOOST_AUTO_TEST_CASE(racing_registrations_of_one_number_leave_one_supplier_and_one_user) {
    const StoreUnderTest s = mysql_subject();
    constexpr int writers = 6;
    std::atomic<int> ready{0};
    std::atomic<int> won{0};
    std::atomic<int> refused_taken{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < writers; ++i) {
        threads.emplace_back([&, i] {
            ready.fetch_add(1);
            while (ready.load() < writers) std::this_thread::yield();
            auto r = register_one(s, "racer" + std::to_string(i), "HRB RACE");
            if (r.ok()) {
                won.fetch_add(1);
            } else if (r.error().code == "registration_number_taken") {
                refused_taken.fetch_add(1);
            }
        });
    }
    for (std::thread& t : threads) t.join();
    BOOST_TEST(won.load() == 1);
    BOOST_TEST(refused_taken.load() == writers - 1);
    BOOST_TEST(count(s, "SELECT COUNT(*) FROM suppliers") == 1);
    BOOST_TEST(count(s, "SELECT COUNT(*) FROM users WHERE role = 'supplier'") == 1);
}

// Two reviewers at once: one approval or rejection wins, the other is told it is too late.
BOOST_AUTO_TEST_CASE(racing_reviews_decide_once) {
    const StoreUnderTest s = mysql_subject();
    auto ids = register_one(s, "contested", "HRB 10");
    BOOST_REQUIRE(ids.ok());
    std::atomic<int> ok{0};
    std::atomic<int> not_pending{0};
    std::thread approver([&] {
        auto r = s.store->approve(ids->supplier_id, {s.reviewer, t0, {}},
                                  event("supplier.approved"), event("user.activated", "user"));
        (r.ok() ? ok : not_pending).fetch_add(r.ok() || r.error().code == "supplier_not_pending");
    });
    std::thread rejecter([&] {
        auto r =
            s.store->reject(ids->supplier_id, {s.reviewer, t0, "no"}, event("supplier.rejected"));
        (r.ok() ? ok : not_pending).fetch_add(r.ok() || r.error().code == "supplier_not_pending");
    });
    approver.join();
    rejecter.join();
    BOOST_TEST(ok.load() == 1);
    BOOST_TEST(not_pending.load() == 1);
    BOOST_TEST(count(s, "SELECT COUNT(*) FROM audit_events WHERE entity_type = 'supplier'") == 2);
    const std::int64_t approved =
        count(s, "SELECT COUNT(*) FROM suppliers WHERE status = 'approved'");
    BOOST_TEST(count(s, "SELECT COUNT(*) FROM users WHERE active AND role = 'supplier'") ==
               approved);
}

BOOST_AUTO_TEST_SUITE_END()
