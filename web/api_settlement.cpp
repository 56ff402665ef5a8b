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

using core::ErrorKind;
using core::make_error;
using namespace api_support;

core::Result<settlement::BatchService*> batch_service(settlement::BatchService* service) {
    return required_service(service, "settlement_unavailable",
                            "settlement batches are not available on this server");
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
                          "cutoff is not an RFC 3339 time such as 2026-11-27T10:00:00Z", "cutoff");
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

// A batch as the answer, or the service's error.
core::Result<Response> batch_answer(unsigned status, core::Result<settlement::Batch> batch) {
    if (!batch) return batch.error();
    return json_response(status, settlement::batch_to_json(*batch));
}

}  // namespace

void Api::add_settlement_routes() {
    using Service = settlement::BatchService;
    using Result = core::Result<Response>;
    // Every route checks the caller (401), then that the service runs (503); the service checks
    // roles and four-eyes. with_batch also reads the batch id of the path (404).
    using Body =
        std::function<Result(Service&, const core::Caller&, const Request&, const Context&)>;
    const auto finance = [](Body body) -> Handler {
        return
            [body = std::move(body)](const Api& api, const Request& r, const Context& c) -> Result {
                auto caller = api.require_caller(r);
                if (!caller) return caller.error();
                auto service = batch_service(api.services_.batches);
                if (!service) return service.error();
                return body(**service, *caller, r, c);
            };
    };
    using BatchBody =
        std::function<Result(Service&, const core::Caller&, std::int64_t id, const Context&)>;
    const auto with_batch = [finance](BatchBody body) -> Handler {
        return finance([body = std::move(body)](Service& s, const core::Caller& caller,
                                                const Request&, const Context& c) -> Result {
            auto id = path_id(c.params, "id");
            if (!id) return id.error();
            return body(s, caller, *id, c);
        });
    };

    add("POST", "/api/v1/settlement/batches",
        finance(
            [](Service& s, const core::Caller& caller, const Request& r, const Context&) -> Result {
                auto cutoff = parse_cutoff(r);
                if (!cutoff) return cutoff.error();
                auto batch = s.prepare(caller, *cutoff);
                if (!batch) return batch.error();
                Response response = json_response(201, settlement::batch_to_json(*batch));
                response.with_header("Location",
                                     "/api/v1/settlement/batches/" + std::to_string(batch->id));
                return response;
            }),
        Dispatch::worker);
    add("GET", "/api/v1/settlement/batches",
        finance(
            [](Service& s, const core::Caller& caller, const Request&, const Context&) -> Result {
                auto batches = s.list(caller);
                if (!batches) return batches.error();
                Json items = Json::array();
                for (const settlement::Batch& b : *batches) {
                    Json j = settlement::batch_to_json(b);
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
            auto id = path_id(c.params, "id");
            if (!id) return id.error();
            auto reason = string_body(r, "reason");
            if (!reason) return reason.error();
            return batch_answer(200, s.cancel(caller, *id, *reason));
        }),
        Dispatch::worker);
    add("GET", "/api/v1/settlement/batches/{id}/files/{n}",
        with_batch([](Service& s, const core::Caller& caller, std::int64_t id,
                      const Context& c) -> Result {
            auto n = file_number(c.params);
            if (!n) return n.error();
            auto file = s.file(caller, id, *n);
            if (!file) return file.error();
            Response response;
            response.status = 200;
            response.content_type = "application/xml";
            response.body = std::move(file->xml);
            response.with_header("Content-Disposition",
                                 "attachment; filename=\"" + file->message_id + ".xml\"");
            response.with_header("X-Content-SHA256", file->sha256_hex);
            return response;
        }),
        Dispatch::worker);
    add("GET", "/api/v1/settlement/batches/{id}/report.csv",
        with_batch(
            [](Service& s, const core::Caller& caller, std::int64_t id, const Context&) -> Result {
                auto report = s.report(caller, id);
                if (!report) return report.error();
                Response response;
                response.status = 200;
                response.content_type = "text/csv; charset=utf-8";
                response.body = std::move(*report);
                response.with_header("Content-Disposition", "attachment; filename=\"settlement-" +
                                                                std::to_string(id) + ".csv\"");
                return response;
            }),
        Dispatch::worker);
    add("PUT", "/api/v1/settlement/buyer-accounts",
        finance(
            [](Service& s, const core::Caller& caller, const Request& r, const Context&) -> Result {
                auto input = parse_buyer_account(r);
                if (!input) return input.error();
                auto account = s.set_buyer_account(caller, *input);
                if (!account) return account.error();
                return json_response(200, settlement::buyer_account_to_json(*account));
            }),
        Dispatch::worker);
    add("GET", "/api/v1/settlement/buyer-accounts",
        finance(
            [](Service& s, const core::Caller& caller, const Request&, const Context&) -> Result {
                auto accounts = s.buyer_accounts(caller);
                if (!accounts) return accounts.error();
                Json items = Json::array();
                for (const auto& a : *accounts)
                    items.push_back(settlement::buyer_account_to_json(a));
                return json_response(200, Json{{"items", std::move(items)}});
            }),
        Dispatch::worker);
}

}  // namespace procura::web
