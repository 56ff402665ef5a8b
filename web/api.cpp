#include "web/api.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <limits>
#include <utility>

#include "core/hash.hpp"
#include "core/time.hpp"
#include "signing/message_signature.hpp"
#include "web/api_support.hpp"
#include "web/embedded.hpp"
#include "web/error_mapping.hpp"
#include "web/json_mapping.hpp"

namespace procura::web {

namespace api_support {

constexpr std::string_view json_type = "application/json";

using core::ErrorKind;
using core::Result;

Response json_response(unsigned status, const Json& body) {
    Response response;
    response.status = status;
    response.content_type = std::string(json_type);
    response.body = dump(body);
    return response;
}

// A positive decimal id from a path segment. Anything else names no resource: 404.
Result<std::int64_t> path_id(const ParamList& params, std::string_view name) {
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

// The parameter name of the query, if present and non-empty. An empty value counts as absent,
// as HTML forms send "status=" for "any".
std::optional<std::string_view> query_value(const ParamList& query, std::string_view name) {
    const std::string_view value = query.get(name);
    if (value.empty()) return std::nullopt;
    return value;
}

// The one string member key of a JSON object body, such as {"reason": "..."}.
Result<std::string> string_body(const Request& request, std::string_view key) {
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    return parse_single_string(body, key);
}

}  // namespace api_support

using namespace api_support;

namespace {

using core::ErrorKind;
using core::Result;

// The first deadline after now_ms at which a derived status changes; the largest instant if
// none is ahead.
std::int64_t next_status_change_ms(const std::optional<std::int64_t>& enquiry_deadline_ms,
                                   const std::optional<std::int64_t>& submission_deadline_ms,
                                   std::int64_t now_ms) {
    std::int64_t next = std::numeric_limits<std::int64_t>::max();
    for (const auto& deadline : {enquiry_deadline_ms, submission_deadline_ms}) {
        if (deadline && *deadline > now_ms) next = std::min(next, *deadline);
    }
    return next;
}

bool is_token_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

// The token of the request's "Authorization: Bearer <token>" header: 401 missing_token without
// the header, 401 invalid_token for a header of another form.
Result<std::string> request_token(const Request& request) {
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

// A header value must not carry control characters (they could split the response).
bool is_safe_header_value(std::string_view value) {
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return false;
    }
    return true;
}

// The browser UI. The script is a separate file so that the policy can forbid inline scripts.
Response ui_response(std::string content_type, std::string_view body) {
    Response response;
    response.content_type = std::move(content_type);
    response.body = std::string(body);
    response
        .with_header("Content-Security-Policy",
                     "default-src 'self'; script-src 'self'; style-src 'self' "
                     "'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
        .with_header("X-Content-Type-Options", "nosniff")
        .with_header("Referrer-Policy", "no-referrer")
        .with_header("Cache-Control", "no-cache");
    return response;
}

// The platform keys, or 503 when this server was started without them.
Result<const PublicKeyInfrastructure*> platform_keys(const Services& services) {
    return required_service(services.pki, "pki_not_initialised", no_platform_keys);
}

// The certificate service, or 503 when this server was started without the CA key.
Result<pki::CertificateService*> certificate_service(const Services& services) {
    return required_service(services.certificates, "pki_not_initialised", no_platform_keys);
}

// The audit log, or 503 when this server was started without the log key.
Result<const LogAccess*> log_access(const Services& services) {
    return required_service(services.log, "log_not_initialised",
                            "this server has no log key; run `procura keys init` and start it "
                            "with --key-dir");
}

// The bidding service, or 503 when this server was started without the platform keys.
Result<bidding::BiddingService*> bidding_service(const Services& services) {
    return required_service(services.bidding, "pki_not_initialised", no_platform_keys);
}

Json head_to_json(const ledger::SignedTreeHead& head);

Json receipt_to_json(const bidding::BidReceipt& r) {
    Json sth = nullptr;
    if (r.sth) sth = head_to_json(*r.sth);
    return Json{{"bid_id", r.bid_id},
                {"version", r.version},
                {"lot_id", r.lot_id},
                {"received_at", core::format_rfc3339_ms(r.received_at_ms)},
                {"received_at_ms", r.received_at_ms},
                {"sha256", r.sha256_hex},
                {"timestamp_token", signing::base64_encode(r.timestamp_token)},
                {"log_leaf_index", r.log_leaf_index},
                {"sth", sth},
                {"repeated", r.repeated}};
}

Json opened_bid_to_json(const bidding::OpenedBidRecord& r) {
    Json price = nullptr;
    if (r.price_minor) price = Json{{"amount_minor", *r.price_minor}, {"currency", r.currency}};
    Json document = nullptr;
    if (!r.document_json.empty()) {
        document = Json::parse(r.document_json, nullptr, false);
        if (document.is_discarded()) document = nullptr;
    }
    return Json{{"bid_id", r.bid_id},
                {"supplier_id", r.supplier_id},
                {"lot_id", r.lot_id},
                {"version", r.version},
                {"received_at", core::format_rfc3339_ms(r.received_at_ms)},
                {"sha256", r.sha256_hex},
                {"valid", r.valid},
                {"reason_code", r.reason_code.empty() ? Json(nullptr) : Json(r.reason_code)},
                {"reason", r.reason.empty() ? Json(nullptr) : Json(r.reason)},
                {"signature_status", r.signature_status},
                {"decryption_status", r.decryption_status},
                {"price", price},
                {"document", document}};
}

Result<suppliers::SupplierService*> supplier_service(const Services& services) {
    return required_service(services.suppliers, "suppliers_unavailable",
                            "this server does not run the supplier registry");
}

// A required unsigned decimal query parameter; 400 naming it otherwise.
Result<std::uint64_t> query_uint(const ParamList& query, std::string_view name) {
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

Json hashes_to_json(const std::vector<ledger::Hash>& hashes) {
    Json out = Json::array();
    for (const ledger::Hash& h : hashes) out.push_back(core::to_hex(h));
    return out;
}

Json head_to_json(const ledger::SignedTreeHead& head) {
    return Json{{"tree_size", head.tree_size},
                {"root_hash", core::to_hex(head.root_hash)},
                {"timestamp_ms", head.timestamp_ms},
                {"timestamp", core::format_rfc3339_ms(head.timestamp_ms)},
                {"signature", signing::base64_encode(head.signature)},
                {"signed_text", ledger::signed_text(head)}};
}

Json entry_to_json(const core::StoredAuditEvent& e) {
    return Json{{"leaf_index", e.seq - 1},
                {"seq", e.seq},
                {"at_ms", e.event.at_ms},
                {"actor_user_id", e.event.actor_user_id},
                {"action", e.event.action},
                {"entity_type", e.event.entity_type},
                {"entity_id", e.event.entity_id},
                {"entity_version", e.event.entity_version},
                {"payload_json", e.event.payload_json},
                {"leaf_hash", core::to_hex(ledger::event_leaf_hash(e))}};
}

std::optional<ledger::Hash> parse_hash_hex(std::string_view text) {
    ledger::Hash out{};
    if (text.size() != 64) return std::nullopt;
    for (std::size_t i = 0; i < out.size(); ++i) {
        unsigned v = 0;
        const auto [end, ec] = std::from_chars(text.data() + 2 * i, text.data() + 2 * i + 2, v, 16);
        if (ec != std::errc() || end != text.data() + 2 * i + 2) return std::nullopt;
        out[i] = static_cast<std::uint8_t>(v);
    }
    return out;
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

Api::Api(Services services, const ApiOptions& options, const core::Clock& clock,
         const Metrics& metrics)
    : services_(std::move(services)),
      options_(options),
      clock_(clock),
      metrics_(metrics),
      public_cache_(std::make_unique<PublicCache>(options.public_cache_ttl,
                                                  options.public_cache_entries_max)),
      time_stamp_limiter_(std::make_unique<RateLimiter>(options.time_stamp_rate)),
      registration_limiter_(std::make_unique<RateLimiter>(options.registration_rate)) {
    add("GET", "/healthz", &Api::healthz, Dispatch::io_thread);
    add("GET", "/readyz", &Api::readyz, Dispatch::worker);
    add("GET", "/metrics", &Api::metrics, Dispatch::io_thread);
    add("GET", "/api/v1/openapi.yaml", &Api::openapi, Dispatch::io_thread);
    add("GET", "/", &Api::ui_page, Dispatch::io_thread);
    add("GET", "/ui/app.js", &Api::ui_script, Dispatch::io_thread);
    add("POST", "/tsa", &Api::time_stamp, Dispatch::worker, BodyLimit::time_stamp_query);
    add("GET", "/api/v1/pki/ca.pem", &Api::ca_certificate, Dispatch::io_thread);
    add("GET", "/api/v1/pki/tsa.pem", &Api::tsa_certificate, Dispatch::io_thread);
    add("GET", "/api/v1/pki/crl.pem", &Api::crl, Dispatch::worker);
    add("POST", "/api/v1/certificates", &Api::register_certificate, Dispatch::worker);
    add("GET", "/api/v1/certificates/{serial}", &Api::get_certificate, Dispatch::worker);
    add("GET", "/api/v1/certificates/{serial}/pem", &Api::certificate_pem, Dispatch::worker);
    add("POST", "/api/v1/certificates/{serial}/revoke", &Api::revoke_certificate, Dispatch::worker);
    add("GET", "/api/v1/users/{id}/certificates", &Api::user_certificates, Dispatch::worker);
    add("GET", "/api/v1/tenders/{id}/opening-certificate", &Api::opening_certificate,
        Dispatch::worker);
    add("POST", "/api/v1/tenders/{id}/bids", &Api::submit_bid, Dispatch::worker,
        BodyLimit::document);
    add("GET", "/api/v1/tenders/{id}/bids", &Api::list_bids, Dispatch::worker);
    add("DELETE", "/api/v1/tenders/{id}/bids/{bid_id}", &Api::withdraw_bid, Dispatch::worker);
    add("GET", "/api/v1/tenders/{id}/opening/my-share", &Api::my_share, Dispatch::worker);
    add("POST", "/api/v1/tenders/{id}/opening/shares", &Api::submit_share, Dispatch::worker);
    add("GET", "/api/v1/tenders/{id}/opening", &Api::opening_record, Dispatch::worker);
    add("POST", "/api/v1/suppliers", &Api::register_supplier, Dispatch::worker);
    add("GET", "/api/v1/suppliers", &Api::list_suppliers, Dispatch::worker);
    add("GET", "/api/v1/suppliers/{id}", &Api::get_supplier, Dispatch::worker);
    add("POST", "/api/v1/suppliers/{id}/approve", &Api::approve_supplier, Dispatch::worker);
    add("POST", "/api/v1/suppliers/{id}/reject", &Api::reject_supplier, Dispatch::worker);
    add("GET", "/api/v1/log/sth", &Api::log_head, Dispatch::worker);
    add("GET", "/api/v1/log/key.pem", &Api::log_key, Dispatch::io_thread);
    add("GET", "/api/v1/log/entries", &Api::log_entries, Dispatch::worker);
    add("GET", "/api/v1/log/proof/inclusion", &Api::log_inclusion, Dispatch::worker);
    add("GET", "/api/v1/log/proof/consistency", &Api::log_consistency, Dispatch::worker);
    add("POST", "/api/v1/auth/login", &Api::login, Dispatch::worker);
    add("POST", "/api/v1/auth/logout", &Api::logout, Dispatch::worker);
    add("GET", "/api/v1/auth/me", &Api::me, Dispatch::worker);
    add("GET", "/api/v1/tenders", &Api::list_tenders, Dispatch::worker);
    add("POST", "/api/v1/tenders", &Api::create_tender, Dispatch::worker);
    add("GET", "/api/v1/tenders/{id}", &Api::get_tender, Dispatch::worker);
    add("PATCH", "/api/v1/tenders/{id}", &Api::edit_tender, Dispatch::worker);
    add("POST", "/api/v1/tenders/{id}/publish", &Api::publish_tender, Dispatch::worker);
    add("POST", "/api/v1/tenders/{id}/amendments", &Api::amend_tender, Dispatch::worker);
    add("POST", "/api/v1/tenders/{id}/cancel", &Api::cancel_tender, Dispatch::worker);
    add("POST", "/api/v1/tenders/{id}/documents", &Api::upload_document, Dispatch::worker,
        BodyLimit::document);
    add("GET", "/api/v1/tenders/{id}/documents/{doc_id}", &Api::download_document,
        Dispatch::worker);
    add("POST", "/api/v1/tenders/{id}/questions", &Api::ask_question, Dispatch::worker);
    add("POST", "/api/v1/tenders/{id}/questions/{qid}/answer", &Api::answer_question,
        Dispatch::worker);
    add_award_routes();
    add_settlement_routes();
}

void Api::add(std::string method, std::string pattern, Handler handler, Dispatch dispatch,
              BodyLimit body_limit) {
    const std::size_t index = router_.add(std::move(method), std::move(pattern));
    PROCURA_ASSERT(index == entries_.size());
    entries_.push_back(Entry{handler, dispatch, body_limit});
}

RouteInfo Api::classify(std::string_view method, std::string_view target) const {
    const RouteMatch match = router_.match(method, split_target(target).path);
    RouteInfo info;
    info.pattern = match.pattern;
    info.body_bytes_max = options_.body_bytes_max;
    if (match.outcome != MatchOutcome::matched) {
        // 404 and 405 are answered without touching a service.
        info.dispatch = Dispatch::io_thread;
        return info;
    }
    const Entry& entry = entries_[match.route_index];
    info.dispatch = entry.dispatch;
    if (entry.body_limit == BodyLimit::document) {
        info.body_bytes_max = options_.document_body_bytes_max;
    } else if (entry.body_limit == BodyLimit::time_stamp_query) {
        info.body_bytes_max = options_.time_stamp_query_bytes_max;
    }
    return info;
}

Response Api::handle_and_cache(const Request& request) const {
    const std::uint64_t generation = public_cache_->generation();
    Response response = dispatch(request);
    const bool reads = request.method == "GET" || request.method == "HEAD";
    if (!reads && response.status >= 200 && response.status < 300) {
        public_cache_->invalidate();
    } else if (response.public_until_ms > 0 && response.status == 200 && request.method == "GET" &&
               request.header("Authorization").empty()) {
        public_cache_->store(request.target, response, clock_.now_ms(), response.public_until_ms,
                             generation);
    }
    return response;
}

std::optional<Response> Api::cached(const Request& request) const {
    if (!public_cache_->enabled() || request.method != "GET" ||
        !request.header("Authorization").empty()) {
        return std::nullopt;
    }
    return public_cache_->find(request.target, clock_.now_ms());
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
    RouteMatch match = router_.match(request.method, target.path);
    if (match.outcome == MatchOutcome::not_found) {
        Response response = error_response(
            core::not_found("not_found", "no route for " + std::string(target.path)));
        response.route = match.pattern;
        return response;
    }
    if (match.outcome == MatchOutcome::method_not_allowed) {
        Response response;
        response.status = 405;
        response.content_type = std::string(json_type);
        response.body = error_body(core::bad_request(
            "method_not_allowed",
            request.method + " is not allowed on " + match.pattern + "; allowed: " + match.allow));
        response.with_header("Allow", match.allow);
        response.route = match.pattern;
        return response;
    }
    Context context;
    context.params = std::move(match.params);
    Result<Response> result = [&]() -> Result<Response> {
        PROCURA_TRY_ASSIGN(auto query, parse_query(target.query));
        context.query = std::move(query);
        return entries_[match.route_index].handler(*this, request, context);
    }();
    Response response;
    if (result) {
        response = std::move(*result);
    } else {
        const core::Error& error = result.error();
        response = error_response(error);
        if (error.kind == ErrorKind::internal) {
            spdlog::error("{} {} -> {} {}: {}", request.method, match.pattern, response.status,
                          error.code, error.message);
        } else if (error.kind == ErrorKind::unavailable) {
            spdlog::warn("{} {} -> {} {}: {}", request.method, match.pattern, response.status,
                         error.code, error.message);
        }
    }
    response.route = std::move(match.pattern);
    return response;
}

Result<core::Caller> Api::require_caller(const Request& request) const {
    PROCURA_TRY_ASSIGN(auto token, request_token(request));
    return services_.auth.authenticate(token);
}

Result<std::optional<core::Caller>> Api::optional_caller(const Request& request) const {
    if (request.header("Authorization").empty()) return std::optional<core::Caller>{};
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    return std::optional<core::Caller>{std::move(caller)};
}

Result<Response> Api::healthz(const Request&, const Context&) const {
    return json_response(200, Json{{"status", "ok"}});
}

Result<Response> Api::readyz(const Request&, const Context&) const {
    if (services_.readiness) {
        const core::Status ready = services_.readiness();
        if (!ready) {
            const core::Error& cause = ready.error();
            return core::unavailable("not_ready", "not ready: " + cause.message);
        }
    }
    return json_response(200, Json{{"status", "ready"}});
}

Result<Response> Api::metrics(const Request&, const Context&) const {
    Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = metrics_.exposition();
    if (services_.log != nullptr) {
        const ledger::LogHealth& h = services_.log->health;
        response.body +=
            "# HELP procura_log_tree_size Leaves covered by the latest signed tree head.\n"
            "# TYPE procura_log_tree_size gauge\n"
            "procura_log_tree_size " +
            std::to_string(h.tree_size.load()) +
            "\n"
            "# HELP procura_log_self_check_ok 1 if the last self-check found every event row "
            "matching its leaf, 0 if not, -1 before the first.\n"
            "# TYPE procura_log_self_check_ok gauge\n"
            "procura_log_self_check_ok " +
            std::to_string(h.last_self_check_ok.load()) +
            "\n"
            "# HELP procura_log_self_checks_total Self-checks run.\n"
            "# TYPE procura_log_self_checks_total counter\n"
            "procura_log_self_checks_total " +
            std::to_string(h.self_checks.load()) +
            "\n"
            "# HELP procura_log_self_check_failures_total Self-checks that found a problem.\n"
            "# TYPE procura_log_self_check_failures_total counter\n"
            "procura_log_self_check_failures_total " +
            std::to_string(h.self_check_failures.load()) + "\n";
    }
    return response;
}

Result<Response> Api::openapi(const Request&, const Context&) const {
    Response response;
    response.content_type = "application/yaml";
    response.body = std::string(openapi_yaml());
    return response;
}

Result<Response> Api::ui_page(const Request&, const Context&) const {
    return ui_response("text/html; charset=utf-8", ui_index_html());
}

Result<Response> Api::ui_script(const Request&, const Context&) const {
    return ui_response("text/javascript; charset=utf-8", ui_app_js());
}

// RFC 3161 over HTTP (section 3.4): the body is a DER TimeStampReq, the answer a DER
// TimeStampResp, including the DER rejections the TSA gives for unacceptable requests.
Result<Response> Api::time_stamp(const Request& request, const Context&) const {
    PROCURA_TRY_ASSIGN(auto pki, platform_keys(services_));
    if (!time_stamp_limiter_->allow(request.client_address, clock_.now_ms())) {
        return core::too_many_requests(
            "rate_limited", "too many time-stamp requests from this address; retry in a second");
    }
    const std::string_view type = request.header("Content-Type");
    if (type.substr(0, type.find(';')) != "application/timestamp-query") {
        return core::bad_request("wrong_content_type",
                                 "a time-stamp request is sent as application/timestamp-query",
                                 "Content-Type");
    }
    PROCURA_TRY_ASSIGN(auto reply, pki->tsa.respond(request.body));
    Response response;
    response.content_type = "application/timestamp-reply";
    response.body = std::move(reply);
    return response;
}

Result<Response> Api::ca_certificate(const Request&, const Context&) const {
    PROCURA_TRY_ASSIGN(auto pki, platform_keys(services_));
    Response response;
    response.content_type = "application/x-pem-file";
    response.body = pki->ca_pem;
    return response;
}

Result<Response> Api::tsa_certificate(const Request&, const Context&) const {
    PROCURA_TRY_ASSIGN(auto pki, platform_keys(services_));
    Response response;
    response.content_type = "application/x-pem-file";
    response.body = pki->tsa_pem;
    return response;
}

// The CA's current revocation list, made afresh (it is signed at each request, so its
// thisUpdate is now and it is never stale).
Result<Response> Api::crl(const Request&, const Context&) const {
    PROCURA_TRY_ASSIGN(auto service, certificate_service(services_));
    PROCURA_TRY_ASSIGN(auto list, service->crl());
    Response response;
    response.content_type = "application/x-pem-file";
    response.body = std::move(list.pem);
    response.with_header("Cache-Control", "no-cache");
    return response;
}

Result<Response> Api::register_certificate(const Request& request, const Context&) const {
    PROCURA_TRY_ASSIGN(auto service, certificate_service(services_));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto csr, string_body(request, "csr"));
    PROCURA_TRY_ASSIGN(auto issued, service->register_csr(caller, csr));
    Response response = json_response(201, certificate_to_json(issued, clock_.now_ms()));
    response.with_header("Location", "/api/v1/certificates/" + issued.serial_hex);
    return response;
}

Result<Response> Api::get_certificate(const Request&, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, certificate_service(services_));
    PROCURA_TRY_ASSIGN(auto certificate, service->get(std::string(context.params.get("serial"))));
    return json_response(200, certificate_to_json(certificate, clock_.now_ms()));
}

Result<Response> Api::certificate_pem(const Request&, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, certificate_service(services_));
    PROCURA_TRY_ASSIGN(auto certificate, service->get(std::string(context.params.get("serial"))));
    Response response;
    response.content_type = "application/x-pem-file";
    response.body = std::move(certificate.pem);
    return response;
}

Result<Response> Api::revoke_certificate(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, certificate_service(services_));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto reason, string_body(request, "reason"));
    PROCURA_TRY_ASSIGN(auto revoked,
                       service->revoke(caller, std::string(context.params.get("serial")), reason));
    return json_response(200, certificate_to_json(revoked, clock_.now_ms()));
}

Result<Response> Api::user_certificates(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, certificate_service(services_));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto list, service->list_for_user(caller, id));
    Json items = Json::array();
    const std::int64_t now = clock_.now_ms();
    for (const pki::UserCertificate& c : list) items.push_back(certificate_to_json(c, now));
    return json_response(200, Json{{"items", std::move(items)}});
}

