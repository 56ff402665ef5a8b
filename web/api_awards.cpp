// Evaluation, awards and contracts: the HTTP routes of this group, registered by
// Api::add_award_routes. Handlers authenticate and map JSON; settlement::awards::AwardService
// checks roles, states and rules. Reads are public (procurement transparency): the evaluation once
// stored, awards, contracts and their milestones. See docs/awards.md.
#include <functional>
#include <limits>
#include <utility>

#include "core/time.hpp"
#include "settlement/awards/service.hpp"
#include "settlement/evaluation/evaluation.hpp"
#include "web/api.hpp"
#include "web/api_support.hpp"

namespace procura::web {
namespace {
using core::Result;
using namespace api_support;

Result<settlement::awards::AwardService*> award_service(const Services& services) {
    return required_service(services.awards, "awards_unavailable",
                            "this server runs without the evaluation and award service");
}

core::Error invalid_type(const std::string& field, const char* expected) {
    return core::bad_request("invalid_type", field + " must be " + expected, field);
}

core::Error missing_field(const std::string& field) {
    return core::bad_request("missing_field", field + " is required", field);
}

// Refuses members outside allowed (400 unknown_field).
// A request that takes no input: an empty body, or an empty JSON object; anything else is a 400
// rather than silently ignored.
core::Status no_input(const Request& request) {
    if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return {};
    PROCURA_TRY_ASSIGN(auto body, parse_json_object(request.body));
    if (!body.empty()) {
        return core::bad_request(
            "unknown_field",
            "unknown member '" + body.begin().key() + "': this request takes no input",
            body.begin().key());
    }
    return {};
}

core::Status only_fields(const Json& object, std::initializer_list<const char*> allowed,
                         const std::string& prefix = "") {
    for (auto it = object.begin(); it != object.end(); ++it) {
        bool known = false;
        for (const char* name : allowed) known = known || it.key() == name;
        if (!known) {
            return core::bad_request("unknown_field", "unknown member " + prefix + it.key(),
                                     prefix + it.key());
        }
    }
    return {};
}

// A JSON integer in the int64 range (1.0 and "1" are refused).
Result<std::int64_t> integer_of(const Json& value, const std::string& field) {
    if (!value.is_number_integer()) return invalid_type(field, "an integer");
    if (value.is_number_unsigned() &&
        value.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return invalid_type(field, "an integer in the 64-bit signed range");
    }
    return value.get<std::int64_t>();
}

Result<std::int64_t> required_integer(const Json& object, const char* key,
                                      const std::string& prefix = "") {
    const auto it = object.find(key);
    if (it == object.end()) return missing_field(prefix + key);
    return integer_of(*it, prefix + key);
}

Result<std::string> optional_string(const Json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::string();
    if (!it->is_string()) return invalid_type(key, "a string");
    return it->get<std::string>();
}

Result<std::string> required_string(const Json& object, const char* key,
                                    const std::string& prefix = "") {
    const auto it = object.find(key);
    if (it == object.end()) return missing_field(prefix + key);
    if (!it->is_string()) return invalid_type(prefix + key, "a string");
    return it->get<std::string>();
}

Json time_or_null(const std::optional<std::int64_t>& ms) {
    return ms ? Json(core::format_rfc3339_ms(*ms)) : Json(nullptr);
}

template <class T>
Json value_or_null(const std::optional<T>& v) {
    return v ? Json(*v) : Json(nullptr);
}

Json award_to_json(const settlement::awards::Award& a) {
    return Json{{"id", a.id},
                {"tender_id", a.tender_id},
                {"lot_id", a.lot_id},
                {"bid_id", a.bid_id},
                {"supplier_id", a.supplier_id},
                {"value", Json{{"amount_minor", a.value_minor}, {"currency", a.currency}}},
                {"awarded_rank", a.awarded_rank},
                {"skipped_bid_ids", a.skipped_bid_ids},
                {"skip_reason", a.skip_reason},
                {"clarification", a.clarification},
                {"state", std::string(settlement::awards::to_string(a.state))},
                {"awarded_by", a.awarded_by},
                {"awarded_at", core::format_rfc3339_ms(a.awarded_at_ms)},
                {"standstill_ends_at", core::format_rfc3339_ms(a.standstill_ends_at_ms)},
                {"decided_by", value_or_null(a.decided_by)},
                {"decided_at", time_or_null(a.decided_at_ms)},
                {"decline_reason", value_or_null(a.decline_reason)}};
}

Json milestone_to_json(const settlement::awards::Milestone& m) {
    return Json{{"number", m.number},
                {"title", m.title},
                {"amount_minor", m.amount_minor},
                {"currency", m.currency},
                {"state", std::string(settlement::awards::to_string(m.state))},
                {"accepted_by", value_or_null(m.accepted_by)},
                {"accepted_at", time_or_null(m.accepted_at_ms)}};
}

Json contract_to_json(const settlement::awards::Contract& k) {
    Json milestones = Json::array();
    for (const settlement::awards::Milestone& m : k.milestones)
        milestones.push_back(milestone_to_json(m));
    return Json{{"id", k.id},
                {"award_id", k.award_id},
                {"tender_id", k.tender_id},
                {"lot_id", k.lot_id},
                {"supplier_id", k.supplier_id},
                {"value", Json{{"amount_minor", k.value_minor}, {"currency", k.currency}}},
                {"signed_by", k.signed_by},
                {"signed_at", core::format_rfc3339_ms(k.signed_at_ms)},
                {"milestones", std::move(milestones)}};
}

Json evaluation_to_json(const settlement::awards::Evaluation& e) {
    Json lots = Json::array();
    for (const settlement::awards::LotEvaluation& lot : e.lots) {
        lots.push_back(Json::parse(lot.result_json, nullptr, false));
    }
    return Json{{"tender_id", e.tender_id},
                {"evaluated_by", e.evaluated_by},
                {"evaluated_at", core::format_rfc3339_ms(e.evaluated_at_ms)},
                {"lots", std::move(lots)}};
}

Json closure_to_json(const settlement::awards::LotClosure& c) {
    return Json{{"tender_id", c.tender_id},
                {"lot_id", c.lot_id},
                {"status", "unsuccessful"},
                {"reason", c.reason},
                {"skipped_bid_ids", c.skipped_bid_ids},
                {"closed_by", c.closed_by},
                {"closed_at", core::format_rfc3339_ms(c.closed_at_ms)}};
}

Json declaration_to_json(const settlement::awards::Declaration& d) {
    return Json{
        {"member_id", d.member_id},
        {"no_conflict", d.no_conflict},
        {"recused", !d.no_conflict},
        {"statement", d.statement},
        {"supplier_ids", d.supplier_ids},
        {"declared_at", core::format_rfc3339_ms(d.declared_at_ms)},
        {"withdrawn", d.withdrawn_at_ms.has_value()},
        {"withdrawn_at",
         d.withdrawn_at_ms ? Json(core::format_rfc3339_ms(*d.withdrawn_at_ms)) : Json(nullptr)},
        {"withdrawn_by", d.withdrawn_at_ms ? Json(d.withdrawn_by) : Json(nullptr)},
        {"withdrawal_reason", d.withdrawn_at_ms ? Json(d.withdrawal_reason) : Json(nullptr)}};
}

Json score_to_json(const settlement::awards::TechnicalScore& s) {
    return Json{{"lot_id", s.lot_id},
                {"bid_id", s.bid_id},
                {"member_id", s.member_id},
                {"criterion_id", s.criterion_id},
                {"score_micro", s.score_micro},
                {"submitted_at", core::format_rfc3339_ms(s.submitted_at_ms)}};
}

Result<settlement::awards::ScoreSubmission> parse_scores(const Json& body) {
    PROCURA_TRY(only_fields(body, {"lot_id", "bid_id", "scores"}));
    settlement::awards::ScoreSubmission s;
    PROCURA_TRY_ASSIGN(auto lot, required_integer(body, "lot_id"));
    PROCURA_TRY_ASSIGN(auto bid, required_integer(body, "bid_id"));
    s.lot_id = lot;
    s.bid_id = bid;
    const auto scores = body.find("scores");
    if (scores == body.end()) return missing_field("scores");
    if (!scores->is_array()) return invalid_type("scores", "an array");
    if (scores->size() > settlement::evaluation::criteria_per_lot_max) {
        return core::unprocessable(
            "too_many_scores",
            "at most " + std::to_string(settlement::evaluation::criteria_per_lot_max) + " scores",
            "scores");
    }
    for (std::size_t i = 0; i < scores->size(); ++i) {
        const std::string prefix = "scores[" + std::to_string(i) + "].";
        const Json& item = (*scores)[i];
        if (!item.is_object())
            return invalid_type("scores[" + std::to_string(i) + "]", "an object");
        PROCURA_TRY(only_fields(item, {"criterion_id", "score_micro"}, prefix));
        PROCURA_TRY_ASSIGN(auto criterion, required_integer(item, "criterion_id", prefix));
        PROCURA_TRY_ASSIGN(auto score, required_integer(item, "score_micro", prefix));
        s.scores.emplace_back(criterion, score);
    }
    return s;
}

Result<std::vector<settlement::awards::MilestoneInput>> parse_milestones(const Json& body,
                                                                         std::size_t count_max) {
    PROCURA_TRY(only_fields(body, {"milestones"}));
    const auto list = body.find("milestones");
    if (list == body.end()) return missing_field("milestones");
    if (!list->is_array()) return invalid_type("milestones", "an array");
    if (list->size() > count_max) {
        return core::unprocessable(
            "milestones_count", "a contract has 1 to " + std::to_string(count_max) + " milestones",
            "milestones");
    }
    std::vector<settlement::awards::MilestoneInput> out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string where = "milestones[" + std::to_string(i) + "]";
        const Json& item = (*list)[i];
        if (!item.is_object()) return invalid_type(where, "an object");
        PROCURA_TRY(only_fields(item, {"title", "amount_minor"}, where + "."));
        PROCURA_TRY_ASSIGN(auto title, required_string(item, "title", where + "."));
        PROCURA_TRY_ASSIGN(auto amount, required_integer(item, "amount_minor", where + "."));
        out.push_back({std::move(title), amount});
    }
    return out;
}

}  // namespace

