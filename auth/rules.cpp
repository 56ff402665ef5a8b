#include "auth/rules.hpp"

#include <string>

namespace procura::auth::rules {

core::Status check_password_reset(const PasswordReset& reset, std::int64_t now_ms) {
    if (reset.used_at_ms) {
        return core::bad_request("reset_code_used", "this reset code has been used already",
                                 "code");
    }
    if (now_ms >= reset.expires_at_ms) {
        return core::bad_request("reset_code_expired",
                                 "this reset code has expired; ask an administrator for a new one",
                                 "code");
    }
    return {};
}

core::Status keeps_an_active_admin(const User& user, bool active_after, core::Role role_after,
                                   std::int64_t other_active_admins) {
    const bool admin_before = user.active && user.role == core::Role::admin;
    const bool admin_after = active_after && role_after == core::Role::admin;
    if (admin_before && !admin_after && other_active_admins == 0) {
        return core::conflict(
            "last_active_admin",
            "user " + user.username + " is the last active admin; make another admin first");
    }
    return {};
}

core::Status check_version(const User& user, std::int64_t expected_version) {
    if (user.version != expected_version) {
        return core::conflict("stale_version",
                              "the user is at version " + std::to_string(user.version) + ", not " +
                                  std::to_string(expected_version) + "; reload it and try again",
                              "version");
    }
    return {};
}

}  // namespace procura::auth::rules
