// The HTTP API of Procura, without Beast: the route table, bearer-token lookup, and the
// turning of every core::Result into a response. Handlers live in one file per module
// (web/api_<module>.cpp, see web/api_support.hpp), JSON mapping in web/json_<module>.*.
// Services do the role checks and semantic validation; this layer only authenticates and
// maps. error_response (web/error_mapping) is the single place an error becomes a status;
// handle() holds the one last-resort catch per request.
//
// Thread-safe: handle(), classify() and cached() may run on many threads at once (they only
// read the route table; the services, the rate limiters, the public cache and Metrics are
// thread-safe).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "web/handler.hpp"
#include "web/http_message.hpp"
#include "web/metrics.hpp"
#include "web/rate_limit.hpp"
#include "web/services.hpp"

namespace procura::web {

struct ApiOptions {
    std::size_t time_stamp_query_bytes_max = 4096;          // POST /tsa
    std::size_t body_bytes_max = 1024 * 1024;               // JSON bodies
    std::size_t document_body_bytes_max = 8 * 1024 * 1024;  // document upload and bid routes
    // How long an anonymous notice-board response may be served from memory (0 disables).
    // Changes made through this server invalidate it at once; see web/public_cache.hpp.
    std::chrono::milliseconds public_cache_ttl{1000};
    std::size_t public_cache_entries_max = 256;
    RateLimitOptions time_stamp_rate{50, 100};   // POST /tsa, per client address (0: off)
    RateLimitOptions registration_rate{0.2, 5};  // POST /api/v1/suppliers, per client address
    // POST /api/v1/auth/password-reset (anonymous; each hashes a password), per client address.
    RateLimitOptions password_reset_rate{0.2, 5};
};

struct ApiState;
class RouteTable;
class PublicCache;

class Api final : public RequestHandler {
public:
    // services' references and clock must outlive the Api. The clock derives the status of
    // notice-board rows (TenderPage carries none); metrics is what /metrics shows.
    Api(Services services, const ApiOptions& options, const core::Clock& clock,
        const Metrics& metrics);
    ~Api() override;
    Api(const Api&) = delete;
    Api& operator=(const Api&) = delete;

    RouteInfo classify(std::string_view method, std::string_view target) const override;
    std::size_t body_bytes_max() const override;
    // Never throws: anything unexpected becomes a logged 500. Successful changes empty the
    // public cache; cacheable anonymous reads fill it.
    Response handle(const Request& request) const override;
    // The cached answer to an anonymous GET of the public notice board, if a fresh one is
    // held. Never touches a service.
    std::optional<Response> cached(const Request& request) const override;

private:
    // handle() without its last-resort catch: dispatch(), then the public cache's upkeep.
    Response handle_and_cache(const Request& request) const;
    Response dispatch(const Request& request) const;

    std::unique_ptr<ApiState> state_;
    std::unique_ptr<RouteTable> routes_;
    std::unique_ptr<PublicCache> public_cache_;
};

// Extracts the token of "Authorization: Bearer <token>" (scheme case-insensitive); nullopt if
// the header value is not of that form.
std::optional<std::string> bearer_token(std::string_view authorization);

// The value of a Content-Disposition header offering filename as a download, with an ASCII
// fallback and the exact name in RFC 5987 encoding.
std::string attachment_disposition(std::string_view filename);

}  // namespace procura::web
