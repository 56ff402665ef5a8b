// The rules of user administration as pure functions, shared by AuthService and both user
// stores (MySQLUserStore and the tests' fake), so that every store decides them the same way
// inside its own transaction. No clock, no I/O: the caller passes the instant.
#pragma once

#include <cstdint>

#include "auth/model.hpp"
#include "core/result.hpp"

namespace procura::auth::rules {

// ok while the code may still set a password: not used and now_ms < expires_at_ms (the code is
// refused at its expiry instant exactly). Errors: 400 "reset_code_used", 400
// "reset_code_expired" (field "code"); used is reported before expired.
core::Status check_password_reset(const PasswordReset& reset, std::int64_t now_ms);

// ok unless changing user to (active_after, role_after) would leave no active admin:
// user is an active admin, would stop being one, and other_active_admins is 0. Error: 409
// "last_active_admin".
core::Status keeps_an_active_admin(const User& user, bool active_after, core::Role role_after,
                                   std::int64_t other_active_admins);

// ok if user.version == expected_version; 409 "stale_version" (field "version") otherwise.
core::Status check_version(const User& user, std::int64_t expected_version);

}  // namespace procura::auth::rules
