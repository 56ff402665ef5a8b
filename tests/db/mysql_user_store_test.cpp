#include <atomic>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "auth/mysql_store.hpp"
#include "db/audit_sql.hpp"
#include "tests/auth/store_contract.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace procura::auth;
using namespace procura::auth::contract;
using procura::core::ErrorKind;
using procura::core::Role;
namespace testing = procura::testing;

// A MySQLUserStore over its own fresh, migrated database; owns the pool the store uses.
class OwnedMySQLUserStore final : public UserStore {
public:
    OwnedMySQLUserStore() : pool_(testing::open_fresh_migrated_pool("auth")), store_(*pool_) {}

    procura::core::Result<procura::core::UserId> insert_user(
        const User& u, const procura::core::AuditEvent& audit) override {
        return store_.insert_user(u, audit);
    }
    procura::core::Result<procura::core::UserId> insert_user_with_reset(
        const User& u, const procura::core::AuditEvent& audit, const PasswordReset& reset,
        const procura::core::AuditEvent& reset_audit) override {
        return store_.insert_user_with_reset(u, audit, reset, reset_audit);
    }
    procura::core::Result<std::optional<User>> find_user_by_name(
        const std::string& username) override {
        return store_.find_user_by_name(username);
    }
    procura::core::Result<std::optional<User>> find_user(procura::core::UserId id) override {
        return store_.find_user(id);
    }
    procura::core::Result<std::vector<User>> list_users() override { return store_.list_users(); }
    procura::core::Result<std::vector<User>> list_users_after(procura::core::UserId after_id,
                                                              std::size_t limit) override {
        return store_.list_users_after(after_id, limit);
    }
    procura::core::Result<User> set_role(procura::core::UserId id, Role role,
                                         std::optional<std::int64_t> expected_version,
                                         const procura::core::AuditEvent& audit) override {
        return store_.set_role(id, role, expected_version, audit);
    }
    procura::core::Result<User> set_active(procura::core::UserId id, bool active,
                                           const procura::core::AuditEvent& audit) override {
        return store_.set_active(id, active, audit);
    }
    procura::core::Status insert_password_reset(const PasswordReset& reset,
                                                const procura::core::AuditEvent& audit) override {
        return store_.insert_password_reset(reset, audit);
    }
    procura::core::Result<procura::core::UserId> use_password_reset(
        const std::string& code_hash_hex, std::int64_t now_ms, const std::string& password_hash,
        const procura::core::AuditEvent& audit) override {
        return store_.use_password_reset(code_hash_hex, now_ms, password_hash, audit);
    }
    procura::core::Status insert_session(const Session& s) override {
        return store_.insert_session(s);
    }
    procura::core::Result<std::optional<std::pair<Session, User>>> find_session(
        const std::string& token_hash_hex) override {
        return store_.find_session(token_hash_hex);
    }
    procura::core::Result<std::vector<std::pair<Session, User>>> find_sessions(
        const std::vector<std::string>& token_hashes_hex) override {
        return store_.find_sessions(token_hashes_hex);
    }
    procura::core::Status delete_session(const std::string& token_hash_hex) override {
        return store_.delete_session(token_hash_hex);
    }
    procura::core::Result<std::int64_t> delete_expired_sessions(std::int64_t now_ms) override {
        return store_.delete_expired_sessions(now_ms);
    }

    procura::db::ConnectionPool& pool() { return *pool_; }

private:
    std::unique_ptr<procura::db::ConnectionPool> pool_;
    MySQLUserStore store_;
};

std::unique_ptr<UserStore> make_mysql_user_store() {
    return std::make_unique<OwnedMySQLUserStore>();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_user_store_contract)
PROCURA_USER_STORE_CONTRACT_TESTS(make_mysql_user_store())
BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(mysql_user_store)

