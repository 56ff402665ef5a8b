// The UserStore contract (auth/store.hpp) as Boost.Test cases, run against every
// implementation: PROCURA_USER_STORE_CONTRACT_TESTS(make_store) expands to test cases in the
// current suite; make_store yields std::unique_ptr<UserStore> over a fresh, empty store.
#pragma once

#include <boost/test/unit_test.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/store.hpp"

namespace procura::auth::contract {

inline User sample_user(std::string name, core::Role role = core::Role::officer) {
    User u;
    u.username = std::move(name);
    u.role = role;
    u.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
    u.active = true;
    u.created_at_ms = 1'800'000'000'000;
    return u;
}

inline core::AuditEvent user_event(std::string action) {
    return core::AuditEvent{1'800'000'000'000, 0, std::move(action), "user", 0, 1, "{}"};
}

// A reset code's stored form: the SHA-256 hex of some code, as the service makes it.
inline PasswordReset sample_reset(core::UserId user, char fill, std::int64_t expires_at_ms) {
    return PasswordReset{std::string(64, fill), user, 1'800'000'000'000, expires_at_ms, {}};
}

template <class T>
std::string error_code(const core::Result<T>& result) {
    return result.ok() ? std::string("ok") : result.error().code;
}

}  // namespace procura::auth::contract

