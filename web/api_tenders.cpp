// Tenders: the public notice board (anonymous reads, kept in the public cache until the next
// deadline that changes a status they show), officers' drafts, edits, publication,
// amendments and cancellation, tender documents, and clarification questions. The status of a
// tender past its deadline comes from lifecycle::TenderLifecycle (opened, evaluated, ...).
// tender::TenderService checks roles, states and rules; mapping in web/json_tenders.hpp.
#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "web/api_support.hpp"
#include "web/json_tenders.hpp"

namespace procura::web {
namespace {

using core::Result;
using namespace api_support;

// The first deadline after now_ms at which a derived status changes; the largest instant if
// none is ahead.
std::int64_t next_status_change_ms(const std::optional<std::int64_t>& enquiry_deadline_ms,
                                   const std::optional<std::int64_t>& submission_deadline_ms,
                                   std::int64_t now_ms) {
    std::int64_t next = std::numeric_limits<std::int64_t>::max();
    for (const auto& deadline : {enquiry_deadline_ms, submission_deadline_ms}) {
        if (deadline && *deadline > now_ms) next = std::min(next, *deadline);
    }
    return next;
}

// A header value must not carry control characters (they could split the response).
bool is_safe_header_value(std::string_view value) {
    return std::none_of(value.begin(), value.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

// A tender the schedule calls closed shows what it came to after its deadline
// (lifecycle::TenderLifecycle::after_deadline): sets json["status"] (and "opened_at"). Returns
// false if that could not be read, so that the answer, which then says "closed", is not kept in
// the public cache. lot_ids: the tender's lot numbers, or nullopt to have them read when needed.
bool set_status_after_deadline(const Context& context, std::int64_t id,
                               const std::optional<std::vector<std::int64_t>>& lot_ids,
                               Json& json) {
    lifecycle::TenderLifecycle& lifecycle = context.api.services.lifecycle;
    auto after = lot_ids ? lifecycle.after_deadline(id, *lot_ids) : lifecycle.after_deadline(id);
    if (!after) return false;
    if (*after) {
        json["status"] = (*after)->status;
        json["opened_at"] = core::format_rfc3339_ms((*after)->opened_at_ms);
    }
    return true;
}

// The notice board's filters: ?status=, ?category=, ?limit= (1 to the page size), ?q=, ?cursor=.
struct ListQuery {
    std::optional<tender::TenderStatus> status;
    std::optional<tender::Category> category;
    std::size_t limit = 0;  // 0: the service's default page size
};

Result<ListQuery> parse_list_query(const ParamList& query, std::size_t page_size_max) {
    ListQuery q;
    if (const auto text = query_value(query, "status")) {
        q.status = tender::parse_tender_status(*text);
        if (!q.status) {
            return core::bad_request("unknown_value",
                                     "status must be one of: draft, active.enquiries, "
                                     "active.tendering, closed, cancelled",
                                     "status");
        }
    }
    if (const auto text = query_value(query, "category")) {
        q.category = tender::parse_category(*text);
        if (!q.category) {
            return core::bad_request("unknown_value",
                                     "category must be one of: goods, services, works", "category");
        }
    }
    if (const auto text = query_value(query, "limit")) {
        const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), q.limit);
        if (ec != std::errc() || end != text->data() + text->size() || q.limit == 0 ||
            q.limit > page_size_max) {
            return core::bad_request(
                "invalid_parameter",
                "limit must be an integer from 1 to " + std::to_string(page_size_max), "limit");
        }
    }
    return q;
}

Result<Response> list_tenders(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto caller, optional_caller(request, context));
    tender::TenderService& tenders = context.api.services.tenders;
    PROCURA_TRY_ASSIGN(auto q, parse_list_query(context.query, tenders.limits().page_size_max));
    PROCURA_TRY_ASSIGN(
        auto page, tenders.list(caller, q.status, q.category, std::string(context.query.get("q")),
                                q.limit, std::string(context.query.get("cursor"))));
    const std::int64_t now = page.as_of_ms;
    Json body = page_to_json(page, now);
    bool cacheable = true;
    for (std::size_t i = 0; i < page.items.size(); ++i) {
        Json& item = body["items"][i];
        if (item["status"] != "closed") continue;
        // The same status as GET /tenders/{id}, from the tender's own lots (their numbers are
        // stable ids, not 1..lot_count).
        if (!set_status_after_deadline(context, page.items[i].id, std::nullopt, item)) {
            cacheable = false;
        }
    }
    Response response = json_response(200, body);
    if (!caller && cacheable) {
        std::int64_t until = std::numeric_limits<std::int64_t>::max();
        for (const tender::TenderSummary& s : page.items) {
            until = std::min(
                until, next_status_change_ms(s.enquiry_deadline_ms, s.submission_deadline_ms, now));
        }
        response.public_until_ms = until;
    }
    return response;
}

Result<Response> create_tender(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto fields, parse_tender_fields(body, ""));
    PROCURA_TRY_ASSIGN(auto created, context.api.services.tenders.create_draft(caller, fields));
    Response response = json_response(201, tender_to_json(created));
    response.with_header("Location", "/api/v1/tenders/" + std::to_string(created.tender.id));
    return response;
}