BOOST_AUTO_TEST_CASE(user_changes_append_audit_events_with_the_new_id) {
    OwnedMySQLUserStore store;
    auto id = store.insert_user(sample_user("dora"), user_event("user.added"));
    BOOST_REQUIRE(id.ok());
    BOOST_REQUIRE(
        store.set_role(*id, Role::finance, std::nullopt, user_event("user.role_changed")).ok());
    auto trail = procura::db::read_audit_trail(store.pool(), "user", *id);
    BOOST_REQUIRE(trail.ok());
    BOOST_REQUIRE_EQUAL(trail->size(), 2u);  // the store names the user and its version
    BOOST_TEST((*trail)[0].event.action == "user.added");
    BOOST_TEST((*trail)[0].event.entity_id == *id);
    BOOST_TEST((*trail)[0].event.entity_version == 1);
    BOOST_TEST((*trail)[1].event.entity_version == 2);
    BOOST_TEST(testing::query_int64(store.pool(), "SELECT COUNT(*) FROM audit_events") == 2);
}

BOOST_AUTO_TEST_CASE(refused_duplicate_leaves_no_audit_event) {
    OwnedMySQLUserStore store;
    BOOST_REQUIRE(store.insert_user(sample_user("eve"), user_event("user.added")).ok());
    BOOST_REQUIRE(!store.insert_user(sample_user("eve"), user_event("user.added")).ok());
    BOOST_TEST(testing::query_int64(store.pool(), "SELECT COUNT(*) FROM audit_events") == 1);
    BOOST_TEST(testing::query_int64(store.pool(), "SELECT seq FROM audit_head") == 1);
}

BOOST_AUTO_TEST_CASE(failed_set_role_leaves_no_audit_event) {
    OwnedMySQLUserStore store;
    auto missing = store.set_role(4242, Role::admin, std::nullopt, user_event("user.role_changed"));
    BOOST_REQUIRE(!missing.ok());
    BOOST_TEST((missing.error().kind == ErrorKind::not_found));
    BOOST_TEST(testing::query_int64(store.pool(), "SELECT COUNT(*) FROM audit_events") == 0);
}

BOOST_AUTO_TEST_CASE(setting_the_same_role_again_is_not_a_missing_user) {
    OwnedMySQLUserStore store;
    auto id = store.insert_user(sample_user("fay", Role::auditor), user_event("user.added"));
    BOOST_REQUIRE(id.ok());
    BOOST_TEST(
        store.set_role(*id, Role::auditor, std::nullopt, user_event("user.role_changed")).ok());
}

BOOST_AUTO_TEST_CASE(session_for_an_unknown_user_is_not_found) {
    OwnedMySQLUserStore store;
    auto s = store.insert_session(Session{std::string(64, 'c'), 999, 1, 2});
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST((s.error().kind == ErrorKind::not_found));
}

BOOST_AUTO_TEST_CASE(usernames_compare_exactly) {
    OwnedMySQLUserStore store;
    BOOST_REQUIRE(store.insert_user(sample_user("gus"), user_event("user.added")).ok());
    auto upper = store.find_user_by_name("GUS");
    BOOST_REQUIRE(upper.ok());
    BOOST_TEST(!upper->has_value());
    BOOST_REQUIRE(store.insert_user(sample_user("GUS"), user_event("user.added")).ok());
}

BOOST_AUTO_TEST_CASE(concurrent_inserts_of_one_username_admit_exactly_one) {
    OwnedMySQLUserStore store;
    std::atomic<int> admitted{0};
    std::atomic<int> taken{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&] {
            auto r = store.insert_user(sample_user("hal"), user_event("user.added"));
            if (r.ok()) {
                ++admitted;
            } else if (r.error().code == "username_taken") {
                ++taken;
            }
        });
    }
    for (auto& t : threads) t.join();
    BOOST_TEST(admitted.load() == 1);
    BOOST_TEST(taken.load() == 5);
    BOOST_TEST(testing::query_int64(store.pool(), "SELECT COUNT(*) FROM audit_events") == 1);
}

BOOST_AUTO_TEST_CASE(deleting_a_user_removes_their_sessions) {
    OwnedMySQLUserStore store;
    auto id = store.insert_user(sample_user("ivy"), user_event("user.added"));
    BOOST_REQUIRE(id.ok());
    BOOST_REQUIRE(store.insert_session(Session{std::string(64, 'd'), *id, 1, 2}).ok());
    testing::execute_sql(store.pool(), "DELETE FROM users WHERE id = " + std::to_string(*id));
    auto found = store.find_session(std::string(64, 'd'));
    BOOST_REQUIRE(found.ok());
    BOOST_TEST(!found->has_value());
}

