// User administration for admins: create, list, read, deactivate and activate users, change a
// role and issue a one-time password reset code. auth::AuthService decides who may do what;
// each handler asks it whether the caller is an admin before it reads the body, so that any
// other caller gets 403 (anonymous: 401) whatever it sent, and a refused call writes nothing.
// Answers carrying a reset code are never cached (Cache-Control: no-store). Mapping in
// web/json_auth.hpp; the anonymous use of a code is POST /api/v1/auth/password-reset
// (web/api_auth.cpp).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "web/api_support.hpp"
#include "web/json_auth.hpp"

namespace procura::web {
namespace {

using core::Result;
using namespace api_support;

// The caller, if it is an admin: 401 without a valid token, 403 for any other role.
Result<core::Caller> require_admin(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY(auth::AuthService::require_admin(caller));
    return caller;
}

Response no_store(Response response) {
    response.with_header("Cache-Control", "no-store");
    return response;
}

Result<Response> create_user(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto caller, require_admin(request, context));
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto input, parse_new_user(body));
    PROCURA_TRY_ASSIGN(auto created, context.api.services.auth.create_user(
                                         caller, input.username, input.role, input.password));
    Json json = user_to_json(created.user);
    if (created.reset) json["reset"] = reset_to_json(*created.reset);
    Response response = no_store(json_response(201, json));
    response.with_header("Location", "/api/v1/users/" + std::to_string(created.user.id));
    return response;
}

// ?cursor=ID (the next_cursor of the previous page) &limit=N (1 to the page size, 50 if absent).
Result<Response> list_users(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto caller, require_admin(request, context));
    std::uint64_t after = 0;
    if (context.query.has("cursor")) {
        PROCURA_TRY_ASSIGN(after, query_uint(context.query, "cursor"));
    }
    std::uint64_t limit = 50;
    if (context.query.has("limit")) {
        PROCURA_TRY_ASSIGN(limit, query_uint(context.query, "limit"));
    }
    if (after > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return core::bad_request("bad_parameter", "cursor is out of range", "cursor");
    }
    PROCURA_TRY_ASSIGN(auto page, context.api.services.auth.list_users(
                                      caller, static_cast<core::UserId>(after),
                                      static_cast<std::size_t>(std::min<std::uint64_t>(
                                          limit, std::numeric_limits<std::size_t>::max()))));
    Json items = Json::array();
    for (const auth::User& user : page.items) items.push_back(user_to_json(user));
    return json_response(
        200, Json{{"items", std::move(items)},
                  {"next_cursor",
                   page.next_after ? Json(std::to_string(*page.next_after)) : Json(nullptr)}});
}

Result<Response> get_user(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto caller, require_admin(request, context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto user, context.api.services.auth.get_user(caller, id));
    return json_response(200, user_to_json(user));
}

Result<Response> set_active(const Request& request, const Context& context, bool active) {
    PROCURA_TRY_ASSIGN(auto caller, require_admin(request, context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY(no_input(request.body));
    PROCURA_TRY_ASSIGN(auto user, context.api.services.auth.set_active(caller, id, active));
    return json_response(200, user_to_json(user));
}

Result<Response> deactivate_user(const Request& request, const Context& context) {
    return set_active(request, context, false);
}

Result<Response> activate_user(const Request& request, const Context& context) {
    return set_active(request, context, true);
}

Result<Response> change_role(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto caller, require_admin(request, context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto input, parse_role_change(body));
    PROCURA_TRY_ASSIGN(
        auto user, context.api.services.auth.change_role(caller, id, input.role, input.version));
    return json_response(200, user_to_json(user));
}

Result<Response> issue_password_reset(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto caller, require_admin(request, context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY(no_input(request.body));
    PROCURA_TRY_ASSIGN(auto reset, context.api.services.auth.issue_password_reset(caller, id));
    return no_store(json_response(201, reset_to_json(reset)));
}

}  // namespace

void add_user_routes(RouteTable& routes) {
    routes.add("POST", "/api/v1/users", create_user);
    routes.add("GET", "/api/v1/users", list_users);
    routes.add("GET", "/api/v1/users/{id}", get_user);
    routes.add("POST", "/api/v1/users/{id}/deactivate", deactivate_user);
    routes.add("POST", "/api/v1/users/{id}/activate", activate_user);
    routes.add("PUT", "/api/v1/users/{id}/role", change_role);
    routes.add("POST", "/api/v1/users/{id}/password-reset", issue_password_reset);
}

}  // namespace procura::web