// Public self-registration: the supplier's login stays inactive until an officer or an
// administrator approves it. Rate-limited per address: each registration hashes a password.
Result<Response> Api::register_supplier(const Request& request, const Context&) const {
    PROCURA_TRY_ASSIGN(auto service, supplier_service(services_));
    if (!registration_limiter_->allow(request.client_address, clock_.now_ms())) {
        return core::too_many_requests("rate_limited",
                                       "too many registrations from this address; retry later");
    }
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto registration, parse_supplier_registration(body));
    PROCURA_TRY_ASSIGN(auto supplier, service->register_supplier(registration));
    Response response = json_response(201, supplier_to_json(supplier));
    response.with_header("Location", "/api/v1/suppliers/" + std::to_string(supplier.id));
    return response;
}

Result<Response> Api::list_suppliers(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, supplier_service(services_));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    std::optional<suppliers::SupplierStatus> status;
    if (auto text = query_value(context.query, "status")) {
        status = suppliers::parse_supplier_status(*text);
        if (!status) {
            return core::bad_request("unknown_value", "status is pending, approved or rejected",
                                     "status");
        }
    }
    std::uint64_t after = 0;
    if (context.query.has("after")) {
        PROCURA_TRY_ASSIGN(auto parsed, query_uint(context.query, "after"));
        after = parsed;
    }
    std::uint64_t limit = 100;  // the service clamps it to its page size
    if (context.query.has("limit")) {
        PROCURA_TRY_ASSIGN(auto parsed, query_uint(context.query, "limit"));
        limit = parsed;
    }
    PROCURA_TRY_ASSIGN(auto list,
                       service->list(caller, status, static_cast<suppliers::SupplierId>(after),
                                     static_cast<std::size_t>(limit)));
    Json items = Json::array();
    for (const suppliers::Supplier& s : list) items.push_back(supplier_to_json(s));
    return json_response(200, Json{{"items", std::move(items)}});
}

