// Settlement batches for finance users: the HTTP routes of this group, registered by
// Api::add_settlement_routes. Authentication comes first (401 without a valid token), then the
// service (503 "settlement_unavailable" when the server runs without it), which checks roles
// and four-eyes itself. Bodies are JSON objects; unknown members are refused (400).
#include <charconv>
#include <functional>

#include "core/time.hpp"
#include "settlement/batches/json.hpp"
#include "settlement/batches/service.hpp"
#include "web/api.hpp"
#include "web/api_support.hpp"

namespace procura::web {
namespace {
using namespace api_support;

core::Result<settlement::batches::BatchService*> batch_service(
    settlement::batches::BatchService* service) {
    return required_service(service, "settlement_unavailable",
                            "settlement batches are not available on this server");
}

core::Status only_members(const Json& object, std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : object.items()) {
        bool known = false;
        for (std::string_view a : allowed) known = known || key == a;
        if (!known) {
            return core::bad_request("unknown_field", "unknown member '" + key + "'", key);
        }
    }
    return {};
}

// {"cutoff": RFC 3339 string or integer milliseconds since the epoch}.
core::Result<std::int64_t> parse_cutoff(const Request& request) {
    PROCURA_TRY_ASSIGN(auto object, parse_json_object(request.body));
    PROCURA_TRY(only_members(object, {"cutoff"}));
    const auto found = object.find("cutoff");
    if (found == object.end() || found->is_null()) {
        return core::bad_request("missing_field",
                                 "cutoff (RFC 3339 time or milliseconds since 1970) is required",
                                 "cutoff");
    }
    if (found->is_number_integer()) return found->get<std::int64_t>();
    if (found->is_string()) {
        if (auto ms = core::parse_rfc3339_ms(found->get_ref<const std::string&>())) return *ms;
        return core::bad_request("invalid_time",
                                 "cutoff is not an RFC 3339 time such as 2026-11-27T10:00:00Z",
                                 "cutoff");
    }
    return core::bad_request("invalid_type", "cutoff must be a string or an integer", "cutoff");
}

core::Result<settlement::batches::BuyerAccount> parse_buyer_account(const Request& request) {
    PROCURA_TRY_ASSIGN(auto object, parse_json_object(request.body));
    PROCURA_TRY(only_members(object, {"buyer_id", "name", "iban", "bic"}));
    settlement::batches::BuyerAccount a;
    for (auto [key, target] : {std::pair<const char*, std::string*>{"buyer_id", &a.buyer_id},
                               {"name", &a.name},
                               {"iban", &a.iban},
                               {"bic", &a.bic}}) {
        const auto found = object.find(key);
        if (found == object.end() || found->is_null()) continue;
        if (!found->is_string()) {
            return core::bad_request("invalid_type", std::string(key) + " must be a string", key);
        }
        *target = found->get<std::string>();
    }
    return a;
}

core::Result<std::int32_t> file_number(const ParamList& params) {
    PROCURA_TRY_ASSIGN(auto n, path_id(params, "n"));
    if (n > 1'000'000) return core::not_found("not_found", "no such bank file");
    return static_cast<std::int32_t>(n);
}

// A batch as the answer, or the service's error.
core::Result<Response> batch_answer(unsigned status,
                                    core::Result<settlement::batches::Batch> batch) {
    if (!batch) return batch.error();
    return json_response(status, settlement::batches::batch_to_json(*batch));
}

}  // namespace

