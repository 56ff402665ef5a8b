// The one place where an error kind becomes an HTTP status, and the one shape of every error
// body: {"error":{"code":"...","message":"...","field":"..."}}. The "field" member is always
// present; it is "" when no single input field is at fault. Beast-free.
#pragma once

#include <string>

#include "core/result.hpp"
#include "web/http_message.hpp"

namespace procura::web {

// bad_request 400, unauthenticated 401, forbidden 403, not_found 404, conflict 409,
// payload_too_large 413, too_many_requests 429, unprocessable 422, unavailable 503,
// internal 500.
unsigned http_status(core::ErrorKind kind);

// The JSON error body of error.
std::string error_body(const core::Error& error);

// A complete error response: status from http_status, the JSON body, and for 401 the
// WWW-Authenticate challenge RFC 6750 asks for.
Response error_response(const core::Error& error);

}  // namespace procura::web
