// JSON <-> evaluation, award and contract mapping for the HTTP API (docs/awards.md,
// docs/openapi.yaml): the panel's declarations and scores, award requests and milestones in;
// declarations, scores, the evaluation, awards, closures and contracts out. Reads with
// web/json_fields.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "settlement/awards/model.hpp"
#include "settlement/awards/service.hpp"
#include "web/json_fields.hpp"

namespace procura::web {

struct DeclarationInput {
    bool no_conflict = false;
    std::string statement;
};
// {"no_conflict": boolean, "statement": string}, both required.
core::Result<DeclarationInput> parse_declaration(const Json& body);
// {"lot_id", "bid_id", "scores": [{"criterion_id", "score_micro"}]}: at most
// evaluation::criteria_per_lot_max scores (422 "too_many_scores").
core::Result<settlement::awards::ScoreSubmission> parse_scores(const Json& body);
// {"bid_id": integer, "reason"?: string, "clarification"?: string}.
core::Result<settlement::awards::AwardRequest> parse_award_request(const Json& body);
// {"milestones": [{"title", "amount_minor"}]}: at most count_max (422 "milestones_count").
core::Result<std::vector<settlement::awards::MilestoneInput>> parse_milestones(
    const Json& body, std::size_t count_max);

Json declaration_to_json(const settlement::awards::Declaration& declaration);
Json score_to_json(const settlement::awards::TechnicalScore& score);
// {"evaluated","declarations","scores"}.
Json panel_scores_to_json(const settlement::awards::PanelScores& panel);
Json evaluation_to_json(const settlement::awards::Evaluation& evaluation);
Json award_to_json(const settlement::awards::Award& award);
Json closure_to_json(const settlement::awards::LotClosure& closure);
Json milestone_to_json(const settlement::awards::Milestone& milestone);
Json contract_to_json(const settlement::awards::Contract& contract);
// A four-eyes decision: kind, subject ({"lot_id"}, {"award_id"} or {"contract_id", "number"}),
// the proposer's input, state, both officers, result_id (the award or contract it made).
Json decision_to_json(const settlement::awards::Decision& decision);
// A tender's lots with their outcomes and closures, its awards and contracts.
Json tender_awards_to_json(const settlement::awards::TenderAwards& all);

}  // namespace procura::web
