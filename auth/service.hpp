// Authentication and user administration: add users, log in (Argon2id check, 256-bit token),
// log out, authenticate a bearer token, list users and change roles. Implements
// core::UserDirectory for other modules. Thread-safe.
#pragma once

#include <optional>
#include <string>
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

    // 401 invalid_credentials for an unknown user, a wrong password or an inactive user (the
    // same answer for each, so usernames cannot be probed).
    core::Result<LoginResult> login(const std::string& username, const std::string& password);

    // Ends the session of a token; unknown tokens are a 401.
    core::Status logout(const std::string& token);

    // The caller behind a bearer token: 401 invalid_token if unknown, expired or its user is
    // inactive.
    core::Result<core::Caller> authenticate(const std::string& token);

    core::Result<std::vector<User>> list_users();
    core::Status set_role(const std::string& username, core::Role role, core::UserId actor);

    core::Result<std::optional<core::Role>> role_of(core::UserId user) override;

private:
    UserStore& store_;
    const core::Clock& clock_;
    AuthLimits limits_;
};

}  // namespace procura::auth
