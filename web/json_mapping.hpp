// JSON <-> model mapping for the HTTP API, without Beast. Parsing is strict: a body that is not
// JSON is a 400 malformed_json; a value of the wrong JSON type a 400 invalid_type naming the
// field by its path ("lots[1].budget_minor"); an enum value outside its set a 400
// unknown_value; a member the API does not define a 400 unknown_field; a missing required
// member a 400 missing_field; a timestamp that is not RFC 3339 a 400 invalid_time. Amounts are
// JSON integers only (1.0 and "1" are refused): money never passes through a double. Semantic
// checks (lengths, deadlines in order, roles) belong to the services, not here.
//
// Serialising never exposes who asked a clarification question (Question::asker_id) or who
// answered it. Thread-safe: free functions without shared state.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "auth/model.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"
#include "pki/model.hpp"
#include "suppliers/model.hpp"
#include "tender/model.hpp"

namespace procura::web {

using Json = nlohmann::json;

// Parses body as a JSON object. Errors: 400 malformed_json (not JSON; the message gives the
// byte offset), 400 invalid_type (JSON, but not an object).
core::Result<Json> parse_json_object(std::string_view body);

// The tender fields of object; every member is optional. prefix is prepended to field names
// in errors ("" for a draft, "changes." inside an amendment). Unknown members are refused.
core::Result<tender::TenderFields> parse_tender_fields(const Json& object, std::string_view prefix);

struct LoginInput {
    std::string username;
    std::string password;
};
// {"username": string, "password": string}, both required.
core::Result<LoginInput> parse_login(const Json& object);

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

// {"organisation_name", "registration_number", "address": {"street", "postal_code", "city",
// "country"}, "contact": {"name", "email", "phone"}, "bank_account": {"iban", "bic"},
// "username", "password"}: every member a string and required (semantic checks are the
// service's).
core::Result<suppliers::SupplierRegistration> parse_supplier_registration(const Json& object);
// A supplier as staff and the supplier itself see it (docs/openapi.yaml, schema Supplier).
Json supplier_to_json(const suppliers::Supplier& supplier);

// A user's certificate with its status at now_ms (see docs/openapi.yaml, schema Certificate).
Json certificate_to_json(const pki::UserCertificate& certificate, std::int64_t now_ms);

// An object with exactly one required string member key, such as {"reason": "..."}.
core::Result<std::string> parse_single_string(const Json& object, std::string_view key);

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
// {"token","user_id","role","expires_at"}.
Json login_to_json(const auth::LoginResult& login);
// {"user_id","username","role"}.
Json caller_to_json(const core::Caller& caller);

// The download path of a document: /api/v1/tenders/{id}/documents/{doc_id}.
std::string document_url(tender::TenderId tender_id, tender::DocumentId document_id);

// Compact serialisation; invalid UTF-8 in strings is replaced (U+FFFD), never thrown.
std::string dump(const Json& value);

}  // namespace procura::web
