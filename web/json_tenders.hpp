// JSON <-> tender mapping for the HTTP API: the fields of a draft, an edit, a publication and
// an amendment in, the tender, notice-board rows, questions, documents and amendments out
// (docs/openapi.yaml). Reads with web/json_fields.hpp. Serialising never exposes who asked a
// clarification question (Question::asker_id) or who answered it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "tender/model.hpp"
#include "web/json_fields.hpp"

namespace procura::web {

// The tender fields of object; every member is optional. prefix is prepended to field names
// in errors ("" for a draft, "changes." inside an amendment). Unknown members are refused.
core::Result<tender::TenderFields> parse_tender_fields(const Json& object, std::string_view prefix);

struct EditInput {
    std::int64_t version = 0;
    tender::TenderFields fields;
};
// {"version": integer, ...tender fields}; version required.
core::Result<EditInput> parse_edit(const Json& object);

// The optional body of publish: empty (only whitespace) gives nullopt; otherwise an object
// with at most {"version": integer}.
core::Result<std::optional<std::int64_t>> parse_publish(std::string_view body);

struct AmendmentInput {
    std::int64_t version = 0;
    std::string rationale;
    tender::TenderFields changes;
};
// {"version": integer, "rationale": string, "changes": {tender fields}}, all required.
core::Result<AmendmentInput> parse_amendment(const Json& object);

// The tender as the API shows it (see docs/openapi.yaml, schema Tender).
Json tender_to_json(const tender::TenderView& view);
// A notice-board row with its derived status.
Json summary_to_json(const tender::TenderSummary& summary, tender::TenderStatus status);
// {"items": [...], "next_cursor": string|null}; each row's status is derived at now_ms.
Json page_to_json(const tender::TenderPage& page, std::int64_t now_ms);
// {"id","text","asked_at","answer","answered_at"}: never the asker or the answerer.
Json question_to_json(const tender::Question& question);
// Document metadata with its "sha256" and its download "url".
Json document_to_json(const tender::DocumentMeta& meta, tender::TenderId tender_id);
Json amendment_to_json(const tender::Amendment& amendment);

// The download path of a document: /api/v1/tenders/{id}/documents/{doc_id}.
std::string document_url(tender::TenderId tender_id, tender::DocumentId document_id);

}  // namespace procura::web
