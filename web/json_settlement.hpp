// JSON input of the settlement routes (docs/settlement.md); batches themselves are written by
// settlement/batches/json.hpp, which the command line shares. Reads with web/json_fields.hpp.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.hpp"
#include "settlement/batches/model.hpp"
#include "web/json_fields.hpp"

namespace procura::web {

// {"cutoff": RFC 3339 string or integer milliseconds since the epoch}, required.
core::Result<std::int64_t> parse_cutoff(std::string_view body);

// {"buyer_id", "name", "iban", "bic"}: strings; an absent or null member reads as "" (the
// service says which are required).
core::Result<settlement::batches::BuyerAccount> parse_buyer_account(std::string_view body);

}  // namespace procura::web
