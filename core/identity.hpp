// Who is calling: user ids, roles, and the caller of a use case. Every service method that
// changes state takes a Caller and checks the role itself; the web layer only authenticates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace procura::core {

using UserId = std::int64_t;

enum class Role { officer, supplier, finance, auditor, admin };

std::string_view to_string(Role role);
// Returns nullopt for anything but the five role names in lower case.
std::optional<Role> parse_role(std::string_view text);

struct Caller {
    UserId user_id = 0;
    Role role = Role::supplier;
    std::string username;
};

// The port through which modules ask about other users (for example: is every member of an
// opening committee an active officer?). Implemented by the auth service.
class UserDirectory {
public:
    virtual ~UserDirectory() = default;
    // Returns the role of an active user, nullopt if there is no such active user, or an
    // unavailable error if the store cannot be read. Thread-safe.
    virtual Result<std::optional<Role>> role_of(UserId user) = 0;
};

}  // namespace procura::core
