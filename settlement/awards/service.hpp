// The use cases after a tender's opening: the evaluation panel's declarations and locked
// technical scores, the stored evaluation (evaluate_all over the opening record), awards per lot
// with their standstill, contracts with payment milestones, and what the tender has come to.
// Each change is load -> rule -> save -> audit event in one transaction of the AwardStore, which
// locks the tender, so racing requests are serialised and the loser sees the winner's change.
// Roles: officers change (awards, declines, contracts and milestones as four-eyes decisions:
// one proposes, another confirms); panel members (the tender's committee) declare and score;
// everyone, without a login, reads evaluations, awards and contracts once they exist
// (transparency). Thread-safe: state lives in the stores.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/buyers.hpp"
#include "core/clock.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"
#include "settlement/awards/model.hpp"
#include "settlement/awards/store.hpp"
#include "tender/store.hpp"

namespace procura::settlement::awards {

struct AwardDependencies {
    AwardStore& store;
    tender::TenderStore& tenders;
    const core::Clock& clock;
    // Which buyer an officer acts for: the evaluation, lot closures and every award decision
    // (proposal, confirmation, withdrawal) are for officers of the tender's buyer only (403
    // "not_buyer_officer", nothing written).
    core::BuyerDirectory& buyers;
};

// A tender's awards and contracts and what each lot has come to.
struct TenderAwards {
    std::int64_t tender_id = 0;
    std::optional<TenderOutcome> outcome;                   // nullopt before the opening
    std::vector<std::pair<std::int64_t, LotOutcome>> lots;  // (lot number, outcome)
    std::vector<Award> awards;
    std::vector<Contract> contracts;
    std::vector<LotClosure> closures;
};

// A confirmed decision and what its execution made: award (an award's new award, a decline's
// declined award, a contract's signed award), contract (a contract's), milestone (a
// milestone's accepted milestone).
struct DecisionResult {
    Decision decision;
    std::optional<Award> award;
    std::optional<Contract> contract;
    std::optional<Milestone> milestone;
};

// What a caller may see of the panel's scores (scores()).
struct PanelScores {
    bool evaluated = false;
    std::vector<Declaration> declarations;
    std::vector<TechnicalScore> scores;
};

class AwardService {
public:
    AwardService(AwardDependencies dependencies, AwardLimits limits);

    const AwardLimits& limits() const { return limits_; }

    // A committee member's declaration, after the opening and before the evaluation, once.
    // Errors: 403 "not_panel_member"; 404 "tender_not_found"; 409 "tender_cancelled",
    // "not_opened", "already_evaluated", "already_declared"; 422 "statement_required",
    // "statement_too_long".
    core::Result<Declaration> declare(const core::Caller& caller, std::int64_t tender_id,
                                      bool no_conflict, const std::string& statement);

    // A declared, non-recused member's scores of one valid bid, locked once stored.
    // Errors: 403 "not_panel_member", "recused", "withdrawn_from_panel"; 404; 409
    // "no_technical_criteria" (the method uses no technical score), "not_opened",
    // "already_evaluated", "declaration_required", "score_locked"; 422 "bid_not_valid" (field
    // bid_id) and those of rules::check_scores.
    core::Result<std::vector<TechnicalScore>> submit_scores(const core::Caller& caller,
                                                            std::int64_t tender_id,
                                                            const ScoreSubmission& submission);

    // Withdraws member_id from the tender's evaluation panel, with a reason, so that the
    // evaluation goes on without them (absence, illness, leaving the body). Only a member who
    // declared no conflict and has not scored anything can be withdrawn: scores once given are
    // never dropped. The member may withdraw themselves; anyone else must be a fellow panel
    // member (declared no conflict, not withdrawn), and may not bring the panel down to one.
    // After the opening and before the evaluation, once; an audit leaf at once.
    // Errors: 403 "forbidden" (not an officer), "recused", "not_panel_member"; 404
    // "tender_not_found"; 409 "tender_cancelled", "not_opened", "already_evaluated",
    // "not_on_panel" (no declaration of no conflict), "member_has_scored",
    // "already_withdrawn", "panel_too_small"; 422 "reason_required", "reason_too_long".
    core::Result<Declaration> withdraw_member(const core::Caller& caller, std::int64_t tender_id,
                                              core::UserId member_id, const std::string& reason);

    // Before the evaluation, a panel member sees the declarations and only their own scores;
    // others get 403 "scores_sealed". After it everyone sees all. caller may be absent.
    core::Result<PanelScores> scores(const std::optional<core::Caller>& caller,
                                     std::int64_t tender_id);

    // Evaluates every lot from the opening record and the panel's scores (evaluate_all) and
    // stores the result. Officers only. Errors: 403; 404; 409 "tender_cancelled",
    // "not_opened", "already_evaluated", "panel_empty" (a method with technical criteria and no
    // declared, non-recused member), "scores_missing" (naming the member and bid pairs);
    // 422 with evaluate_lot's code for a lot whose input it refuses.
    core::Result<Evaluation> evaluate(const core::Caller& caller, std::int64_t tender_id);

    // The stored evaluation. 404 "tender_not_found", "not_evaluated".
    core::Result<Evaluation> evaluation(std::int64_t tender_id);

