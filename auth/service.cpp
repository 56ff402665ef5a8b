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

core::Status AuthService::check_username(const std::string& username) const {
    if (username.size() < limits_.username_bytes_min ||
        username.size() > limits_.username_bytes_max ||
        !std::all_of(username.begin(), username.end(), valid_username_char)) {
        return core::unprocessable("invalid_username",
                                   "a username has " + std::to_string(limits_.username_bytes_min) +
                                       " to " + std::to_string(limits_.username_bytes_max) +
                                       " characters from a-z, 0-9, '.', '_' and '-'",
                                   "username");
    }
    return {};
}

core::Status AuthService::check_password(const std::string& password, const char* field) const {
    if (password.size() < limits_.password_bytes_min ||
        password.size() > limits_.password_bytes_max) {
        return core::unprocessable("weak_password",
                                   "a password has " + std::to_string(limits_.password_bytes_min) +
                                       " to " + std::to_string(limits_.password_bytes_max) +
                                       " bytes",
                                   field);
    }
    return {};
}

core::Result<User> AuthService::prepare_user(const std::string& username, core::Role role,
                                             const std::string& password, bool active) {
    PROCURA_TRY(check_username(username));
    PROCURA_TRY(check_password(password, "password"));
    PROCURA_TRY_ASSIGN(auto hash, hash_password(password));
    User user;
    user.username = username;
    user.role = role;
    user.password_hash = std::move(hash);
    user.active = active;
    user.created_at_ms = clock_.now_ms();
    return user;
}

core::AuditEvent AuthService::user_event(core::UserId actor, std::string action, core::UserId id,
                                         std::string payload_json) const {
    // The store sets entity_version (and entity_id of a new user).
    return core::AuditEvent{clock_.now_ms(),        actor, std::move(action), "user", id, 0,
                            std::move(payload_json)};
}

namespace {

std::string role_payload(core::Role role) {
    return "{\"role\":\"" + std::string(core::to_string(role)) + "\"}";
}

}  // namespace

