#include "core/identity.hpp"

namespace procura::core {

std::string_view to_string(Role role) {
    switch (role) {
        case Role::officer:
            return "officer";
        case Role::supplier:
            return "supplier";
        case Role::finance:
            return "finance";
        case Role::auditor:
            return "auditor";
        case Role::admin:
            return "admin";
    }
    PROCURA_ASSERT(false);
    return {};
}

std::optional<Role> parse_role(std::string_view text) {
    for (Role r : {Role::officer, Role::supplier, Role::finance, Role::auditor, Role::admin}) {
        if (to_string(r) == text) return r;
    }
    return std::nullopt;
}

}  // namespace procura::core