Result<Response> Api::get_supplier(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, supplier_service(services_));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto supplier, service->get(caller, id));
    return json_response(200, supplier_to_json(supplier));
}

Result<Response> Api::approve_supplier(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, supplier_service(services_));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto supplier, service->approve(caller, id));
    return json_response(200, supplier_to_json(supplier));
}

Result<Response> Api::reject_supplier(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, supplier_service(services_));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto reason, string_body(request, "reason"));
    PROCURA_TRY_ASSIGN(auto supplier, service->reject(caller, id, reason));
    return json_response(200, supplier_to_json(supplier));
}

Result<Response> Api::opening_certificate(const Request&, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(services_));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto pem, service->opening_certificate(id));
    Response response;
    response.content_type = "application/x-pem-file";
    response.body = std::move(pem);
    return response;
}

// The body is the DER CMS SignedData of the bid; the lot travels as the query parameter
// lot_id (docs/bidding.md), and is checked against the bid document at the opening.
Result<Response> Api::submit_bid(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(services_));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    // The session is read from a recent check, and confirmed by the bid's group, for all its
    // bids in one read, before anything is written (BiddingService::submit).
    PROCURA_TRY_ASSIGN(auto token, request_token(request));
    PROCURA_TRY_ASSIGN(auto caller, services_.auth.authenticate_recent(token));
    const std::string_view type = request.header("Content-Type");
    if (type.substr(0, type.find(';')) != "application/cms") {
        return core::bad_request("wrong_content_type",
                                 "a bid is sent as application/cms (DER CMS SignedData)",
                                 "Content-Type");
    }
    PROCURA_TRY_ASSIGN(auto lot, query_uint(context.query, "lot_id"));
    PROCURA_TRY_ASSIGN(auto receipt, service->submit(caller, id, static_cast<std::int64_t>(lot),
                                                     request.body, core::sha256_hex(token)));
    Response response = json_response(receipt.repeated ? 200 : 201, receipt_to_json(receipt));
    response.with_header("Location", "/api/v1/tenders/" + std::to_string(id) + "/bids/" +
                                         std::to_string(receipt.bid_id));
    return response;
}

