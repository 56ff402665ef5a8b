#include "auth/service.hpp"

#include <algorithm>

#include "auth/password.hpp"
#include "core/hash.hpp"

namespace procura::auth {
namespace {

constexpr std::size_t token_bytes = 32;  // 256 bits

core::Error invalid_credentials() {
    return core::unauthenticated("invalid_credentials", "unknown username or wrong password");
}

core::Error invalid_token() {
    return core::unauthenticated("invalid_token", "the bearer token is unknown or has expired");
}

bool valid_username_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// A fixed hash to verify against when the user does not exist, so that a login for an unknown
// user costs as much time as one with a wrong password.
const std::string& decoy_hash() {
    static const std::string hash = [] {
        auto h = hash_password(core::to_hex(core::random_bytes(16)));
        PROCURA_ASSERT(h.ok());
        return *h;
    }();
    return hash;
}

}  // namespace

AuthService::AuthService(UserStore& store, const core::Clock& clock, AuthLimits limits)
    : store_(store), clock_(clock), limits_(limits) {}

core::Result<User> AuthService::prepare_user(const std::string& username, core::Role role,
                                             const std::string& password, bool active) {
    if (username.size() < limits_.username_bytes_min ||
        username.size() > limits_.username_bytes_max ||
        !std::all_of(username.begin(), username.end(), valid_username_char)) {
        return core::unprocessable("invalid_username",
                                   "a username has " + std::to_string(limits_.username_bytes_min) +
                                       " to " + std::to_string(limits_.username_bytes_max) +
                                       " characters from a-z, 0-9, '.', '_' and '-'",
                                   "username");
    }
    if (password.size() < limits_.password_bytes_min ||
        password.size() > limits_.password_bytes_max) {
        return core::unprocessable("weak_password",
                                   "a password has " + std::to_string(limits_.password_bytes_min) +
                                       " to " + std::to_string(limits_.password_bytes_max) +
                                       " bytes",
                                   "password");
    }
    PROCURA_TRY_ASSIGN(auto hash, hash_password(password));
    User user;
    user.username = username;
    user.role = role;
    user.password_hash = std::move(hash);
    user.active = active;
    user.created_at_ms = clock_.now_ms();
    return user;
}

core::Result<User> AuthService::add_user(const std::string& username, core::Role role,
                                         const std::string& password, core::UserId actor) {
    PROCURA_TRY_ASSIGN(auto prepared, prepare_user(username, role, password, true));
    User user = std::move(prepared);
    const core::AuditEvent event{user.created_at_ms,
                                 actor,
                                 "user.added",
                                 "user",
                                 0,
                                 1,
                                 "{\"role\":\"" + std::string(core::to_string(role)) + "\"}"};
    PROCURA_TRY_ASSIGN(auto id, store_.insert_user(user, event));
    user.id = id;
    return user;
}

core::Result<LoginResult> AuthService::login(const std::string& username,
                                             const std::string& password) {
    if (username.empty() || username.size() > limits_.username_bytes_max ||
        password.size() > limits_.password_bytes_max) {
        return invalid_credentials();
    }
    PROCURA_TRY_ASSIGN(auto found, store_.find_user_by_name(username));
    if (!found) {
        (void)verify_password(decoy_hash(), password);
        return invalid_credentials();
    }
    const User& user = *found;
    if (!verify_password(user.password_hash, password) || !user.active) {
        return invalid_credentials();
    }
    const std::int64_t now = clock_.now_ms();
    LoginResult result;
    result.token = core::base64url_encode(core::random_bytes(token_bytes));
    result.user_id = user.id;
    result.role = user.role;
    result.expires_at_ms = now + limits_.token_ttl_ms;
    PROCURA_TRY(store_.insert_session(
        Session{core::sha256_hex(result.token), user.id, now, result.expires_at_ms}));
    return result;
}

core::Status AuthService::logout(const std::string& token) {
    // Remembered checks are forgotten after the change, whatever its outcome (the session may
    // have ended elsewhere already): a check that read the store before it is not kept.
    auto caller = authenticate(token);
    if (!caller) {
        forget_recent();
        return caller.error();
    }
    auto deleted = store_.delete_session(core::sha256_hex(token));
    forget_recent();
    return deleted;
}

void AuthService::forget_recent() {
    // A check that read the store before this change must not be remembered after it: the
    // generation moves, and authenticate_recent keeps only checks made within one generation.
    std::lock_guard lock(recent_mutex_);
    ++recent_generation_;
    recent_.clear();
}

core::Result<core::Caller> AuthService::authenticate_recent(const std::string& token) {
    if (token.empty() || token.size() > 128) return invalid_token();
    const std::string hash = core::sha256_hex(token);
    const std::int64_t now = clock_.now_ms();
    {
        std::lock_guard lock(recent_mutex_);
        const auto found = recent_.find(hash);
        if (found != recent_.end() && now - found->second.checked_at_ms < recent_ms &&
            now >= found->second.checked_at_ms) {
            return found->second.caller;
        }
    }
    std::uint64_t generation = 0;
    {
        std::lock_guard lock(recent_mutex_);
        generation = recent_generation_;
    }
    PROCURA_TRY_ASSIGN(auto caller, authenticate(token));
    std::lock_guard lock(recent_mutex_);
    if (generation != recent_generation_) return caller;  // a logout or change raced this check
    if (recent_.size() >= recent_max) {
        std::erase_if(recent_, [&](const auto& entry) {
            return now - entry.second.checked_at_ms >= recent_ms ||
                   now < entry.second.checked_at_ms;
        });
        if (recent_.size() >= recent_max) recent_.clear();
    }
    recent_[hash] = Recent{caller, now};
    return caller;
}

core::Result<std::map<std::string, core::Caller>> AuthService::confirm_sessions(
    const std::vector<std::string>& token_hashes_hex) {
    PROCURA_TRY_ASSIGN(auto found, store_.find_sessions(token_hashes_hex));
    const std::int64_t now = clock_.now_ms();
    std::map<std::string, core::Caller> valid;
    for (const auto& [session, user] : found) {
        if (session.expires_at_ms <= now || !user.active) continue;
        valid[session.token_hash_hex] = core::Caller{user.id, user.role, user.username};
    }
    return valid;
}

core::Result<core::Caller> AuthService::authenticate(const std::string& token) {
    if (token.empty() || token.size() > 128) return invalid_token();
    PROCURA_TRY_ASSIGN(auto found, store_.find_session(core::sha256_hex(token)));
    if (!found) return invalid_token();
    const auto& [session, user] = *found;
    if (session.expires_at_ms <= clock_.now_ms() || !user.active) return invalid_token();
    return core::Caller{user.id, user.role, user.username};
}

core::Result<std::vector<User>> AuthService::list_users() { return store_.list_users(); }

core::Status AuthService::set_role(const std::string& username, core::Role role,
                                   core::UserId actor) {
    PROCURA_TRY_ASSIGN(auto found, store_.find_user_by_name(username));
    if (!found) {
        return core::not_found("user_not_found", "no user " + username, "username");
    }
    const core::AuditEvent event{clock_.now_ms(),
                                 actor,
                                 "user.role_changed",
                                 "user",
                                 found->id,
                                 0,
                                 "{\"role\":\"" + std::string(core::to_string(role)) + "\"}"};
    auto changed = store_.set_role(found->id, role, event);
    forget_recent();
    return changed;
}

core::Status AuthService::set_active(const std::string& username, bool active, core::UserId actor) {
    PROCURA_TRY_ASSIGN(auto found, store_.find_user_by_name(username));
    if (!found) {
        return core::not_found("user_not_found", "no user " + username, "username");
    }
    const core::AuditEvent event{clock_.now_ms(),
                                 actor,
                                 active ? "user.activated" : "user.deactivated",
                                 "user",
                                 found->id,
                                 0,
                                 "{}"};
    auto changed = store_.set_active(found->id, active, event);
    forget_recent();
    return changed;
}

core::Result<std::optional<core::Role>> AuthService::role_of(core::UserId user) {
    PROCURA_TRY_ASSIGN(auto found, store_.find_user(user));
    if (!found || !found->active) return std::optional<core::Role>{};
    return std::optional<core::Role>{found->role};
}

}  // namespace procura::auth
