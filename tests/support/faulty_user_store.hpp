// FaultyUserStore: the users and sessions port (auth/store.hpp) forwarded to a wrapped store
// through a FaultPlan (fault_injection.hpp). One header per port, so that a test compiles only
// the ports it wraps. Thread-safe as the wrapped store is.
#pragma once

#include <type_traits>
#include <utility>

#include "auth/store.hpp"
#include "tests/support/fault_injection.hpp"

namespace procura::testing {

class FaultyUserStore final : public auth::UserStore {
public:
    // inner and plan must outlive this.
    FaultyUserStore(auth::UserStore& inner, FaultPlan& plan) : inner_(inner), plan_(plan) {}

    core::Result<core::UserId> insert_user(const auth::User& u,
                                           const core::AuditEvent& audit) override {
        return plan_.call("insert_user", [&] { return inner_.insert_user(u, audit); });
    }
    core::Result<std::optional<auth::User>> find_user_by_name(
        const std::string& username) override {
        return plan_.call("find_user_by_name", [&] { return inner_.find_user_by_name(username); });
    }
    core::Result<std::optional<auth::User>> find_user(core::UserId id) override {
        return plan_.call("find_user", [&] { return inner_.find_user(id); });
    }
    core::Result<std::vector<auth::User>> list_users() override {
        return plan_.call("list_users", [&] { return inner_.list_users(); });
    }
    core::Result<core::UserId> insert_user_with_reset(
        const auth::User& u, const core::AuditEvent& audit, const auth::PasswordReset& reset,
        const core::AuditEvent& reset_audit) override {
        return plan_.call("insert_user_with_reset", [&] {
            return inner_.insert_user_with_reset(u, audit, reset, reset_audit);
        });
    }
    core::Result<std::vector<auth::User>> list_users_after(core::UserId after_id,
                                                           std::size_t limit) override {
        return plan_.call("list_users_after",
                          [&] { return inner_.list_users_after(after_id, limit); });
    }
    core::Result<auth::User> set_role(core::UserId id, core::Role role,
                                      std::optional<std::int64_t> expected_version,
                                      const core::AuditEvent& audit) override {
        return plan_.call("set_role",
                          [&] { return inner_.set_role(id, role, expected_version, audit); });
    }
    core::Result<auth::User> set_active(core::UserId id, bool active,
                                        const core::AuditEvent& audit) override {
        return plan_.call("set_active", [&] { return inner_.set_active(id, active, audit); });
    }
    core::Status insert_password_reset(const auth::PasswordReset& reset,
                                       const core::AuditEvent& audit) override {
        return plan_.call("insert_password_reset",
                          [&] { return inner_.insert_password_reset(reset, audit); });
    }
    core::Result<core::UserId> use_password_reset(const std::string& code_hash_hex,
                                                  std::int64_t now_ms,
                                                  const std::string& password_hash,
                                                  const core::AuditEvent& audit) override {
        return plan_.call("use_password_reset", [&] {
            return inner_.use_password_reset(code_hash_hex, now_ms, password_hash, audit);
        });
    }
    core::Status insert_session(const auth::Session& s) override {
        return plan_.call("insert_session", [&] { return inner_.insert_session(s); });
    }
    core::Result<std::optional<std::pair<auth::Session, auth::User>>> find_session(
        const std::string& token_hash_hex) override {
        return plan_.call("find_session", [&] { return inner_.find_session(token_hash_hex); });
    }
    core::Result<std::vector<std::pair<auth::Session, auth::User>>> find_sessions(
        const std::vector<std::string>& token_hashes_hex) override {
        return plan_.call("find_sessions", [&] { return inner_.find_sessions(token_hashes_hex); });
    }
    core::Status delete_session(const std::string& token_hash_hex) override {
        return plan_.call("delete_session", [&] { return inner_.delete_session(token_hash_hex); });
    }
    core::Result<std::int64_t> delete_expired_sessions(std::int64_t now_ms) override {
        return plan_.call("delete_expired_sessions",
                          [&] { return inner_.delete_expired_sessions(now_ms); });
    }

private:
    auth::UserStore& inner_;
    FaultPlan& plan_;
};

static_assert(!std::is_abstract_v<FaultyUserStore>);

}  // namespace procura::testing