Result<Response> Api::list_bids(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(services_));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto bids, service->list(caller, id));
    Json items = Json::array();
    for (const bidding::BidSummary& b : bids) {
        items.push_back(Json{{"bid_id", b.bid_id},
                             {"supplier_id", b.supplier_id},
                             {"lot_id", b.lot_id},
                             {"version", b.version},
                             {"state", bidding::to_string(b.state)},
                             {"received_at", core::format_rfc3339_ms(b.received_at_ms)},
                             {"sha256", b.sha256_hex}});
    }
    return json_response(200, Json{{"items", std::move(items)}});
}

Result<Response> Api::withdraw_bid(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(services_));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto bid_id, path_id(context.params, "bid_id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY(service->withdraw(caller, id, bid_id));
    return json_response(200, Json{{"bid_id", bid_id}, {"state", "withdrawn"}});
}

Result<Response> Api::my_share(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(services_));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto share, service->my_share(caller, id));
    Response response;
    response.content_type = "application/cms";
    response.body = std::move(share);
    return response;
}

Result<Response> Api::submit_share(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(services_));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto outcome, service->submit_share(caller, id, request.body));
    return json_response(200, Json{{"shares_in", outcome.shares_in},
                                   {"threshold", outcome.threshold},
                                   {"opened", outcome.opened}});
}

