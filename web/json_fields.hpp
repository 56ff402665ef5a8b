// The one set of JSON field readers of the HTTP API, which every module's mapping
// (web/json_*.hpp) uses. Parsing is strict: a body that is not JSON is a 400 malformed_json;
// a value of the wrong JSON type a 400 invalid_type naming the field by its path
// ("lots[1].budget_minor"); an enum value outside its set a 400 unknown_value; a member the
// request does not define a 400 unknown_field; a missing required member a 400 missing_field;
// a timestamp that is not RFC 3339 a 400 invalid_time. Amounts are JSON integers only (1.0 and
// "1" are refused): money never passes through a double. Semantic checks (lengths, deadlines in
// order, roles) belong to the services. Thread-safe: free functions without shared state.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace procura::web {

using Json = nlohmann::json;

// Parses body as a JSON object. Errors: 400 malformed_json (not JSON; the message gives the
// byte offset), 400 invalid_type (JSON, but not an object).
core::Result<Json> parse_json_object(std::string_view body);

// A request that takes no input: an empty body (or only white space) or an empty object;
// anything else is a 400 rather than silently ignored.
core::Status no_input(std::string_view body);

// The path of member key inside prefix ("" at the top, "lots[1]." inside a lot).
std::string path_of(std::string_view prefix, std::string_view key);

// "integer" for JSON integers, else nlohmann's type name ("number", "string", ...).
const char* type_name(const Json& value);

// 400 invalid_type "<field> must be <expected>", and 400 missing_field "<field> is required".
core::Error invalid_type(const std::string& field, std::string_view expected);
core::Error missing_field(const std::string& field);

// Refuses (400 unknown_field) any member of object that is neither in allowed nor extra.
core::Status check_members(const Json& object, std::string_view prefix,
                           std::span<const std::string_view> allowed, std::string_view extra = {});
core::Status check_members(const Json& object, std::string_view prefix,
                           std::initializer_list<std::string_view> allowed);

// The member key of object, or null when it has none.
const Json* member(const Json& object, std::string_view key);

// A value of the named kind; field names it in errors.
core::Result<std::string> read_string(const Json& value, const std::string& field);
// A JSON integer in the int64 range.
core::Result<std::int64_t> read_integer(const Json& value, const std::string& field);
core::Result<bool> read_boolean(const Json& value, const std::string& field);
// An RFC 3339 timestamp string, as milliseconds since the epoch.
core::Result<std::int64_t> read_time(const Json& value, const std::string& field);
core::Status require_object(const Json& value, const std::string& field);
core::Status require_array(const Json& value, const std::string& field);

// A string member one of whose values parse accepts; allowed lists them for the message.
template <class T, class Parse>
core::Result<T> read_enum(const Json& value, const std::string& field, Parse parse,
                          std::string_view allowed) {
    PROCURA_TRY_ASSIGN(const std::string text, read_string(value, field));
    const auto parsed = parse(text);
    if (!parsed) {
        return core::bad_request("unknown_value",
                                 field + " must be one of: " + std::string(allowed), field);
    }
    return *parsed;
}

// The required member key of object (at prefix), read as its kind.
core::Result<std::string> required_string(const Json& object, std::string_view prefix,
                                          std::string_view key);
core::Result<std::int64_t> required_integer(const Json& object, std::string_view prefix,
                                            std::string_view key);
core::Result<bool> required_boolean(const Json& object, std::string_view prefix,
                                    std::string_view key);
// The required object member key of object, checked to hold only the allowed members.
core::Result<const Json*> required_object(const Json& object, std::string_view prefix,
                                          std::string_view key,
                                          std::initializer_list<std::string_view> allowed);
// The required array member key of object.
core::Result<const Json*> required_array(const Json& object, std::string_view prefix,
                                         std::string_view key);

// The string member key of object; absent or null reads as "".
core::Result<std::string> optional_string(const Json& object, std::string_view key);

// Reads member key of object, if present, with reader(value, path) into out.
template <class T, class Reader>
core::Status read_optional(const Json& object, std::string_view prefix, std::string_view key,
                           Reader reader, std::optional<T>& out) {
    const Json* value = member(object, key);
    if (value == nullptr) return {};
    PROCURA_TRY_ASSIGN(auto read, reader(*value, path_of(prefix, key)));
    out = std::move(read);
    return {};
}

// An object with exactly one required string member key, such as {"reason": "..."}.
core::Result<std::string> parse_single_string(const Json& object, std::string_view key);

// Output: an RFC 3339 time, or null.
Json time_or_null(const std::optional<std::int64_t>& ms);
template <class T>
Json value_or_null(const std::optional<T>& value) {
    return value ? Json(*value) : Json(nullptr);
}

// Compact serialisation; invalid UTF-8 in strings is replaced (U+FFFD), never thrown.
std::string dump(const Json& value);

}  // namespace procura::web
