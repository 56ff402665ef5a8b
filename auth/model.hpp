// Users, roles and login sessions. A session token is 256 random bits shown to the client once;
// only its SHA-256 is stored. Passwords are stored only as Argon2id encoded hashes.
#pragma once

#include <cstdint>
#include <string>

#include "core/identity.hpp"

namespace procura::auth {

struct User {
    core::UserId id = 0;
    std::string username;
    core::Role role = core::Role::supplier;
    std::string password_hash;  // Argon2id encoded string ("$argon2id$v=19$...")
    bool active = true;
    std::int64_t created_at_ms = 0;
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
};

}  // namespace procura::auth
