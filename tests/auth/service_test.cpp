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
    const core::Caller cli = AuthService::command_line_caller();
    BOOST_REQUIRE(w.service.change_role(cli, u->id, Role::officer, std::nullopt).ok());
    BOOST_TEST(!w.service.authenticate_recent(again->token).ok());  // it ended the session
    again = w.service.login("sam", "a long passphrase");
    BOOST_REQUIRE(again.ok());
    auto changed = w.service.authenticate_recent(again->token);
    BOOST_REQUIRE(changed.ok());
    BOOST_TEST((changed->role == Role::officer));
    BOOST_REQUIRE(w.service.set_active(cli, u->id, false).ok());
    BOOST_TEST(!w.service.authenticate_recent(again->token).ok());
    BOOST_REQUIRE(w.service.set_active(cli, u->id, true).ok());
    again = w.service.login("sam", "a long passphrase");
    BOOST_REQUIRE(again.ok());
    BOOST_REQUIRE(w.service.authenticate_recent(again->token).ok());
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
    auto pat = w.service.add_user("pat", Role::officer, "a long passphrase", 0);
    BOOST_REQUIRE(pat.ok());
    const core::Caller admin{7, Role::admin, "ada"};
    BOOST_REQUIRE(w.service.set_active(admin, pat->id, false).ok());
    auto refused = w.service.login("pat", "a long passphrase");
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.error().code == "invalid_credentials");
    BOOST_REQUIRE(w.service.set_active(admin, pat->id, true).ok());
    BOOST_TEST(w.service.login("pat", "a long passphrase").ok());
    const auto events = w.store.audit_events();
    BOOST_REQUIRE_EQUAL(events.size(), 3u);
    BOOST_TEST(events[1].action == "user.deactivated");
    BOOST_TEST(events[1].actor_user_id == 7);
    BOOST_TEST(events[2].action == "user.activated");
    BOOST_TEST(events[1].entity_version == 2);
    BOOST_TEST(events[2].entity_version == 3);
    auto missing = w.service.set_active(admin, pat->id + 100, true);
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
    auto fin = w.service.add_user("fin", Role::finance, "a long passphrase", 0);
    BOOST_REQUIRE(fin.ok());
    const core::Caller cli = AuthService::command_line_caller();
    BOOST_REQUIRE(w.service.change_role(cli, fin->id, Role::auditor, std::nullopt).ok());
    auto users = w.service.list_users();
    BOOST_TEST(((*users)[0].role == Role::auditor));
    const auto events = w.store.audit_events();
    BOOST_REQUIRE_EQUAL(events.size(), 2u);
    BOOST_TEST(events[0].action == "user.created");
    BOOST_TEST(events[0].payload_json == R"({"role":"finance"})");
    BOOST_TEST(events[1].action == "user.role_changed");
    BOOST_TEST(events[1].payload_json == R"({"role":"auditor"})");
    BOOST_TEST(!w.service.change_role(cli, fin->id + 100, Role::admin, std::nullopt).ok());
}