    // Closes lot lot_id as unsuccessful: it will not be awarded, the eligible bids left are
    // passed over (named in the closure and its audit event). Officers only, after the
    // evaluation, while the lot has no current award, once. Errors: 403; 404 "tender_not_found",
    // "lot_not_found"; 409 "not_evaluated" and those of rules::check_close.
    core::Result<LotClosure> close_lot(const core::Caller& caller, std::int64_t tender_id,
                                       std::int64_t lot_id, const std::string& reason);

    // Four-eyes decisions (docs/awards.md "Two officers"): an award, a decline (which forfeits
    // the winner's bid security in settlement), a contract signature and a milestone
    // acceptance are each proposed by one officer and executed only when a second officer
    // confirms. A proposal is checked at once by the rules its execution will apply, so one
    // that could not be confirmed now is refused with the same error and writes nothing; it is
    // stored with an audit leaf "decision.proposed" (kind, subject, proposer). A subject has at
    // most one open proposal (409 "decision_pending"). Officers only, not recused (403
    // "forbidden", "recused").

    // Proposes to award lot lot_id (a lot number) to a ranked bid. Errors: 403; 404
    // "tender_not_found", "lot_not_found"; 409 "tender_cancelled", "not_evaluated",
    // "lot_closed", "decision_pending" and those of rules::check_award.
    core::Result<Decision> propose_award(const core::Caller& caller, std::int64_t tender_id,
                                         std::int64_t lot_id, const AwardRequest& request);

    // Proposes to record that the winner declined to sign. Errors: 403; 404
    // "award_not_found"; 409 "decision_pending" and those of rules::check_decline.
    core::Result<Decision> propose_decline(const core::Caller& caller, std::int64_t award_id,
                                           const std::string& reason);

    // Proposes to sign the award's contract with these milestones. Errors: 403; 404
    // "award_not_found"; 409 "decision_pending" and those of rules::check_contract (the
    // standstill is judged at the proposal and again at the confirmation).
    core::Result<Decision> propose_contract(const core::Caller& caller, std::int64_t award_id,
                                            const std::vector<MilestoneInput>& milestones);

    // Proposes to accept milestone number of the contract. Errors: 403; 404
    // "contract_not_found", "milestone_not_found"; 409 "milestone_accepted",
    // "decision_pending".
    core::Result<Decision> propose_acceptance(const core::Caller& caller, std::int64_t contract_id,
                                              std::int64_t number);

    // A second officer confirms the proposal: every rule is checked again under the tender's
    // lock and exactly what was proposed is executed, recording both officers (the result's
    // *_proposed_by / proposed_by and awarded_by / decided_by / signed_by / accepted_by, and
    // its audit leaves' proposed_by and confirmed_by), plus a "decision.confirmed" leaf. Two
    // racing confirmations execute it once: the loser gets 409 "decision_confirmed".
    // Errors: 403 "forbidden", "recused" (the confirmer or the proposer), "same_officer" (the
    // proposer); 404 "decision_not_found"; 409 "decision_confirmed", "decision_withdrawn" and
    // every error of the proposal's kind above.
    core::Result<DecisionResult> confirm(const core::Caller& caller, std::int64_t decision_id);

    // Withdraws a proposal: the proposer or another officer of the buyer; leaf
    // "decision.withdrawn".
    // Errors: 403 "forbidden", "recused"; 404 "decision_not_found"; 409 "decision_confirmed",
    // "decision_withdrawn".
    core::Result<Decision> withdraw(const core::Caller& caller, std::int64_t decision_id);

    // Reads of proposals: officers of the tender's buyer (403 "not_buyer_officer" for others)
    // and auditors (403 "forbidden" for other roles). What a confirmed decision
    // did is public through the awards and contracts it made and the log.
    // 404 "decision_not_found".
    core::Result<Decision> decision(const core::Caller& caller, std::int64_t decision_id);
    // The tender's decisions, ascending id. 404 "tender_not_found".
    core::Result<std::vector<Decision>> decisions(const core::Caller& caller,
                                                  std::int64_t tender_id);

    core::Result<Award> get_award(std::int64_t award_id);              // 404 "award_not_found"
    core::Result<Contract> get_contract(std::int64_t contract_id);     // 404 "contract_not_found"
    core::Result<TenderAwards> tender_awards(std::int64_t tender_id);  // 404 "tender_not_found"

    // The tender's status after its opening given its lot numbers (rules::outcome): nullopt
    // before the opening.
    core::Result<std::optional<TenderOutcome>> outcome(std::int64_t tender_id,
                                                       const std::vector<std::int64_t>& lot_ids);

private:
    // 403 "not_buyer_officer" unless caller acts for the buyer of tender_id (404 as
    // published_tender).
    core::Status require_buyer_officer(const core::Caller& caller, std::int64_t tender_id);
    core::Result<tender::Tender> published_tender(std::int64_t tender_id);
    // published_tender, and 404 "lot_not_found" unless it has lot lot_id.
    core::Result<tender::Tender> published_lot(std::int64_t tender_id, std::int64_t lot_id);
    // Stores decision (proposed_by and the subject set) as a proposal on tender tender_id after
    // checking it as confirm would execute it now.
    core::Result<Decision> propose(const core::Caller& caller, std::int64_t tender_id,
                                   Decision decision);
    // What an award decision on tender_id needs of the tender outside the award records: it is
    // published, not cancelled, and has lot lot_id.
    core::Status check_award_tender(std::int64_t tender_id, std::int64_t lot_id);

    AwardDependencies d_;
    AwardLimits limits_;
};

}  // namespace procura::settlement::awards
