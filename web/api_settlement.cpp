// Settlement batches for finance users: the HTTP routes of this group, registered by
// Api::add_settlement_routes. Authentication comes first (401 without a valid token), then the
// service (503 "settlement_unavailable" when the server runs without it), which checks roles
// and four-eyes itself. Bodies are JSON objects; unknown members are refused (400).
#include <charconv>

#include "core/time.hpp"
#include "settlement/batches/json.hpp"
#include "settlement/batches/service.hpp"
#include "web/api.hpp"
#include "web/api_support.hpp"

namespace procura::web {
namespace {

using core::ErrorKind;
using core::make_error;
using namespace api_support;

core::Result<settlement::BatchService*> batch_service(settlement::BatchService* service) {
    if (service == nullptr) {
        return make_error(ErrorKind::unavailable, "settlement_unavailable",
                          "settlement batches are not available on this server");
    }
    return service;
}

core::Status only_members(const Json& object, std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : object.items()) {
        bool known = false;
        for (std::string_view a : allowed) known = known || key == a;
        if (!known) {
            return make_error(ErrorKind::bad_request, "unknown_field",
                              "unknown member '" + key + "'", key);
        }
    }
    return {};
}

// {"cutoff": RFC 3339 string or integer milliseconds since the epoch}.
core::Result<std::int64_t> parse_cutoff(const Request& request) {
    auto object = parse_json_object(request.body);
    if (!object) return object.error();
    PROCURA_TRY(only_members(*object, {"cutoff"}));
    const auto found = object->find("cutoff");
    if (found == object->end() || found->is_null()) {
        return make_error(ErrorKind::bad_request, "missing_field",
                          "cutoff (RFC 3339 time or milliseconds since 1970) is required",
                          "cutoff");
    }
    if (found->is_number_integer()) return found->get<std::int64_t>();
    if (found->is_string()) {
        if (auto ms = core::parse_rfc3339_ms(found->get_ref<const std::string&>())) return *ms;
        return make_error(ErrorKind::bad_request, "invalid_time",
                          "cutoff is not an RFC 3339 time such as 2026-11-27T10:00:00Z",
                          "cutoff");
    }
    return make_error(ErrorKind::bad_request, "invalid_type",
                      "cutoff must be a string or an integer", "cutoff");
}

core::Result<settlement::BuyerAccount> parse_buyer_account(const Request& request) {
    auto object = parse_json_object(request.body);
    if (!object) return object.error();
    PROCURA_TRY(only_members(*object, {"buyer_id", "name", "iban", "bic"}));
    settlement::BuyerAccount a;
    for (auto [key, target] : {std::pair<const char*, std::string*>{"buyer_id", &a.buyer_id},
                               {"name", &a.name},
                               {"iban", &a.iban},
                               {"bic", &a.bic}}) {
        const auto found = object->find(key);
        if (found == object->end() || found->is_null()) continue;
        if (!found->is_string()) {
            return make_error(ErrorKind::bad_request, "invalid_type",
                              std::string(key) + " must be a string", key);
        }
        *target = found->get<std::string>();
    }
    return a;
}

core::Result<std::int32_t> file_number(const ParamList& params) {
    auto n = path_id(params, "n");
    if (!n) return n.error();
    if (*n > 1'000'000) return not_found("no such bank file");
    return static_cast<std::int32_t>(*n);
}

}  // namespace

