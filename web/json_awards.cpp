#include "web/json_awards.hpp"

#include <utility>

#include "core/time.hpp"
#include "settlement/evaluation/evaluation.hpp"

namespace procura::web {

using core::Result;

Result<DeclarationInput> parse_declaration(const Json& body) {
    PROCURA_TRY(check_members(body, "", {"no_conflict", "statement"}));
    DeclarationInput input;
    PROCURA_TRY_ASSIGN(input.no_conflict, required_boolean(body, "", "no_conflict"));
    PROCURA_TRY_ASSIGN(input.statement, required_string(body, "", "statement"));
    return input;
}

Result<settlement::awards::ScoreSubmission> parse_scores(const Json& body) {
    PROCURA_TRY(check_members(body, "", {"lot_id", "bid_id", "scores"}));
    settlement::awards::ScoreSubmission s;
    PROCURA_TRY_ASSIGN(s.lot_id, required_integer(body, "", "lot_id"));
    PROCURA_TRY_ASSIGN(s.bid_id, required_integer(body, "", "bid_id"));
    PROCURA_TRY_ASSIGN(const Json* scores, required_array(body, "", "scores"));
    if (scores->size() > settlement::evaluation::criteria_per_lot_max) {
        return core::unprocessable(
            "too_many_scores",
            "at most " + std::to_string(settlement::evaluation::criteria_per_lot_max) + " scores",
            "scores");
    }
    for (std::size_t i = 0; i < scores->size(); ++i) {
        const std::string where = "scores[" + std::to_string(i) + "]";
        const Json& item = (*scores)[i];
        PROCURA_TRY(require_object(item, where));
        PROCURA_TRY(check_members(item, where + ".", {"criterion_id", "score_micro"}));
        PROCURA_TRY_ASSIGN(auto criterion, required_integer(item, where + ".", "criterion_id"));
        PROCURA_TRY_ASSIGN(auto score, required_integer(item, where + ".", "score_micro"));
        s.scores.emplace_back(criterion, score);
    }
    return s;
}

Result<settlement::awards::AwardRequest> parse_award_request(const Json& body) {
    PROCURA_TRY(check_members(body, "", {"bid_id", "reason", "clarification"}));
    settlement::awards::AwardRequest request;
    PROCURA_TRY_ASSIGN(request.bid_id, required_integer(body, "", "bid_id"));
    PROCURA_TRY_ASSIGN(request.reason, optional_string(body, "reason"));
    PROCURA_TRY_ASSIGN(request.clarification, optional_string(body, "clarification"));
    return request;
}

Result<std::vector<settlement::awards::MilestoneInput>> parse_milestones(const Json& body,
                                                                         std::size_t count_max) {
    PROCURA_TRY(check_members(body, "", {"milestones"}));
    PROCURA_TRY_ASSIGN(const Json* list, required_array(body, "", "milestones"));
    if (list->size() > count_max) {
        return core::unprocessable(
            "milestones_count", "a contract has 1 to " + std::to_string(count_max) + " milestones",
            "milestones");
    }
    std::vector<settlement::awards::MilestoneInput> out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string where = "milestones[" + std::to_string(i) + "]";
        const Json& item = (*list)[i];
        PROCURA_TRY(require_object(item, where));
        PROCURA_TRY(check_members(item, where + ".", {"title", "amount_minor"}));
        PROCURA_TRY_ASSIGN(auto title, required_string(item, where + ".", "title"));
        PROCURA_TRY_ASSIGN(auto amount, required_integer(item, where + ".", "amount_minor"));
        out.push_back({std::move(title), amount});
    }
    return out;
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
                {"award_proposed_by", value_or_null(a.award_proposed_by)},
                {"awarded_at", core::format_rfc3339_ms(a.awarded_at_ms)},
                {"standstill_ends_at", core::format_rfc3339_ms(a.standstill_ends_at_ms)},
                {"decided_by", value_or_null(a.decided_by)},
                {"decision_proposed_by", value_or_null(a.decision_proposed_by)},
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
                {"proposed_by", value_or_null(m.proposed_by)},
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
                {"proposed_by", value_or_null(k.proposed_by)},
                {"signed_at", core::format_rfc3339_ms(k.signed_at_ms)},
                {"milestones", std::move(milestones)}};
}

Json decision_to_json(const settlement::awards::Decision& d) {
    using settlement::awards::DecisionKind;
    Json subject = Json::object();
    Json input = Json::object();
    switch (d.kind) {
        case DecisionKind::award:
            subject = Json{{"lot_id", d.subject_id}};
            input = Json{{"bid_id", d.award.bid_id},
                         {"reason", d.award.reason},
                         {"clarification", d.award.clarification}};
            break;
        case DecisionKind::decline:
            subject = Json{{"award_id", d.subject_id}};
            input = Json{{"reason", d.reason}};
            break;
        case DecisionKind::contract: {
            subject = Json{{"award_id", d.subject_id}};
            Json items = Json::array();
            for (const auto& m : d.milestones) {
                items.push_back(Json{{"title", m.title}, {"amount_minor", m.amount_minor}});
            }
            input = Json{{"milestones", std::move(items)}};
            break;
        }
        case DecisionKind::milestone:
            subject = Json{{"contract_id", d.subject_id}, {"number", d.milestone_number}};
            break;
    }
    return Json{{"id", d.id},
                {"tender_id", d.tender_id},
                {"kind", std::string(settlement::awards::to_string(d.kind))},
                {"subject", std::move(subject)},
                {"input", std::move(input)},
                {"state", std::string(settlement::awards::to_string(d.state))},
                {"proposed_by", d.proposed_by},
                {"proposed_at", core::format_rfc3339_ms(d.proposed_at_ms)},
                {"decided_by", value_or_null(d.decided_by)},
                {"decided_at", time_or_null(d.decided_at_ms)},
                {"result_id", d.result_id == 0 ? Json(nullptr) : Json(d.result_id)}};
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

Json panel_scores_to_json(const settlement::awards::PanelScores& panel) {
    Json declarations = Json::array();
    for (const auto& d : panel.declarations) declarations.push_back(declaration_to_json(d));
    Json scores = Json::array();
    for (const auto& s : panel.scores) scores.push_back(score_to_json(s));
    return Json{{"evaluated", panel.evaluated},
                {"declarations", std::move(declarations)},
                {"scores", std::move(scores)}};
}

Json tender_awards_to_json(const settlement::awards::TenderAwards& all) {
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
    const Json status =
        all.outcome ? Json(std::string(settlement::awards::to_string(*all.outcome))) : Json();
    return Json{{"tender_id", all.tender_id},
                {"status", status},
                {"lots", std::move(lots)},
                {"awards", std::move(awards)},
                {"contracts", std::move(contracts)}};
}

}  // namespace procura::web
