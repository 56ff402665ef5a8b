// The bid document: parse_bid_document's checks, one error code and field per fault, and its
// agreement with docs/bid-document.schema.json, which is read at test time and evaluated by a
// small interpreter of the keywords it uses.
#include "bidding/bid_document.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/money.hpp"

using namespace procura;
using namespace procura::bidding;
using nlohmann::json;

namespace {

json valid_json() {
    return json::parse(R"({
        "tender_id": 7, "lot_id": 2, "supplier_id": 42,
        "price": {"amount_minor": 1250000, "currency": "EUR"},
        "validity_days": 90,
        "declarations": {"no_conflict_of_interest": true, "not_debarred": true, "iso9001": false},
        "technical": {"delivery_weeks": 6, "colour": "grey", "warranty_years": 2.5, "spares": true}
    })");
}

// The valid document with one member replaced (or removed when value is discarded) at a path
// such as "/price/amount_minor".
std::string with(const std::string& pointer, const std::optional<json>& value) {
    json document = valid_json();
    if (value) {
        document[json::json_pointer(pointer)] = *value;
    } else {
        const json::json_pointer p(pointer);
        document[p.parent_pointer()].erase(p.back());
    }
    return document.dump();
}

void expect_refused(const std::string& text, const std::string& code, const std::string& field) {
    auto parsed = parse_bid_document(text);
    BOOST_REQUIRE_MESSAGE(!parsed.ok(), "accepted: " + text);
    BOOST_TEST((parsed.error().kind == core::ErrorKind::unprocessable));
    BOOST_TEST(parsed.error().code == code, text);
    BOOST_TEST(parsed.error().field == field, text);
}

// --- A small evaluator of the JSON Schema 2020-12 keywords the bid schema uses. ---

bool is_integer(const json& v) {
    if (v.is_number_integer()) return true;
    if (!v.is_number_float()) return false;
    const double d = v.get<double>();
    return std::isfinite(d) && d == std::floor(d);
}

