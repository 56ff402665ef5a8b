#include "tests/auth/fake_user_store.hpp"

#include "auth/rules.hpp"

namespace procura::auth {

core::Result<core::UserId> FakeUserStore::insert_locked(const User& u,
                                                        const core::AuditEvent& audit) {
    for (const auto& [id, existing] : users_) {
        if (existing.username == u.username) {
            return core::conflict("username_taken", "the username " + u.username + " is taken",
                                  "username");
        }
    }
    User copy = u;
    copy.id = next_id_++;
    copy.version = 1;
    users_[copy.id] = copy;
    core::AuditEvent e = audit;
    e.entity_id = copy.id;
    e.entity_version = 1;
    audit_.push_back(e);
    return copy.id;
}

core::Result<core::UserId> FakeUserStore::insert_user(const User& u,
                                                      const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    return insert_locked(u, audit);
}

core::Result<core::UserId> FakeUserStore::insert_user_with_reset(
    const User& u, const core::AuditEvent& audit, const PasswordReset& reset,
    const core::AuditEvent& reset_audit) {
    std::lock_guard lock(mutex_);
    PROCURA_TRY_ASSIGN(auto id, insert_locked(u, audit));
    PasswordReset stored = reset;
    stored.user_id = id;
    resets_[stored.code_hash_hex] = stored;
    core::AuditEvent e = reset_audit;
    e.entity_id = id;
    e.entity_version = 1;
    audit_.push_back(e);
    return id;
}

core::Result<std::optional<User>> FakeUserStore::find_user_by_name(const std::string& username) {
    std::lock_guard lock(mutex_);
    for (const auto& [id, u] : users_) {
        if (u.username == username) return std::optional<User>{u};
    }
    return std::optional<User>{};
}

core::Result<std::optional<User>> FakeUserStore::find_user(core::UserId id) {
    std::lock_guard lock(mutex_);
    auto it = users_.find(id);
    if (it == users_.end()) return std::optional<User>{};
    return std::optional<User>{it->second};
}

core::Result<std::vector<User>> FakeUserStore::list_users() {
    std::lock_guard lock(mutex_);
    std::vector<User> out;
    for (const auto& [id, u] : users_) out.push_back(u);
    return out;
}

core::Result<std::vector<User>> FakeUserStore::list_users_after(core::UserId after_id,
                                                                std::size_t limit) {
    std::lock_guard lock(mutex_);
    std::vector<User> out;
    for (auto it = users_.upper_bound(after_id); it != users_.end() && out.size() < limit; ++it) {
        out.push_back(it->second);
    }
    return out;
}

core::Status FakeUserStore::check_admin_remains(const User& user, bool active,
                                                core::Role role) const {
    std::int64_t others = 0;
    for (const auto& [id, u] : users_) {
        if (id != user.id && u.active && u.role == core::Role::admin) ++others;
    }
    return rules::keeps_an_active_admin(user, active, role, others);
}

void FakeUserStore::end_sessions(core::UserId id) {
    std::erase_if(sessions_, [&](const auto& entry) { return entry.second.user_id == id; });
}

void FakeUserStore::void_resets(core::UserId id) {
    std::erase_if(resets_, [&](const auto& entry) {
        return entry.second.user_id == id && !entry.second.used_at_ms;
    });
}

void FakeUserStore::append(const User& user, core::AuditEvent event) {
    event.entity_id = user.id;
    event.entity_version = user.version;
    audit_.push_back(std::move(event));
}

core::Result<User> FakeUserStore::set_role(core::UserId id, core::Role role,
                                           std::optional<std::int64_t> expected_version,
                                           const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    auto it = users_.find(id);
    if (it == users_.end()) {
        return core::not_found("user_not_found", "no user " + std::to_string(id));
    }
    User& user = it->second;
    if (expected_version) PROCURA_TRY(rules::check_version(user, *expected_version));
    PROCURA_TRY(check_admin_remains(user, user.active, role));
    user.role = role;
    ++user.version;
    end_sessions(id);
    append(user, audit);
    return user;
}

core::Result<User> FakeUserStore::set_active(core::UserId id, bool active,
                                             const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    auto it = users_.find(id);
    if (it == users_.end()) {
        return core::not_found("user_not_found", "no user " + std::to_string(id));
    }
    User& user = it->second;
    PROCURA_TRY(check_admin_remains(user, active, user.role));
    user.active = active;
    ++user.version;
    if (!active) {
        end_sessions(id);
        void_resets(id);
    }
    append(user, audit);
    return user;
}

core::Status FakeUserStore::insert_password_reset(const PasswordReset& reset,
                                                  const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    auto it = users_.find(reset.user_id);
    if (it == users_.end()) {
        return core::not_found("user_not_found", "no user " + std::to_string(reset.user_id));
    }
    if (!it->second.active) {
        return core::conflict("user_inactive", "user " + it->second.username + " is inactive");
    }
    void_resets(reset.user_id);
    resets_[reset.code_hash_hex] = reset;
    append(it->second, audit);
    return {};
}

core::Result<core::UserId> FakeUserStore::use_password_reset(const std::string& code_hash_hex,
                                                             std::int64_t now_ms,
                                                             const std::string& password_hash,
                                                             const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    auto reset = resets_.find(code_hash_hex);
    if (reset == resets_.end()) {
        return core::bad_request("invalid_reset_code", "no such reset code", "code");
    }
    PROCURA_TRY(rules::check_password_reset(reset->second, now_ms));
    User& user = users_.at(reset->second.user_id);
    user.password_hash = password_hash;
    ++user.version;
    reset->second.used_at_ms = now_ms;
    end_sessions(user.id);
    core::AuditEvent event = audit;
    event.actor_user_id = user.id;
    append(user, std::move(event));
    return user.id;
}

core::Status FakeUserStore::insert_session(const Session& s) {
    std::lock_guard lock(mutex_);
    sessions_[s.token_hash_hex] = s;
    return {};
}

core::Result<std::optional<std::pair<Session, User>>> FakeUserStore::find_session(
    const std::string& token_hash_hex) {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(token_hash_hex);
    if (it == sessions_.end()) return std::optional<std::pair<Session, User>>{};
    auto user = users_.find(it->second.user_id);
    if (user == users_.end()) return std::optional<std::pair<Session, User>>{};
    return std::optional<std::pair<Session, User>>{std::pair{it->second, user->second}};
}

core::Status FakeUserStore::delete_session(const std::string& token_hash_hex) {
    std::lock_guard lock(mutex_);
    sessions_.erase(token_hash_hex);
    return {};
}

core::Result<std::int64_t> FakeUserStore::delete_expired_sessions(std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    std::int64_t removed = 0;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        if (it->second.expires_at_ms <= now_ms) {
            it = sessions_.erase(it);
            ++removed;
        } else {
            ++it;
        }
    }
    return removed;
}

std::vector<core::AuditEvent> FakeUserStore::audit_events() {
    std::lock_guard lock(mutex_);
    return audit_;
}

std::vector<PasswordReset> FakeUserStore::password_resets() {
    std::lock_guard lock(mutex_);
    std::vector<PasswordReset> out;
    for (const auto& [hash, reset] : resets_) out.push_back(reset);
    return out;
}

std::vector<Session> FakeUserStore::sessions() {
    std::lock_guard lock(mutex_);
    std::vector<Session> out;
    for (const auto& [k, s] : sessions_) out.push_back(s);
    return out;
}

void FakeUserStore::set_active(core::UserId id, bool active) {
    std::lock_guard lock(mutex_);
    users_.at(id).active = active;
}

}  // namespace procura::auth
