#include "bidding/bid_document.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>
#include <vector>

#include "core/utf8.hpp"

namespace procura::bidding {
namespace {
using nlohmann::json;

core::Error fault(std::string code, std::string message, std::string field) {
    return core::unprocessable(std::move(code), std::move(message), std::move(field));
}

core::Error bad_value(const std::string& field, const std::string& message) {
    return fault("bid_bad_value", field.empty() ? message : field + ": " + message, field);
}

std::string join(const std::string& parent, const std::string& name) {
    return parent.empty() ? name : parent + "." + name;
}

// Nesting depth of objects and arrays outside strings, counted before parsing so that a deeply
// nested document costs neither stack nor memory.
bool nested_deeper_than(std::string_view text, std::size_t depth_max) {
    std::size_t depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > depth_max) return true;
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return false;
}

// Unicode code points in valid UTF-8 (the parser has checked it): bytes that are not
// continuation bytes.
std::size_t code_points(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

// Required members first (in the schema's order), then members the schema does not allow.
template <std::size_t N>
core::Status check_members(const json& object, const std::array<std::string_view, N>& fields,
                           const std::string& path) {
    for (const std::string_view name : fields) {
        if (!object.contains(std::string(name))) {
            return fault("bid_missing_field", "missing member " + join(path, std::string(name)),
                         join(path, std::string(name)));
        }
    }
    for (const auto& [name, value] : object.items()) {
        if (std::find(fields.begin(), fields.end(), name) == fields.end()) {
            // The name is the bidder's: echo at most 64 bytes of it, cut between characters.
            std::string shown = name;
            if (shown.size() > 64) shown = core::utf8_prefix(name, 64) + "...";
            return fault("bid_unknown_field", "member " + join(path, shown) + " is not allowed",
                         join(path, shown));
        }
    }
    return {};
}

// A JSON integer (not 1.0, not 1e0) within [minimum, maximum].
core::Result<std::int64_t> integer(const json& value, const std::string& path, std::int64_t minimum,
                                   std::int64_t maximum) {
    if (value.is_number_float()) {
        return bad_value(path, "must be a JSON integer, without fraction or exponent");
    }
    if (!value.is_number_integer()) return bad_value(path, "must be an integer");
    if (value.is_number_unsigned() &&
        value.get<std::uint64_t>() > static_cast<std::uint64_t>(maximum)) {
        return bad_value(path, "must be at most " + std::to_string(maximum));
    }
    const auto number = value.get<std::int64_t>();
    if (number < minimum) return bad_value(path, "must be at least " + std::to_string(minimum));
    if (number > maximum) return bad_value(path, "must be at most " + std::to_string(maximum));
    return number;
}

// The schema's propertyNames and maxProperties for declarations and technical.
core::Status check_names(const json& object, const std::string& path, std::size_t members_max) {
    if (object.size() > members_max) {
        return bad_value(path, "at most " + std::to_string(members_max) + " members");
    }
    for (const auto& [name, value] : object.items()) {
        const std::size_t length = code_points(name);
        if (length < 1 || length > answer_name_chars_max) {
            return bad_value(
                join(path, name),
                "a name must have 1 to " + std::to_string(answer_name_chars_max) + " characters");
        }
    }
    return {};
}

core::Status read_declarations(const json& object, BidDocument& document) {
    const std::string path = "declarations";
    if (!object.is_object()) return bad_value(path, "must be an object");
    for (const std::string_view name : required_declarations) {
        if (!object.contains(std::string(name))) {
            return fault("bid_missing_field", "missing member " + join(path, std::string(name)),
                         join(path, std::string(name)));
        }
    }
    PROCURA_TRY(check_names(object, path, declarations_max));
    for (const auto& [name, value] : object.items()) {
        if (!value.is_boolean()) return bad_value(join(path, name), "must be true or false");
        const bool required = std::find(required_declarations.begin(), required_declarations.end(),
                                        name) != required_declarations.end();
        if (required && !value.get<bool>()) {
            return bad_value(join(path, name), "this declaration is required to be true");
        }
        document.declarations.emplace(name, value.get<bool>());
    }
    return {};
}

core::Status read_technical(const json& object, BidDocument& document) {
    const std::string path = "technical";
    if (!object.is_object()) return bad_value(path, "must be an object");
    PROCURA_TRY(check_names(object, path, technical_answers_max));
    for (const auto& [name, value] : object.items()) {
        TechnicalAnswer answer;
        if (value.is_string()) {
            auto text = value.get<std::string>();
            if (code_points(text) > answer_text_chars_max) {
                return bad_value(
                    join(path, name),
                    "at most " + std::to_string(answer_text_chars_max) + " characters");
            }
            answer = std::move(text);
        } else if (value.is_boolean()) {
            answer = value.get<bool>();
        } else if (value.is_number_unsigned() &&
                   value.get<std::uint64_t>() >
                       static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            answer = value.get<double>();
        } else if (value.is_number_integer()) {
            answer = value.get<std::int64_t>();
        } else if (value.is_number_float()) {
            answer = value.get<double>();
        } else {
            return bad_value(join(path, name), "must be a string, a number or a boolean");
        }
        document.technical.emplace(name, std::move(answer));
    }
    return {};
}

core::Status read_price(const json& object, BidDocument& document) {
    const std::string path = "price";
    if (!object.is_object()) return bad_value(path, "must be an object");
    PROCURA_TRY(check_members(object, price_fields, path));
    PROCURA_TRY_ASSIGN(auto amount, integer(object.at("amount_minor"), "price.amount_minor", 1,
                                            std::numeric_limits<std::int64_t>::max()));
    const json& currency = object.at("currency");
    if (!currency.is_string() || !core::is_iso4217_currency(currency.get<std::string>())) {
        return bad_value("price.currency", "must be an active ISO 4217 code such as \"EUR\"");
    }
    document.price = core::Money{amount, currency.get<std::string>()};
    return {};
}

// Parses one JSON value and tells whether any object repeated a member name (nlohmann keeps
// the last one silently; a document that two readers could read differently is refused).
core::Result<json> parse_strict(std::string_view text) {
    std::vector<std::set<std::string>> open_objects;
    bool repeated = false;
    json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
                open_objects.emplace_back();
                break;
            case json::parse_event_t::object_end:
                if (!open_objects.empty()) open_objects.pop_back();
                break;
            case json::parse_event_t::key:
                if (!open_objects.empty() &&
                    !open_objects.back().insert(parsed.get<std::string>()).second) {
                    repeated = true;
                }
                break;
            default:
                break;
        }
        return true;
    };
    json value = json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
    if (value.is_discarded()) {
        return fault("bid_not_json", "the bid document is not valid UTF-8 JSON", "");
    }
    if (repeated) {
        return fault("bid_not_json", "an object in the bid document repeats a member name", "");
    }
    return value;
}

}  // namespace