// -1, 0, 1 for a < b, a == b, a > b, exact for 64-bit integers of either sign.
int compare(const json& a, const json& b) {
    if (a.is_number_float() || b.is_number_float()) {
        const double x = a.get<double>(), y = b.get<double>();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    const bool a_neg =
        a.is_number_integer() && !a.is_number_unsigned() && a.get<std::int64_t>() < 0;
    const bool b_neg =
        b.is_number_integer() && !b.is_number_unsigned() && b.get<std::int64_t>() < 0;
    if (a_neg != b_neg) return a_neg ? -1 : 1;
    if (a_neg) {
        const auto x = a.get<std::int64_t>(), y = b.get<std::int64_t>();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    const auto x = a.get<std::uint64_t>(), y = b.get<std::uint64_t>();
    return x < y ? -1 : (x > y ? 1 : 0);
}

bool has_type(const json& v, const std::string& type) {
    if (type == "object") return v.is_object();
    if (type == "string") return v.is_string();
    if (type == "boolean") return v.is_boolean();
    if (type == "number") return v.is_number();
    if (type == "integer") return is_integer(v);
    BOOST_FAIL("schema uses an unknown type " + type);
    return false;
}

std::size_t code_points(const std::string& s) {
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

bool schema_accepts(const json& schema, const json& v) {
    static const std::set<std::string> known = {
        "$schema",       "$id",           "$comment",
        "title",         "description",   "type",
        "required",      "properties",    "additionalProperties",
        "minimum",       "maximum",       "exclusiveMinimum",
        "pattern",       "enum",          "const",
        "maxProperties", "propertyNames", "minLength",
        "maxLength"};
    if (schema.is_boolean()) return schema.get<bool>();
    for (const auto& [keyword, value] : schema.items()) {
        BOOST_REQUIRE_MESSAGE(known.count(keyword) == 1, "evaluator lacks keyword " + keyword);
    }
    if (schema.contains("type")) {
        const json& t = schema["type"];
        bool any = false;
        if (t.is_string()) any = has_type(v, t.get<std::string>());
        for (const auto& one : t.is_array() ? t : json::array())
            any = any || has_type(v, one.get<std::string>());
        if (!any) return false;
    }
    if (schema.contains("const") && v != schema["const"]) return false;
    if (schema.contains("enum")) {
        bool found = false;
        for (const auto& e : schema["enum"]) found = found || e == v;
        if (!found) return false;
    }
    if (v.is_number()) {
        if (schema.contains("minimum") && compare(v, schema["minimum"]) < 0) return false;
        if (schema.contains("maximum") && compare(v, schema["maximum"]) > 0) return false;
        if (schema.contains("exclusiveMinimum") && compare(v, schema["exclusiveMinimum"]) <= 0)
            return false;
    }
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        if (schema.contains("minLength") && code_points(s) < schema["minLength"].get<std::size_t>())
            return false;
        if (schema.contains("maxLength") && code_points(s) > schema["maxLength"].get<std::size_t>())
            return false;
        if (schema.contains("pattern") &&
            !std::regex_search(
                s, std::regex(schema["pattern"].get<std::string>(), std::regex::ECMAScript))) {
            return false;
        }
    }
    if (v.is_object()) {
        if (schema.contains("maxProperties") &&
            v.size() > schema["maxProperties"].get<std::size_t>())
            return false;
        for (const auto& r : schema.value("required", json::array())) {
            if (!v.contains(r.get<std::string>())) return false;
        }
        const json properties = schema.value("properties", json::object());
        for (const auto& [name, member] : v.items()) {
            if (schema.contains("propertyNames") &&
                !schema_accepts(schema["propertyNames"], json(name)))
                return false;
            if (properties.contains(name)) {
                if (!schema_accepts(properties[name], member)) return false;
            } else if (schema.contains("additionalProperties") &&
                       !schema_accepts(schema["additionalProperties"], member)) {
                return false;
            }
        }
    }
    return true;
}

json load_schema() {
    std::ifstream in(std::string(PROCURA_SOURCE_DIR) + "/docs/bid-document.schema.json");
    BOOST_REQUIRE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str());
}

template <std::size_t N>
std::vector<std::string> names(const std::array<std::string_view, N>& fields) {
    return std::vector<std::string>(fields.begin(), fields.end());
}

std::vector<std::string> strings(const json& array) {
    return array.get<std::vector<std::string>>();
}

std::vector<std::string> keys(const json& object) {
    std::vector<std::string> out;
    for (const auto& [k, v] : object.items()) out.push_back(k);
    return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bid_documents)

BOOST_AUTO_TEST_CASE(a_complete_document_is_read_and_its_raw_json_kept) {
    const std::string text = valid_json().dump(2);
    auto parsed = parse_bid_document(text);
    BOOST_REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().message));
    BOOST_TEST(parsed->tender_id == 7);
    BOOST_TEST(parsed->lot_id == 2);
    BOOST_TEST(parsed->supplier_id == 42);
    BOOST_TEST(parsed->price.amount_minor == 1250000);
    BOOST_TEST(parsed->price.currency == "EUR");
    BOOST_TEST(parsed->validity_days == 90);
    BOOST_TEST(parsed->declarations.size() == 3u);
    BOOST_TEST(parsed->declarations.at("iso9001") == false);
    BOOST_TEST(std::get<std::int64_t>(parsed->technical.at("delivery_weeks")) == 6);
    BOOST_TEST(std::get<std::string>(parsed->technical.at("colour")) == "grey");
    BOOST_TEST(std::get<double>(parsed->technical.at("warranty_years")) == 2.5);
    BOOST_TEST(std::get<bool>(parsed->technical.at("spares")) == true);
    BOOST_TEST(parsed->raw_json == text);
}

BOOST_AUTO_TEST_CASE(technical_answers_may_be_empty) {
    BOOST_TEST(parse_bid_document(with("/technical", json::object())).ok());
}

