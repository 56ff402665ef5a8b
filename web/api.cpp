#include "web/api.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <utility>

#include "bidding/model.hpp"
#include "web/api_support.hpp"
#include "web/error_mapping.hpp"
#include "web/public_cache.hpp"

namespace procura::web {

namespace api_support {

Response json_response(unsigned status, const Json& body) {
    Response response;
    response.status = status;
    response.content_type = "application/json";
    response.body = dump(body);
    return response;
}

Response body_response(std::string content_type, std::string body) {
    Response response;
    response.content_type = std::move(content_type);
    response.body = std::move(body);
    return response;
}

core::Result<std::int64_t> path_id(const ParamList& params, std::string_view name) {
    const std::string_view text = params.get(name);
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0 ||
        text.front() == '+') {
        return core::not_found("not_found",
                               "no such resource: " + std::string(name) + " " + std::string(text));
    }
    return id;
}

std::optional<std::string_view> query_value(const ParamList& query, std::string_view name) {
    const std::string_view value = query.get(name);
    if (value.empty()) return std::nullopt;
    return value;
}

core::Result<std::uint64_t> query_uint(const ParamList& query, std::string_view name) {
    const std::string_view text = query.get(name);
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        return core::bad_request("bad_parameter",
                                 std::string(name) + " must be a non-negative integer",
                                 std::string(name));
    }
    return value;
}

core::Result<std::string> string_body(const Request& request, std::string_view key) {
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    return parse_single_string(body, key);
}

core::Result<std::string> request_token(const Request& request) {
    const std::string_view authorization = request.header("Authorization");
    if (authorization.empty()) {
        return core::unauthenticated("missing_token",
                                     "this request needs an Authorization: Bearer <token> header");
    }
    std::optional<std::string> token = bearer_token(authorization);
    if (!token) {
        return core::unauthenticated("invalid_token",
                                     "the Authorization header must be \"Bearer <token>\"");
    }
    return std::move(*token);
}

core::Result<core::Caller> require_caller(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto token, request_token(request));
    return context.api.services.auth.authenticate(token);
}

core::Result<std::optional<core::Caller>> optional_caller(const Request& request,
                                                          const Context& context) {
    if (request.header("Authorization").empty()) return std::optional<core::Caller>{};
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    return std::optional<core::Caller>{std::move(caller)};
}

}  // namespace api_support

using namespace api_support;

namespace {

bool is_token_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

}  // namespace

std::optional<std::string> bearer_token(std::string_view authorization) {
    constexpr std::string_view scheme = "bearer";
    if (authorization.size() <= scheme.size() ||
        !iequals(authorization.substr(0, scheme.size()), scheme) ||
        authorization[scheme.size()] != ' ') {
        return std::nullopt;
    }
    std::string_view token = authorization.substr(scheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token.empty()) return std::nullopt;
    for (const char c : token) {
        if (!is_token_char(c)) return std::nullopt;
    }
    return std::string(token);
}

std::string attachment_disposition(std::string_view filename) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string fallback;
    std::string encoded;
    for (const char c : filename) {
        const auto u = static_cast<unsigned char>(c);
        const bool printable_ascii = u >= 0x20 && u < 0x7f;
        fallback += (printable_ascii && c != '"' && c != '\\') ? c : '_';
        const bool attr_char = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                               (c >= '0' && c <= '9') || c == '!' || c == '#' || c == '$' ||
                               c == '&' || c == '+' || c == '-' || c == '.' || c == '^' ||
                               c == '_' || c == '`' || c == '|' || c == '~';
        if (attr_char) {
            encoded += c;
        } else {
            encoded += '%';
            encoded += hex[u >> 4];
            encoded += hex[u & 0x0f];
        }
    }
    return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

void RouteTable::add(std::string method, std::string pattern, Handler handler, Dispatch dispatch,
                     BodyLimit body_limit) {
    const std::size_t index = router_.add(std::move(method), std::move(pattern));
    PROCURA_ASSERT(index == entries_.size());
    entries_.push_back(Entry{handler, dispatch, body_limit});
}

Api::Api(Services services, const ApiOptions& options, const core::Clock& clock,
         const Metrics& metrics)
    : state_(std::make_unique<ApiState>(std::move(services), options, clock, metrics)),
      routes_(std::make_unique<RouteTable>()),
      public_cache_(std::make_unique<PublicCache>(options.public_cache_ttl,
                                                  options.public_cache_entries_max)) {
    add_system_routes(*routes_);
    add_pki_routes(*routes_);
    add_bidding_routes(*routes_);
    add_supplier_routes(*routes_);
    add_log_routes(*routes_);
    add_auth_routes(*routes_);
    add_user_routes(*routes_);
    add_tender_routes(*routes_);
    add_award_routes(*routes_);
    add_settlement_routes(*routes_);
    add_buyer_routes(*routes_);
}

