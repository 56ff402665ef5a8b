// Authentication and user administration: add users, log in (Argon2id check, 256-bit token),
// log out, authenticate a bearer token, list users, change roles and (de)activate users.
// Implements core::UserDirectory for other modules. An inactive user cannot log in and its
// existing sessions stop authenticating. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/model.hpp"
#include "auth/store.hpp"
#include "core/clock.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"

namespace procura::auth {

class AuthService final : public core::UserDirectory {
public:
    AuthService(UserStore& store, const core::Clock& clock, AuthLimits limits);

    // Creates a user. actor is 0 when done from the command line. Errors: 422 for a bad
    // username ([a-z0-9._-], 3..64 bytes) or a password outside 10..1024 bytes; 409
    // username_taken.
    core::Result<User> add_user(const std::string& username, core::Role role,
                                const std::string& password, core::UserId actor);

    // Checks username and password as add_user does and returns the user to store (id 0,
    // password hashed, created now) without storing it: for use cases whose store inserts the
    // user together with rows of their own in one transaction (supplier registration). The
    // username's uniqueness is the store's check. Errors: 422 "invalid_username" (field
    // "username"), "weak_password" (field "password").
    core::Result<User> prepare_user(const std::string& username, core::Role role,
                                    const std::string& password, bool active);

    // 401 invalid_credentials for an unknown user, a wrong password or an inactive user (the
    // same answer for each, so usernames cannot be probed).
    core::Result<LoginResult> login(const std::string& username, const std::string& password);

    // Ends the session of a token; unknown tokens are a 401.
    core::Status logout(const std::string& token);

    // The caller behind a bearer token: 401 invalid_token if unknown, expired or its user is
    // inactive.
    core::Result<core::Caller> authenticate(const std::string& token);

    // For a route whose write confirms the session again in bulk before it stores anything
    // (a bid: BiddingService's group calls confirm_sessions): the caller of a token that
    // authenticate accepted less than recent_ms ago, without reading the store; otherwise
    // authenticate. A logout, role change or (de)activation through this service forgets
    // every remembered check at once (one made concurrently with it is not remembered); one
    // made through another server or process is seen within recent_ms, and by the
    // confirmation before any write. Thread-safe.
    core::Result<core::Caller> authenticate_recent(const std::string& token);
    static constexpr std::int64_t recent_ms = 10'000;

    // The callers of the sessions with these token hashes (core::sha256_hex of the token) that
    // are valid now (known, not expired, user active), keyed by hash; one read.
    core::Result<std::map<std::string, core::Caller>> confirm_sessions(
        const std::vector<std::string>& token_hashes_hex);

    core::Result<std::vector<User>> list_users();
    core::Status set_role(const std::string& username, core::Role role, core::UserId actor);

    // Activates or deactivates a user (administration: the command line or an admin). Does not
    // look at other modules' state: a supplier is activated by its approval
    // (suppliers/service.hpp), not here. 404 "user_not_found".
    core::Status set_active(const std::string& username, bool active, core::UserId actor);

    core::Result<std::optional<core::Role>> role_of(core::UserId user) override;

private:
    UserStore& store_;
    const core::Clock& clock_;
    struct Recent {
        core::Caller caller;
        std::int64_t checked_at_ms = 0;
    };
    void forget_recent();
    std::mutex recent_mutex_;
    std::uint64_t recent_generation_ = 0;             // raised by forget_recent
    std::unordered_map<std::string, Recent> recent_;  // by token hash
    static constexpr std::size_t recent_max = 100'000;
    AuthLimits limits_;
};

}  // namespace procura::auth
