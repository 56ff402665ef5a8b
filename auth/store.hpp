// The storage port for users and sessions. Implemented by MySQLUserStore and FakeUserStore;
// the same contract tests run against both (tests/auth/store_contract.hpp).
// Contract: usernames are unique (insert_user returns a conflict error "username_taken" for a
// duplicate); user changes append their audit event in the same transaction as the change,
// and a refused change writes nothing (no row, no event); every change of a user raises its
// version by one, and the store sets the event's entity_version to the new version (and
// entity_id to the new id on insertion); no change leaves the users without an active admin
// if one was there (rules::keeps_an_active_admin, decided under the rows' locks); a role
// change, a deactivation and a password reset end the user's sessions in the same
// transaction; store failures are unavailable/internal errors, never exceptions. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/model.hpp"
#include "core/audit.hpp"
#include "core/result.hpp"

namespace procura::auth {

class UserStore {
public:
    virtual ~UserStore() = default;

    // Inserts u (u.id ignored, version 1) and appends audit (whose entity_id is replaced by
    // the new id).
    virtual core::Result<core::UserId> insert_user(const User& u,
                                                   const core::AuditEvent& audit) = 0;
    // insert_user, and in the same transaction stores reset (user_id replaced by the new id)
    // and appends reset_audit (entity_id likewise) after audit.
    virtual core::Result<core::UserId> insert_user_with_reset(
        const User& u, const core::AuditEvent& audit, const PasswordReset& reset,
        const core::AuditEvent& reset_audit) = 0;
    virtual core::Result<std::optional<User>> find_user_by_name(const std::string& username) = 0;
    virtual core::Result<std::optional<User>> find_user(core::UserId id) = 0;
    // All users, ascending id.
    virtual core::Result<std::vector<User>> list_users() = 0;
    // Up to limit users with id > after_id, ascending id.
    virtual core::Result<std::vector<User>> list_users_after(core::UserId after_id,
                                                             std::size_t limit) = 0;
    // Sets the role, ends the user's sessions and appends audit; returns the user as changed.
    // expected_version, when given, must be the user's version. Errors: not_found
    // "user_not_found"; conflict "stale_version", "last_active_admin".
    virtual core::Result<User> set_role(core::UserId id, core::Role role,
                                        std::optional<std::int64_t> expected_version,
                                        const core::AuditEvent& audit) = 0;
    // Activates or deactivates the user (an inactive user cannot log in and its sessions stop
    // authenticating). Deactivation deletes the user's sessions and unused reset codes.
    // Setting the current value again succeeds and still appends audit. Returns the user as
    // changed. Errors: not_found "user_not_found"; conflict "last_active_admin".
    virtual core::Result<User> set_active(core::UserId id, bool active,
                                          const core::AuditEvent& audit) = 0;

    // Stores reset for its user, deleting the user's earlier unused codes, and appends audit.
    // Errors: not_found "user_not_found"; conflict "user_inactive" (an inactive user gets no
    // code).
    virtual core::Status insert_password_reset(const PasswordReset& reset,
                                               const core::AuditEvent& audit) = 0;
    // Spends the code whose SHA-256 is code_hash_hex: checks it with
    // rules::check_password_reset at now_ms under its row's lock, then sets the user's
    // password_hash, marks the code used at now_ms, ends the user's sessions and appends audit
    // (entity_id and actor set to the user). Returns the user's id. Errors: bad_request
    // "invalid_reset_code" (field "code") for an unknown code, and those of the rule; a refused
    // code changes nothing.
    virtual core::Result<core::UserId> use_password_reset(const std::string& code_hash_hex,
                                                          std::int64_t now_ms,
                                                          const std::string& password_hash,
                                                          const core::AuditEvent& audit) = 0;

    virtual core::Status insert_session(const Session& s) = 0;
    // The session and its user, if the token hash is known (expiry is the caller's check).
    virtual core::Result<std::optional<std::pair<Session, User>>> find_session(
        const std::string& token_hash_hex) = 0;
    // The same for several token hashes in one read (unknown ones are left out; order
    // unspecified). The default asks find_session for each.
    virtual core::Result<std::vector<std::pair<Session, User>>> find_sessions(
        const std::vector<std::string>& token_hashes_hex) {
        std::vector<std::pair<Session, User>> out;
        for (const std::string& hash : token_hashes_hex) {
            PROCURA_TRY_ASSIGN(auto found, find_session(hash));
            if (found) out.push_back(std::move(*found));
        }
        return out;
    }
    virtual core::Status delete_session(const std::string& token_hash_hex) = 0;
    // Removes sessions with expires_at_ms <= now_ms; returns how many.
    virtual core::Result<std::int64_t> delete_expired_sessions(std::int64_t now_ms) = 0;
};

}  // namespace procura::auth
