// The routes of the service itself: health (/healthz, /readyz), Prometheus metrics, the
// OpenAPI document and the browser UI. Everything but /readyz answers on the io thread: none
// of them touches a service that may block.
#include <string>

#include "web/api_support.hpp"
#include "web/embedded.hpp"

namespace procura::web {
namespace {

using core::Result;
using namespace api_support;

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

Result<Response> healthz(const Request&, const Context&) {
    return json_response(200, Json{{"status", "ok"}});
}

// Ready when the database answers (a ping on a pooled connection).
Result<Response> readyz(const Request&, const Context& context) {
    if (context.api.services.readiness) {
        const core::Status ready = context.api.services.readiness();
        if (!ready) return core::unavailable("not_ready", "not ready: " + ready.error().message);
    }
    return json_response(200, Json{{"status", "ready"}});
}

// The HTTP metrics, and the audit log's health when this server runs the log.
Result<Response> metrics(const Request&, const Context& context) {
    Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = context.api.metrics.exposition();
    if (context.api.services.log != nullptr) {
        const ledger::LogHealth& h = context.api.services.log->health;
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

Result<Response> openapi(const Request&, const Context&) {
    return body_response("application/yaml", std::string(openapi_yaml()));
}

Result<Response> ui_page(const Request&, const Context&) {
    return ui_response("text/html; charset=utf-8", ui_index_html());
}

Result<Response> ui_script(const Request&, const Context&) {
    return ui_response("text/javascript; charset=utf-8", ui_app_js());
}

}  // namespace

void add_system_routes(RouteTable& routes) {
    routes.add("GET", "/healthz", healthz, Dispatch::io_thread);
    routes.add("GET", "/readyz", readyz, Dispatch::worker);
    routes.add("GET", "/metrics", metrics, Dispatch::io_thread);
    routes.add("GET", "/api/v1/openapi.yaml", openapi, Dispatch::io_thread);
    routes.add("GET", "/", ui_page, Dispatch::io_thread);
    routes.add("GET", "/ui/app.js", ui_script, Dispatch::io_thread);
}

}  // namespace procura::web