Api::~Api() = default;

RouteInfo Api::classify(std::string_view method, std::string_view target) const {
    const RouteMatch match = routes_->router().match(method, split_target(target).path);
    RouteInfo info;
    info.pattern = match.pattern;
    info.body_bytes_max = state_->options.body_bytes_max;
    if (match.outcome != MatchOutcome::matched) {
        // 404 and 405 are answered without touching a service.
        info.dispatch = Dispatch::io_thread;
        return info;
    }
    const RouteTable::Entry& entry = routes_->entry(match.route_index);
    info.dispatch = entry.dispatch;
    if (entry.body_limit == BodyLimit::document) {
        info.body_bytes_max = state_->options.document_body_bytes_max;
    } else if (entry.body_limit == BodyLimit::time_stamp_query) {
        info.body_bytes_max = state_->options.time_stamp_query_bytes_max;
    } else if (entry.body_limit == BodyLimit::secret_share) {
        info.body_bytes_max = bidding::opening_share_bytes_max;
        info.secret_body = true;
    }
    return info;
}

std::size_t Api::body_bytes_max() const {
    const ApiOptions& o = state_->options;
    return std::max({o.body_bytes_max, o.document_body_bytes_max, o.time_stamp_query_bytes_max});
}

Response Api::handle_and_cache(const Request& request) const {
    const std::uint64_t generation = public_cache_->generation();
    Response response = dispatch(request);
    const bool reads = request.method == "GET" || request.method == "HEAD";
    if (!reads && response.status >= 200 && response.status < 300) {
        public_cache_->invalidate();
    } else if (response.public_until_ms > 0 && response.status == 200 && request.method == "GET" &&
               request.header("Authorization").empty()) {
        public_cache_->store(request.target, response, state_->clock.now_ms(),
                             response.public_until_ms, generation);
    }
    return response;
}

std::optional<Response> Api::cached(const Request& request) const {
    if (!public_cache_->enabled() || request.method != "GET" ||
        !request.header("Authorization").empty()) {
        return std::nullopt;
    }
    return public_cache_->find(request.target, state_->clock.now_ms());
}

Response Api::handle(const Request& request) const {
    // The one last-resort catch of a request: services report expected failures as Results,
    // so anything thrown here is a bug or a library failure that escaped its adapter.
    try {
        return handle_and_cache(request);
    } catch (const std::exception& e) {
        spdlog::error("unhandled exception in {} {}: {}", request.method,
                      split_target(request.target).path, e.what());
    } catch (...) {
        spdlog::error("unhandled non-standard exception in {} {}", request.method,
                      split_target(request.target).path);
    }
    Response response =
        error_response(core::internal("internal", "an internal error occurred; it is logged"));
    response.route = classify(request.method, request.target).pattern;
    return response;
}

Response Api::dispatch(const Request& request) const {
    const Target target = split_target(request.target);
    RouteMatch match = routes_->router().match(request.method, target.path);
    if (match.outcome == MatchOutcome::not_found) {
        Response response = error_response(
            core::not_found("not_found", "no route for " + std::string(target.path)));
        response.route = match.pattern;
        return response;
    }
    if (match.outcome == MatchOutcome::method_not_allowed) {
        Response response;
        response.status = 405;
        response.content_type = "application/json";
        response.body = error_body(core::bad_request(
            "method_not_allowed",
            request.method + " is not allowed on " + match.pattern + "; allowed: " + match.allow));
        response.with_header("Allow", match.allow);
        response.route = match.pattern;
        return response;
    }
    Context context{*state_, std::move(match.params), {}};
    core::Result<Response> result = [&]() -> core::Result<Response> {
        PROCURA_TRY_ASSIGN(context.query, parse_query(target.query));
        return routes_->entry(match.route_index).handler(request, context);
    }();
    Response response;
    if (result) {
        response = std::move(*result);
    } else {
        const core::Error& error = result.error();
        response = error_response(error);
        if (error.kind == core::ErrorKind::internal) {
            spdlog::error("{} {} -> {} {}: {}", request.method, match.pattern, response.status,
                          error.code, error.message);
        } else if (error.kind == core::ErrorKind::unavailable) {
            spdlog::warn("{} {} -> {} {}: {}", request.method, match.pattern, response.status,
                         error.code, error.message);
        }
    }
    response.route = std::move(match.pattern);
    return response;
}

}  // namespace procura::web