core::Result<BidDocument> parse_bid_document(std::string_view text) {
    if (nested_deeper_than(text, nesting_depth_max)) {
        return bad_value("", "nested deeper than " + std::to_string(nesting_depth_max) + " levels");
    }
    PROCURA_TRY_ASSIGN(auto parsed, parse_strict(text));
    const json& root = parsed;
    if (!root.is_object()) return bad_value("", "the bid document must be a JSON object");
    PROCURA_TRY(check_members(root, document_fields, ""));

    BidDocument document;
    const std::int64_t id_max = std::numeric_limits<std::int64_t>::max();
    PROCURA_TRY_ASSIGN(auto tender, integer(root.at("tender_id"), "tender_id", 1, id_max));
    PROCURA_TRY_ASSIGN(auto lot, integer(root.at("lot_id"), "lot_id", 1, id_max));
    PROCURA_TRY_ASSIGN(auto supplier, integer(root.at("supplier_id"), "supplier_id", 1, id_max));
    document.tender_id = tender;
    document.lot_id = lot;
    document.supplier_id = supplier;
    PROCURA_TRY(read_price(root.at("price"), document));
    PROCURA_TRY_ASSIGN(auto validity,
                       integer(root.at("validity_days"), "validity_days", 1, validity_days_max));
    document.validity_days = static_cast<std::int32_t>(validity);
    PROCURA_TRY(read_declarations(root.at("declarations"), document));
    PROCURA_TRY(read_technical(root.at("technical"), document));
    document.raw_json = std::string(text);
    return document;
}

}  // namespace procura::bidding
