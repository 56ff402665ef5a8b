#include "web/json_fields.hpp"

#include <algorithm>
#include <limits>

#include "core/json_text.hpp"
#include "core/time.hpp"

namespace procura::web {

core::Result<Json> parse_json_object(std::string_view body) {
    Json parsed;
    try {
        parsed = Json::parse(body.begin(), body.end());
    } catch (const Json::parse_error& e) {
        return core::bad_request("malformed_json", "the body is not valid JSON (at byte " +
                                                       std::to_string(e.byte) + ")");
    }
    if (!parsed.is_object()) {
        return core::bad_request(
            "invalid_type",
            std::string("the body must be a JSON object, not ") + type_name(parsed));
    }
    return parsed;
}

core::Status no_input(std::string_view body) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return {};
    PROCURA_TRY_ASSIGN(auto object, parse_json_object(body));
    if (!object.empty()) {
        const std::string key = object.begin().key();
        return core::bad_request("unknown_field",
                                 "unknown member '" + key + "': this request takes no input", key);
    }
    return {};
}

std::string path_of(std::string_view prefix, std::string_view key) {
    std::string path(prefix);
    path += key;
    return path;
}

const char* type_name(const Json& value) {
    if (value.is_number_integer()) return "integer";
    return value.type_name();
}

core::Error invalid_type(const std::string& field, std::string_view expected) {
    return core::bad_request("invalid_type", field + " must be " + std::string(expected), field);
}

core::Error missing_field(const std::string& field) {
    return core::bad_request("missing_field", field + " is required", field);
}

core::Status check_members(const Json& object, std::string_view prefix,
                           std::span<const std::string_view> allowed, std::string_view extra) {
    for (const auto& item : object.items()) {
        if (item.key() != extra &&
            std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
            const std::string field = path_of(prefix, item.key());
            return core::bad_request("unknown_field", field + " is not a field of this request",
                                     field);
        }
    }
    return {};
}

core::Status check_members(const Json& object, std::string_view prefix,
                           std::initializer_list<std::string_view> allowed) {
    return check_members(object, prefix,
                         std::span<const std::string_view>(allowed.begin(), allowed.size()));
}

const Json* member(const Json& object, std::string_view key) {
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

core::Result<std::string> read_string(const Json& value, const std::string& field) {
    if (!value.is_string()) {
        return invalid_type(field, std::string("a string, not ") + type_name(value));
    }
    return value.get<std::string>();
}

core::Result<std::int64_t> read_integer(const Json& value, const std::string& field) {
    if (!value.is_number_integer()) {
        return invalid_type(field, std::string("an integer, not ") + type_name(value));
    }
    if (value.is_number_unsigned() &&
        value.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return invalid_type(field, "an integer that fits in 64 bits");
    }
    return value.get<std::int64_t>();
}

core::Result<bool> read_boolean(const Json& value, const std::string& field) {
    if (!value.is_boolean()) {
        return invalid_type(field, std::string("a boolean, not ") + type_name(value));
    }
    return value.get<bool>();
}

core::Result<std::int64_t> read_time(const Json& value, const std::string& field) {
    if (!value.is_string()) {
        return invalid_type(field,
                            std::string("an RFC 3339 timestamp string, not ") + type_name(value));
    }
    const auto ms = core::parse_rfc3339_ms(value.get_ref<const std::string&>());
    if (!ms) {
        return core::bad_request("invalid_time",
                                 field +
                                     " must be an RFC 3339 timestamp such as "
                                     "2030-01-31T12:00:00Z or 2030-01-31T20:00:00+08:00",
                                 field);
    }
    return *ms;
}

core::Status require_object(const Json& value, const std::string& field) {
    if (!value.is_object()) {
        return invalid_type(field, std::string("an object, not ") + type_name(value));
    }
    return {};
}

core::Status require_array(const Json& value, const std::string& field) {
    if (!value.is_array()) {
        return invalid_type(field, std::string("an array, not ") + type_name(value));
    }
    return {};
}

namespace {

// The required member key of object (at prefix), read with reader.
template <class Reader>
auto required(const Json& object, std::string_view prefix, std::string_view key, Reader reader)
    -> decltype(reader(object, std::string())) {
    const std::string field = path_of(prefix, key);
    const Json* value = member(object, key);
    if (value == nullptr) return missing_field(field);
    return reader(*value, field);
}

}  // namespace

core::Result<std::string> required_string(const Json& object, std::string_view prefix,
                                          std::string_view key) {
    return required(object, prefix, key, read_string);
}

core::Result<std::int64_t> required_integer(const Json& object, std::string_view prefix,
                                            std::string_view key) {
    return required(object, prefix, key, read_integer);
}

core::Result<bool> required_boolean(const Json& object, std::string_view prefix,
                                    std::string_view key) {
    return required(object, prefix, key, read_boolean);
}

core::Result<const Json*> required_object(const Json& object, std::string_view prefix,
                                          std::string_view key,
                                          std::initializer_list<std::string_view> allowed) {
    const std::string field = path_of(prefix, key);
    const Json* value = member(object, key);
    if (value == nullptr) return missing_field(field);
    PROCURA_TRY(require_object(*value, field));
    PROCURA_TRY(check_members(*value, field + ".", allowed));
    return value;
}

core::Result<const Json*> required_array(const Json& object, std::string_view prefix,
                                         std::string_view key) {
    const std::string field = path_of(prefix, key);
    const Json* value = member(object, key);
    if (value == nullptr) return missing_field(field);
    PROCURA_TRY(require_array(*value, field));
    return value;
}

core::Result<std::string> optional_string(const Json& object, std::string_view key) {
    const Json* value = member(object, key);
    if (value == nullptr || value->is_null()) return std::string();
    return read_string(*value, std::string(key));
}

core::Result<std::string> parse_single_string(const Json& object, std::string_view key) {
    PROCURA_TRY(check_members(object, "", {key}));
    return required_string(object, "", key);
}

Json time_or_null(const std::optional<std::int64_t>& ms) {
    if (!ms) return nullptr;
    return core::format_rfc3339_ms(*ms);
}

std::string dump(const Json& value) { return core::compact_json(value); }

}  // namespace procura::web