Result<Response> Api::opening_record(const Request&, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(services_));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto record, service->opening(id));
    Json bids = Json::array();
    for (const bidding::OpenedBidRecord& r : record.bids) bids.push_back(opened_bid_to_json(r));
    return json_response(200, Json{{"tender_id", record.tender_id},
                                   {"opened_at", core::format_rfc3339_ms(record.opened_at_ms)},
                                   {"bids", std::move(bids)}});
}

Result<Response> Api::log_head(const Request&, const Context&) const {
    PROCURA_TRY_ASSIGN(auto log, log_access(services_));
    PROCURA_TRY_ASSIGN(auto head, log->queries.latest());
    Response response = json_response(200, head_to_json(head));
    response.with_header("Cache-Control", "no-cache");
    return response;
}

Result<Response> Api::log_key(const Request&, const Context&) const {
    PROCURA_TRY_ASSIGN(auto log, log_access(services_));
    Response response;
    response.content_type = "application/x-pem-file";
    response.body = log->public_key_pem;
    return response;
}

Result<Response> Api::log_entries(const Request&, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto log, log_access(services_));
    PROCURA_TRY_ASSIGN(auto start, query_uint(context.query, "start"));
    PROCURA_TRY_ASSIGN(auto end, query_uint(context.query, "end"));
    PROCURA_TRY_ASSIGN(auto entries, log->queries.entries(start, end));
    Json items = Json::array();
    for (const core::StoredAuditEvent& e : entries) items.push_back(entry_to_json(e));
    return json_response(
        200,
        Json{{"start", start}, {"end", start + entries.size()}, {"entries", std::move(items)}});
}

