#include "suppliers/model.hpp"

namespace procura::suppliers {

std::string_view to_string(SupplierStatus status) {
    switch (status) {
        case SupplierStatus::pending:
            return "pending";
        case SupplierStatus::approved:
            return "approved";
        case SupplierStatus::rejected:
            return "rejected";
    }
    PROCURA_ASSERT(false);
    return {};
}

std::optional<SupplierStatus> parse_supplier_status(std::string_view text) {
    if (text == "pending") return SupplierStatus::pending;
    if (text == "approved") return SupplierStatus::approved;
    if (text == "rejected") return SupplierStatus::rejected;
    return std::nullopt;
}

}  // namespace procura::suppliers
