// Evaluation, awards and contracts (docs/awards.md): the panel's declarations and scores, the
// evaluation, awards and unsuccessful lots, contracts with payment milestones; awards, declines,
// contracts and milestone acceptances are four-eyes decisions (a route proposes, 202, and
// /api/v1/decisions/{id}/confirm by a second officer executes, 201). Handlers
// authenticate and map JSON (web/json_awards.hpp); settlement::awards::AwardService checks
// roles, states and rules. Reads are public (procurement transparency): the evaluation once
// stored, awards, contracts and their milestones.
#include <optional>
#include <string>
#include <utility>

#include "core/assert.hpp"
#include "web/api_support.hpp"
#include "web/json_awards.hpp"

namespace procura::web {
namespace {

using core::Result;
using settlement::awards::AwardService;
using namespace api_support;

// What every route of this group reads first: that the service runs (503), the id of the
// path (404), then the caller, required for changes (401) and optional for public reads.
template <class Caller>
struct Call {
    AwardService& service;
    std::int64_t id = 0;
    Caller caller;
};
using OfficerCall = Call<core::Caller>;
using PublicCall = Call<std::optional<core::Caller>>;

Result<AwardService*> award_service(const Context& context) {
    return required_service(context.api.services.awards, "awards_unavailable",
                            "this server runs without the evaluation and award service");
}

Result<OfficerCall> officer_call(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, award_service(context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    return OfficerCall{*service, id, std::move(caller)};
}

Result<PublicCall> public_call(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, award_service(context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, optional_caller(request, context));
    return PublicCall{*service, id, std::move(caller)};
}

Response created(Json body, const std::string& location) {
    Response response = json_response(201, body);
    response.with_header("Location", location);
    return response;
}

Result<Response> declare(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, officer_call(request, context));
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto input, parse_declaration(body));
    PROCURA_TRY_ASSIGN(auto declared, call.service.declare(call.caller, call.id, input.no_conflict,
                                                           input.statement));
    return json_response(201, declaration_to_json(declared));
}

Result<Response> withdraw_member(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, officer_call(request, context));
    PROCURA_TRY_ASSIGN(auto member, path_id(context.params, "member_id"));
    PROCURA_TRY_ASSIGN(auto reason, string_body(request, "reason"));
    PROCURA_TRY_ASSIGN(auto withdrawn,
                       call.service.withdraw_member(call.caller, call.id, member, reason));
    return json_response(201, declaration_to_json(withdrawn));
}

Result<Response> submit_scores(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, officer_call(request, context));
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto submission, parse_scores(body));
    PROCURA_TRY_ASSIGN(auto stored, call.service.submit_scores(call.caller, call.id, submission));
    Json items = Json::array();
    for (const settlement::awards::TechnicalScore& s : stored) items.push_back(score_to_json(s));
    return json_response(201, Json{{"items", std::move(items)}, {"locked", true}});
}

Result<Response> panel_scores(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, public_call(request, context));
    PROCURA_TRY_ASSIGN(auto panel, call.service.scores(call.caller, call.id));
    return json_response(200, panel_scores_to_json(panel));
}

Result<Response> evaluate(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, officer_call(request, context));
    PROCURA_TRY(no_input(request.body));
    PROCURA_TRY_ASSIGN(auto evaluation, call.service.evaluate(call.caller, call.id));
    return created(evaluation_to_json(evaluation),
                   "/api/v1/tenders/" + std::to_string(call.id) + "/evaluation");
}

Result<Response> get_evaluation(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, public_call(request, context));
    PROCURA_TRY_ASSIGN(auto evaluation, call.service.evaluation(call.id));
    return json_response(200, evaluation_to_json(evaluation));
}

// 202 with a proposal: accepted, executed once a second officer confirms it.
Response proposed(const settlement::awards::Decision& decision) {
    Response response = json_response(202, decision_to_json(decision));
    response.with_header("Location", "/api/v1/decisions/" + std::to_string(decision.id));
    return response;
}

Result<Response> award_lot(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, officer_call(request, context));
    PROCURA_TRY_ASSIGN(auto lot, path_id(context.params, "lot_id"));
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto award_request, parse_award_request(body));
    PROCURA_TRY_ASSIGN(auto decision,
                       call.service.propose_award(call.caller, call.id, lot, award_request));
    return proposed(decision);
}

Result<Response> close_lot(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, officer_call(request, context));
    PROCURA_TRY_ASSIGN(auto lot, path_id(context.params, "lot_id"));
    PROCURA_TRY_ASSIGN(auto reason, string_body(request, "reason"));
    PROCURA_TRY_ASSIGN(auto closure, call.service.close_lot(call.caller, call.id, lot, reason));
    return json_response(200, closure_to_json(closure));
}

Result<Response> tender_awards(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, public_call(request, context));
    PROCURA_TRY_ASSIGN(auto all, call.service.tender_awards(call.id));
    return json_response(200, tender_awards_to_json(all));
}

