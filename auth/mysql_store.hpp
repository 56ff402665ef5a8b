// MySQLUserStore: the MariaDB adapter of the user and session storage port (auth/store.hpp),
// over the users and sessions tables of db/migrations/0001_initial.sql and the password_resets
// table of 0015_user_administration.sql. User changes and their
// audit events commit in one transaction. Values travel only as prepared-statement parameters;
// Connector/C++ exceptions stop here and become core::Error values. This header includes no
// Connector/C++ header.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/store.hpp"
#include "db/pool.hpp"

namespace procura::auth {

class MySQLUserStore final : public UserStore {
public:
    // pool must outlive the store. The schema must be migrated (db::migrate).
    explicit MySQLUserStore(db::ConnectionPool& pool);

    core::Result<core::UserId> insert_user(const User& u, const core::AuditEvent& audit) override;
    core::Result<core::UserId> insert_user_with_reset(const User& u, const core::AuditEvent& audit,
                                                      const PasswordReset& reset,
                                                      const core::AuditEvent& reset_audit) override;
    core::Result<std::optional<User>> find_user_by_name(const std::string& username) override;
    core::Result<std::optional<User>> find_user(core::UserId id) override;
    core::Result<std::vector<User>> list_users() override;
    core::Result<std::vector<User>> list_users_after(core::UserId after_id,
                                                     std::size_t limit) override;
    core::Result<User> set_role(core::UserId id, core::Role role,
                                std::optional<std::int64_t> expected_version,
                                const core::AuditEvent& audit) override;
    core::Result<User> set_active(core::UserId id, bool active,
                                  const core::AuditEvent& audit) override;
    core::Status insert_password_reset(const PasswordReset& reset,
                                       const core::AuditEvent& audit) override;
    core::Result<core::UserId> use_password_reset(const std::string& code_hash_hex,
                                                  std::int64_t now_ms,
                                                  const std::string& password_hash,
                                                  const core::AuditEvent& audit) override;

    // A session for a user id that does not exist is a not_found error (foreign key).
    core::Status insert_session(const Session& s) override;
    core::Result<std::optional<std::pair<Session, User>>> find_session(
        const std::string& token_hash_hex) override;
    core::Result<std::vector<std::pair<Session, User>>> find_sessions(
        const std::vector<std::string>& token_hashes_hex) override;
    // Deleting an unknown session succeeds (nothing to do).
    core::Status delete_session(const std::string& token_hash_hex) override;
    core::Result<std::int64_t> delete_expired_sessions(std::int64_t now_ms) override;

private:
    db::ConnectionPool& pool_;
};

}  // namespace procura::auth
