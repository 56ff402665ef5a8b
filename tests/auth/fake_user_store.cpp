#include "tests/auth/fake_user_store.hpp"

namespace procura::auth {

core::Result<core::UserId> FakeUserStore::insert_user(const User& u,
                                                      const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    for (const auto& [id, existing] : users_) {
        if (existing.username == u.username) {
            return core::conflict("username_taken", "the username " + u.username + " is taken",
                                  "username");
        }
    }
    User copy = u;
    copy.id = next_id_++;
    users_[copy.id] = copy;
    core::AuditEvent e = audit;
    e.entity_id = copy.id;
    audit_.push_back(e);
    return copy.id;
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

core::Status FakeUserStore::set_role(core::UserId id, core::Role role,
                                     const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    auto it = users_.find(id);
    if (it == users_.end()) {
        return core::not_found("user_not_found", "no user " + std::to_string(id));
    }
    it->second.role = role;
    audit_.push_back(audit);
    return {};
}

core::Status FakeUserStore::set_active(core::UserId id, bool active,
                                       const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    auto it = users_.find(id);
    if (it == users_.end()) {
        return core::not_found("user_not_found", "no user " + std::to_string(id));
    }
    it->second.active = active;
    audit_.push_back(audit);
    return {};
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
