// Sealed bidding and the opening: the tender's opening certificate, bids (DER CMS SignedData)
// with their receipts, withdrawals, the committee's shares and the opening record.
// bidding::BiddingService checks roles, deadlines and signatures; without the platform keys
// these routes answer 503 "pki_not_initialised". See docs/bidding.md.
#include <string>
#include <utility>

#include "core/hash.hpp"
#include "web/api_support.hpp"
#include "web/json_bidding.hpp"

namespace procura::web {
namespace {

using core::Result;
using namespace api_support;

Result<bidding::BiddingService*> bidding_service(const Context& context) {
    return required_service(context.api.services.bidding, "pki_not_initialised", no_platform_keys);
}

Result<Response> opening_certificate(const Request&, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto pem, service->opening_certificate(id));
    return body_response("application/x-pem-file", std::move(pem));
}

// The body is the DER CMS SignedData of the bid; the lot travels as the query parameter
// lot_id (docs/bidding.md), and is checked against the bid document at the opening.
Result<Response> submit_bid(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    // The session is read from a recent check, and confirmed by the bid's group, for all its
    // bids in one read, before anything is written (BiddingService::submit).
    PROCURA_TRY_ASSIGN(auto token, request_token(request));
    PROCURA_TRY_ASSIGN(auto caller, context.api.services.auth.authenticate_recent(token));
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

Result<Response> list_bids(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto listing, service->list(caller, id));
    return json_response(200, bid_listing_to_json(listing));
}

Result<Response> withdraw_bid(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto bid_id, path_id(context.params, "bid_id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY(service->withdraw(caller, id, bid_id));
    return json_response(200, Json{{"bid_id", bid_id}, {"state", "withdrawn"}});
}

Result<Response> my_share(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto share, service->my_share(caller, id));
    return body_response("application/cms", std::move(share));
}

Result<Response> submit_share(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto outcome, service->submit_share(caller, id, request.body));
    return json_response(200, share_outcome_to_json(outcome));
}

Result<Response> opening_record(const Request&, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto record, service->opening(id));
    return json_response(200, opening_to_json(record));
}

Result<Response> opening_documents(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, bidding_service(context));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto record, service->opening_documents(caller, id));
    return json_response(200, opening_documents_to_json(record));
}

}  // namespace

void add_bidding_routes(RouteTable& routes) {
    routes.add("GET", "/api/v1/tenders/{id}/opening-certificate", opening_certificate);
    routes.add("POST", "/api/v1/tenders/{id}/bids", submit_bid, Dispatch::worker,
               BodyLimit::document);
    routes.add("GET", "/api/v1/tenders/{id}/bids", list_bids);
    routes.add("DELETE", "/api/v1/tenders/{id}/bids/{bid_id}", withdraw_bid);
    routes.add("GET", "/api/v1/tenders/{id}/opening/my-share", my_share);
    routes.add("GET", "/api/v1/tenders/{id}/opening/documents", opening_documents);
    routes.add("POST", "/api/v1/tenders/{id}/opening/shares", submit_share, Dispatch::worker,
               BodyLimit::secret_share);
    routes.add("GET", "/api/v1/tenders/{id}/opening", opening_record);
}

}  // namespace procura::web