BOOST_AUTO_TEST_CASE(each_fault_has_its_code_and_json_path) {
    expect_refused("", "bid_not_json", "");
    expect_refused("{\"tender_id\": 7,", "bid_not_json", "");
    expect_refused(valid_json().dump() + " {}", "bid_not_json", "");
    expect_refused("{\"tender_id\": \"\xff\"}", "bid_not_json", "");
    expect_refused("[1, 2]", "bid_bad_value", "");
    expect_refused(with("/lot_id", std::nullopt), "bid_missing_field", "lot_id");
    expect_refused(with("/price/currency", std::nullopt), "bid_missing_field", "price.currency");
    expect_refused(with("/declarations/not_debarred", std::nullopt), "bid_missing_field",
                   "declarations.not_debarred");
    expect_refused(with("/discount", 5), "bid_unknown_field", "discount");
    expect_refused(with("/price/vat", 5), "bid_unknown_field", "price.vat");
    expect_refused(with("/tender_id", 0), "bid_bad_value", "tender_id");
    expect_refused(with("/tender_id", "7"), "bid_bad_value", "tender_id");
    expect_refused(with("/lot_id", -1), "bid_bad_value", "lot_id");
    expect_refused(with("/supplier_id", nullptr), "bid_bad_value", "supplier_id");
    expect_refused(with("/price", 5), "bid_bad_value", "price");
    expect_refused(with("/price/amount_minor", 0), "bid_bad_value", "price.amount_minor");
    expect_refused(with("/price/amount_minor", "100"), "bid_bad_value", "price.amount_minor");
    expect_refused(with("/price/amount_minor", 12.5), "bid_bad_value", "price.amount_minor");
    expect_refused(with("/price/amount_minor", json::parse("9223372036854775808")), "bid_bad_value",
                   "price.amount_minor");
    expect_refused(with("/price/currency", "eur"), "bid_bad_value", "price.currency");
    expect_refused(with("/price/currency", "ABC"), "bid_bad_value", "price.currency");
    expect_refused(with("/price/currency", 978), "bid_bad_value", "price.currency");
    expect_refused(with("/validity_days", 0), "bid_bad_value", "validity_days");
    expect_refused(with("/validity_days", 3651), "bid_bad_value", "validity_days");
    expect_refused(with("/declarations/not_debarred", false), "bid_bad_value",
                   "declarations.not_debarred");
    expect_refused(with("/declarations/iso9001", "yes"), "bid_bad_value", "declarations.iso9001");
    expect_refused(with("/declarations", json::array()), "bid_bad_value", "declarations");
    expect_refused(with("/technical/colour", json::array({"grey"})), "bid_bad_value",
                   "technical.colour");
    expect_refused(with("/technical/colour", nullptr), "bid_bad_value", "technical.colour");
    expect_refused(with("/technical/colour", std::string(10001, 'x')), "bid_bad_value",
                   "technical.colour");
    expect_refused(with("/technical/" + std::string(201, 'q'), 1), "bid_bad_value",
                   "technical." + std::string(201, 'q'));
}

BOOST_AUTO_TEST_CASE(validity_days_boundaries_are_inclusive) {
    BOOST_TEST(parse_bid_document(with("/validity_days", 1)).ok());
    BOOST_TEST(parse_bid_document(with("/validity_days", 3650)).ok());
    BOOST_TEST(parse_bid_document(with("/price/amount_minor", 1)).ok());
    BOOST_TEST(parse_bid_document(with("/price/amount_minor", INT64_MAX)).ok());
}

BOOST_AUTO_TEST_CASE(an_integer_written_as_a_float_is_refused) {
    for (const std::string amount : {"100.0", "1e2", "1E2", "100.00"}) {
        std::string text = valid_json().dump();
        const std::string from = "\"amount_minor\":1250000";
        text.replace(text.find(from), from.size(), "\"amount_minor\":" + amount);
        expect_refused(text, "bid_bad_value", "price.amount_minor");
    }
    std::string text = valid_json().dump();
    text.replace(text.find("\"tender_id\":7"), 13, "\"tender_id\":7.0");
    expect_refused(text, "bid_bad_value", "tender_id");
}

BOOST_AUTO_TEST_CASE(a_repeated_member_name_is_refused) {
    std::string text = valid_json().dump();
    text.insert(1, "\"tender_id\":8,");
    expect_refused(text, "bid_not_json", "");
    std::string nested = valid_json().dump();
    const std::string from = "\"currency\":\"EUR\"";
    nested.replace(nested.find(from), from.size(), from + ",\"currency\":\"USD\"");
    expect_refused(nested, "bid_not_json", "");
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_before_parsing) {
    const std::string deep(100000, '[');
    expect_refused(deep, "bid_bad_value", "");
    expect_refused(with("/technical/x", json::parse("[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]")),
                   "bid_bad_value", "");
}

