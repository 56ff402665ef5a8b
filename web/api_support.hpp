// What the route groups of the HTTP API share with web/api.cpp: the state a handler reads
// (ApiState), the request context it receives, the route table each group adds its routes to
// (one add_*_routes per web/api_<module>.cpp), and the small helpers every handler uses to
// read a request and build a JSON answer. Included only by web/api*.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/identity.hpp"
#include "core/result.hpp"
#include "web/api.hpp"
#include "web/json_fields.hpp"
#include "web/rate_limit.hpp"
#include "web/router.hpp"

namespace procura::web {

// Everything a handler may read besides its request: the services and the API's settings.
struct ApiState {
    ApiState(Services s, const ApiOptions& o, const core::Clock& c, const Metrics& m)
        : services(std::move(s)),
          options(o),
          clock(c),
          metrics(m),
          time_stamp_limiter(o.time_stamp_rate),
          registration_limiter(o.registration_rate),
          password_reset_limiter(o.password_reset_rate) {}

    Services services;
    ApiOptions options;
    const core::Clock& clock;
    const Metrics& metrics;
    // Internally synchronised, so handlers that see the state as const may still count.
    mutable RateLimiter time_stamp_limiter;
    mutable RateLimiter registration_limiter;
    mutable RateLimiter password_reset_limiter;
};

// A request's context: the API's state, the path captures and the decoded query parameters.
struct Context {
    const ApiState& api;
    ParamList params;
    ParamList query;
};

using Handler = core::Result<Response> (*)(const Request& request, const Context& context);

// Which of ApiOptions' body limits a route has.
// secret_share: an opened opening-key share, at most bidding::opening_share_bytes_max bytes
// (413 before the body is read), wiped by the server once answered (RouteInfo::secret_body).
enum class BodyLimit { json, document, time_stamp_query, secret_share };

// The routes, in the order added (the first added wins when patterns overlap).
class RouteTable {
public:
    struct Entry {
        Handler handler = nullptr;
        Dispatch dispatch = Dispatch::worker;
        BodyLimit body_limit = BodyLimit::json;
    };
    void add(std::string method, std::string pattern, Handler handler,
             Dispatch dispatch = Dispatch::worker, BodyLimit body_limit = BodyLimit::json);
    const Router& router() const { return router_; }
    const Entry& entry(std::size_t route_index) const { return entries_[route_index]; }

private:
    Router router_;
    std::vector<Entry> entries_;  // parallel to router_'s routes
};

// The route groups, one per file, added in this order by the Api's constructor.
void add_system_routes(RouteTable& routes);      // web/api_system.cpp
void add_pki_routes(RouteTable& routes);         // web/api_pki.cpp
void add_bidding_routes(RouteTable& routes);     // web/api_bidding.cpp
void add_supplier_routes(RouteTable& routes);    // web/api_suppliers.cpp
void add_log_routes(RouteTable& routes);         // web/api_log.cpp
void add_auth_routes(RouteTable& routes);        // web/api_auth.cpp
void add_user_routes(RouteTable& routes);        // web/api_users.cpp
void add_tender_routes(RouteTable& routes);      // web/api_tenders.cpp
void add_award_routes(RouteTable& routes);       // web/api_awards.cpp
void add_settlement_routes(RouteTable& routes);  // web/api_settlement.cpp
void add_buyer_routes(RouteTable& routes);       // web/api_buyers.cpp

namespace api_support {

// A response with status and body as compact JSON (application/json).
Response json_response(unsigned status, const Json& body);

// A response with body as content_type (a PEM, a DER, a file).
Response body_response(std::string content_type, std::string body);

// A positive decimal id from the path capture name. Anything else names no resource: 404.
core::Result<std::int64_t> path_id(const ParamList& params, std::string_view name);

// The query parameter name, if present and non-empty. An empty value counts as absent, as
// HTML forms send "status=" for "any".
std::optional<std::string_view> query_value(const ParamList& query, std::string_view name);

// A required unsigned decimal query parameter; 400 "bad_parameter" naming it otherwise.
core::Result<std::uint64_t> query_uint(const ParamList& query, std::string_view name);

// The one string member key of a JSON object body, such as {"reason": "..."}.
core::Result<std::string> string_body(const Request& request, std::string_view key);

// The token of the request's "Authorization: Bearer <token>" header: 401 missing_token without
// the header, 401 invalid_token for a header of another form.
core::Result<std::string> request_token(const Request& request);

// The caller named by the Authorization header: 401 if it is absent or invalid.
core::Result<core::Caller> require_caller(const Request& request, const Context& context);
// nullopt without an Authorization header; 401 if one is present but invalid.
core::Result<std::optional<core::Caller>> optional_caller(const Request& request,
                                                          const Context& context);

// service, or 503 (unavailable) with code and message when this server runs without it.
template <class Service>
core::Result<Service*> required_service(Service* service, const char* code, const char* message) {
    if (service == nullptr) return core::unavailable(code, message);
    return service;
}

// Why the routes that need the platform keys answer 503.
inline constexpr const char* no_platform_keys =
    "this server has no platform keys; run `procura keys init` and start it with --key-dir";

}  // namespace api_support
}  // namespace procura::web