Result<Response> Api::log_inclusion(const Request&, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto log, log_access(services_));
    PROCURA_TRY_ASSIGN(auto tree_size, query_uint(context.query, "tree_size"));
    PROCURA_TRY_ASSIGN(ledger::InclusionProof proof, [&]() -> Result<ledger::InclusionProof> {
        if (context.query.has("leaf_hash")) {
            const auto hash = parse_hash_hex(context.query.get("leaf_hash"));
            if (!hash) {
                return core::bad_request("bad_parameter", "leaf_hash must be 64 hexadecimal digits",
                                         "leaf_hash");
            }
            return log->queries.inclusion_by_hash(*hash, tree_size);
        }
        PROCURA_TRY_ASSIGN(auto index, query_uint(context.query, "leaf_index"));
        return log->queries.inclusion(index, tree_size);
    }());
    return json_response(200, Json{{"leaf_index", proof.leaf_index},
                                   {"tree_size", proof.tree_size},
                                   {"leaf_hash", core::to_hex(proof.leaf_hash)},
                                   {"proof", hashes_to_json(proof.path)}});
}

Result<Response> Api::log_consistency(const Request&, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto log, log_access(services_));
    PROCURA_TRY_ASSIGN(auto first, query_uint(context.query, "first"));
    PROCURA_TRY_ASSIGN(auto second, query_uint(context.query, "second"));
    PROCURA_TRY_ASSIGN(auto proof, log->queries.consistency(first, second));
    return json_response(
        200, Json{{"first", first}, {"second", second}, {"proof", hashes_to_json(proof)}});
}

