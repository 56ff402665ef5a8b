#include "web/error_mapping.hpp"

#include <nlohmann/json.hpp>

#include "core/json_text.hpp"

namespace procura::web {

unsigned http_status(core::ErrorKind kind) {
    switch (kind) {
        case core::ErrorKind::bad_request:
            return 400;
        case core::ErrorKind::unauthenticated:
            return 401;
        case core::ErrorKind::forbidden:
            return 403;
        case core::ErrorKind::not_found:
            return 404;
        case core::ErrorKind::conflict:
            return 409;
        case core::ErrorKind::payload_too_large:
            return 413;
        case core::ErrorKind::unprocessable:
            return 422;
        case core::ErrorKind::too_many_requests:
            return 429;
        case core::ErrorKind::unavailable:
            return 503;
        case core::ErrorKind::internal:
            return 500;
    }
    return 500;
}

std::string error_body(const core::Error& error) {
    const nlohmann::json body = {
        {"error", {{"code", error.code}, {"message", error.message}, {"field", error.field}}}};
    // Replace invalid UTF-8 (a message may quote client input) instead of throwing.
    return core::compact_json(body);
}

Response error_response(const core::Error& error) {
    Response response;
    response.status = http_status(error.kind);
    response.content_type = "application/json";
    response.body = error_body(error);
    if (error.kind == core::ErrorKind::too_many_requests) {
        response.with_header("Retry-After", "1");
    }
    if (error.kind == core::ErrorKind::unauthenticated) {
        // A request that carried a token gets the RFC 6750 error attribute; one without does
        // not, since it made no authentication attempt.
        if (error.code == "invalid_token") {
            response.with_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        } else {
            response.with_header("WWW-Authenticate", "Bearer");
        }
    }
    return response;
}

}  // namespace procura::web
