// Sessions: login (a bearer token for a username and password), logout, and who the caller
// is; and setting a password with a one-time reset code (anonymous, rate-limited per client
// address, since each hashes a password). Mapping in web/json_auth.hpp; auth::AuthService checks
// passwords and sessions.
#include "web/api_support.hpp"
#include "web/json_auth.hpp"

namespace procura::web {
namespace {

using core::Result;
using namespace api_support;

Result<Response> login(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto input, parse_login(body));
    PROCURA_TRY_ASSIGN(auto login, context.api.services.auth.login(input.username, input.password));
    Response response = json_response(200, login_to_json(login));
    response.with_header("Cache-Control", "no-store");
    return response;
}

Result<Response> logout(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto token, request_token(request));
    PROCURA_TRY(context.api.services.auth.logout(token));
    Response response;
    response.status = 204;
    return response;
}

Result<Response> me(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    return json_response(200, caller_to_json(caller));
}

// {code, new_password}: 204 once the password is set and the user's sessions ended.
Result<Response> reset_password(const Request& request, const Context& context) {
    if (!context.api.password_reset_limiter.allow(request.client_address,
                                                  context.api.clock.now_ms())) {
        return core::too_many_requests("rate_limited",
                                       "too many password resets from this address; retry later");
    }
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto input, parse_password_reset(body));
    PROCURA_TRY(context.api.services.auth.reset_password(input.code, input.new_password));
    Response response;
    response.status = 204;
    return response;
}

}  // namespace

void add_auth_routes(RouteTable& routes) {
    routes.add("POST", "/api/v1/auth/login", login);
    routes.add("POST", "/api/v1/auth/logout", logout);
    routes.add("GET", "/api/v1/auth/me", me);
    routes.add("POST", "/api/v1/auth/password-reset", reset_password);
}

}  // namespace procura::web