// The tender's status after its opening for get_tender (web/api.cpp): evaluated, awarded,
// complete or unsuccessful, or nullopt while it is only opened or without the award service.
Result<std::optional<std::string>> award_status(const Services& services, std::int64_t tender_id,
                                                const std::vector<std::int64_t>& lot_ids) {
    if (services.awards == nullptr) return std::optional<std::string>();
    PROCURA_TRY_ASSIGN(auto outcome, services.awards->outcome(tender_id, lot_ids));
    if (!outcome || *outcome == settlement::awards::TenderOutcome::opened) {
        return std::optional<std::string>();
    }
    return std::optional<std::string>(std::string(settlement::awards::to_string(*outcome)));
}

void Api::add_award_routes() {
    using Service = settlement::awards::AwardService;
    // Every route checks that the service runs (503), reads the tender, award or contract id
    // of the path (404), then the caller: required for changes (401), optional for the public
    // reads. The service checks roles and ownership.
    using OfficerBody = std::function<Result<Response>(Service&, const core::Caller&, std::int64_t,
                                                       const Request&, const Context&)>;
    using ReaderBody =
        std::function<Result<Response>(Service&, const std::optional<core::Caller>&, std::int64_t,
                                       const Request&, const Context&)>;
    const auto officer = [](OfficerBody body) -> Handler {
        return [body = std::move(body)](const Api& api, const Request& r,
                                        const Context& c) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto service, award_service(api.services_));
            PROCURA_TRY_ASSIGN(auto id, path_id(c.params, "id"));
            PROCURA_TRY_ASSIGN(auto caller, api.require_caller(r));
            return body(*service, caller, id, r, c);
        };
    };
    const auto reader = [](ReaderBody body) -> Handler {
        return [body = std::move(body)](const Api& api, const Request& r,
                                        const Context& c) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto service, award_service(api.services_));
            PROCURA_TRY_ASSIGN(auto id, path_id(c.params, "id"));
            PROCURA_TRY_ASSIGN(auto caller, api.optional_caller(r));
            return body(*service, caller, id, r, c);
        };
    };

    add("POST", "/api/v1/tenders/{id}/evaluation/declarations",
        officer([](Service& service, const core::Caller& caller, std::int64_t id, const Request& r,
                   const Context&) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto body, parse_json_object(r.body));
            PROCURA_TRY(only_fields(body, {"no_conflict", "statement"}));
            const auto flag = body.find("no_conflict");
            if (flag == body.end()) return missing_field("no_conflict");
            if (!flag->is_boolean()) return invalid_type("no_conflict", "a boolean");
            PROCURA_TRY_ASSIGN(auto statement, required_string(body, "statement"));
            PROCURA_TRY_ASSIGN(auto declared,
                               service.declare(caller, id, flag->get<bool>(), statement));
            return json_response(201, declaration_to_json(declared));
        }),
        Dispatch::worker);

    add("POST", "/api/v1/tenders/{id}/evaluation/panel/{member_id}/withdrawal",
        officer([](Service& service, const core::Caller& caller, std::int64_t id, const Request& r,
                   const Context& c) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto member, path_id(c.params, "member_id"));
            PROCURA_TRY_ASSIGN(auto reason, string_body(r, "reason"));
            PROCURA_TRY_ASSIGN(auto withdrawn, service.withdraw_member(caller, id, member, reason));
            return json_response(201, declaration_to_json(withdrawn));
        }),
        Dispatch::worker);

    add("POST", "/api/v1/tenders/{id}/evaluation/scores",
        officer([](Service& service, const core::Caller& caller, std::int64_t id, const Request& r,
                   const Context&) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto body, parse_json_object(r.body));
            PROCURA_TRY_ASSIGN(auto submission, parse_scores(body));
            PROCURA_TRY_ASSIGN(auto stored, service.submit_scores(caller, id, submission));
            Json items = Json::array();
            for (const settlement::awards::TechnicalScore& s : stored)
                items.push_back(score_to_json(s));
            return json_response(201, Json{{"items", std::move(items)}, {"locked", true}});
        }),
        Dispatch::worker);

    add("GET", "/api/v1/tenders/{id}/evaluation/scores",
        reader([](Service& service, const std::optional<core::Caller>& caller, std::int64_t id,
                  const Request&, const Context&) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto panel, service.scores(caller, id));
            Json declarations = Json::array();
            for (const auto& d : panel.declarations) declarations.push_back(declaration_to_json(d));
            Json scores = Json::array();
            for (const auto& s : panel.scores) scores.push_back(score_to_json(s));
            return json_response(200, Json{{"evaluated", panel.evaluated},
                                           {"declarations", std::move(declarations)},
                                           {"scores", std::move(scores)}});
        }),
        Dispatch::worker);

    add("POST", "/api/v1/tenders/{id}/evaluation",
        officer([](Service& service, const core::Caller& caller, std::int64_t id, const Request& r,
                   const Context&) -> Result<Response> {
            PROCURA_TRY(no_input(r));
            PROCURA_TRY_ASSIGN(auto evaluation, service.evaluate(caller, id));
            Response response = json_response(201, evaluation_to_json(evaluation));
            response.with_header("Location",
                                 "/api/v1/tenders/" + std::to_string(id) + "/evaluation");
            return response;
        }),
        Dispatch::worker);

    add("GET", "/api/v1/tenders/{id}/evaluation",
        reader([](Service& service, const std::optional<core::Caller>&, std::int64_t id,
                  const Request&, const Context&) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto evaluation, service.evaluation(id));
            return json_response(200, evaluation_to_json(evaluation));
        }),
        Dispatch::worker);

    add("POST", "/api/v1/tenders/{id}/lots/{lot_id}/award",
        officer([](Service& service, const core::Caller& caller, std::int64_t id, const Request& r,
                   const Context& c) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto lot, path_id(c.params, "lot_id"));
            PROCURA_TRY_ASSIGN(auto body, parse_json_object(r.body));
            PROCURA_TRY(only_fields(body, {"bid_id", "reason", "clarification"}));
            settlement::awards::AwardRequest request;
            PROCURA_TRY_ASSIGN(auto bid, required_integer(body, "bid_id"));
            request.bid_id = bid;
            PROCURA_TRY_ASSIGN(auto reason, optional_string(body, "reason"));
            request.reason = std::move(reason);
            PROCURA_TRY_ASSIGN(auto clarification, optional_string(body, "clarification"));
            request.clarification = std::move(clarification);
            PROCURA_TRY_ASSIGN(auto award, service.award(caller, id, lot, request));
            Response response = json_response(201, award_to_json(award));
            response.with_header("Location", "/api/v1/awards/" + std::to_string(award.id));
            return response;
        }),
        Dispatch::worker);

    add("POST", "/api/v1/tenders/{id}/lots/{lot_id}/unsuccessful",
        officer([](Service& service, const core::Caller& caller, std::int64_t id, const Request& r,
                   const Context& c) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto lot, path_id(c.params, "lot_id"));
            PROCURA_TRY_ASSIGN(auto reason, string_body(r, "reason"));
            PROCURA_TRY_ASSIGN(auto closure, service.close_lot(caller, id, lot, reason));
            return json_response(200, closure_to_json(closure));
        }),
        Dispatch::worker);

    add("GET", "/api/v1/tenders/{id}/awards",
        reader([](Service& service, const std::optional<core::Caller>&, std::int64_t id,
                  const Request&, const Context&) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto all, service.tender_awards(id));
            Json lots = Json::array();
            for (const auto& [lot, outcome] : all.lots) {
                Json entry{{"lot_id", lot},
                           {"status", std::string(settlement::awards::to_string(outcome))},
                           {"closure", nullptr}};
                for (const auto& closure : all.closures) {
                    if (closure.lot_id == lot) entry["closure"] = closure_to_json(closure);
                }
                lots.push_back(std::move(entry));
            }
            Json awards = Json::array();
            for (const auto& a : all.awards) awards.push_back(award_to_json(a));
            Json contracts = Json::array();
            for (const auto& k : all.contracts) contracts.push_back(contract_to_json(k));
            return json_response(
                200,
                Json{{"tender_id", all.tender_id},
                     {"status", all.outcome
                                    ? Json(std::string(settlement::awards::to_string(*all.outcome)))
                                    : Json(nullptr)},
                     {"lots", std::move(lots)},
                     {"awards", std::move(awards)},
                     {"contracts", std::move(contracts)}});
        }),
        Dispatch::worker);

    add("GET", "/api/v1/awards/{id}",
        reader([](Service& service, const std::optional<core::Caller>&, std::int64_t id,
                  const Request&, const Context&) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto award, service.get_award(id));
            return json_response(200, award_to_json(award));
        }),
        Dispatch::worker);

    add("POST", "/api/v1/awards/{id}/contract",
        officer([](Service& service, const core::Caller& caller, std::int64_t id, const Request& r,
                   const Context&) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto body, parse_json_object(r.body));
            PROCURA_TRY_ASSIGN(auto milestones,
                               parse_milestones(body, service.limits().milestones_max));
            PROCURA_TRY_ASSIGN(auto contract, service.sign_contract(caller, id, milestones));
            Response response = json_response(201, contract_to_json(contract));
            response.with_header("Location", "/api/v1/contracts/" + std::to_string(contract.id));
            return response;
        }),
        Dispatch::worker);

    add("POST", "/api/v1/awards/{id}/decline",
        officer([](Service& service, const core::Caller& caller, std::int64_t id, const Request& r,
                   const Context&) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto reason, string_body(r, "reason"));
            PROCURA_TRY_ASSIGN(auto award, service.decline(caller, id, reason));
            return json_response(200, award_to_json(award));
        }),
        Dispatch::worker);

    add("GET", "/api/v1/contracts/{id}",
        reader([](Service& service, const std::optional<core::Caller>&, std::int64_t id,
                  const Request&, const Context&) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto contract, service.get_contract(id));
            return json_response(200, contract_to_json(contract));
        }),
        Dispatch::worker);

    add("POST", "/api/v1/contracts/{id}/milestones/{number}/accept",
        officer([](Service& service, const core::Caller& caller, std::int64_t id, const Request& r,
                   const Context& c) -> Result<Response> {
            PROCURA_TRY_ASSIGN(auto number, path_id(c.params, "number"));
            PROCURA_TRY(no_input(r));
            PROCURA_TRY_ASSIGN(auto milestone, service.accept_milestone(caller, id, number));
            return json_response(200, milestone_to_json(milestone));
        }),
        Dispatch::worker);
}

}  // namespace procura::web
