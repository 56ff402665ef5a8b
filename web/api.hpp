// The HTTP API's handlers, without Beast: route table, bearer-token lookup, JSON <-> model
// mapping, and the turning of every core::Result into a response. Services do the role checks
// and semantic validation; this layer only authenticates and maps. Each handler returns a
// core::Result<Response>; error_response (web/error_mapping) is the single place an error
// becomes a status. handle() also holds the one last-resort catch per request.
//
// Thread-safe: handle() and classify() may run on many threads at once (they only read the
// route table; the services and Metrics are thread-safe).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/identity.hpp"
#include "web/http_message.hpp"
#include "web/metrics.hpp"
#include "web/public_cache.hpp"
#include "web/rate_limit.hpp"
#include "web/router.hpp"
#include "web/server.hpp"

namespace procura::web {

struct ApiOptions {
    std::size_t time_stamp_query_bytes_max = 4096;          // POST /tsa
    std::size_t body_bytes_max = 1024 * 1024;               // JSON bodies
    std::size_t document_body_bytes_max = 8 * 1024 * 1024;  // the document upload route
    std::chrono::milliseconds public_cache_ttl{1000};       // 0 disables; see PublicCache
    std::size_t public_cache_entries_max = 256;
    RateLimitOptions time_stamp_rate{50, 100};   // POST /tsa, per client address
    RateLimitOptions registration_rate{0.2, 5};  // POST /api/v1/suppliers, per client address
};

// Where a request runs: cheap handlers that never block may answer on the io thread; anything
// that may touch the database or hash a password must run on a worker.
enum class Dispatch { io_thread, worker };

// What the connection needs to know once a request's header is read, before its body.
struct RouteInfo {
    std::string pattern;  // the route pattern, or "unmatched": the metrics label
    std::size_t body_bytes_max = 0;
    Dispatch dispatch = Dispatch::worker;
};

class Api {
public:
    // services' references and clock must outlive the Api. The clock derives the status of
    // notice-board rows (TenderPage carries none); metrics is what /metrics shows.
    Api(Services services, const ApiOptions& options, const core::Clock& clock,
        const Metrics& metrics);

    // Classifies a request by method and target alone.
    RouteInfo classify(std::string_view method, std::string_view target) const;

    // Answers request. Never throws: anything unexpected becomes a logged 500. The response's
    // route is set to the pattern for metrics. Successful changes empty the public cache;
    // cacheable anonymous reads fill it.
    Response handle(const Request& request) const;

    // The cached answer to an anonymous GET of the public notice board, if a fresh one is
    // held. Never touches a service, so the connection may call it on an io thread.
    std::optional<Response> cached(const Request& request) const;

private:
    struct Context;
    // A member handler (&Api::get_tender) or a lambda written inside a member function, such
    // as the route groups below, which may reach the private parts it needs through `api`.
    using Handler =
        std::function<core::Result<Response>(const Api& api, const Request&, const Context&)>;
    enum class BodyLimit { json, document, time_stamp_query };
    struct Entry {
        Handler handler = nullptr;
        Dispatch dispatch = Dispatch::worker;
        BodyLimit body_limit = BodyLimit::json;
    };

    void add(std::string method, std::string pattern, Handler handler, Dispatch dispatch,
             BodyLimit body_limit = BodyLimit::json);
    // Route groups kept in their own files, called once by the constructor:
    // evaluation, awards and contracts (web/api_awards.cpp); settlement batches for finance
    // users (web/api_settlement.cpp).
    void add_award_routes();
    void add_settlement_routes();
    // handle() without its last-resort catch: dispatch(), then the public cache's upkeep.
    Response handle_and_cache(const Request& request) const;
    Response dispatch(const Request& request) const;

    // The caller named by the Authorization header: 401 if it is absent or invalid.
    core::Result<core::Caller> require_caller(const Request& request) const;
    // nullopt without an Authorization header; 401 if one is present but invalid.
    core::Result<std::optional<core::Caller>> optional_caller(const Request& request) const;

