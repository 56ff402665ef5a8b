// The UserStore contract (auth/store.hpp) as Boost.Test cases, run against every
// implementation: PROCURA_USER_STORE_CONTRACT_TESTS(make_store) expands to test cases in the
// current suite; make_store yields std::unique_ptr<UserStore> over a fresh, empty store.
#pragma once

#include <boost/test/unit_test.hpp>
#include <memory>

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

}  // namespace procura::auth::contract

#define PROCURA_USER_STORE_CONTRACT_TESTS(make_store)                                          \
    BOOST_AUTO_TEST_CASE(inserted_user_is_found_by_name_and_id) {                              \
        using namespace procura::auth;                                                         \
        using namespace procura::auth::contract;                                               \
        std::unique_ptr<UserStore> store = (make_store);                                       \
        auto id = store->insert_user(sample_user("alice.officer"), user_event("user.added"));  \
        BOOST_REQUIRE(id.ok());                                                                \
        auto by_name = store->find_user_by_name("alice.officer");                              \
        BOOST_REQUIRE(by_name.ok() && by_name->has_value());                                   \
        BOOST_TEST((*by_name)->id == *id);                                                     \
        BOOST_TEST(((*by_name)->role == procura::core::Role::officer));                        \
        BOOST_TEST((*by_name)->password_hash == sample_user("x").password_hash);               \
        BOOST_TEST((*by_name)->active);                                                        \
        BOOST_TEST((*by_name)->created_at_ms == 1'800'000'000'000);                            \
        auto by_id = store->find_user(*id);                                                    \
        BOOST_REQUIRE(by_id.ok() && by_id->has_value());                                       \
        BOOST_TEST((*by_id)->username == "alice.officer");                                     \
        auto missing = store->find_user_by_name("nobody");                                     \
        BOOST_REQUIRE(missing.ok());                                                           \
        BOOST_TEST(!missing->has_value());                                                     \
    }                                                                                          \
                                                                                               \
    BOOST_AUTO_TEST_CASE(duplicate_username_is_a_conflict) {                                   \
        using namespace procura::auth;                                                         \
        using namespace procura::auth::contract;                                               \
        std::unique_ptr<UserStore> store = (make_store);                                       \
        BOOST_REQUIRE(store->insert_user(sample_user("bob"), user_event("user.added")).ok());  \
        auto again = store->insert_user(sample_user("bob", procura::core::Role::supplier),     \
                                        user_event("user.added"));                             \
        BOOST_REQUIRE(!again.ok());                                                            \
        BOOST_TEST((again.error().kind == procura::core::ErrorKind::conflict));                \
        BOOST_TEST(again.error().code == "username_taken");                                    \
        auto users = store->list_users();                                                      \
        BOOST_REQUIRE(users.ok());                                                             \
        BOOST_TEST(users->size() == 1u);                                                       \
    }                                                                                          \
                                                                                               \
    BOOST_AUTO_TEST_CASE(users_list_in_id_order_and_roles_change) {                            \
        using namespace procura::auth;                                                         \
        using namespace procura::auth::contract;                                               \
        std::unique_ptr<UserStore> store = (make_store);                                       \
        auto a = store->insert_user(sample_user("a-user"), user_event("user.added"));          \
        auto b = store->insert_user(sample_user("b-user"), user_event("user.added"));          \
        BOOST_REQUIRE(a.ok() && b.ok());                                                       \
        BOOST_REQUIRE(                                                                         \
            store->set_role(*b, procura::core::Role::auditor, user_event("user.role_changed")) \
                .ok());                                                                        \
        auto users = store->list_users();                                                      \
        BOOST_REQUIRE(users.ok() && users->size() == 2u);                                      \
        BOOST_TEST((*users)[0].username == "a-user");                                          \
        BOOST_TEST((((*users)[1].role == procura::core::Role::auditor)));                      \
        auto missing = store->set_role(*b + 100, procura::core::Role::admin,                   \
                                       user_event("user.role_changed"));                       \
        BOOST_REQUIRE(!missing.ok());                                                          \
        BOOST_TEST((missing.error().kind == procura::core::ErrorKind::not_found));             \
    }                                                                                          \
                                                                                               \
    BOOST_AUTO_TEST_CASE(sessions_are_found_deleted_and_expired) {                             \
        using namespace procura::auth;                                                         \
        using namespace procura::auth::contract;                                               \
        std::unique_ptr<UserStore> store = (make_store);                                       \
        auto id = store->insert_user(sample_user("carol"), user_event("user.added"));          \
        BOOST_REQUIRE(id.ok());                                                                \
        const std::string h1(64, 'a');                                                         \
        const std::string h2(64, 'b');                                                         \
        BOOST_REQUIRE(store->insert_session(Session{h1, *id, 100, 1000}).ok());                \
        BOOST_REQUIRE(store->insert_session(Session{h2, *id, 100, 5000}).ok());                \
        auto found = store->find_session(h1);                                                  \
        BOOST_REQUIRE(found.ok() && found->has_value());                                       \
        BOOST_TEST((*found)->first.expires_at_ms == 1000);                                     \
        BOOST_TEST((*found)->second.username == "carol");                                      \
        auto removed = store->delete_expired_sessions(1000);                                   \
        BOOST_REQUIRE(removed.ok());                                                           \
        BOOST_TEST(*removed == 1);                                                             \
        auto gone = store->find_session(h1);                                                   \
        BOOST_REQUIRE(gone.ok());                                                              \
        BOOST_TEST(!gone->has_value());                                                        \
        BOOST_REQUIRE(store->delete_session(h2).ok());                                         \
        auto gone2 = store->find_session(h2);                                                  \
        BOOST_REQUIRE(gone2.ok());                                                             \
        BOOST_TEST(!gone2->has_value());                                                       \
    }                                                                                          \
                                                                                               \
    BOOST_AUTO_TEST_CASE(users_are_deactivated_and_activated) {                                \
        using namespace procura::auth;                                                         \
        using namespace procura::auth::contract;                                               \
        std::unique_ptr<UserStore> store = (make_store);                                       \
        User inactive = sample_user("dora", procura::core::Role::supplier);                    \
        inactive.active = false;                                                               \
        auto dora = store->insert_user(inactive, user_event("user.added"));                    \
        auto eve = store->insert_user(sample_user("eve"), user_event("user.added"));           \
        BOOST_REQUIRE(dora.ok() && eve.ok());                                                  \
        auto stored = store->find_user(*dora);                                                 \
        BOOST_REQUIRE(stored.ok() && stored->has_value());                                     \
        BOOST_TEST(!(*stored)->active);                                                        \
        BOOST_REQUIRE(store->set_active(*dora, true, user_event("user.activated")).ok());      \
        BOOST_REQUIRE(store->set_active(*dora, true, user_event("user.activated")).ok());      \
        BOOST_REQUIRE(store->set_active(*eve, false, user_event("user.deactivated")).ok());    \
        auto d = store->find_user(*dora);                                                      \
        auto e = store->find_user(*eve);                                                       \
        BOOST_REQUIRE(d.ok() && d->has_value() && e.ok() && e->has_value());                   \
        BOOST_TEST((*d)->active);                                                              \
        BOOST_TEST(!(*e)->active);                                                             \
        auto missing = store->set_active(*eve + 100, true, user_event("user.activated"));      \
        BOOST_REQUIRE(!missing.ok());                                                          \
        BOOST_TEST((missing.error().kind == procura::core::ErrorKind::not_found));             \
        BOOST_TEST(missing.error().code == "user_not_found");                                  \
    }
