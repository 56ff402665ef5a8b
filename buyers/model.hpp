// Value types of buyer organisations (procuring entities): the record an administrator keeps of
// each public body that buys through the platform, and the officers who act for it. A tender
// belongs to one buyer, named by its identifier, fixed when the draft is made; only that
// buyer's officers may act on it. Standard-library includes only; no I/O, no clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/identity.hpp"

namespace procura::buyers {

struct Buyer {
    std::int64_t id = 0;     // the row's number; the audit events' entity id
    std::string identifier;  // e.g. "GB-GOV-0042", the tenders' buyer.id; unique, never changes
    std::string legal_name;
    std::string address;
    std::int64_t version = 0;  // 1 on creation, +1 on every change, membership included
    core::UserId created_by = 0;
    std::int64_t created_at_ms = 0;
    std::int64_t updated_at_ms = 0;
    std::vector<core::UserId> officers;  // member officers, ascending
};

// What an administrator gives for a new buyer or a change of one (identifier ignored then).
struct BuyerInput {
    std::string identifier;
    std::string legal_name;
    std::string address;
};

struct BuyerLimits {
    std::size_t identifier_bytes_min = 2;
    std::size_t identifier_bytes_max = 64;
    std::size_t legal_name_bytes_max = 500;
    std::size_t address_bytes_max = 1000;
    std::size_t officers_per_buyer_max = 1000;
};

}  // namespace procura::buyers