Result<Response> get_tender(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, optional_caller(request, context));
    PROCURA_TRY_ASSIGN(auto view, context.api.services.tenders.get(caller, id));
    Json body = tender_to_json(view);
    bool cacheable = true;
    if (view.status == tender::TenderStatus::closed) {
        std::vector<std::int64_t> lot_ids;
        for (const tender::Lot& lot : view.tender.lots) lot_ids.push_back(lot.number);
        cacheable = set_status_after_deadline(context, id, lot_ids, body);
    }
    Response response = json_response(200, body);
    if (!caller && cacheable) {
        response.public_until_ms =
            next_status_change_ms(view.tender.enquiry_deadline_ms,
                                  view.tender.submission_deadline_ms, context.api.clock.now_ms());
    }
    return response;
}

Result<Response> edit_tender(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto input, parse_edit(body));
    PROCURA_TRY_ASSIGN(auto edited, context.api.services.tenders.edit_draft(
                                        caller, id, input.version, input.fields));
    return json_response(200, tender_to_json(edited));
}

Result<Response> publish_tender(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto version, parse_publish(request.body));
    PROCURA_TRY_ASSIGN(auto published, context.api.services.lifecycle.publish(caller, id, version));
    return json_response(200, tender_to_json(published));
}

Result<Response> amend_tender(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto input, parse_amendment(body));
    PROCURA_TRY_ASSIGN(
        auto amended, context.api.services.tenders.amend(caller, id, input.version, input.rationale,
                                                         input.changes));
    return json_response(201, tender_to_json(amended));
}

Result<Response> cancel_tender(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto reason, string_body(request, "reason"));
    PROCURA_TRY_ASSIGN(auto cancelled, context.api.services.tenders.cancel(caller, id, reason));
    return json_response(200, tender_to_json(cancelled));
}

// The body is the document's bytes; ?filename= (required) and ?title= name it.
Result<Response> upload_document(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    if (!context.query.has("filename") || context.query.get("filename").empty()) {
        return core::bad_request("missing_parameter", "the query parameter filename is required",
                                 "filename");
    }
    tender::DocumentUpload upload;
    upload.filename = std::string(context.query.get("filename"));
    upload.title = std::string(context.query.get("title"));
    upload.content_type = std::string(request.header("Content-Type"));
    upload.bytes = request.body;
    PROCURA_TRY_ASSIGN(auto meta, context.api.services.tenders.add_document(caller, id, upload));
    Response response = json_response(201, document_to_json(meta, id));
    response.with_header("Location", document_url(id, meta.id));
    return response;
}

// The document's bytes with its SHA-256 as the ETag (304 for If-None-Match).
Result<Response> download_document(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto document_id, path_id(context.params, "doc_id"));
    PROCURA_TRY_ASSIGN(auto caller, optional_caller(request, context));
    PROCURA_TRY_ASSIGN(auto content,
                       context.api.services.tenders.get_document(caller, id, document_id));
    const tender::DocumentMeta& meta = content.meta;
    const std::string etag = "\"" + meta.sha256_hex + "\"";
    Response response;
    response.with_header("ETag", etag);
    response.with_header("X-Content-Type-Options", "nosniff");
    if (request.header("If-None-Match") == etag) {
        response.status = 304;
        return response;
    }
    response.content_type = is_safe_header_value(meta.content_type) && !meta.content_type.empty()
                                ? meta.content_type
                                : "application/octet-stream";
    response.with_header("Content-Disposition", attachment_disposition(meta.filename));
    response.body = std::move(content.bytes);
    return response;
}

Result<Response> ask_question(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto text, string_body(request, "text"));
    PROCURA_TRY_ASSIGN(auto question, context.api.services.tenders.ask(caller, id, text));
    return json_response(201, question_to_json(question));
}

Result<Response> answer_question(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto question_id, path_id(context.params, "qid"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto answer, string_body(request, "answer"));
    PROCURA_TRY_ASSIGN(auto answered,
                       context.api.services.tenders.answer(caller, id, question_id, answer));
    return json_response(200, question_to_json(answered));
}

}  // namespace

void add_tender_routes(RouteTable& routes) {
    routes.add("GET", "/api/v1/tenders", list_tenders);
    routes.add("POST", "/api/v1/tenders", create_tender);
    routes.add("GET", "/api/v1/tenders/{id}", get_tender);
    routes.add("PATCH", "/api/v1/tenders/{id}", edit_tender);
    routes.add("POST", "/api/v1/tenders/{id}/publish", publish_tender);
    routes.add("POST", "/api/v1/tenders/{id}/amendments", amend_tender);
    routes.add("POST", "/api/v1/tenders/{id}/cancel", cancel_tender);
    routes.add("POST", "/api/v1/tenders/{id}/documents", upload_document, Dispatch::worker,
               BodyLimit::document);
    routes.add("GET", "/api/v1/tenders/{id}/documents/{doc_id}", download_document);
    routes.add("POST", "/api/v1/tenders/{id}/questions", ask_question);
    routes.add("POST", "/api/v1/tenders/{id}/questions/{qid}/answer", answer_question);
}

}  // namespace procura::web