void Api::add_settlement_routes() {
    using Service = settlement::batches::BatchService;
    using Result = core::Result<Response>;
    // Every route checks the caller (401), then that the service runs (503); the service checks
    // roles and four-eyes. with_batch also reads the batch id of the path (404).
    using Body =
        std::function<Result(Service&, const core::Caller&, const Request&, const Context&)>;
    const auto finance = [](Body body) -> Handler {
        return
            [body = std::move(body)](const Api& api, const Request& r, const Context& c) -> Result {
                PROCURA_TRY_ASSIGN(auto caller, api.require_caller(r));
                PROCURA_TRY_ASSIGN(auto service, batch_service(api.services_.batches));
                return body(*service, caller, r, c);
            };
    };
    using BatchBody =
        std::function<Result(Service&, const core::Caller&, std::int64_t id, const Context&)>;
    const auto with_batch = [finance](BatchBody body) -> Handler {
        return finance([body = std::move(body)](Service& s, const core::Caller& caller,
                                                const Request&, const Context& c) -> Result {
            PROCURA_TRY_ASSIGN(auto id, path_id(c.params, "id"));
            return body(s, caller, id, c);
        });
    };

    add("POST", "/api/v1/settlement/batches",
        finance(
            [](Service& s, const core::Caller& caller, const Request& r, const Context&) -> Result {
                PROCURA_TRY_ASSIGN(auto cutoff, parse_cutoff(r));
                PROCURA_TRY_ASSIGN(auto batch, s.prepare(caller, cutoff));
                Response response = json_response(201, settlement::batches::batch_to_json(batch));
                response.with_header("Location",
                                     "/api/v1/settlement/batches/" + std::to_string(batch.id));
                return response;
            }),
        Dispatch::worker);
    add("GET", "/api/v1/settlement/batches",
        finance(
            [](Service& s, const core::Caller& caller, const Request&, const Context&) -> Result {
                PROCURA_TRY_ASSIGN(auto batches, s.list(caller));
                Json items = Json::array();
                for (const settlement::batches::Batch& b : batches) {
                    Json j = settlement::batches::batch_to_json(b);
                    j.erase("items");
                    j.erase("totals");
                    items.push_back(std::move(j));
                }
                return json_response(200, Json{{"items", std::move(items)}});
            }),
        Dispatch::worker);
    add("GET", "/api/v1/settlement/batches/{id}",
        with_batch([](Service& s, const core::Caller& caller, std::int64_t id, const Context&) {
            return batch_answer(200, s.get(caller, id));
        }),
        Dispatch::worker);
    add("POST", "/api/v1/settlement/batches/{id}/approve",
        with_batch([](Service& s, const core::Caller& caller, std::int64_t id, const Context&) {
            return batch_answer(200, s.approve(caller, id));
        }),
        Dispatch::worker);
    add("POST", "/api/v1/settlement/batches/{id}/execute",
        with_batch([](Service& s, const core::Caller& caller, std::int64_t id, const Context&) {
            return batch_answer(200, s.execute(caller, id));
        }),
        Dispatch::worker);
    add("POST", "/api/v1/settlement/batches/{id}/cancel",
        finance([](Service& s, const core::Caller& caller, const Request& r,
                   const Context& c) -> Result {
            PROCURA_TRY_ASSIGN(auto id, path_id(c.params, "id"));
            PROCURA_TRY_ASSIGN(auto reason, string_body(r, "reason"));
            return batch_answer(200, s.cancel(caller, id, reason));
        }),
        Dispatch::worker);
    add("GET", "/api/v1/settlement/batches/{id}/files/{n}",
        with_batch([](Service& s, const core::Caller& caller, std::int64_t id,
                      const Context& c) -> Result {
            PROCURA_TRY_ASSIGN(auto n, file_number(c.params));
            PROCURA_TRY_ASSIGN(auto file, s.file(caller, id, n));
            Response response;
            response.status = 200;
            response.content_type = "application/xml";
            response.body = std::move(file.xml);
            response.with_header("Content-Disposition",
                                 "attachment; filename=\"" + file.message_id + ".xml\"");
            response.with_header("X-Content-SHA256", file.sha256_hex);
            return response;
        }),
        Dispatch::worker);
    add("GET", "/api/v1/settlement/batches/{id}/report.csv",
        with_batch(
            [](Service& s, const core::Caller& caller, std::int64_t id, const Context&) -> Result {
                PROCURA_TRY_ASSIGN(auto report, s.report(caller, id));
                Response response;
                response.status = 200;
                response.content_type = "text/csv; charset=utf-8";
                response.body = std::move(report);
                response.with_header("Content-Disposition", "attachment; filename=\"settlement-" +
                                                                std::to_string(id) + ".csv\"");
                return response;
            }),
        Dispatch::worker);
    add("PUT", "/api/v1/settlement/buyer-accounts",
        finance(
            [](Service& s, const core::Caller& caller, const Request& r, const Context&) -> Result {
                PROCURA_TRY_ASSIGN(auto input, parse_buyer_account(r));
                PROCURA_TRY_ASSIGN(auto account, s.set_buyer_account(caller, input));
                return json_response(200, settlement::batches::buyer_account_to_json(account));
            }),
        Dispatch::worker);
    add("GET", "/api/v1/settlement/buyer-accounts",
        finance(
            [](Service& s, const core::Caller& caller, const Request&, const Context&) -> Result {
                PROCURA_TRY_ASSIGN(auto accounts, s.buyer_accounts(caller));
                Json items = Json::array();
                for (const auto& a : accounts)
                    items.push_back(settlement::batches::buyer_account_to_json(a));
                return json_response(200, Json{{"items", std::move(items)}});
            }),
        Dispatch::worker);
}

}  // namespace procura::web
