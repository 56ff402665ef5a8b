// The bid document: the JSON a supplier seals inside a bid (docs/bid-document.schema.json). This
// is the one C++ reading of that schema: parse_bid_document() checks exactly what the schema
// says (plus two stricter rules written in the schema's $comment) and returns the typed document
// with the raw JSON kept as received. Pure: no I/O, no clock, no OpenSSL; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "core/identity.hpp"
#include "core/money.hpp"
#include "core/result.hpp"

namespace procura::bidding {

// An answer to a technical question: a string, an integer (a JSON integer that fits in 64 bits),
// another number (kept as a double; the raw JSON keeps its exact text) or a boolean.
using TechnicalAnswer = std::variant<std::string, std::int64_t, double, bool>;

struct BidDocument {
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;  // the lot number
    core::UserId supplier_id = 0;
    core::Money price;               // amount_minor > 0, an active ISO 4217 currency
    std::int32_t validity_days = 0;  // 1..3650
    std::map<std::string, bool> declarations;
    std::map<std::string, TechnicalAnswer> technical;
    std::string raw_json;  // the document exactly as it was received
};

// The limits the schema sets; tests compare them with the schema file.
inline constexpr std::int32_t validity_days_max = 3650;
inline constexpr std::size_t declarations_max = 100;
inline constexpr std::size_t technical_answers_max = 1000;
inline constexpr std::size_t answer_name_chars_max = 200;    // Unicode code points
inline constexpr std::size_t answer_text_chars_max = 10000;  // Unicode code points
// Deeper nesting than this is refused before the JSON is parsed (the schema allows depth 2).
inline constexpr std::size_t nesting_depth_max = 16;

// The member lists of the schema's objects, in the schema's order: every one is required, and
// no other member is allowed.
inline constexpr std::array<std::string_view, 7> document_fields = {
    "tender_id", "lot_id", "supplier_id", "price", "validity_days", "declarations", "technical"};
inline constexpr std::array<std::string_view, 2> price_fields = {"amount_minor", "currency"};
// The declarations every bid must make, and make true; other declarations are optional booleans.
inline constexpr std::array<std::string_view, 2> required_declarations = {"no_conflict_of_interest",
                                                                          "not_debarred"};

// Parses and checks a bid document. Errors are all ErrorKind::unprocessable, with `field` the
// JSON path of the offending member ("price.amount_minor", "technical.colour"; empty for the
// document itself) and one code per kind of fault:
//   "bid_not_json"       not one UTF-8 JSON value, or an object repeats a member name;
//   "bid_missing_field"  a required member is absent;
//   "bid_unknown_field"  a member the schema does not allow;
//   "bid_bad_value"      a wrong type, a number out of range, a float where an integer is due
//                        (100.0 and 1e2 are floats here), an unknown currency, a required
//                        declaration that is not true, too many members, a name or text too
//                        long, or nesting deeper than nesting_depth_max.
// The first fault found is reported (members in the schema's order). Thread-safe.
core::Result<BidDocument> parse_bid_document(std::string_view json);

}  // namespace procura::bidding
