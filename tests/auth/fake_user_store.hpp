// FakeUserStore: an in-memory UserStore honouring the port's contract (auth/store.hpp), for
// service tests. Also a core::UserDirectory-friendly source of users for other modules' tests.
#pragma once

#include <map>
#include <mutex>
#include <vector>

#include "auth/store.hpp"

namespace procura::auth {

class FakeUserStore final : public UserStore {
public:
    core::Result<core::UserId> insert_user(const User& u, const core::AuditEvent& audit) override;
    core::Result<std::optional<User>> find_user_by_name(const std::string& username) override;
    core::Result<std::optional<User>> find_user(core::UserId id) override;
    core::Result<std::vector<User>> list_users() override;
    core::Status set_role(core::UserId id, core::Role role, const core::AuditEvent& audit) override;
    core::Status set_active(core::UserId id, bool active, const core::AuditEvent& audit) override;
    core::Status insert_session(const Session& s) override;
    core::Result<std::optional<std::pair<Session, User>>> find_session(
        const std::string& token_hash_hex) override;
    core::Status delete_session(const std::string& token_hash_hex) override;
    core::Result<std::int64_t> delete_expired_sessions(std::int64_t now_ms) override;

    // Test inspection.
    std::vector<core::AuditEvent> audit_events();
    std::vector<Session> sessions();
    // Sets the flag directly, without an audit event (arranging a test's world).
    void set_active(core::UserId id, bool active);

private:
    std::mutex mutex_;
    std::map<core::UserId, User> users_;
    std::map<std::string, Session> sessions_;
    std::vector<core::AuditEvent> audit_;
    core::UserId next_id_ = 1;
};

}  // namespace procura::auth
