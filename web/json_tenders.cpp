#include "web/json_tenders.hpp"

#include <array>
#include <utility>
#include <vector>

#include "core/time.hpp"
#include "tender/rules.hpp"

namespace procura::web {
namespace {
using core::Result;
using core::Status;

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

// A list of lots: each names the number of an existing lot it keeps, or has none and is new
// (tender::Lot's number 0). Whether the tender has that number is the rules' question; a
// number below 1 is no tender's (422 unknown_lot).
Result<std::vector<tender::Lot>> read_lots(const Json& value, const std::string& field) {
    PROCURA_TRY(require_array(value, field));
    std::vector<tender::Lot> lots;
    lots.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        const Json& item = value[i];
        const std::string prefix = field + "[" + std::to_string(i) + "].";
        PROCURA_TRY(require_object(item, field + "[" + std::to_string(i) + "]"));
        PROCURA_TRY(check_members(item, prefix, {"number", "title", "budget_minor"}));
        tender::Lot lot;
        if (const Json* number = member(item, "number")) {
            const std::string number_field = prefix + "number";
            PROCURA_TRY_ASSIGN(lot.number, read_integer(*number, number_field));
            if (lot.number < 1) {
                return core::unprocessable(
                    "unknown_lot",
                    number_field + ": lot numbers start at 1; leave number out for a new lot",
                    number_field);
            }
        }
        PROCURA_TRY_ASSIGN(lot.title, required_string(item, prefix, "title"));
        PROCURA_TRY_ASSIGN(lot.budget_minor, required_integer(item, prefix, "budget_minor"));
        lots.push_back(std::move(lot));
    }
    return lots;
}

Result<std::vector<core::UserId>> read_members(const Json& value, const std::string& field) {
    PROCURA_TRY(require_array(value, field));
    std::vector<core::UserId> members;
    members.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        PROCURA_TRY_ASSIGN(auto id, read_integer(value[i], field + "[" + std::to_string(i) + "]"));
        members.push_back(id);
    }
    return members;
}

template <class E>
Json optional_enum(const std::optional<E>& value) {
    if (!value) return nullptr;
    return std::string(tender::to_string(*value));
}

// Reads the tender fields of object without checking for unknown members.
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

Result<tender::TenderFields> parse_tender_fields(const Json& object, std::string_view prefix) {
    PROCURA_TRY(check_members(object, prefix, tender_field_names));
    return read_tender_fields(object, prefix);
}

Result<EditInput> parse_edit(const Json& object) {
    PROCURA_TRY(check_members(object, "", tender_field_names, "version"));
    EditInput input;
    PROCURA_TRY_ASSIGN(input.version, required_integer(object, "", "version"));
    PROCURA_TRY_ASSIGN(input.fields, read_tender_fields(object, ""));
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
    PROCURA_TRY_ASSIGN(input.version, required_integer(object, "", "version"));
    PROCURA_TRY_ASSIGN(input.rationale, required_string(object, "", "rationale"));
    const Json* changes = member(object, "changes");
    if (changes == nullptr) return missing_field("changes");
    PROCURA_TRY(require_object(*changes, "changes"));
    PROCURA_TRY_ASSIGN(input.changes, parse_tender_fields(*changes, "changes."));
    return input;
}

std::string document_url(tender::TenderId tender_id, tender::DocumentId document_id) {
    return "/api/v1/tenders/" + std::to_string(tender_id) + "/documents/" +
           std::to_string(document_id);
}

Json question_to_json(const tender::Question& q) {
    return Json{{"id", q.id},
                {"text", q.text},
                {"asked_at", core::format_rfc3339_ms(q.asked_at_ms)},
                {"answer", value_or_null(q.answer)},
                {"answered_at", time_or_null(q.answered_at_ms)}};
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
                {"deadline_extended_from", time_or_null(a.deadline_extended_from_ms)},
                {"deadline_extended_to", time_or_null(a.deadline_extended_to_ms)}};
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
        {"enquiry_deadline", time_or_null(t.enquiry_deadline_ms)},
        {"submission_deadline", time_or_null(t.submission_deadline_ms)},
        {"opening_time", time_or_null(t.opening_time_ms)},
        {"committee", committee_to_json(view)},
        {"documents", std::move(documents)},
        {"amendments", std::move(amendments)},
        {"questions", std::move(questions)},
        {"created_at", core::format_rfc3339_ms(t.created_at_ms)},
        {"updated_at", core::format_rfc3339_ms(t.updated_at_ms)},
        {"published_at", time_or_null(t.published_at_ms)},
        {"cancelled_at", time_or_null(t.cancelled_at_ms)},
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
                {"enquiry_deadline", time_or_null(s.enquiry_deadline_ms)},
                {"submission_deadline", time_or_null(s.submission_deadline_ms)},
                {"opening_time", time_or_null(s.opening_time_ms)},
                {"published_at", time_or_null(s.published_at_ms)},
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

}  // namespace procura::web
