// Sessions: login (a bearer token for a username and password), logout, and who the caller
// is. Mapping in web/json_auth.hpp; auth::AuthService checks passwords and sessions.
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

}  // namespace

void add_auth_routes(RouteTable& routes) {
    routes.add("POST", "/api/v1/auth/login", login);
    routes.add("POST", "/api/v1/auth/logout", logout);
    routes.add("GET", "/api/v1/auth/me", me);
}

}  // namespace procura::web