Result<Response> Api::login(const Request& request, const Context&) const {
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto input, parse_login(body));
    PROCURA_TRY_ASSIGN(auto login, services_.auth.login(input.username, input.password));
    Response response = json_response(200, login_to_json(login));
    response.with_header("Cache-Control", "no-store");
    return response;
}

Result<Response> Api::logout(const Request& request, const Context&) const {
    PROCURA_TRY_ASSIGN(auto token, request_token(request));
    PROCURA_TRY(services_.auth.logout(token));
    Response response;
    response.status = 204;
    return response;
}

Result<Response> Api::me(const Request& request, const Context&) const {
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    return json_response(200, caller_to_json(caller));
}

// A tender the schedule calls closed is "opened" once its bids are opened (with opened_at),
// and from then on what its evaluation and awards make it (docs/bidding.md, docs/awards.md).
// Sets json["status"] (and "opened_at"); returns false if that could not be read, so that the
// answer, which then says "closed", is not kept in the public cache.
static bool set_status_after_deadline(const Services& services, std::int64_t id,
                                      const std::vector<std::int64_t>& lot_ids, Json& json) {
    if (services.bidding == nullptr) return true;
    auto opened = services.bidding->opened_at(id);
    if (!opened) return false;
    if (!*opened) return true;
    json["status"] = "opened";
    json["opened_at"] = core::format_rfc3339_ms(**opened);
    auto status = award_status(services, id, lot_ids);
    if (!status) return false;
    if (*status) json["status"] = **status;
    return true;
}

Result<Response> Api::list_tenders(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto caller, optional_caller(request));
    std::optional<tender::TenderStatus> status;
    if (const auto text = query_value(context.query, "status")) {
        status = tender::parse_tender_status(*text);
        if (!status) {
            return core::bad_request("unknown_value",
                                     "status must be one of: draft, active.enquiries, "
                                     "active.tendering, closed, cancelled",
                                     "status");
        }
    }
    std::optional<tender::Category> category;
    if (const auto text = query_value(context.query, "category")) {
        category = tender::parse_category(*text);
        if (!category) {
            return core::bad_request("unknown_value",
                                     "category must be one of: goods, services, works", "category");
        }
    }
    const std::size_t page_size_max = services_.tenders.limits().page_size_max;
    std::size_t limit = 0;  // the service's default page size
    if (const auto text = query_value(context.query, "limit")) {
        const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
        if (ec != std::errc() || end != text->data() + text->size() || limit == 0 ||
            limit > page_size_max) {
            return core::bad_request(
                "invalid_parameter",
                "limit must be an integer from 1 to " + std::to_string(page_size_max), "limit");
        }
    }
    const std::string q(context.query.get("q"));
    const std::string cursor(context.query.get("cursor"));
    PROCURA_TRY_ASSIGN(auto page,
                       services_.tenders.list(caller, status, category, q, limit, cursor));
    const std::int64_t now = page.as_of_ms;
    Json body = page_to_json(page, now);
    bool cacheable = true;
    for (std::size_t i = 0; i < page.items.size(); ++i) {
        Json& item = body["items"][i];
        if (item["status"] != "closed") continue;
        // The same status as GET /tenders/{id}; lots are numbered from 1.
        std::vector<std::int64_t> lot_ids;
        for (std::int64_t n = 1; n <= page.items[i].lot_count; ++n) lot_ids.push_back(n);
        if (!set_status_after_deadline(services_, page.items[i].id, lot_ids, item)) {
            cacheable = false;
        }
    }
    Response response = json_response(200, body);
    if (!caller && cacheable) {
        std::int64_t until = std::numeric_limits<std::int64_t>::max();
        for (const tender::TenderSummary& s : page.items) {
            until = std::min(
                until, next_status_change_ms(s.enquiry_deadline_ms, s.submission_deadline_ms, now));
        }
        response.public_until_ms = until;
    }
    return response;
}