    core::Result<Response> healthz(const Request& request, const Context& context) const;
    core::Result<Response> readyz(const Request& request, const Context& context) const;
    core::Result<Response> metrics(const Request& request, const Context& context) const;
    core::Result<Response> openapi(const Request& request, const Context& context) const;
    core::Result<Response> ui_page(const Request& request, const Context& context) const;
    core::Result<Response> time_stamp(const Request& request, const Context& context) const;
    core::Result<Response> ca_certificate(const Request& request, const Context& context) const;
    core::Result<Response> tsa_certificate(const Request& request, const Context& context) const;
    core::Result<Response> crl(const Request& request, const Context& context) const;
    core::Result<Response> register_certificate(const Request& request,
                                                const Context& context) const;
    core::Result<Response> get_certificate(const Request& request, const Context& context) const;
    core::Result<Response> certificate_pem(const Request& request, const Context& context) const;
    core::Result<Response> revoke_certificate(const Request& request, const Context& context) const;
    core::Result<Response> user_certificates(const Request& request, const Context& context) const;
    core::Result<Response> log_head(const Request& request, const Context& context) const;
    core::Result<Response> log_key(const Request& request, const Context& context) const;
    core::Result<Response> log_entries(const Request& request, const Context& context) const;
    core::Result<Response> log_inclusion(const Request& request, const Context& context) const;
    core::Result<Response> log_consistency(const Request& request, const Context& context) const;
    core::Result<Response> opening_certificate(const Request& request,
                                               const Context& context) const;
    core::Result<Response> submit_bid(const Request& request, const Context& context) const;
    core::Result<Response> list_bids(const Request& request, const Context& context) const;
    core::Result<Response> withdraw_bid(const Request& request, const Context& context) const;
    core::Result<Response> my_share(const Request& request, const Context& context) const;
    core::Result<Response> submit_share(const Request& request, const Context& context) const;
    core::Result<Response> opening_record(const Request& request, const Context& context) const;
    core::Result<Response> register_supplier(const Request& request, const Context& context) const;
    core::Result<Response> list_suppliers(const Request& request, const Context& context) const;
    core::Result<Response> get_supplier(const Request& request, const Context& context) const;
    core::Result<Response> approve_supplier(const Request& request, const Context& context) const;
    core::Result<Response> reject_supplier(const Request& request, const Context& context) const;
    core::Result<Response> ui_script(const Request& request, const Context& context) const;
    core::Result<Response> login(const Request& request, const Context& context) const;
    core::Result<Response> logout(const Request& request, const Context& context) const;
    core::Result<Response> me(const Request& request, const Context& context) const;
    core::Result<Response> list_tenders(const Request& request, const Context& context) const;
    core::Result<Response> create_tender(const Request& request, const Context& context) const;
    core::Result<Response> get_tender(const Request& request, const Context& context) const;
    core::Result<Response> edit_tender(const Request& request, const Context& context) const;
    core::Result<Response> publish_tender(const Request& request, const Context& context) const;
    core::Result<Response> amend_tender(const Request& request, const Context& context) const;
    core::Result<Response> cancel_tender(const Request& request, const Context& context) const;
    core::Result<Response> upload_document(const Request& request, const Context& context) const;
    core::Result<Response> download_document(const Request& request, const Context& context) const;
    core::Result<Response> ask_question(const Request& request, const Context& context) const;
    core::Result<Response> answer_question(const Request& request, const Context& context) const;

    Services services_;
    ApiOptions options_;
    const core::Clock& clock_;
    const Metrics& metrics_;
    Router router_;
    std::vector<Entry> entries_;  // parallel to router_'s routes
    // Mutable state behind a const interface: the cache is internally synchronised.
    std::unique_ptr<PublicCache> public_cache_;
    std::unique_ptr<RateLimiter> time_stamp_limiter_;  // internally synchronised
    std::unique_ptr<RateLimiter> registration_limiter_;
};

// Extracts the token of "Authorization: Bearer <token>" (scheme case-insensitive); nullopt if
// the header value is not of that form.
std::optional<std::string> bearer_token(std::string_view authorization);

// The value of a Content-Disposition header offering filename as a download, with an ASCII
// fallback and the exact name in RFC 5987 encoding.
std::string attachment_disposition(std::string_view filename);

}  // namespace procura::web
