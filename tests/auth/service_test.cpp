#include "auth/service.hpp"

#include <boost/test/unit_test.hpp>

#include "core/hash.hpp"
#include "tests/auth/fake_user_store.hpp"

using namespace procura;
using namespace procura::auth;
using core::ErrorKind;
using core::Role;

namespace {

struct World {
    core::ManualClock clock{1'800'000'000'000};
    FakeUserStore store;
    AuthService service{store, clock, AuthLimits{}};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(auth_service)

BOOST_AUTO_TEST_CASE(login_gives_a_token_stored_only_as_its_hash) {
    World w;
    auto u = w.service.add_user("olga", Role::officer, "a long passphrase", 0);
    BOOST_REQUIRE(u.ok());
    BOOST_TEST(u->password_hash.find("a long passphrase") == std::string::npos);
    auto login = w.service.login("olga", "a long passphrase");
    BOOST_REQUIRE(login.ok());
    BOOST_TEST(login->token.size() == 43u);  // 256 bits in base64url
    BOOST_TEST((login->role == Role::officer));
    BOOST_TEST(login->expires_at_ms == 1'800'000'000'000 + AuthLimits{}.token_ttl_ms);
    const auto sessions = w.store.sessions();
    BOOST_REQUIRE_EQUAL(sessions.size(), 1u);
    BOOST_TEST(sessions[0].token_hash_hex == core::sha256_hex(login->token));
    BOOST_TEST(sessions[0].token_hash_hex != login->token);
    auto caller = w.service.authenticate(login->token);
    BOOST_REQUIRE(caller.ok());
    BOOST_TEST(caller->user_id == u->id);
    BOOST_TEST(caller->username == "olga");
}

BOOST_AUTO_TEST_CASE(wrong_password_and_unknown_user_look_the_same) {
    World w;
    BOOST_REQUIRE(w.service.add_user("olga", Role::officer, "a long passphrase", 0).ok());
    auto wrong = w.service.login("olga", "not the passphrase");
    auto unknown = w.service.login("nobody", "a long passphrase");
    BOOST_REQUIRE(!wrong.ok());
    BOOST_REQUIRE(!unknown.ok());
    BOOST_TEST(wrong.error().code == "invalid_credentials");
    BOOST_TEST(unknown.error().code == "invalid_credentials");
    BOOST_TEST(wrong.error().message == unknown.error().message);
    BOOST_TEST(w.store.sessions().empty());
}

BOOST_AUTO_TEST_CASE(tokens_expire_exactly_at_their_expiry) {
    World w;
    BOOST_REQUIRE(w.service.add_user("sam", Role::supplier, "a long passphrase", 0).ok());
    auto login = w.service.login("sam", "a long passphrase");
    BOOST_REQUIRE(login.ok());
    w.clock.set_ms(login->expires_at_ms - 1);
    BOOST_TEST(w.service.authenticate(login->token).ok());
    w.clock.set_ms(login->expires_at_ms);
    auto expired = w.service.authenticate(login->token);
    BOOST_REQUIRE(!expired.ok());
    BOOST_TEST((expired.error().kind == ErrorKind::unauthenticated));
}

BOOST_AUTO_TEST_CASE(a_recent_check_stands_in_for_the_store_until_confirmed_or_stale) {
    World w;
    auto u = w.service.add_user("sam", Role::supplier, "a long passphrase", 0);
    BOOST_REQUIRE(u.ok());
    auto login = w.service.login("sam", "a long passphrase");
    BOOST_REQUIRE(login.ok());
    const std::string hash = core::sha256_hex(login->token);
    BOOST_REQUIRE(w.service.authenticate_recent(login->token).ok());  // checked and remembered
    // The session ends behind this service's back (a logout through another server).
    BOOST_REQUIRE(w.store.delete_session(hash).ok());
    BOOST_TEST(!w.service.authenticate(login->token).ok());
    auto recent = w.service.authenticate_recent(login->token);
    BOOST_REQUIRE(recent.ok());  // the recent check stands in...
    BOOST_TEST(recent->user_id == u->id);
    auto confirmed = w.service.confirm_sessions({hash});  // ...but confirmation fails
    BOOST_REQUIRE(confirmed.ok());
    BOOST_TEST(confirmed->empty());
    w.clock.advance_ms(AuthService::recent_ms);  // and it goes stale
    BOOST_TEST(!w.service.authenticate_recent(login->token).ok());

    // A live session is confirmed with its caller; a logout here forgets it at once.
    auto again = w.service.login("sam", "a long passphrase");
    BOOST_REQUIRE(again.ok());
    BOOST_REQUIRE(w.service.authenticate_recent(again->token).ok());
    auto live = w.service.confirm_sessions({core::sha256_hex(again->token), hash});
    BOOST_REQUIRE(live.ok());
    BOOST_REQUIRE_EQUAL(live->size(), 1U);
    BOOST_TEST(live->begin()->second.user_id == u->id);
    BOOST_TEST((live->begin()->second.role == Role::supplier));
    // A role change through this service forgets remembered checks: the next one reads it.
    BOOST_REQUIRE(w.service.set_role("sam", Role::officer, 0).ok());
    auto changed = w.service.authenticate_recent(again->token);
    BOOST_REQUIRE(changed.ok());
    BOOST_TEST((changed->role == Role::officer));
    BOOST_REQUIRE(w.service.set_active("sam", false, 0).ok());
    BOOST_TEST(!w.service.authenticate_recent(again->token).ok());
    BOOST_REQUIRE(w.service.set_active("sam", true, 0).ok());
    BOOST_REQUIRE(w.service.logout(again->token).ok());
    BOOST_TEST(!w.service.authenticate_recent(again->token).ok());
}

BOOST_AUTO_TEST_CASE(logout_ends_the_session) {
    World w;
    BOOST_REQUIRE(w.service.add_user("sam", Role::supplier, "a long passphrase", 0).ok());
    auto login = w.service.login("sam", "a long passphrase");
    BOOST_REQUIRE(w.service.logout(login->token).ok());
    BOOST_TEST(!w.service.authenticate(login->token).ok());
    BOOST_TEST(!w.service.logout(login->token).ok());
    BOOST_TEST(!w.service.authenticate("").ok());
    BOOST_TEST(!w.service.authenticate(std::string(500, 'x')).ok());
}

BOOST_AUTO_TEST_CASE(inactive_users_cannot_log_in_or_use_tokens) {
    World w;
    auto u = w.service.add_user("gone", Role::officer, "a long passphrase", 0);
    auto login = w.service.login("gone", "a long passphrase");
    BOOST_REQUIRE(login.ok());
    w.store.set_active(u->id, false);
    BOOST_TEST(!w.service.authenticate(login->token).ok());
    BOOST_TEST(!w.service.login("gone", "a long passphrase").ok());
    auto role = w.service.role_of(u->id);
    BOOST_REQUIRE(role.ok());
    BOOST_TEST(!role->has_value());
}

BOOST_AUTO_TEST_CASE(set_active_deactivates_and_reactivates_with_an_audit_event) {
    World w;
    BOOST_REQUIRE(w.service.add_user("pat", Role::officer, "a long passphrase", 0).ok());
    BOOST_REQUIRE(w.service.set_active("pat", false, 7).ok());
    auto refused = w.service.login("pat", "a long passphrase");
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.error().code == "invalid_credentials");
    BOOST_REQUIRE(w.service.set_active("pat", true, 7).ok());
    BOOST_TEST(w.service.login("pat", "a long passphrase").ok());
    const auto events = w.store.audit_events();
    BOOST_REQUIRE_EQUAL(events.size(), 3u);
    BOOST_TEST(events[1].action == "user.deactivated");
    BOOST_TEST(events[1].actor_user_id == 7);
    BOOST_TEST(events[2].action == "user.activated");
    auto missing = w.service.set_active("nobody", true, 7);
    BOOST_REQUIRE(!missing.ok());
    BOOST_TEST(missing.error().code == "user_not_found");
}

BOOST_AUTO_TEST_CASE(prepare_user_validates_and_hashes_but_stores_nothing) {
    World w;
    auto prepared = w.service.prepare_user("quinn", Role::supplier, "a long passphrase", false);
    BOOST_REQUIRE(prepared.ok());
    BOOST_TEST(prepared->id == 0);
    BOOST_TEST(!prepared->active);
    BOOST_TEST(prepared->password_hash.rfind("$argon2id$", 0) == 0u);
    BOOST_TEST(prepared->created_at_ms == 1'800'000'000'000);
    auto bad = w.service.prepare_user("Q", Role::supplier, "a long passphrase", false);
    BOOST_REQUIRE(!bad.ok());
    BOOST_TEST(bad.error().field == "username");
    auto users = w.service.list_users();
    BOOST_REQUIRE(users.ok());
    BOOST_TEST(users->empty());
}

BOOST_AUTO_TEST_CASE(usernames_and_passwords_are_validated) {
    World w;
    auto bad_name = w.service.add_user("Bad Name", Role::officer, "a long passphrase", 0);
    BOOST_REQUIRE(!bad_name.ok());
    BOOST_TEST(bad_name.error().field == "username");
    auto short_pw = w.service.add_user("okname", Role::officer, "short", 0);
    BOOST_REQUIRE(!short_pw.ok());
    BOOST_TEST(short_pw.error().field == "password");
    BOOST_REQUIRE(w.service.add_user("okname", Role::officer, "a long passphrase", 0).ok());
    auto dup = w.service.add_user("okname", Role::auditor, "a long passphrase", 0);
    BOOST_REQUIRE(!dup.ok());
    BOOST_TEST((dup.error().kind == ErrorKind::conflict));
}

BOOST_AUTO_TEST_CASE(role_changes_are_audited) {
    World w;
    BOOST_REQUIRE(w.service.add_user("fin", Role::finance, "a long passphrase", 0).ok());
    BOOST_REQUIRE(w.service.set_role("fin", Role::auditor, 0).ok());
    auto users = w.service.list_users();
    BOOST_TEST(((*users)[0].role == Role::auditor));
    const auto events = w.store.audit_events();
    BOOST_REQUIRE_EQUAL(events.size(), 2u);
    BOOST_TEST(events[0].action == "user.added");
    BOOST_TEST(events[1].action == "user.role_changed");
    BOOST_TEST(!w.service.set_role("missing", Role::admin, 0).ok());
}

BOOST_AUTO_TEST_SUITE_END()