BOOST_AUTO_TEST_CASE(sessions_are_found_by_their_hashes_in_one_read) {
    OwnedMySQLUserStore store;
    auto ivy = store.insert_user(sample_user("ivy"), user_event("user.added"));
    auto jo = store.insert_user(sample_user("jo"), user_event("user.added"));
    BOOST_REQUIRE(ivy.ok() && jo.ok());
    BOOST_REQUIRE(store.insert_session(Session{std::string(64, 'a'), *ivy, 1, 2}).ok());
    BOOST_REQUIRE(store.insert_session(Session{std::string(64, 'b'), *jo, 3, 4}).ok());
    auto found = store.find_sessions({std::string(64, 'a'), std::string(64, 'b'),
                                      std::string(64, 'e')});  // 'e...': no such session
    BOOST_REQUIRE(found.ok());
    BOOST_REQUIRE_EQUAL(found->size(), 2U);
    for (const auto& [session, user] : *found) {
        BOOST_TEST(session.user_id == user.id);
        BOOST_TEST((session.token_hash_hex == std::string(64, 'a') ? user.username == "ivy"
                                                                   : user.username == "jo"));
    }
    // Hashes are written into the statement's text: anything but hex is refused.
    auto bad = store.find_sessions({std::string(63, 'a') + "'"});
    BOOST_REQUIRE(!bad.ok());
    BOOST_TEST(bad.error().code == "bad_token_hash");
}

BOOST_AUTO_TEST_CASE(refused_user_changes_leave_no_row_and_no_audit_event) {
    OwnedMySQLUserStore store;
    auto ada = store.insert_user(sample_user("ada", Role::admin), user_event("user.created"));
    auto bo = store.insert_user(sample_user("bo"), user_event("user.created"));
    BOOST_REQUIRE(ada.ok() && bo.ok());
    BOOST_REQUIRE(store
                      .insert_password_reset(sample_reset(*bo, 'c', 1'900'000'000'000),
                                             user_event("user.password_reset_issued"))
                      .ok());
    const auto events = testing::query_int64(store.pool(), "SELECT COUNT(*) FROM audit_events");
    BOOST_TEST(!store.set_active(*ada, false, user_event("user.deactivated")).ok());
    BOOST_TEST(!store.set_role(*bo, Role::auditor, 7, user_event("user.role_changed")).ok());
    BOOST_TEST(!store
                    .use_password_reset(std::string(64, 'c'), 1'900'000'000'000, "$argon2id$x",
                                        user_event("user.password_reset"))
                    .ok());
    BOOST_TEST(!store
                    .insert_user_with_reset(sample_user("bo"), user_event("user.created"),
                                            sample_reset(0, 'd', 1'900'000'000'000),
                                            user_event("user.password_reset_issued"))
                    .ok());
    BOOST_TEST(testing::query_int64(store.pool(), "SELECT COUNT(*) FROM audit_events") == events);
    BOOST_TEST(testing::query_int64(store.pool(), "SELECT COUNT(*) FROM password_resets") == 1);
    BOOST_TEST(testing::query_int64(store.pool(), "SELECT SUM(version) FROM users") == 2);
}

BOOST_AUTO_TEST_CASE(two_admins_deactivating_each_other_at_once_leave_one_active) {
    for (int round = 0; round < 5; ++round) {
        OwnedMySQLUserStore store;
        auto ada = store.insert_user(sample_user("ada", Role::admin), user_event("user.created"));
        auto bea = store.insert_user(sample_user("bea", Role::admin), user_event("user.created"));
        BOOST_REQUIRE(ada.ok() && bea.ok());
        std::atomic<int> done{0};
        std::thread first([&] {
            if (store.set_active(*bea, false, user_event("user.deactivated")).ok()) ++done;
        });
        std::thread second([&] {
            if (store.set_active(*ada, false, user_event("user.deactivated")).ok()) ++done;
        });
        first.join();
        second.join();
        BOOST_TEST(done.load() == 1);
        BOOST_TEST(testing::query_int64(
                       store.pool(),
                       "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = TRUE") == 1);
    }
}

BOOST_AUTO_TEST_SUITE_END()
