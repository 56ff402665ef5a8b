// What the route groups of the HTTP API share with web/api.cpp: the request context a handler
// receives, and the small helpers every handler file uses to read a request and build a JSON
// answer. Included only by web/api*.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "web/api.hpp"
#include "web/json_mapping.hpp"
#include "web/router.hpp"

namespace procura::web {

struct Api::Context {
    ParamList params;  // path captures
    ParamList query;   // decoded query parameters
};

namespace api_support {

// A response with status and body as compact JSON (application/json).
Response json_response(unsigned status, const Json& body);

// A positive decimal id from the path capture name. Anything else names no resource: 404.
core::Result<std::int64_t> path_id(const ParamList& params, std::string_view name);

// The query parameter name, if present and non-empty. An empty value counts as absent, as
// HTML forms send "status=" for "any".
std::optional<std::string_view> query_value(const ParamList& query, std::string_view name);

// The one string member key of a JSON object body, such as {"reason": "..."}.
core::Result<std::string> string_body(const Request& request, std::string_view key);

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

// The status of an opened tender as its evaluation and awards make it ("evaluated", "awarded",
// "complete", "unsuccessful"), or nullopt while it is only opened or without the award
// service. lot_ids are the tender's lot numbers. Defined in web/api_awards.cpp.
core::Result<std::optional<std::string>> award_status(const Services& services,
                                                      std::int64_t tender_id,
                                                      const std::vector<std::int64_t>& lot_ids);

}  // namespace procura::web