Result<Response> get_award(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, public_call(request, context));
    PROCURA_TRY_ASSIGN(auto award, call.service.get_award(call.id));
    return json_response(200, award_to_json(award));
}

Result<Response> sign_contract(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, officer_call(request, context));
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    PROCURA_TRY_ASSIGN(auto milestones,
                       parse_milestones(body, call.service.limits().milestones_max));
    PROCURA_TRY_ASSIGN(auto decision,
                       call.service.propose_contract(call.caller, call.id, milestones));
    return proposed(decision);
}

Result<Response> decline_award(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, officer_call(request, context));
    PROCURA_TRY_ASSIGN(auto reason, string_body(request, "reason"));
    PROCURA_TRY_ASSIGN(auto decision, call.service.propose_decline(call.caller, call.id, reason));
    return proposed(decision);
}

Result<Response> get_contract(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, public_call(request, context));
    PROCURA_TRY_ASSIGN(auto contract, call.service.get_contract(call.id));
    return json_response(200, contract_to_json(contract));
}

Result<Response> accept_milestone(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, officer_call(request, context));
    PROCURA_TRY_ASSIGN(auto number, path_id(context.params, "number"));
    PROCURA_TRY(no_input(request.body));
    PROCURA_TRY_ASSIGN(auto decision,
                       call.service.propose_acceptance(call.caller, call.id, number));
    return proposed(decision);
}

// 201 with what the confirmed decision made, as the single-officer routes answered before:
// the award (award, decline), the contract, the accepted milestone.
Result<Response> confirm_decision(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, officer_call(request, context));
    PROCURA_TRY(no_input(request.body));
    PROCURA_TRY_ASSIGN(auto done, call.service.confirm(call.caller, call.id));
    if (done.contract) {
        return created(contract_to_json(*done.contract),
                       "/api/v1/contracts/" + std::to_string(done.contract->id));
    }
    if (done.milestone) {
        return created(milestone_to_json(*done.milestone),
                       "/api/v1/contracts/" + std::to_string(done.milestone->contract_id));
    }
    PROCURA_ASSERT(done.award.has_value());
    return created(award_to_json(*done.award), "/api/v1/awards/" + std::to_string(done.award->id));
}

Result<Response> withdraw_decision(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, officer_call(request, context));
    PROCURA_TRY(no_input(request.body));
    PROCURA_TRY_ASSIGN(auto withdrawn, call.service.withdraw(call.caller, call.id));
    return json_response(200, decision_to_json(withdrawn));
}

Result<Response> get_decision(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, officer_call(request, context));
    PROCURA_TRY_ASSIGN(auto decision, call.service.decision(call.caller, call.id));
    return json_response(200, decision_to_json(decision));
}

Result<Response> tender_decisions(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto call, officer_call(request, context));
    PROCURA_TRY_ASSIGN(auto all, call.service.decisions(call.caller, call.id));
    Json items = Json::array();
    for (const settlement::awards::Decision& d : all) items.push_back(decision_to_json(d));
    return json_response(200, Json{{"items", std::move(items)}});
}

}  // namespace

void add_award_routes(RouteTable& routes) {
    routes.add("POST", "/api/v1/tenders/{id}/evaluation/declarations", declare);
    routes.add("POST", "/api/v1/tenders/{id}/evaluation/panel/{member_id}/withdrawal",
               withdraw_member);
    routes.add("POST", "/api/v1/tenders/{id}/evaluation/scores", submit_scores);
    routes.add("GET", "/api/v1/tenders/{id}/evaluation/scores", panel_scores);
    routes.add("POST", "/api/v1/tenders/{id}/evaluation", evaluate);
    routes.add("GET", "/api/v1/tenders/{id}/evaluation", get_evaluation);
    routes.add("POST", "/api/v1/tenders/{id}/lots/{lot_id}/award", award_lot);
    routes.add("POST", "/api/v1/tenders/{id}/lots/{lot_id}/unsuccessful", close_lot);
    routes.add("GET", "/api/v1/tenders/{id}/awards", tender_awards);
    routes.add("GET", "/api/v1/awards/{id}", get_award);
    routes.add("POST", "/api/v1/awards/{id}/contract", sign_contract);
    routes.add("POST", "/api/v1/awards/{id}/decline", decline_award);
    routes.add("GET", "/api/v1/contracts/{id}", get_contract);
    routes.add("POST", "/api/v1/contracts/{id}/milestones/{number}/accept", accept_milestone);
    routes.add("GET", "/api/v1/tenders/{id}/decisions", tender_decisions);
    routes.add("GET", "/api/v1/decisions/{id}", get_decision);
    routes.add("POST", "/api/v1/decisions/{id}/confirm", confirm_decision);
    routes.add("POST", "/api/v1/decisions/{id}/withdraw", withdraw_decision);
}

}  // namespace procura::web
