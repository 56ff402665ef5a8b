// Settlement batches for finance users (docs/settlement.md): prepare, list, read, approve,
// execute and cancel batches, download their bank files and reports, and set the bank accounts
// buyers pay from. Authentication comes first (401 without a valid token), then the service
// (503 "settlement_unavailable" when the server runs without it), which checks roles and
// four-eyes itself. Bodies are JSON objects; unknown members are refused (400).
#include <string>
#include <utility>

#include "settlement/batches/json.hpp"
#include "web/api_support.hpp"
#include "web/json_settlement.hpp"

namespace procura::web {
namespace {

using core::Result;
using settlement::batches::BatchService;
using namespace api_support;

// What every route of this group reads first: the caller (401), then the service (503).
struct Call {
    BatchService& service;
    core::Caller caller;
};

Result<Call> finance_call(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto service,
                       required_service(context.api.services.batches, "settlement_unavailable",
                                        "settlement batches are not available on this server"));
    return Call{*service, std::move(caller)};
}

Result<std::int32_t> file_number(const ParamList& params) {
    PROCURA_TRY_ASSIGN(auto n, path_id(params, "n"));
    if (n > 1'000'000) return core::not_found("not_found", "no such bank file");
    return static_cast<std::int32_t>(n);
}

// A batch as the answer, or the service's error.
Result<Response> batch_answer(unsigned status, Result<settlement::batches::Batch> batch) {
    if (!batch) return batch.error();
    return json_response(status, settlement::batches::batch_to_json(*batch));
}

// A file to download: its type and the name offered.
Response attachment(std::string content_type, std::string body, const std::string& filename) {
    Response response = body_response(std::move(content_type), std::move(body));
    response.with_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    return response;
}

Result<Response> prepare(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, finance_call(request, context));
    PROCURA_TRY_ASSIGN(auto cutoff, parse_cutoff(request.body));
    PROCURA_TRY_ASSIGN(auto batch, call.service.prepare(call.caller, cutoff));
    Response response = json_response(201, settlement::batches::batch_to_json(batch));
    response.with_header("Location", "/api/v1/settlement/batches/" + std::to_string(batch.id));
    return response;
}

// The batches without their items and totals.
Result<Response> list(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, finance_call(request, context));
    PROCURA_TRY_ASSIGN(auto batches, call.service.list(call.caller));
    Json items = Json::array();
    for (const settlement::batches::Batch& b : batches) {
        Json j = settlement::batches::batch_to_json(b);
        j.erase("items");
        j.erase("totals");
        items.push_back(std::move(j));
    }
    return json_response(200, Json{{"items", std::move(items)}});
}

Result<Response> get(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, finance_call(request, context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    return batch_answer(200, call.service.get(call.caller, id));
}

Result<Response> approve(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, finance_call(request, context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    return batch_answer(200, call.service.approve(call.caller, id));
}

Result<Response> execute(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, finance_call(request, context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    return batch_answer(200, call.service.execute(call.caller, id));
}

Result<Response> cancel(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, finance_call(request, context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto reason, string_body(request, "reason"));
    return batch_answer(200, call.service.cancel(call.caller, id, reason));
}

Result<Response> bank_file(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, finance_call(request, context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto n, file_number(context.params));
    PROCURA_TRY_ASSIGN(auto file, call.service.file(call.caller, id, n));
    Response response =
        attachment("application/xml", std::move(file.xml), file.message_id + ".xml");
    response.with_header("X-Content-SHA256", file.sha256_hex);
    return response;
}

Result<Response> report(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, finance_call(request, context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto csv, call.service.report(call.caller, id));
    return attachment("text/csv; charset=utf-8", std::move(csv),
                      "settlement-" + std::to_string(id) + ".csv");
}

Result<Response> set_buyer_account(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, finance_call(request, context));
    PROCURA_TRY_ASSIGN(auto input, parse_buyer_account(request.body));
    PROCURA_TRY_ASSIGN(auto account, call.service.set_buyer_account(call.caller, input));
    return json_response(200, settlement::batches::buyer_account_to_json(account));
}

Result<Response> buyer_accounts(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, finance_call(request, context));
    PROCURA_TRY_ASSIGN(auto accounts, call.service.buyer_accounts(call.caller));
    Json items = Json::array();
    for (const auto& a : accounts) items.push_back(settlement::batches::buyer_account_to_json(a));
    return json_response(200, Json{{"items", std::move(items)}});
}

}  // namespace

void add_settlement_routes(RouteTable& routes) {
    routes.add("POST", "/api/v1/settlement/batches", prepare);
    routes.add("GET", "/api/v1/settlement/batches", list);
    routes.add("GET", "/api/v1/settlement/batches/{id}", get);
    routes.add("POST", "/api/v1/settlement/batches/{id}/approve", approve);
    routes.add("POST", "/api/v1/settlement/batches/{id}/execute", execute);
    routes.add("POST", "/api/v1/settlement/batches/{id}/cancel", cancel);
    routes.add("GET", "/api/v1/settlement/batches/{id}/files/{n}", bank_file);
    routes.add("GET", "/api/v1/settlement/batches/{id}/report.csv", report);
    routes.add("PUT", "/api/v1/settlement/buyer-accounts", set_buyer_account);
    routes.add("GET", "/api/v1/settlement/buyer-accounts", buyer_accounts);
}

}  // namespace procura::web