core::Result<User> AuthService::add_user(const std::string& username, core::Role role,
                                         const std::string& password, core::UserId actor) {
    PROCURA_TRY_ASSIGN(auto prepared, prepare_user(username, role, password, true));
    User user = std::move(prepared);
    PROCURA_TRY_ASSIGN(auto id, store_.insert_user(user, user_event(actor, "user.created", 0,
                                                                    role_payload(role))));
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

core::Caller AuthService::command_line_caller() {
    return core::Caller{0, core::Role::admin, "command-line"};
}

core::Status AuthService::require_admin(const core::Caller& caller) {
    if (caller.role != core::Role::admin) {
        return core::forbidden("forbidden", "only an admin manages users");
    }
    return {};
}

core::Result<User> AuthService::existing_user(core::UserId id) {
    PROCURA_TRY_ASSIGN(auto found, store_.find_user(id));
    if (!found) return core::not_found("user_not_found", "no user " + std::to_string(id));
    return std::move(*found);
}

std::pair<IssuedReset, PasswordReset> AuthService::new_reset(core::UserId user_id) const {
    const std::int64_t now = clock_.now_ms();
    IssuedReset issued{core::base64url_encode(core::random_bytes(token_bytes)), user_id,
                       now + limits_.reset_code_ttl_ms};
    PasswordReset stored{core::sha256_hex(issued.code), user_id, now, issued.expires_at_ms, {}};
    return {std::move(issued), std::move(stored)};
}

core::Result<CreatedUser> AuthService::create_user(const core::Caller& caller,
                                                   const std::string& username, core::Role role,
                                                   const std::optional<std::string>& password) {
    PROCURA_TRY(require_admin(caller));
    if (password) {
        PROCURA_TRY_ASSIGN(auto user, add_user(username, role, *password, caller.user_id));
        return CreatedUser{std::move(user), std::nullopt};
    }
    PROCURA_TRY(check_username(username));
    User user;
    user.username = username;
    user.role = role;
    user.active = true;
    user.created_at_ms = clock_.now_ms();
    auto [issued, stored] = new_reset(0);
    PROCURA_TRY_ASSIGN(
        auto id,
        store_.insert_user_with_reset(
            user, user_event(caller.user_id, "user.created", 0, role_payload(role)), stored,
            user_event(caller.user_id, "user.password_reset_issued", 0,
                       "{\"expires_at_ms\":" + std::to_string(stored.expires_at_ms) + "}")));
    user.id = id;
    issued.user_id = id;
    return CreatedUser{std::move(user), std::move(issued)};
}

core::Result<UserPage> AuthService::list_users(const core::Caller& caller, core::UserId after,
                                               std::size_t limit) {
    PROCURA_TRY(require_admin(caller));
    if (limit < 1 || limit > limits_.users_page_max) {
        return core::bad_request(
            "bad_parameter", "limit is 1 to " + std::to_string(limits_.users_page_max), "limit");
    }
    // One more than asked tells whether another page follows.
    PROCURA_TRY_ASSIGN(auto users, store_.list_users_after(after, limit + 1));
    UserPage page;
    if (users.size() > limit) {
        users.resize(limit);
        page.next_after = users.back().id;
    }
    page.items = std::move(users);
    return page;
}

core::Result<User> AuthService::get_user(const core::Caller& caller, core::UserId id) {
    PROCURA_TRY(require_admin(caller));
    return existing_user(id);
}

core::Result<User> AuthService::get_user_by_name(const core::Caller& caller,
                                                 const std::string& username) {
    PROCURA_TRY(require_admin(caller));
    PROCURA_TRY_ASSIGN(auto found, store_.find_user_by_name(username));
    if (!found) return core::not_found("user_not_found", "no user " + username, "username");
    return std::move(*found);
}

core::Result<User> AuthService::set_active(const core::Caller& caller, core::UserId id,
                                           bool active) {
    PROCURA_TRY(require_admin(caller));
    if (!active && caller.user_id == id) {
        return core::conflict("own_account", "an admin cannot deactivate itself");
    }
    PROCURA_TRY_ASSIGN(auto user, existing_user(id));
    if (user.active == active) {
        return active ? core::conflict("already_active", "user " + user.username + " is active")
                      : core::conflict("already_inactive",
                                       "user " + user.username + " is inactive already");
    }
    auto changed = store_.set_active(
        id, active,
        user_event(caller.user_id, active ? "user.activated" : "user.deactivated", id, "{}"));
    forget_recent();
    return changed;
}

core::Result<User> AuthService::change_role(const core::Caller& caller, core::UserId id,
                                            core::Role role,
                                            std::optional<std::int64_t> expected_version) {
    PROCURA_TRY(require_admin(caller));
    if (caller.user_id == id) {
        return core::conflict("own_account", "an admin cannot change its own role");
    }
    auto changed =
        store_.set_role(id, role, expected_version,
                        user_event(caller.user_id, "user.role_changed", id, role_payload(role)));
    forget_recent();
    return changed;
}

core::Result<IssuedReset> AuthService::issue_password_reset(const core::Caller& caller,
                                                            core::UserId id) {
    PROCURA_TRY(require_admin(caller));
    auto [issued, stored] = new_reset(id);
    PROCURA_TRY(store_.insert_password_reset(
        stored, user_event(caller.user_id, "user.password_reset_issued", id,
                           "{\"expires_at_ms\":" + std::to_string(stored.expires_at_ms) + "}")));
    return std::move(issued);
}

core::Status AuthService::reset_password(const std::string& code, const std::string& new_password) {
    // A code is what new_reset makes: 32 bytes in base64url without padding, 43 characters.
    // Anything else is refused before the password is hashed or the store is asked.
    constexpr std::size_t code_chars = 43;
    const bool well_formed =
        code.size() == code_chars && std::all_of(code.begin(), code.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_';
        });
    if (!well_formed) {
        return core::bad_request("invalid_reset_code", "no such reset code", "code");
    }
    PROCURA_TRY(check_password(new_password, "new_password"));
    PROCURA_TRY_ASSIGN(auto hash, hash_password(new_password));
    auto used = store_.use_password_reset(core::sha256_hex(code), clock_.now_ms(), hash,
                                          user_event(0, "user.password_reset", 0, "{}"));
    forget_recent();
    if (!used) return used.error();
    return {};
}

core::Result<std::optional<core::Role>> AuthService::role_of(core::UserId user) {
    PROCURA_TRY_ASSIGN(auto found, store_.find_user(user));
    if (!found || !found->active) return std::optional<core::Role>{};
    return std::optional<core::Role>{found->role};
}

}  // namespace procura::auth
