#include "web/json_mapping.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "core/json_text.hpp"
#include "core/time.hpp"
#include "tender/rules.hpp"

namespace procura::web {
namespace {
using core::Result;
using core::Status;

std::string path_of(std::string_view prefix, std::string_view key) {
    std::string path(prefix);
    path += key;
    return path;
}

core::Error invalid_type(const std::string& field, std::string_view expected) {
    return core::bad_request("invalid_type", field + " must be " + std::string(expected), field);
}

const char* type_name(const Json& value) {
    if (value.is_number_integer()) return "integer";
    return value.type_name();
}

// The members of a tender fields object (a draft, an edit, an amendment's changes).
constexpr std::array<std::string_view, 12> tender_field_names = {"title",
                                                                 "description",
                                                                 "buyer",
                                                                 "category",
                                                                 "currency",
                                                                 "lots",
                                                                 "evaluation",
                                                                 "bid_security_minor",
                                                                 "enquiry_deadline",
                                                                 "submission_deadline",
                                                                 "opening_time",
                                                                 "committee"};

// Refuses any member of object that is neither among allowed nor equal to extra.
Status check_members(const Json& object, std::string_view prefix,
                     std::span<const std::string_view> allowed, std::string_view extra = {}) {
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

const Json* member(const Json& object, std::string_view key) {
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

core::Error missing(const std::string& field) {
    return core::bad_request("missing_field", field + " is required", field);
}

Result<std::string> read_string(const Json& value, const std::string& field) {
    if (!value.is_string()) {
        return invalid_type(field, std::string("a string, not ") + type_name(value));
    }
    return value.get<std::string>();
}

Result<std::int64_t> read_integer(const Json& value, const std::string& field) {
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

Result<std::int64_t> read_time(const Json& value, const std::string& field) {
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

Status check_members(const Json& object, std::string_view prefix,
                     std::initializer_list<std::string_view> allowed) {
    return check_members(object, prefix,
                         std::span<const std::string_view>(allowed.begin(), allowed.size()));
}

Status require_object(const Json& value, const std::string& field) {
    if (!value.is_object()) {
        return invalid_type(field, std::string("an object, not ") + type_name(value));
    }
    return {};
}

// Reads member key of object, if present, with reader into out.
template <class T, class Reader>
Status read_optional(const Json& object, std::string_view prefix, std::string_view key,
                     Reader reader, std::optional<T>& out) {
    const Json* value = member(object, key);
    if (value == nullptr) return {};
    PROCURA_TRY_ASSIGN(auto read, reader(*value, path_of(prefix, key)));
    out = std::move(read);
    return {};
}

template <class T, class Parse>
Result<T> read_enum(const Json& value, const std::string& field, Parse parse,
                    std::string_view allowed) {
    if (!value.is_string()) {
        return invalid_type(field, std::string("a string, not ") + type_name(value));
    }
    const auto parsed = parse(value.get_ref<const std::string&>());
    if (!parsed) {
        return core::bad_request("unknown_value",
                                 field + " must be one of: " + std::string(allowed), field);
    }
    return *parsed;
}

Result<std::vector<tender::Lot>> read_lots(const Json& value, const std::string& field) {
    if (!value.is_array()) {
        return invalid_type(field, std::string("an array, not ") + type_name(value));
    }
    std::vector<tender::Lot> lots;
    lots.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        const Json& item = value[i];
        const std::string prefix = field + "[" + std::to_string(i) + "].";
        PROCURA_TRY(require_object(item, field + "[" + std::to_string(i) + "]"));
        PROCURA_TRY(check_members(item, prefix, {"title", "budget_minor"}));
        tender::Lot lot;
        lot.number = static_cast<std::int64_t>(i) + 1;
        const Json* title = member(item, "title");
        if (title == nullptr) return missing(prefix + "title");
        PROCURA_TRY_ASSIGN(auto t, read_string(*title, prefix + "title"));
        lot.title = std::move(t);
        const Json* budget = member(item, "budget_minor");
        if (budget == nullptr) return missing(prefix + "budget_minor");
        PROCURA_TRY_ASSIGN(auto b, read_integer(*budget, prefix + "budget_minor"));
        lot.budget_minor = b;
        lots.push_back(std::move(lot));
    }
    return lots;
}

Result<std::vector<core::UserId>> read_members(const Json& value, const std::string& field) {
    if (!value.is_array()) {
        return invalid_type(field, std::string("an array, not ") + type_name(value));
    }
    std::vector<core::UserId> members;
    members.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        PROCURA_TRY_ASSIGN(auto id, read_integer(value[i], field + "[" + std::to_string(i) + "]"));
        members.push_back(id);
    }
    return members;
}

Json optional_time(const std::optional<std::int64_t>& ms) {
    if (!ms) return nullptr;
    return core::format_rfc3339_ms(*ms);
}

template <class E>
Json optional_enum(const std::optional<E>& value) {
    if (!value) return nullptr;
    return std::string(tender::to_string(*value));
}

Json optional_string(const std::optional<std::string>& value) {
    if (!value) return nullptr;
    return *value;
}

// Reads the tender fields of object without checking for unknown members.
Result<tender::TenderFields> read_tender_fields(const Json& object, std::string_view prefix);

}  // namespace

Result<Json> parse_json_object(std::string_view body) {
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

Result<tender::TenderFields> parse_tender_fields(const Json& object, std::string_view prefix) {
    PROCURA_TRY(check_members(object, prefix, tender_field_names));
    return read_tender_fields(object, prefix);
}

namespace {

Result<tender::TenderFields> read_tender_fields(const Json& object, std::string_view prefix) {
    tender::TenderFields f;
    const auto string_reader = [](const Json& v, const std::string& field) {
        return read_string(v, field);
    };
    const auto integer_reader = [](const Json& v, const std::string& field) {
        return read_integer(v, field);
    };
    const auto time_reader = [](const Json& v, const std::string& field) {
        return read_time(v, field);
    };
    PROCURA_TRY(read_optional(object, prefix, "title", string_reader, f.title));
    PROCURA_TRY(read_optional(object, prefix, "description", string_reader, f.description));
    if (const Json* buyer = member(object, "buyer")) {
        const std::string field = path_of(prefix, "buyer");
        PROCURA_TRY(require_object(*buyer, field));
        PROCURA_TRY(check_members(*buyer, field + ".", {"name", "id"}));
        PROCURA_TRY(read_optional(*buyer, field + ".", "name", string_reader, f.buyer_name));
        PROCURA_TRY(read_optional(*buyer, field + ".", "id", string_reader, f.buyer_id));
    }
    PROCURA_TRY(read_optional(
        object, prefix, "category",
        [](const Json& v, const std::string& field) {
            return read_enum<tender::Category>(v, field, tender::parse_category,
                                               "goods, services, works");
        },
        f.category));
    PROCURA_TRY(read_optional(object, prefix, "currency", string_reader, f.currency));
    PROCURA_TRY(read_optional(object, prefix, "lots", read_lots, f.lots));
    if (const Json* evaluation = member(object, "evaluation")) {
        const std::string field = path_of(prefix, "evaluation");
        const std::string inner = field + ".";
        PROCURA_TRY(require_object(*evaluation, field));
        PROCURA_TRY(
            check_members(*evaluation, inner, {"method", "price_weight", "technical_weight"}));
        PROCURA_TRY(read_optional(
            *evaluation, inner, "method",
            [](const Json& v, const std::string& name) {
                return read_enum<tender::EvaluationMethod>(
                    v, name, tender::parse_evaluation_method,
                    "lowest_price, comprehensive, benchmark_price");
            },
            f.evaluation_method));
        PROCURA_TRY(
            read_optional(*evaluation, inner, "price_weight", integer_reader, f.price_weight));
        PROCURA_TRY(read_optional(*evaluation, inner, "technical_weight", integer_reader,
                                  f.technical_weight));
    }
    PROCURA_TRY(
        read_optional(object, prefix, "bid_security_minor", integer_reader, f.bid_security_minor));
    PROCURA_TRY(
        read_optional(object, prefix, "enquiry_deadline", time_reader, f.enquiry_deadline_ms));
    PROCURA_TRY(read_optional(object, prefix, "submission_deadline", time_reader,
                              f.submission_deadline_ms));
    PROCURA_TRY(read_optional(object, prefix, "opening_time", time_reader, f.opening_time_ms));
    if (const Json* committee = member(object, "committee")) {
        const std::string field = path_of(prefix, "committee");
        const std::string inner = field + ".";
        PROCURA_TRY(require_object(*committee, field));
        PROCURA_TRY(check_members(*committee, inner, {"members", "threshold"}));
        PROCURA_TRY(read_optional(*committee, inner, "members", read_members, f.committee));
        PROCURA_TRY(read_optional(*committee, inner, "threshold", integer_reader, f.threshold_k));
    }
    return f;
}

}  // namespace

Result<LoginInput> parse_login(const Json& object) {
    PROCURA_TRY(check_members(object, "", {"username", "password"}));
    LoginInput input;
    const Json* username = member(object, "username");
    if (username == nullptr) return missing("username");
    PROCURA_TRY_ASSIGN(auto u, read_string(*username, "username"));
    input.username = std::move(u);
    const Json* password = member(object, "password");
    if (password == nullptr) return missing("password");
    PROCURA_TRY_ASSIGN(auto p, read_string(*password, "password"));
    input.password = std::move(p);
    return input;
}

Result<EditInput> parse_edit(const Json& object) {
    PROCURA_TRY(check_members(object, "", tender_field_names, "version"));
    EditInput input;
    const Json* version = member(object, "version");
    if (version == nullptr) return missing("version");
    PROCURA_TRY_ASSIGN(auto v, read_integer(*version, "version"));
    input.version = v;
    PROCURA_TRY_ASSIGN(auto fields, read_tender_fields(object, ""));
    input.fields = std::move(fields);
    return input;
}

Result<std::optional<std::int64_t>> parse_publish(std::string_view body) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return std::optional<std::int64_t>{};
    }
    PROCURA_TRY_ASSIGN(auto object, parse_json_object(body));
    PROCURA_TRY(check_members(object, "", {"version"}));
    const Json* version = member(object, "version");
    if (version == nullptr) return std::optional<std::int64_t>{};
    PROCURA_TRY_ASSIGN(auto v, read_integer(*version, "version"));
    return std::optional<std::int64_t>{v};
}

Result<AmendmentInput> parse_amendment(const Json& object) {
    PROCURA_TRY(check_members(object, "", {"version", "rationale", "changes"}));
    AmendmentInput input;
    const Json* version = member(object, "version");
    if (version == nullptr) return missing("version");
    PROCURA_TRY_ASSIGN(auto v, read_integer(*version, "version"));
    input.version = v;
    const Json* rationale = member(object, "rationale");
    if (rationale == nullptr) return missing("rationale");
    PROCURA_TRY_ASSIGN(auto r, read_string(*rationale, "rationale"));
    input.rationale = std::move(r);
    const Json* changes = member(object, "changes");
    if (changes == nullptr) return missing("changes");
    PROCURA_TRY(require_object(*changes, "changes"));
    PROCURA_TRY_ASSIGN(auto fields, parse_tender_fields(*changes, "changes."));
    input.changes = std::move(fields);
    return input;
}

Result<std::string> parse_single_string(const Json& object, std::string_view key) {
    for (const auto& item : object.items()) {
        if (item.key() != key) {
            return core::bad_request("unknown_field",
                                     item.key() + " is not a field of this request", item.key());
        }
    }
    const Json* value = member(object, key);
    if (value == nullptr) return missing(std::string(key));
    return read_string(*value, std::string(key));
}

namespace {

// Reads the required string member key of object (at prefix) into out.
Status read_required_string(const Json& object, std::string_view prefix, std::string_view key,
                            std::string& out) {
    const std::string field = path_of(prefix, key);
    const Json* value = member(object, key);
    if (value == nullptr) return missing(field);
    PROCURA_TRY_ASSIGN(auto text, read_string(*value, field));
    out = std::move(text);
    return {};
}

// The required object member key of object, checked to hold only the allowed members.
Result<const Json*> read_required_object(const Json& object, std::string_view key,
                                         std::initializer_list<std::string_view> allowed) {
    const Json* value = member(object, key);
    if (value == nullptr) return missing(std::string(key));
    PROCURA_TRY(require_object(*value, std::string(key)));
    PROCURA_TRY(check_members(*value, std::string(key) + ".", allowed));
    return value;
}

}  // namespace

Result<suppliers::SupplierRegistration> parse_supplier_registration(const Json& object) {
    PROCURA_TRY(check_members(object, "",
                              {"organisation_name", "registration_number", "address", "contact",
                               "bank_account", "username", "password"}));
    suppliers::SupplierRegistration r;
    PROCURA_TRY(read_required_string(object, "", "organisation_name", r.organisation_name));
    PROCURA_TRY(read_required_string(object, "", "registration_number", r.registration_number));
    PROCURA_TRY_ASSIGN(
        auto address,
        read_required_object(object, "address", {"street", "postal_code", "city", "country"}));
    PROCURA_TRY(read_required_string(*address, "address.", "street", r.address.street));
    PROCURA_TRY(read_required_string(*address, "address.", "postal_code", r.address.postal_code));
    PROCURA_TRY(read_required_string(*address, "address.", "city", r.address.city));
    PROCURA_TRY(read_required_string(*address, "address.", "country", r.address.country));
    PROCURA_TRY_ASSIGN(auto contact,
                       read_required_object(object, "contact", {"name", "email", "phone"}));
    PROCURA_TRY(read_required_string(*contact, "contact.", "name", r.contact.name));
    PROCURA_TRY(read_required_string(*contact, "contact.", "email", r.contact.email));
    PROCURA_TRY(read_required_string(*contact, "contact.", "phone", r.contact.phone));
    PROCURA_TRY_ASSIGN(auto bank, read_required_object(object, "bank_account", {"iban", "bic"}));
    PROCURA_TRY(read_required_string(*bank, "bank_account.", "iban", r.bank_account.iban));
    PROCURA_TRY(read_required_string(*bank, "bank_account.", "bic", r.bank_account.bic));
    PROCURA_TRY(read_required_string(object, "", "username", r.username));
    PROCURA_TRY(read_required_string(object, "", "password", r.password));
    return r;
}

Json supplier_to_json(const suppliers::Supplier& s) {
    Json review = nullptr;
    if (s.review) {
        review =
            Json{{"by", s.review->by},
                 {"at", core::format_rfc3339_ms(s.review->at_ms)},
                 {"reason", s.review->reason.empty() ? Json(nullptr) : Json(s.review->reason)}};
    }
    return Json{
        {"id", s.id},
        {"user_id", s.user_id},
        {"organisation_name", s.organisation_name},
        {"registration_number", s.registration_number},
        {"address",
         {{"street", s.address.street},
          {"postal_code", s.address.postal_code},
          {"city", s.address.city},
          {"country", s.address.country}}},
        {"contact",
         {{"name", s.contact.name}, {"email", s.contact.email}, {"phone", s.contact.phone}}},
        {"bank_account", {{"iban", s.bank_account.iban}, {"bic", s.bank_account.bic}}},
        {"status", suppliers::to_string(s.status)},
        {"registered_at", core::format_rfc3339_ms(s.registered_at_ms)},
        {"review", review}};
}

Json certificate_to_json(const pki::UserCertificate& c, std::int64_t now_ms) {
    Json revocation = nullptr;
    if (c.revocation) {
        revocation = Json{{"revoked_at", core::format_rfc3339_ms(c.revocation->at_ms)},
                          {"reason", pki::to_string(c.revocation->reason)},
                          {"revoked_by", c.revocation->by}};
    }
    return Json{{"serial", c.serial_hex},
                {"user_id", c.user_id},
                {"subject", c.subject},
                {"key_sha256", c.key_sha256},
                {"status", pki::to_string(pki::status_at(c, now_ms))},
                {"not_before", core::format_rfc3339_ms(c.not_before_ms)},
                {"not_after", core::format_rfc3339_ms(c.not_after_ms)},
                {"issued_at", core::format_rfc3339_ms(c.issued_at_ms)},
                {"revocation", revocation},
                {"pem", c.pem},
                {"pem_url", "/api/v1/certificates/" + c.serial_hex + "/pem"}};
}

std::string document_url(tender::TenderId tender_id, tender::DocumentId document_id) {
    return "/api/v1/tenders/" + std::to_string(tender_id) + "/documents/" +
           std::to_string(document_id);
}

Json question_to_json(const tender::Question& q) {
    return Json{{"id", q.id},
                {"text", q.text},
                {"asked_at", core::format_rfc3339_ms(q.asked_at_ms)},
                {"answer", optional_string(q.answer)},
                {"answered_at", optional_time(q.answered_at_ms)}};
}

Json document_to_json(const tender::DocumentMeta& meta, tender::TenderId tender_id) {
    return Json{{"id", meta.id},
                {"title", meta.title},
                {"filename", meta.filename},
                {"content_type", meta.content_type},
                {"size_bytes", meta.size_bytes},
                {"sha256", meta.sha256_hex},
                {"uploaded_at", core::format_rfc3339_ms(meta.uploaded_at_ms)},
                {"url", document_url(tender_id, meta.id)}};
}

Json amendment_to_json(const tender::Amendment& a) {
    // The service stores the changed fields as compact JSON; publish them as an object. A
    // stored value that does not parse is shown as its text rather than hidden.
    Json changes = Json::parse(a.changes_json, nullptr, false);
    if (changes.is_discarded()) changes = a.changes_json;
    return Json{{"number", a.number},
                {"at", core::format_rfc3339_ms(a.at_ms)},
                {"rationale", a.rationale},
                {"changes", std::move(changes)},
                {"tender_version", a.tender_version},
                {"deadline_extended_from", optional_time(a.deadline_extended_from_ms)},
                {"deadline_extended_to", optional_time(a.deadline_extended_to_ms)}};
}

namespace {

// Size and threshold for everyone; the member ids only where the service shows them (officers).
Json committee_to_json(const tender::TenderView& view) {
    Json committee{{"size", view.committee_size}, {"threshold", view.tender.threshold_k}};
    if (view.committee_members_shown) committee["members"] = view.tender.committee;
    return committee;
}

}  // namespace

Json tender_to_json(const tender::TenderView& view) {
    const tender::Tender& t = view.tender;
    Json lots = Json::array();
    for (const tender::Lot& lot : t.lots) {
        lots.push_back(
            Json{{"number", lot.number}, {"title", lot.title}, {"budget_minor", lot.budget_minor}});
    }
    Json documents = Json::array();
    for (const tender::DocumentMeta& meta : t.documents) {
        documents.push_back(document_to_json(meta, t.id));
    }
    Json amendments = Json::array();
    for (const tender::Amendment& a : t.amendments) amendments.push_back(amendment_to_json(a));
    Json questions = Json::array();
    for (const tender::Question& q : t.questions) questions.push_back(question_to_json(q));
    return Json{
        {"id", t.id},
        {"version", t.version},
        {"status", std::string(tender::to_string(view.status))},
        {"title", t.title},
        {"description", t.description},
        {"buyer", {{"name", t.buyer_name}, {"id", t.buyer_id}}},
        {"category", optional_enum(t.category)},
        {"currency", t.currency},
        {"lots", std::move(lots)},
        {"evaluation",
         {{"method", optional_enum(t.evaluation_method)},
          {"price_weight", t.price_weight},
          {"technical_weight", t.technical_weight}}},
        {"bid_security_minor", t.bid_security_minor},
        {"enquiry_deadline", optional_time(t.enquiry_deadline_ms)},
        {"submission_deadline", optional_time(t.submission_deadline_ms)},
        {"opening_time", optional_time(t.opening_time_ms)},
        {"committee", committee_to_json(view)},
        {"documents", std::move(documents)},
        {"amendments", std::move(amendments)},
        {"questions", std::move(questions)},
        {"created_at", core::format_rfc3339_ms(t.created_at_ms)},
        {"updated_at", core::format_rfc3339_ms(t.updated_at_ms)},
        {"published_at", optional_time(t.published_at_ms)},
        {"cancelled_at", optional_time(t.cancelled_at_ms)},
        {"cancel_reason", t.cancel_reason.empty() ? Json(nullptr) : Json(t.cancel_reason)},
    };
}

Json summary_to_json(const tender::TenderSummary& s, tender::TenderStatus status) {
    return Json{{"id", s.id},
                {"version", s.version},
                {"status", std::string(tender::to_string(status))},
                {"title", s.title},
                {"buyer", {{"name", s.buyer_name}, {"id", s.buyer_id}}},
                {"category", optional_enum(s.category)},
                {"currency", s.currency},
                {"enquiry_deadline", optional_time(s.enquiry_deadline_ms)},
                {"submission_deadline", optional_time(s.submission_deadline_ms)},
                {"opening_time", optional_time(s.opening_time_ms)},
                {"published_at", optional_time(s.published_at_ms)},
                {"lot_count", s.lot_count},
                {"total_budget_minor", s.total_budget_minor}};
}

Json page_to_json(const tender::TenderPage& page, std::int64_t now_ms) {
    Json items = Json::array();
    for (const tender::TenderSummary& s : page.items) {
        items.push_back(summary_to_json(s, tender::rules::status_at(s, now_ms)));
    }
    return Json{{"items", std::move(items)},
                {"next_cursor", page.next_cursor ? Json(*page.next_cursor) : Json(nullptr)}};
}

Json login_to_json(const auth::LoginResult& login) {
    return Json{{"token", login.token},
                {"user_id", login.user_id},
                {"role", std::string(core::to_string(login.role))},
                {"expires_at", core::format_rfc3339_ms(login.expires_at_ms)}};
}

Json caller_to_json(const core::Caller& caller) {
    return Json{{"user_id", caller.user_id},
                {"username", caller.username},
                {"role", std::string(core::to_string(caller.role))}};
}

std::string dump(const Json& value) { return core::compact_json(value); }

}  // namespace procura::web