namespace {

// A world with an admin (ada) and an officer (olga) made from the command line.
struct AdminWorld : World {
    AdminWorld() {
        auto a = service.add_user("ada", Role::admin, "a long passphrase", 0);
        auto o = service.add_user("olga", Role::officer, "a long passphrase", 0);
        PROCURA_ASSERT(a.ok() && o.ok());
        admin = core::Caller{a->id, Role::admin, "ada"};
        officer_id = o->id;
    }
    core::Caller admin;
    core::UserId officer_id = 0;
};

// Whether any audit event's payload or action carries text.
bool audit_mentions(FakeUserStore& store, const std::string& text) {
    for (const core::AuditEvent& e : store.audit_events()) {
        if (e.payload_json.find(text) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(only_an_admin_manages_users_and_a_refusal_writes_nothing) {
    AdminWorld w;
    const auto events_before = w.store.audit_events().size();
    for (Role role : {Role::officer, Role::supplier, Role::finance, Role::auditor}) {
        const core::Caller caller{w.officer_id, role, "olga"};
        const auto forbidden = [](const auto& result) {
            return !result.ok() && result.error().kind == ErrorKind::forbidden;
        };
        BOOST_TEST(forbidden(w.service.create_user(caller, "mallory", Role::admin,
                                                   std::string("a long passphrase"))));
        BOOST_TEST(forbidden(w.service.create_user(caller, "mallory", Role::admin, {})));
        BOOST_TEST(forbidden(w.service.list_users(caller, 0, 10)));
        BOOST_TEST(forbidden(w.service.get_user(caller, w.admin.user_id)));
        BOOST_TEST(forbidden(w.service.set_active(caller, w.admin.user_id, false)));
        BOOST_TEST(forbidden(w.service.change_role(caller, w.officer_id, Role::admin, {})));
        BOOST_TEST(forbidden(w.service.issue_password_reset(caller, w.admin.user_id)));
    }
    BOOST_TEST(w.store.audit_events().size() == events_before);
    BOOST_TEST(w.store.password_resets().empty());
    BOOST_TEST(w.service.list_users()->size() == 2u);
    BOOST_TEST((*w.store.find_user(w.officer_id))->version == 1);
}

BOOST_AUTO_TEST_CASE(a_user_created_without_a_password_sets_one_with_its_code_once) {
    AdminWorld w;
    auto created = w.service.create_user(w.admin, "nina", Role::finance, std::nullopt);
    BOOST_REQUIRE(created.ok());
    BOOST_REQUIRE(created->reset.has_value());
    const std::string code = created->reset->code;
    BOOST_TEST(code.size() == 43u);  // 256 bits in base64url
    BOOST_TEST(created->reset->expires_at_ms == 1'800'000'000'000 + AuthLimits{}.reset_code_ttl_ms);
    BOOST_TEST(created->user.password_hash.empty());
    const auto resets = w.store.password_resets();
    BOOST_REQUIRE_EQUAL(resets.size(), 1u);
    BOOST_TEST(resets[0].code_hash_hex == core::sha256_hex(code));
    BOOST_TEST(!w.service.login("nina", "").ok());  // no password opens the account
    BOOST_REQUIRE(w.service.reset_password(code, "nina's own passphrase").ok());
    BOOST_TEST(w.service.login("nina", "nina's own passphrase").ok());
    auto again = w.service.reset_password(code, "another passphrase");
    BOOST_REQUIRE(!again.ok());
    BOOST_TEST(again.error().code == "reset_code_used");
    BOOST_TEST(w.service.login("nina", "nina's own passphrase").ok());
    const auto events = w.store.audit_events();
    BOOST_REQUIRE_EQUAL(events.size(), 5u);
    BOOST_TEST(events[2].action == "user.created");
    BOOST_TEST(events[2].actor_user_id == w.admin.user_id);
    BOOST_TEST(events[3].action == "user.password_reset_issued");
    BOOST_TEST(events[4].action == "user.password_reset");
    BOOST_TEST(events[4].actor_user_id == created->user.id);
    BOOST_TEST(events[4].entity_id == created->user.id);
    BOOST_TEST(!audit_mentions(w.store, code));
    BOOST_TEST(!audit_mentions(w.store, core::sha256_hex(code)));
    BOOST_TEST(!audit_mentions(w.store, "passphrase"));
    BOOST_TEST(!audit_mentions(w.store, "$argon2id$"));
}

BOOST_AUTO_TEST_CASE(a_reset_code_expires_at_its_instant_and_ends_the_sessions) {
    AdminWorld w;
    auto login = w.service.login("olga", "a long passphrase");
    BOOST_REQUIRE(login.ok());
    auto first = w.service.issue_password_reset(w.admin, w.officer_id);
    auto second = w.service.issue_password_reset(w.admin, w.officer_id);
    BOOST_REQUIRE(first.ok() && second.ok());
    auto voided = w.service.reset_password(first->code, "a new passphrase");
    BOOST_REQUIRE(!voided.ok());
    BOOST_TEST(voided.error().code == "invalid_reset_code");  // the second voided the first
    w.clock.set_ms(second->expires_at_ms);
    auto expired = w.service.reset_password(second->code, "a new passphrase");
    BOOST_REQUIRE(!expired.ok());
    BOOST_TEST(expired.error().code == "reset_code_expired");
    BOOST_TEST(w.store.sessions().size() == 1u);  // a refused code ends no session
    w.clock.set_ms(second->expires_at_ms - 1);
    auto weak = w.service.reset_password(second->code, "short");
    BOOST_REQUIRE(!weak.ok());
    BOOST_TEST(weak.error().field == "new_password");
    BOOST_REQUIRE(w.service.reset_password(second->code, "a new passphrase").ok());
    BOOST_TEST(w.store.sessions().empty());
    BOOST_TEST(!w.service.login("olga", "a long passphrase").ok());
    BOOST_TEST(w.service.login("olga", "a new passphrase").ok());
    for (const std::string& bad :
         std::vector<std::string>{"", "not-a-code", std::string(43, '*'), std::string(44, 'a')}) {
        auto refused = w.service.reset_password(bad, "a new passphrase");
        BOOST_REQUIRE(!refused.ok());
        BOOST_TEST(refused.error().code == "invalid_reset_code");
        BOOST_TEST(refused.error().field == "code");
    }
}

BOOST_AUTO_TEST_CASE(deactivation_ends_the_sessions_at_once_but_not_of_oneself) {
    AdminWorld w;
    auto login = w.service.login("olga", "a long passphrase");
    BOOST_REQUIRE(login.ok());
    BOOST_REQUIRE(w.service.authenticate_recent(login->token).ok());
    auto self = w.service.set_active(w.admin, w.admin.user_id, false);
    BOOST_REQUIRE(!self.ok());
    BOOST_TEST(self.error().code == "own_account");
    auto gone = w.service.set_active(w.admin, w.officer_id, false);
    BOOST_REQUIRE(gone.ok());
    BOOST_TEST(!gone->active);
    BOOST_TEST(!w.service.authenticate_recent(login->token).ok());
    BOOST_TEST(w.store.sessions().empty());
    auto twice = w.service.set_active(w.admin, w.officer_id, false);
    BOOST_REQUIRE(!twice.ok());
    BOOST_TEST(twice.error().code == "already_inactive");
    auto no_code = w.service.issue_password_reset(w.admin, w.officer_id);
    BOOST_REQUIRE(!no_code.ok());
    BOOST_TEST(no_code.error().code == "user_inactive");
    // The last active admin stays, also from the command line.
    auto last = w.service.set_active(AuthService::command_line_caller(), w.admin.user_id, false);
    BOOST_REQUIRE(!last.ok());
    BOOST_TEST(last.error().code == "last_active_admin");
}

BOOST_AUTO_TEST_CASE(a_role_change_names_the_version_and_ends_the_sessions) {
    AdminWorld w;
    auto login = w.service.login("olga", "a long passphrase");
    BOOST_REQUIRE(login.ok());
    auto stale = w.service.change_role(w.admin, w.officer_id, Role::auditor, 2);
    BOOST_REQUIRE(!stale.ok());
    BOOST_TEST(stale.error().code == "stale_version");
    BOOST_TEST(w.service.authenticate(login->token).ok());
    auto changed = w.service.change_role(w.admin, w.officer_id, Role::auditor, 1);
    BOOST_REQUIRE(changed.ok());
    BOOST_TEST(changed->version == 2);
    BOOST_TEST(!w.service.authenticate(login->token).ok());
    auto own = w.service.change_role(w.admin, w.admin.user_id, Role::officer, std::nullopt);
    BOOST_REQUIRE(!own.ok());
    BOOST_TEST(own.error().code == "own_account");
    auto last = w.service.change_role(AuthService::command_line_caller(), w.admin.user_id,
                                      Role::officer, std::nullopt);
    BOOST_REQUIRE(!last.ok());
    BOOST_TEST(last.error().code == "last_active_admin");
}

BOOST_AUTO_TEST_CASE(users_are_listed_in_pages) {
    AdminWorld w;
    BOOST_REQUIRE(w.service.add_user("pia", Role::supplier, "a long passphrase", 0).ok());
    auto first = w.service.list_users(w.admin, 0, 2);
    BOOST_REQUIRE(first.ok());
    BOOST_REQUIRE_EQUAL(first->items.size(), 2u);
    BOOST_REQUIRE(first->next_after.has_value());
    auto last = w.service.list_users(w.admin, *first->next_after, 2);
    BOOST_REQUIRE(last.ok());
    BOOST_REQUIRE_EQUAL(last->items.size(), 1u);
    BOOST_TEST(last->items[0].username == "pia");
    BOOST_TEST(!last->next_after.has_value());
    for (std::size_t limit : {std::size_t{0}, AuthLimits{}.users_page_max + 1}) {
        auto bad = w.service.list_users(w.admin, 0, limit);
        BOOST_REQUIRE(!bad.ok());
        BOOST_TEST(bad.error().field == "limit");
    }
}

BOOST_AUTO_TEST_SUITE_END()