#define PROCURA_USER_STORE_CONTRACT_TESTS(make_store)                                              \
    BOOST_AUTO_TEST_CASE(inserted_user_is_found_by_name_and_id) {                                  \
        using namespace procura::auth;                                                             \
        using namespace procura::auth::contract;                                                   \
        std::unique_ptr<UserStore> store = (make_store);                                           \
        auto id = store->insert_user(sample_user("alice.officer"), user_event("user.added"));      \
        BOOST_REQUIRE(id.ok());                                                                    \
        auto by_name = store->find_user_by_name("alice.officer");                                  \
        BOOST_REQUIRE(by_name.ok() && by_name->has_value());                                       \
        BOOST_TEST((*by_name)->id == *id);                                                         \
        BOOST_TEST(((*by_name)->role == procura::core::Role::officer));                            \
        BOOST_TEST((*by_name)->password_hash == sample_user("x").password_hash);                   \
        BOOST_TEST((*by_name)->active);                                                            \
        BOOST_TEST((*by_name)->created_at_ms == 1'800'000'000'000);                                \
        auto by_id = store->find_user(*id);                                                        \
        BOOST_REQUIRE(by_id.ok() && by_id->has_value());                                           \
        BOOST_TEST((*by_id)->username == "alice.officer");                                         \
        auto missing = store->find_user_by_name("nobody");                                         \
        BOOST_REQUIRE(missing.ok());                                                               \
        BOOST_TEST(!missing->has_value());                                                         \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(duplicate_username_is_a_conflict) {                                       \
        using namespace procura::auth;                                                             \
        using namespace procura::auth::contract;                                                   \
        std::unique_ptr<UserStore> store = (make_store);                                           \
        BOOST_REQUIRE(store->insert_user(sample_user("bob"), user_event("user.added")).ok());      \
        auto again = store->insert_user(sample_user("bob", procura::core::Role::supplier),         \
                                        user_event("user.added"));                                 \
        BOOST_REQUIRE(!again.ok());                                                                \
        BOOST_TEST((again.error().kind == procura::core::ErrorKind::conflict));                    \
        BOOST_TEST(again.error().code == "username_taken");                                        \
        auto users = store->list_users();                                                          \
        BOOST_REQUIRE(users.ok());                                                                 \
        BOOST_TEST(users->size() == 1u);                                                           \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(users_list_in_id_order_and_roles_change) {                                \
        using namespace procura::auth;                                                             \
        using namespace procura::auth::contract;                                                   \
        std::unique_ptr<UserStore> store = (make_store);                                           \
        auto a = store->insert_user(sample_user("a-user"), user_event("user.added"));              \
        auto b = store->insert_user(sample_user("b-user"), user_event("user.added"));              \
        BOOST_REQUIRE(a.ok() && b.ok());                                                           \
        BOOST_REQUIRE(store                                                                        \
                          ->set_role(*b, procura::core::Role::auditor, std::nullopt,               \
                                     user_event("user.role_changed"))                              \
                          .ok());                                                                  \
        auto users = store->list_users();                                                          \
        BOOST_REQUIRE(users.ok() && users->size() == 2u);                                          \
        BOOST_TEST((*users)[0].username == "a-user");                                              \
        BOOST_TEST((((*users)[1].role == procura::core::Role::auditor)));                          \
        auto missing = store->set_role(*b + 100, procura::core::Role::admin, std::nullopt,         \
                                       user_event("user.role_changed"));                           \
        BOOST_REQUIRE(!missing.ok());                                                              \
        BOOST_TEST((missing.error().kind == procura::core::ErrorKind::not_found));                 \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(sessions_are_found_deleted_and_expired) {                                 \
        using namespace procura::auth;                                                             \
        using namespace procura::auth::contract;                                                   \
        std::unique_ptr<UserStore> store = (make_store);                                           \
        auto id = store->insert_user(sample_user("carol"), user_event("user.added"));              \
        BOOST_REQUIRE(id.ok());                                                                    \
        const std::string h1(64, 'a');                                                             \
        const std::string h2(64, 'b');                                                             \
        BOOST_REQUIRE(store->insert_session(Session{h1, *id, 100, 1000}).ok());                    \
        BOOST_REQUIRE(store->insert_session(Session{h2, *id, 100, 5000}).ok());                    \
        auto found = store->find_session(h1);                                                      \
        BOOST_REQUIRE(found.ok() && found->has_value());                                           \
        BOOST_TEST((*found)->first.expires_at_ms == 1000);                                         \
        BOOST_TEST((*found)->second.username == "carol");                                          \
        auto removed = store->delete_expired_sessions(1000);                                       \
        BOOST_REQUIRE(removed.ok());                                                               \
        BOOST_TEST(*removed == 1);                                                                 \
        auto gone = store->find_session(h1);                                                       \
        BOOST_REQUIRE(gone.ok());                                                                  \
        BOOST_TEST(!gone->has_value());                                                            \
        BOOST_REQUIRE(store->delete_session(h2).ok());                                             \
        auto gone2 = store->find_session(h2);                                                      \
        BOOST_REQUIRE(gone2.ok());                                                                 \
        BOOST_TEST(!gone2->has_value());                                                           \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(users_are_deactivated_and_activated) {                                    \
        using namespace procura::auth;                                                             \
        using namespace procura::auth::contract;                                                   \
        std::unique_ptr<UserStore> store = (make_store);                                           \
        User inactive = sample_user("dora", procura::core::Role::supplier);                        \
        inactive.active = false;                                                                   \
        auto dora = store->insert_user(inactive, user_event("user.added"));                        \
        auto eve = store->insert_user(sample_user("eve"), user_event("user.added"));               \
        BOOST_REQUIRE(dora.ok() && eve.ok());                                                      \
        auto stored = store->find_user(*dora);                                                     \
        BOOST_REQUIRE(stored.ok() && stored->has_value());                                         \
        BOOST_TEST(!(*stored)->active);                                                            \
        BOOST_REQUIRE(store->set_active(*dora, true, user_event("user.activated")).ok());          \
        BOOST_REQUIRE(store->set_active(*dora, true, user_event("user.activated")).ok());          \
        BOOST_REQUIRE(store->set_active(*eve, false, user_event("user.deactivated")).ok());        \
        auto d = store->find_user(*dora);                                                          \
        auto e = store->find_user(*eve);                                                           \
        BOOST_REQUIRE(d.ok() && d->has_value() && e.ok() && e->has_value());                       \
        BOOST_TEST((*d)->active);                                                                  \
        BOOST_TEST(!(*e)->active);                                                                 \
        auto missing = store->set_active(*eve + 100, true, user_event("user.activated"));          \
        BOOST_REQUIRE(!missing.ok());                                                              \
        BOOST_TEST((missing.error().kind == procura::core::ErrorKind::not_found));                 \
        BOOST_TEST(missing.error().code == "user_not_found");                                      \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(users_page_after_an_id) {                                                 \
        using namespace procura::auth;                                                             \
        using namespace procura::auth::contract;                                                   \
        std::unique_ptr<UserStore> store = (make_store);                                           \
        std::vector<procura::core::UserId> ids;                                                    \
        for (const char* name : {"p-one", "p-two", "p-three"}) {                                   \
            auto id = store->insert_user(sample_user(name), user_event("user.created"));           \
            BOOST_REQUIRE(id.ok());                                                                \
            ids.push_back(*id);                                                                    \
        }                                                                                          \
        auto first = store->list_users_after(0, 2);                                                \
        BOOST_REQUIRE(first.ok());                                                                 \
        BOOST_REQUIRE_EQUAL(first->size(), 2u);                                                    \
        BOOST_TEST((*first)[0].id == ids[0]);                                                      \
        BOOST_TEST((*first)[0].version == 1);                                                      \
        auto rest = store->list_users_after((*first)[1].id, 2);                                    \
        BOOST_REQUIRE(rest.ok());                                                                  \
        BOOST_REQUIRE_EQUAL(rest->size(), 1u);                                                     \
        BOOST_TEST((*rest)[0].username == "p-three");                                              \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(a_role_change_checks_the_version_and_ends_the_sessions) {                 \
        using namespace procura::auth;                                                             \
        using namespace procura::auth::contract;                                                   \
        using procura::core::Role;                                                                 \
        std::unique_ptr<UserStore> store = (make_store);                                           \
        auto id = store->insert_user(sample_user("rita"), user_event("user.created"));             \
        BOOST_REQUIRE(id.ok());                                                                    \
        const std::string token(64, 'a');                                                          \
        BOOST_REQUIRE(store->insert_session(Session{token, *id, 1, 5'000'000'000'000}).ok());      \
        auto stale = store->set_role(*id, Role::auditor, 2, user_event("user.role_changed"));      \
        BOOST_TEST(error_code(stale) == "stale_version");                                          \
        auto unchanged = store->find_user(*id);                                                    \
        BOOST_REQUIRE(unchanged.ok() && unchanged->has_value());                                   \
        BOOST_TEST(((*unchanged)->role == Role::officer));                                         \
        BOOST_TEST((*unchanged)->version == 1);                                                    \
        BOOST_TEST(store->find_session(token)->has_value());                                       \
        auto changed = store->set_role(*id, Role::auditor, 1, user_event("user.role_changed"));    \
        BOOST_REQUIRE(changed.ok());                                                               \
        BOOST_TEST((changed->role == Role::auditor));                                              \
        BOOST_TEST(changed->version == 2);                                                         \
        BOOST_TEST(changed->password_hash == sample_user("x").password_hash);                      \
        BOOST_TEST(!store->find_session(token)->has_value());                                      \
        BOOST_TEST((*store->find_user(*id))->version == 2);                                        \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(the_last_active_admin_is_neither_deactivated_nor_demoted) {               \
        using namespace procura::auth;                                                             \
        using namespace procura::auth::contract;                                                   \
        using procura::core::Role;                                                                 \
        std::unique_ptr<UserStore> store = (make_store);                                           \
        auto ada =                                                                                 \
            store->insert_user(sample_user("ada", Role::admin), user_event("user.created"));       \
        BOOST_REQUIRE(ada.ok());                                                                   \
        BOOST_TEST(error_code(store->set_active(*ada, false, user_event("user.deactivated"))) ==   \
                   "last_active_admin");                                                           \
        BOOST_TEST(error_code(store->set_role(*ada, Role::officer, std::nullopt,                   \
                                              user_event("user.role_changed"))) ==                 \
                   "last_active_admin");                                                           \
        BOOST_TEST((*store->find_user(*ada))->active);                                             \
        BOOST_TEST((*store->find_user(*ada))->version == 1);                                       \
        auto bea =                                                                                 \
            store->insert_user(sample_user("bea", Role::admin), user_event("user.created"));       \
        BOOST_REQUIRE(bea.ok());                                                                   \
        auto gone = store->set_active(*ada, false, user_event("user.deactivated"));                \
        BOOST_REQUIRE(gone.ok());                                                                  \
        BOOST_TEST(!gone->active);                                                                 \
        BOOST_TEST(gone->version == 2);                                                            \
        BOOST_TEST(error_code(store->set_active(*bea, false, user_event("user.deactivated"))) ==   \
                   "last_active_admin");                                                           \
        /* An inactive admin is no active admin: demoting it is free. */                           \
        BOOST_TEST(                                                                                \
            store->set_role(*ada, Role::officer, std::nullopt, user_event("user.role_changed"))    \
                .ok());                                                                            \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(deactivation_ends_the_sessions_and_voids_the_reset_codes) {               \
        using namespace procura::auth;                                                             \
        using namespace procura::auth::contract;                                                   \
        std::unique_ptr<UserStore> store = (make_store);                                           \
        auto id = store->insert_user(sample_user("dan"), user_event("user.created"));              \
        BOOST_REQUIRE(id.ok());                                                                    \
        const std::string token(64, 'b');                                                          \
        BOOST_REQUIRE(store->insert_session(Session{token, *id, 1, 5'000'000'000'000}).ok());      \
        BOOST_REQUIRE(store                                                                        \
                          ->insert_password_reset(sample_reset(*id, 'c', 1'900'000'000'000),       \
                                                  user_event("user.password_reset_issued"))        \
                          .ok());                                                                  \
        BOOST_REQUIRE(store->set_active(*id, false, user_event("user.deactivated")).ok());         \
        BOOST_TEST(!store->find_session(token)->has_value());                                      \
        BOOST_TEST(error_code(store->use_password_reset(                                           \
                       std::string(64, 'c'), 1'800'000'000'001, "$argon2id$new",                   \
                       user_event("user.password_reset"))) == "invalid_reset_code");               \
        BOOST_TEST(error_code(store->insert_password_reset(                                        \
                       sample_reset(*id, 'd', 1'900'000'000'000),                                  \
                       user_event("user.password_reset_issued"))) == "user_inactive");             \
        BOOST_TEST(error_code(store->insert_password_reset(                                        \
                       sample_reset(*id + 100, 'e', 1'900'000'000'000),                            \
                       user_event("user.password_reset_issued"))) == "user_not_found");            \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(a_reset_code_sets_the_password_once_before_its_expiry) {                  \
        using namespace procura::auth;                                                             \
        using namespace procura::auth::contract;                                                   \
        std::unique_ptr<UserStore> store = (make_store);                                           \
        auto id = store->insert_user(sample_user("eli"), user_event("user.created"));              \
        BOOST_REQUIRE(id.ok());                                                                    \
        const std::int64_t expiry = 1'900'000'000'000;                                             \
        const std::string token(64, 'a');                                                          \
        BOOST_REQUIRE(store->insert_session(Session{token, *id, 1, 5'000'000'000'000}).ok());      \
        BOOST_REQUIRE(store                                                                        \
                          ->insert_password_reset(sample_reset(*id, 'c', expiry),                  \
                                                  user_event("user.password_reset_issued"))        \
                          .ok());                                                                  \
        /* A second code voids the first. */                                                       \
        BOOST_REQUIRE(store                                                                        \
                          ->insert_password_reset(sample_reset(*id, 'd', expiry),                  \
                                                  user_event("user.password_reset_issued"))        \
                          .ok());                                                                  \
        const auto use = [&](char fill, std::int64_t at) {                                         \
            return store->use_password_reset(std::string(64, fill), at, "$argon2id$new",           \
                                             user_event("user.password_reset"));                   \
        };                                                                                         \
        BOOST_TEST(error_code(use('c', expiry - 1)) == "invalid_reset_code");                      \
        BOOST_TEST(error_code(use('f', expiry - 1)) == "invalid_reset_code");                      \
        BOOST_TEST(error_code(use('d', expiry)) == "reset_code_expired");                          \
        BOOST_TEST((*store->find_user(*id))->password_hash == sample_user("x").password_hash);     \
        BOOST_TEST(store->find_session(token)->has_value());                                       \
        auto used = use('d', expiry - 1);                                                          \
        BOOST_REQUIRE(used.ok());                                                                  \
        BOOST_TEST(*used == *id);                                                                  \
        auto user = store->find_user(*id);                                                         \
        BOOST_TEST((*user)->password_hash == "$argon2id$new");                                     \
        BOOST_TEST((*user)->version == 2);                                                         \
        BOOST_TEST(!store->find_session(token)->has_value());                                      \
        BOOST_TEST(error_code(use('d', expiry - 1)) == "reset_code_used");                         \
    }                                                                                              \
                                                                                                   \
    BOOST_AUTO_TEST_CASE(a_user_is_created_with_a_reset_code_in_one_step) {                        \
        using namespace procura::auth;                                                             \
        using namespace procura::auth::contract;                                                   \
        std::unique_ptr<UserStore> store = (make_store);                                           \
        User no_password = sample_user("fran");                                                    \
        no_password.password_hash.clear();                                                         \
        auto id = store->insert_user_with_reset(no_password, user_event("user.created"),           \
                                                sample_reset(0, 'c', 1'900'000'000'000),           \
                                                user_event("user.password_reset_issued"));         \
        BOOST_REQUIRE(id.ok());                                                                    \
        BOOST_TEST((*store->find_user(*id))->password_hash.empty());                               \
        auto used = store->use_password_reset(std::string(64, 'c'), 1'800'000'000'001,             \
                                              "$argon2id$new", user_event("user.password_reset")); \
        BOOST_REQUIRE(used.ok());                                                                  \
        BOOST_TEST(*used == *id);                                                                  \
        auto taken = store->insert_user_with_reset(no_password, user_event("user.created"),        \
                                                   sample_reset(0, 'd', 1'900'000'000'000),        \
                                                   user_event("user.password_reset_issued"));      \
        BOOST_TEST(error_code(taken) == "username_taken");                                         \
        BOOST_TEST(error_code(store->use_password_reset(                                           \
                       std::string(64, 'd'), 1'800'000'000'001, "$argon2id$new",                   \
                       user_event("user.password_reset"))) == "invalid_reset_code");               \
    }
