// RFC 3339 timestamps <-> milliseconds since the Unix epoch. Pure functions, no locale, no
// time zone database: output is always UTC with a trailing Z.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace procura::core {

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)". Fractions beyond milliseconds are
// truncated. Returns nullopt for anything else, including impossible dates (2026-02-30).
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);

// Formats as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_rfc3339_ms(std::int64_t epoch_ms);

}  // namespace procura::core