void Api::add_settlement_routes() {
    add(
        "POST", "/api/v1/settlement/batches",
        [](const Api& api, const Request& r, const Context&) -> core::Result<Response> {
            auto caller = api.require_caller(r);
            if (!caller) return caller.error();
            auto service = batch_service(api.services_.batches);
            if (!service) return service.error();
            auto cutoff = parse_cutoff(r);
            if (!cutoff) return cutoff.error();
            auto batch = (*service)->prepare(*caller, *cutoff);
            if (!batch) return batch.error();
            Response response = json_response(201, settlement::batch_to_json(*batch));
            response.with_header("Location",
                                 "/api/v1/settlement/batches/" + std::to_string(batch->id));
            return response;
        },
        Dispatch::worker);
    add(
        "GET", "/api/v1/settlement/batches",
        [](const Api& api, const Request& r, const Context&) -> core::Result<Response> {
            auto caller = api.require_caller(r);
            if (!caller) return caller.error();
            auto service = batch_service(api.services_.batches);
            if (!service) return service.error();
            auto batches = (*service)->list(*caller);
            if (!batches) return batches.error();
            Json items = Json::array();
            for (const settlement::Batch& b : *batches) {
                Json j = settlement::batch_to_json(b);
                j.erase("items");
                j.erase("totals");
                items.push_back(std::move(j));
            }
            return json_response(200, Json{{"items", std::move(items)}});
        },
        Dispatch::worker);
    add(
        "GET", "/api/v1/settlement/batches/{id}",
        [](const Api& api, const Request& r, const Context& c) -> core::Result<Response> {
            auto caller = api.require_caller(r);
            if (!caller) return caller.error();
            auto service = batch_service(api.services_.batches);
            if (!service) return service.error();
            auto id = path_id(c.params, "id");
            if (!id) return id.error();
            auto batch = (*service)->get(*caller, *id);
            if (!batch) return batch.error();
            return json_response(200, settlement::batch_to_json(*batch));
        },
        Dispatch::worker);
    add(
        "POST", "/api/v1/settlement/batches/{id}/approve",
        [](const Api& api, const Request& r, const Context& c) -> core::Result<Response> {
            auto caller = api.require_caller(r);
            if (!caller) return caller.error();
            auto service = batch_service(api.services_.batches);
            if (!service) return service.error();
            auto id = path_id(c.params, "id");
            if (!id) return id.error();
            auto batch = (*service)->approve(*caller, *id);
            if (!batch) return batch.error();
            return json_response(200, settlement::batch_to_json(*batch));
        },
        Dispatch::worker);
    add(
        "POST", "/api/v1/settlement/batches/{id}/execute",
        [](const Api& api, const Request& r, const Context& c) -> core::Result<Response> {
            auto caller = api.require_caller(r);
            if (!caller) return caller.error();
            auto service = batch_service(api.services_.batches);
            if (!service) return service.error();
            auto id = path_id(c.params, "id");
            if (!id) return id.error();
            auto batch = (*service)->execute(*caller, *id);
            if (!batch) return batch.error();
            return json_response(200, settlement::batch_to_json(*batch));
        },
        Dispatch::worker);
    add(
        "GET", "/api/v1/settlement/batches/{id}/files/{n}",
        [](const Api& api, const Request& r, const Context& c) -> core::Result<Response> {
            auto caller = api.require_caller(r);
            if (!caller) return caller.error();
            auto service = batch_service(api.services_.batches);
            if (!service) return service.error();
            auto id = path_id(c.params, "id");
            if (!id) return id.error();
            auto n = file_number(c.params);
            if (!n) return n.error();
            auto file = (*service)->file(*caller, *id, *n);
            if (!file) return file.error();
            Response response;
            response.status = 200;
            response.content_type = "application/xml";
            response.body = std::move(file->xml);
            response.with_header("Content-Disposition",
                                 "attachment; filename=\"" + file->message_id + ".xml\"");
            response.with_header("X-Content-SHA256", file->sha256_hex);
            return response;
        },
        Dispatch::worker);
    add(
        "GET", "/api/v1/settlement/batches/{id}/report.csv",
        [](const Api& api, const Request& r, const Context& c) -> core::Result<Response> {
            auto caller = api.require_caller(r);
            if (!caller) return caller.error();
            auto service = batch_service(api.services_.batches);
            if (!service) return service.error();
            auto id = path_id(c.params, "id");
            if (!id) return id.error();
            auto report = (*service)->report(*caller, *id);
            if (!report) return report.error();
            Response response;
            response.status = 200;
            response.content_type = "text/csv; charset=utf-8";
            response.body = std::move(*report);
            response.with_header("Content-Disposition", "attachment; filename=\"settlement-" +
                                                            std::to_string(*id) + ".csv\"");
            return response;
        },
        Dispatch::worker);
    add(
        "PUT", "/api/v1/settlement/buyer-accounts",
        [](const Api& api, const Request& r, const Context&) -> core::Result<Response> {
            auto caller = api.require_caller(r);
            if (!caller) return caller.error();
            auto service = batch_service(api.services_.batches);
            if (!service) return service.error();
            auto input = parse_buyer_account(r);
            if (!input) return input.error();
            auto account = (*service)->set_buyer_account(*caller, *input);
            if (!account) return account.error();
            return json_response(200, settlement::buyer_account_to_json(*account));
        },
        Dispatch::worker);
    add(
        "GET", "/api/v1/settlement/buyer-accounts",
        [](const Api& api, const Request& r, const Context&) -> core::Result<Response> {
            auto caller = api.require_caller(r);
            if (!caller) return caller.error();
            auto service = batch_service(api.services_.batches);
            if (!service) return service.error();
            auto accounts = (*service)->buyer_accounts(*caller);
            if (!accounts) return accounts.error();
            Json items = Json::array();
            for (const auto& a : *accounts) items.push_back(settlement::buyer_account_to_json(a));
            return json_response(200, Json{{"items", std::move(items)}});
        },
        Dispatch::worker);
}

}  // namespace procura::web
