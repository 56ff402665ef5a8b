// Users, roles, login sessions and password reset codes. A session token and a reset code are
// each 256 random bits shown once (the token to its client, the code to the admin who issued
// it); only their SHA-256 is stored. Passwords are stored only as Argon2id encoded hashes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/identity.hpp"

namespace procura::auth {

struct User {
    core::UserId id = 0;
    std::string username;
    core::Role role = core::Role::supplier;
    // Argon2id encoded string ("$argon2id$v=19$..."); empty for a user created without a
    // password, which matches no password until a reset code sets one.
    std::string password_hash;
    bool active = true;
    std::int64_t created_at_ms = 0;
    std::int64_t version = 1;  // rises by one with every change of the user
};

// A one-time password reset code as stored: its SHA-256, never the code.
struct PasswordReset {
    std::string code_hash_hex;  // SHA-256 of the code, lower-case hex
    core::UserId user_id = 0;
    std::int64_t created_at_ms = 0;
    std::int64_t expires_at_ms = 0;          // the code is refused from this instant on
    std::optional<std::int64_t> used_at_ms;  // set once the code has set a password
};

// A reset code as issued: the code itself, shown once to the admin, who passes it on.
struct IssuedReset {
    std::string code;  // base64url of 32 random bytes; never stored, never logged
    core::UserId user_id = 0;
    std::int64_t expires_at_ms = 0;
};

// A user just created, with the reset code issued in its place when no password was given.
struct CreatedUser {
    User user;
    std::optional<IssuedReset> reset;
};

// One page of users, ascending id; next_after is the last id when more may follow.
struct UserPage {
    std::vector<User> items;
    std::optional<core::UserId> next_after;
};

struct Session {
    std::string token_hash_hex;  // SHA-256 of the raw token, lower-case hex
    core::UserId user_id = 0;
    std::int64_t created_at_ms = 0;
    std::int64_t expires_at_ms = 0;
};

struct LoginResult {
    std::string token;  // base64url of 32 random bytes; shown once, never stored
    core::UserId user_id = 0;
    core::Role role = core::Role::supplier;
    std::int64_t expires_at_ms = 0;
};

struct AuthLimits {
    std::int64_t token_ttl_ms = 8LL * 60 * 60 * 1000;
    std::size_t username_bytes_min = 3;
    std::size_t username_bytes_max = 64;
    std::size_t password_bytes_min = 10;
    std::size_t password_bytes_max = 1024;
    std::int64_t reset_code_ttl_ms = 24LL * 60 * 60 * 1000;
    std::size_t users_page_max = 100;
};

}  // namespace procura::auth
