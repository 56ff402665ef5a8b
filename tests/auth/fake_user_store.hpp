// FakeUserStore: an in-memory UserStore honouring the port's contract (auth/store.hpp), for
// service tests. Also a core::UserDirectory-friendly source of users for other modules' tests.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "auth/store.hpp"

namespace procura::auth {

class FakeUserStore final : public UserStore {
public:
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
    core::Status insert_session(const Session& s) override;
    core::Result<std::optional<std::pair<Session, User>>> find_session(
        const std::string& token_hash_hex) override;
    core::Status delete_session(const std::string& token_hash_hex) override;
    core::Result<std::int64_t> delete_expired_sessions(std::int64_t now_ms) override;

    // Test inspection.
    std::vector<core::AuditEvent> audit_events();
    std::vector<Session> sessions();
    std::vector<PasswordReset> password_resets();
    // Sets the flag directly, without an audit event (arranging a test's world).
    void set_active(core::UserId id, bool active);

private:
    // Each expects mutex_ held.
    core::Result<core::UserId> insert_locked(const User& u, const core::AuditEvent& audit);
    core::Status check_admin_remains(const User& user, bool active, core::Role role) const;
    void end_sessions(core::UserId id);
    void void_resets(core::UserId id);
    void append(const User& user, core::AuditEvent event);

    std::mutex mutex_;
    std::map<core::UserId, User> users_;
    std::map<std::string, Session> sessions_;
    std::map<std::string, PasswordReset> resets_;  // by code hash
    std::vector<core::AuditEvent> audit_;
    core::UserId next_id_ = 1;
};

}  // namespace procura::auth
