// The supplier registry: public self-registration (rate-limited per client address, since each
// hashes a password), and the lists, reads and reviews of officers and administrators
// (suppliers::SupplierService checks who may do what). Mapping in web/json_suppliers.hpp.
#include <optional>
#include <string>

#include "web/api_support.hpp"
#include "web/json_suppliers.hpp"

namespace procura::web {
namespace {

using core::Result;
using namespace api_support;

Result<suppliers::SupplierService*> supplier_service(const Context& context) {
    return required_service(context.api.services.suppliers, "suppliers_unavailable",
                            "this server does not run the supplier registry");
}

// Public self-registration: the supplier's login stays inactive until an officer or an
// administrator approves it.
Result<Response> register_supplier(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, supplier_service(context));
    if (!context.api.registration_limiter.allow(request.client_address,
                                                context.api.clock.now_ms())) {
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

// ?status=pending|approved|rejected&after=ID&limit=N (the service clamps limit to its page).
Result<Response> list_suppliers(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, supplier_service(context));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
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
        PROCURA_TRY_ASSIGN(after, query_uint(context.query, "after"));
    }
    std::uint64_t limit = 100;  // the service clamps it to its page size
    if (context.query.has("limit")) {
        PROCURA_TRY_ASSIGN(limit, query_uint(context.query, "limit"));
    }
    PROCURA_TRY_ASSIGN(auto list,
                       service->list(caller, status, static_cast<suppliers::SupplierId>(after),
                                     static_cast<std::size_t>(limit)));
    Json items = Json::array();
    for (const suppliers::Supplier& s : list) items.push_back(supplier_to_json(s));
    return json_response(200, Json{{"items", std::move(items)}});
}

Result<Response> get_supplier(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, supplier_service(context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto supplier, service->get(caller, id));
    return json_response(200, supplier_to_json(supplier));
}

Result<Response> approve_supplier(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, supplier_service(context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto supplier, service->approve(caller, id));
    return json_response(200, supplier_to_json(supplier));
}

Result<Response> reject_supplier(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, supplier_service(context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto reason, string_body(request, "reason"));
    PROCURA_TRY_ASSIGN(auto supplier, service->reject(caller, id, reason));
    return json_response(200, supplier_to_json(supplier));
}

}  // namespace

void add_supplier_routes(RouteTable& routes) {
    routes.add("POST", "/api/v1/suppliers", register_supplier);
    routes.add("GET", "/api/v1/suppliers", list_suppliers);
    routes.add("GET", "/api/v1/suppliers/{id}", get_supplier);
    routes.add("POST", "/api/v1/suppliers/{id}/approve", approve_supplier);
    routes.add("POST", "/api/v1/suppliers/{id}/reject", reject_supplier);
}

}  // namespace procura::web
