// Authentication and user administration: add users, log in (Argon2id check, 256-bit token),
// log out, authenticate a bearer token; and, for admins (the API) and the command line, create
// users, list them, change roles, (de)activate users and issue one-time password reset codes,
// which anyone holding one spends once to set a password. Implements core::UserDirectory for
// other modules. An inactive user cannot log in and its existing sessions stop
// authenticating; a role change, a deactivation and a password reset end the user's sessions.
// No password, code or hash is ever logged or written into an audit event. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "auth/model.hpp"
#include "auth/store.hpp"
#include "core/clock.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"

namespace procura::auth {

class AuthService final : public core::UserDirectory {
public:
    AuthService(UserStore& store, const core::Clock& clock, AuthLimits limits);

    // Creates a user. actor is 0 when done from the command line. Errors: 422 for a bad
    // username ([a-z0-9._-], 3..64 bytes) or a password outside 10..1024 bytes; 409
    // username_taken.
    core::Result<User> add_user(const std::string& username, core::Role role,
                                const std::string& password, core::UserId actor);

    // Checks username and password as add_user does and returns the user to store (id 0,
    // password hashed, created now) without storing it: for use cases whose store inserts the
    // user together with rows of their own in one transaction (supplier registration). The
    // username's uniqueness is the store's check. Errors: 422 "invalid_username" (field
    // "username"), "weak_password" (field "password").
    core::Result<User> prepare_user(const std::string& username, core::Role role,
                                    const std::string& password, bool active);

    // 401 invalid_credentials for an unknown user, a wrong password or an inactive user (the
    // same answer for each, so usernames cannot be probed).
    core::Result<LoginResult> login(const std::string& username, const std::string& password);

    // Ends the session of a token; unknown tokens are a 401.
    core::Status logout(const std::string& token);

    // The caller behind a bearer token: 401 invalid_token if unknown, expired or its user is
    // inactive.
    core::Result<core::Caller> authenticate(const std::string& token);

    // For a route whose write confirms the session again in bulk before it stores anything
    // (a bid: BiddingService's group calls confirm_sessions): the caller of a token that
    // authenticate accepted less than recent_ms ago, without reading the store; otherwise
    // authenticate. A logout, role change or (de)activation through this service forgets
    // every remembered check at once (one made concurrently with it is not remembered); one
    // made through another server or process is seen within recent_ms, and by the
    // confirmation before any write. Thread-safe.
    core::Result<core::Caller> authenticate_recent(const std::string& token);
    static constexpr std::int64_t recent_ms = 10'000;

    // The callers of the sessions with these token hashes (core::sha256_hex of the token) that
    // are valid now (known, not expired, user active), keyed by hash; one read.
    core::Result<std::map<std::string, core::Caller>> confirm_sessions(
        const std::vector<std::string>& token_hashes_hex);

    // Every user, ascending id (the command line's list).
    core::Result<std::vector<User>> list_users();

    // User administration. The caller must be an admin (403 "forbidden" otherwise, checked
    // before anything is read or written); the command line acts as command_line_caller().
    // Each change appends its audit event in the change's transaction; the events carry no
    // password, code or hash.

    // The caller of `procura user ...`: an operator holding the database's credentials, with
    // an admin's rights, recorded in the audit log as the system (user id 0).
    static core::Caller command_line_caller();
    // ok for an admin caller, 403 "forbidden" otherwise.
    static core::Status require_admin(const core::Caller& caller);

    // Creates an active user ("user.created") with password, or without one (nullopt): then
    // the user gets no usable password and a reset code is issued with it, in the same
    // transaction ("user.password_reset_issued"), returned once in CreatedUser::reset. Errors
    // as add_user.
    core::Result<CreatedUser> create_user(const core::Caller& caller, const std::string& username,
                                          core::Role role,
                                          const std::optional<std::string>& password);
    // Up to limit (1 to AuthLimits::users_page_max, else 400 "bad_parameter" field "limit")
    // users with id > after, ascending id.
    core::Result<UserPage> list_users(const core::Caller& caller, core::UserId after,
                                      std::size_t limit);
    // 404 "user_not_found".
    core::Result<User> get_user(const core::Caller& caller, core::UserId id);
    // 404 "user_not_found" (field "username").
    core::Result<User> get_user_by_name(const core::Caller& caller, const std::string& username);
    // Activates or deactivates ("user.activated", "user.deactivated") the user; deactivation
    // ends its sessions and voids its unused reset codes at once. Errors: 404
    // "user_not_found"; 409 "own_account" (an admin deactivating itself), "already_active",
    // "already_inactive", "last_active_admin".
    core::Result<User> set_active(const core::Caller& caller, core::UserId id, bool active);
    // Sets the role ("user.role_changed") and ends the user's sessions, so that no token keeps
    // the old role's rights. expected_version, when given, must be the user's version (409
    // "stale_version"). Errors: 404 "user_not_found"; 409 "own_account" (an admin changing
    // its own role), "last_active_admin".
    core::Result<User> change_role(const core::Caller& caller, core::UserId id, core::Role role,
                                   std::optional<std::int64_t> expected_version);
    // Issues a one-time reset code for the user ("user.password_reset_issued"): 256 random bits,
    // base64url, valid for AuthLimits::reset_code_ttl_ms, stored only as its SHA-256; the
    // user's earlier unused codes are voided. Errors: 404 "user_not_found"; 409
    // "user_inactive".
    core::Result<IssuedReset> issue_password_reset(const core::Caller& caller, core::UserId id);

    // Anyone holding a code: sets the code's user's password once ("user.password_reset", the
    // user as actor) and ends that user's sessions. Errors: 400 "invalid_reset_code" (field
    // "code") for a malformed or unknown code, "reset_code_used", "reset_code_expired"; 422
    // "weak_password" (field "new_password"). A refused code changes nothing.
    core::Status reset_password(const std::string& code, const std::string& new_password);

    core::Result<std::optional<core::Role>> role_of(core::UserId user) override;

private:
    core::Status check_username(const std::string& username) const;
    core::Status check_password(const std::string& password, const char* field) const;
    core::Result<User> existing_user(core::UserId id);
    // A fresh code for user_id and its stored form, expiring reset_code_ttl_ms from now.
    std::pair<IssuedReset, PasswordReset> new_reset(core::UserId user_id) const;
    core::AuditEvent user_event(core::UserId actor, std::string action, core::UserId id,
                                std::string payload_json) const;

    UserStore& store_;
    const core::Clock& clock_;
    struct Recent {
        core::Caller caller;
        std::int64_t checked_at_ms = 0;
    };
    void forget_recent();
    std::mutex recent_mutex_;
    std::uint64_t recent_generation_ = 0;             // raised by forget_recent
    std::unordered_map<std::string, Recent> recent_;  // by token hash
    static constexpr std::size_t recent_max = 100'000;
    AuthLimits limits_;
};

}  // namespace procura::auth
