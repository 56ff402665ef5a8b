// Checks of short texts people type into forms (names, addresses, reasons): trimming and the one
// rule for a required, bounded, printable field, shared by the modules that take such fields.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace procura::core {

// text without leading and trailing blanks (space, tab, line breaks, form feed, vertical tab).
std::string trim(std::string_view text);

// value trimmed, if it is not empty (422 "missing_field"), at most max_bytes long (422
// "field_too_long") and free of control characters (422 "invalid_field": they would only ever
// be an attack on whoever displays or exports the value); each error names field.
Result<std::string> text_field(std::string_view value, const std::string& field,
                               std::size_t max_bytes);

}  // namespace procura::core
