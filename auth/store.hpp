// The storage port for users and sessions. Implemented by MySQLUserStore and FakeUserStore;
// the same contract tests run against both (tests/auth/store_contract.hpp).
// Contract: usernames are unique (insert_user returns a conflict error "username_taken" for a
// duplicate); user changes append their audit event in the same transaction as the change;
// store failures are unavailable/internal errors, never exceptions. Thread-safe.
#pragma once

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

    // Inserts u (u.id ignored) and appends audit (whose entity_id is replaced by the new id).
    virtual core::Result<core::UserId> insert_user(const User& u,
                                                   const core::AuditEvent& audit) = 0;
    virtual core::Result<std::optional<User>> find_user_by_name(const std::string& username) = 0;
    virtual core::Result<std::optional<User>> find_user(core::UserId id) = 0;
    // All users, ascending id.
    virtual core::Result<std::vector<User>> list_users() = 0;
    // not_found if no such user.
    virtual core::Status set_role(core::UserId id, core::Role role,
                                  const core::AuditEvent& audit) = 0;
    // Activates or deactivates the user (an inactive user cannot log in and its sessions stop
    // authenticating). Setting the current value again succeeds and still appends audit.
    // not_found "user_not_found" if no such user (and no event is appended).
    virtual core::Status set_active(core::UserId id, bool active,
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
