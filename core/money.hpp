// Money is an integer amount in minor units (cents, fen) with an ISO 4217 currency code, never a
// floating-point number. This header only names and validates; arithmetic with overflow checks
// arrives with the ledger.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace procura::core {

struct Money {
    std::int64_t amount_minor = 0;
    std::string currency;
};

// True for an active ISO 4217 alphabetic code ("EUR", "CNY"); false for lower case, withdrawn
// codes and anything else.
bool is_iso4217_currency(std::string_view code);

}  // namespace procura::core
