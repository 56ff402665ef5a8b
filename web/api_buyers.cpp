// Buyer organisations (procuring entities) and their officers (buyers::BuyerService checks who may
// do what): administrators create and edit the records and the membership; anyone reads the
// records, staff also see the members. Changes take the buyer's version (409 stale_version).
#include <optional>
#include <string>

#include "buyers/service.hpp"
#include "web/api_support.hpp"
#include "web/json_fields.hpp"

namespace procura::web {
namespace {

using core::Result;
using namespace api_support;

Result<buyers::BuyerService*> buyer_service(const Context& context) {
    return required_service(context.api.services.buyers, "buyers_unavailable",
                            "this server does not run the buyer registry");
}

Json buyer_to_json(const buyers::Buyer& b) {
    return Json{{"identifier", b.identifier},
                {"legal_name", b.legal_name},
                {"address", b.address},
                {"version", b.version},
                {"created_at", time_or_null(b.created_at_ms)},
                {"updated_at", time_or_null(b.updated_at_ms)},
                {"officers", b.officers}};
}

Response buyer_response(unsigned status, const buyers::Buyer& b) {
    Response response = json_response(status, buyer_to_json(b));
    response.with_header("Location", "/api/v1/buyers/" + b.identifier);
    return response;
}

// {"identifier"?, "legal_name", "address"} (identifier only when with_identifier), and version
// when with_version.
struct BuyerBody {
    buyers::BuyerInput input;
    std::int64_t version = 0;
};

Result<BuyerBody> parse_buyer_body(std::string_view text, bool with_identifier, bool with_version) {
    PROCURA_TRY_ASSIGN(auto object, parse_json_object(text));
    if (with_identifier) {
        PROCURA_TRY(check_members(object, "", {"identifier", "legal_name", "address"}));
    } else {
        PROCURA_TRY(check_members(object, "", {"version", "legal_name", "address"}));
    }
    BuyerBody body;
    if (with_identifier) {
        PROCURA_TRY_ASSIGN(body.input.identifier, required_string(object, "", "identifier"));
    }
    if (with_version) {
        PROCURA_TRY_ASSIGN(body.version, required_integer(object, "", "version"));
    }
    PROCURA_TRY_ASSIGN(body.input.legal_name, required_string(object, "", "legal_name"));
    PROCURA_TRY_ASSIGN(body.input.address, required_string(object, "", "address"));
    return body;
}

// {"version": N, "user_id": N}
struct MemberBody {
    std::int64_t version = 0;
    core::UserId user_id = 0;
};

Result<MemberBody> parse_member_body(std::string_view text) {
    PROCURA_TRY_ASSIGN(auto object, parse_json_object(text));
    PROCURA_TRY(check_members(object, "", {"version", "user_id"}));
    MemberBody body;
    PROCURA_TRY_ASSIGN(body.version, required_integer(object, "", "version"));
    PROCURA_TRY_ASSIGN(body.user_id, required_integer(object, "", "user_id"));
    return body;
}

std::string identifier_of(const Context& context) {
    return std::string(context.params.get("identifier"));
}

Result<Response> create_buyer(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, buyer_service(context));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto body, parse_buyer_body(request.body, true, false));
    PROCURA_TRY_ASSIGN(auto buyer, service->create(caller, body.input));
    return buyer_response(201, buyer);
}

// ?after=N&limit=N, ascending; next page after the last item's position (next_after).
Result<Response> list_buyers(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, buyer_service(context));
    PROCURA_TRY_ASSIGN(auto caller, optional_caller(request, context));
    std::uint64_t after = 0;
    if (context.query.has("after")) {
        PROCURA_TRY_ASSIGN(after, query_uint(context.query, "after"));
    }
    std::uint64_t limit = 100;
    if (context.query.has("limit")) {
        PROCURA_TRY_ASSIGN(limit, query_uint(context.query, "limit"));
    }
    PROCURA_TRY_ASSIGN(auto page, service->list(caller, static_cast<std::int64_t>(after),
                                                static_cast<std::size_t>(limit)));
    Json items = Json::array();
    for (const buyers::Buyer& b : page) items.push_back(buyer_to_json(b));
    Json out{{"items", std::move(items)}};
    out["next_after"] =
        page.size() == limit && !page.empty() ? Json(page.back().id) : Json(nullptr);
    return json_response(200, out);
}

Result<Response> get_buyer(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, buyer_service(context));
    PROCURA_TRY_ASSIGN(auto caller, optional_caller(request, context));
    PROCURA_TRY_ASSIGN(auto buyer, service->get(caller, identifier_of(context)));
    return json_response(200, buyer_to_json(buyer));
}

Result<Response> update_buyer(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, buyer_service(context));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto body, parse_buyer_body(request.body, false, true));
    PROCURA_TRY_ASSIGN(auto buyer,
                       service->update(caller, identifier_of(context), body.version, body.input));
    return json_response(200, buyer_to_json(buyer));
}

Result<Response> add_officer(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, buyer_service(context));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto body, parse_member_body(request.body));
    PROCURA_TRY_ASSIGN(auto buyer, service->add_officer(caller, identifier_of(context),
                                                        body.version, body.user_id));
    return json_response(201, buyer_to_json(buyer));
}

// DELETE .../officers/{user_id}?version=N
Result<Response> remove_officer(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, buyer_service(context));
    PROCURA_TRY_ASSIGN(auto user, path_id(context.params, "user_id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY(no_input(request.body));
    if (!context.query.has("version")) {
        return core::bad_request("missing_parameter", "version is required", "version");
    }
    PROCURA_TRY_ASSIGN(auto version, query_uint(context.query, "version"));
    PROCURA_TRY_ASSIGN(auto buyer,
                       service->remove_officer(caller, identifier_of(context),
                                               static_cast<std::int64_t>(version), user));
    return json_response(200, buyer_to_json(buyer));
}

}  // namespace

void add_buyer_routes(RouteTable& routes) {
    routes.add("POST", "/api/v1/buyers", create_buyer);
    routes.add("GET", "/api/v1/buyers", list_buyers);
    routes.add("GET", "/api/v1/buyers/{identifier}", get_buyer);
    routes.add("PUT", "/api/v1/buyers/{identifier}", update_buyer);
    routes.add("POST", "/api/v1/buyers/{identifier}/officers", add_officer);
    routes.add("DELETE", "/api/v1/buyers/{identifier}/officers/{user_id}", remove_officer);
}

}  // namespace procura::web