Result<Response> Api::create_tender(const Request& request, const Context&) const {
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto fields, parse_tender_fields(body, ""));
    PROCURA_TRY_ASSIGN(auto created, services_.tenders.create_draft(caller, fields));
    Response response = json_response(201, tender_to_json(created));
    response.with_header("Location", "/api/v1/tenders/" + std::to_string(created.tender.id));
    return response;
}

Result<Response> Api::get_tender(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, optional_caller(request));
    PROCURA_TRY_ASSIGN(auto view, services_.tenders.get(caller, id));
    Json body = tender_to_json(view);
    bool cacheable = true;
    if (view.status == tender::TenderStatus::closed) {
        std::vector<std::int64_t> lot_ids;
        for (const tender::Lot& lot : view.tender.lots) lot_ids.push_back(lot.number);
        cacheable = set_status_after_deadline(services_, id, lot_ids, body);
    }
    Response response = json_response(200, body);
    if (!caller && cacheable) {
        response.public_until_ms = next_status_change_ms(
            view.tender.enquiry_deadline_ms, view.tender.submission_deadline_ms, clock_.now_ms());
    }
    return response;
}

Result<Response> Api::edit_tender(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto input, parse_edit(body));
    PROCURA_TRY_ASSIGN(auto edited,
                       services_.tenders.edit_draft(caller, id, input.version, input.fields));
    return json_response(200, tender_to_json(edited));
}

Result<Response> Api::publish_tender(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto version, parse_publish(request.body));
    if (services_.bidding != nullptr && caller.role == core::Role::officer) {
        // Every committee member must be able to receive a share before the tender goes out.
        PROCURA_TRY(services_.bidding->check_committee_ready(id));
    }
    PROCURA_TRY_ASSIGN(auto published, services_.tenders.publish(caller, id, version));
    if (services_.bidding != nullptr) {
        // The opening key is made now; if this fails it is made on first use instead.
        if (auto key = services_.bidding->opening_certificate(id); !key) {
            spdlog::warn("tender {}: opening key not created at publication: {}", id,
                         key.error().message);
        }
    }
    return json_response(200, tender_to_json(published));
}

Result<Response> Api::amend_tender(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto input, parse_amendment(body));
    PROCURA_TRY_ASSIGN(auto amended, services_.tenders.amend(caller, id, input.version,
                                                             input.rationale, input.changes));
    return json_response(201, tender_to_json(amended));
}

Result<Response> Api::cancel_tender(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto reason, string_body(request, "reason"));
    PROCURA_TRY_ASSIGN(auto cancelled, services_.tenders.cancel(caller, id, reason));
    return json_response(200, tender_to_json(cancelled));
}

Result<Response> Api::upload_document(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    if (!context.query.has("filename") || context.query.get("filename").empty()) {
        return core::bad_request("missing_parameter", "the query parameter filename is required",
                                 "filename");
    }
    tender::DocumentUpload upload;
    upload.filename = std::string(context.query.get("filename"));
    upload.title = std::string(context.query.get("title"));
    upload.content_type = std::string(request.header("Content-Type"));
    upload.bytes = request.body;
    PROCURA_TRY_ASSIGN(auto meta, services_.tenders.add_document(caller, id, upload));
    Response response = json_response(201, document_to_json(meta, id));
    response.with_header("Location", document_url(id, meta.id));
    return response;
}

Result<Response> Api::download_document(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto document_id, path_id(context.params, "doc_id"));
    PROCURA_TRY_ASSIGN(auto caller, optional_caller(request));
    PROCURA_TRY_ASSIGN(auto content, services_.tenders.get_document(caller, id, document_id));
    const tender::DocumentMeta& meta = content.meta;
    const std::string etag = "\"" + meta.sha256_hex + "\"";
    Response response;
    response.with_header("ETag", etag);
    response.with_header("X-Content-Type-Options", "nosniff");
    if (request.header("If-None-Match") == etag) {
        response.status = 304;
        return response;
    }
    response.content_type = is_safe_header_value(meta.content_type) && !meta.content_type.empty()
                                ? meta.content_type
                                : "application/octet-stream";
    response.with_header("Content-Disposition", attachment_disposition(meta.filename));
    response.body = std::move(content.bytes);
    return response;
}

Result<Response> Api::ask_question(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto text, string_body(request, "text"));
    PROCURA_TRY_ASSIGN(auto question, services_.tenders.ask(caller, id, text));
    return json_response(201, question_to_json(question));
}

Result<Response> Api::answer_question(const Request& request, const Context& context) const {
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto question_id, path_id(context.params, "qid"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request));
    PROCURA_TRY_ASSIGN(auto answer, string_body(request, "answer"));
    PROCURA_TRY_ASSIGN(auto answered, services_.tenders.answer(caller, id, question_id, answer));
    return json_response(200, question_to_json(answered));
}

}  // namespace procura::web