BOOST_AUTO_TEST_CASE(the_schema_lists_the_same_members_and_limits_as_the_code) {
    const json schema = load_schema();
    BOOST_TEST(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    BOOST_TEST(schema["additionalProperties"] == false);
    BOOST_TEST(strings(schema["required"]) == names(document_fields),
               boost::test_tools::per_element());
    BOOST_TEST(sorted(keys(schema["properties"])) == sorted(names(document_fields)),
               boost::test_tools::per_element());
    const json& price = schema["properties"]["price"];
    BOOST_TEST(price["additionalProperties"] == false);
    BOOST_TEST(strings(price["required"]) == names(price_fields), boost::test_tools::per_element());
    BOOST_TEST(sorted(keys(price["properties"])) == sorted(names(price_fields)),
               boost::test_tools::per_element());
    const json& declarations = schema["properties"]["declarations"];
    BOOST_TEST(strings(declarations["required"]) == names(required_declarations),
               boost::test_tools::per_element());
    BOOST_TEST(declarations["maxProperties"] == declarations_max);
    const json& technical = schema["properties"]["technical"];
    BOOST_TEST(technical["maxProperties"] == technical_answers_max);
    BOOST_TEST(technical["propertyNames"]["maxLength"] == answer_name_chars_max);
    BOOST_TEST(declarations["propertyNames"]["maxLength"] == answer_name_chars_max);
    BOOST_TEST(technical["additionalProperties"]["maxLength"] == answer_text_chars_max);
    BOOST_TEST(schema["properties"]["validity_days"]["maximum"] == validity_days_max);
    // The currency enum is exactly core's ISO 4217 list: every three-letter code is in both or
    // in neither.
    std::set<std::string> listed;
    for (const auto& code : price["properties"]["currency"]["enum"])
        listed.insert(code.get<std::string>());
    std::string code = "AAA";
    for (char a = 'A'; a <= 'Z'; ++a) {
        for (char b = 'A'; b <= 'Z'; ++b) {
            for (char c = 'A'; c <= 'Z'; ++c) {
                code = {a, b, c};
                BOOST_TEST_REQUIRE(core::is_iso4217_currency(code) == (listed.count(code) == 1),
                                   code);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_schema_and_the_code_accept_and_refuse_the_same_documents) {
    const json schema = load_schema();
    std::vector<std::string> documents = {
        valid_json().dump(),
        with("/technical", json::object()),
        with("/declarations/iso9001", std::nullopt),
        with("/validity_days", 3650),
        with("/price/amount_minor", INT64_MAX),
        with("/technical/long", std::string(10000, 'x')),
        with("/technical/" + std::string(200, 'q'), 1),
        with("/technical/big", json::parse("18446744073709551615")),
        "{}",
        "[]",
        "7",
        with("/lot_id", std::nullopt),
        with("/discount", 5),
        with("/price/vat", 5),
        with("/tender_id", 0),
        with("/tender_id", "7"),
        with("/supplier_id", -3),
        with("/price/amount_minor", 0),
        with("/price/amount_minor", 12.5),
        with("/price/amount_minor", json::parse("9223372036854775808")),
        with("/price/currency", "eur"),
        with("/price/currency", "EURO"),
        with("/price/currency", "ABC"),
        with("/validity_days", 3651),
        with("/declarations/not_debarred", false),
        with("/declarations/no_conflict_of_interest", std::nullopt),
        with("/declarations/iso9001", 1),
        with("/technical/colour", nullptr),
        with("/technical/colour", json::object()),
        with("/technical/colour", std::string(10001, 'x')),
        with("/technical/" + std::string(201, 'q'), 1),
        with("/technical/", 1),
    };
    json declarations = valid_json();
    for (int i = 0; i < 97; ++i) declarations["declarations"]["d" + std::to_string(i)] = true;
    documents.push_back(declarations.dump());  // 100 declarations: the limit
    declarations["declarations"]["one_more"] = true;
    documents.push_back(declarations.dump());
    json many = valid_json();
    for (int i = 0; i < 1001; ++i) many["technical"]["q" + std::to_string(i)] = i;
    documents.push_back(many.dump());
    for (const auto& text : documents) {
        const bool by_schema = schema_accepts(schema, json::parse(text));
        const bool by_code = parse_bid_document(text).ok();
        BOOST_TEST(by_schema == by_code, text.substr(0, 200));
    }
    // The two documented places where the code is stricter than JSON Schema (the schema's
    // $comment): integers written as floats, and repeated member names.
    std::string as_float = valid_json().dump();
    as_float.replace(as_float.find("\"tender_id\":7"), 13, "\"tender_id\":7.0");
    BOOST_TEST(schema_accepts(schema, json::parse(as_float)));
    BOOST_TEST(!parse_bid_document(as_float).ok());
    BOOST_TEST(schema["$comment"].get<std::string>().find("100.0") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
