// Pure rules of evaluation records, awards and contracts: who is eligible for a lot's award,
// when a contract may be signed, what milestones are acceptable, which scores a panel member may
// submit, and what a tender has come to. No clock (the instant is a parameter), no I/O. Every
// refusal is an expected error naming its code and field; see docs/awards.md for the table.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "settlement/awards/model.hpp"
#include "settlement/evaluation/evaluation.hpp"

namespace procura::settlement::awards::rules {

// Text given as a reason, clarification or statement: present when it holds a character other
// than ASCII white space.
bool has_text(std::string_view text);

// The criteria of a tender's lots (docs/awards.md): lowest_price ranks by price alone (price
// 100 %, no criterion). comprehensive and benchmark_price: price_weight for the price and, when
// technical_weight > 0, criterion technical_criterion_id weighted technical_weight. The weights
// are checked by evaluate_lot (weights_sum) and not here.
evaluation::Weights weights_for(evaluation::Method method, std::int64_t price_weight,
                                std::int64_t technical_weight);

// The lot's current award (awarded or signed), if any.
const Award* current_award(const std::vector<Award>& awards, std::int64_t lot_id);

// A ranked bid is eligible for the lot's award unless an award of it was declined.
bool eligible(const std::vector<Award>& awards, const RankedBid& bid);

struct AwardDecision {
    RankedBid bid;
    std::vector<std::int64_t> skipped_bid_ids;  // eligible bids ranked above, in rank order
};

// Checks an award of request.bid_id in lot_id. Errors: conflict "lot_already_awarded" (a
// current award exists), "bid_declined" (that bid declined an earlier award of the lot);
// unprocessable "bid_not_ranked" (field bid_id: not a ranked bid of the lot, e.g. invalid at the
// opening or of another lot), "reason_required" (field reason: eligible bids rank above it),
// "clarification_required" (field clarification: the bid is flagged abnormally low),
// "reason_too_long" / "clarification_too_long".
core::Result<AwardDecision> check_award(const Evaluation& evaluation,
                                        const std::vector<Award>& awards, std::int64_t lot_id,
                                        const AwardRequest& request, const AwardLimits& limits);

// The award's state allows a change: conflict "award_signed" or "award_declined" otherwise.
core::Status check_awarded(const Award& award);

// Checks the signing of award's contract at now_ms. The standstill is the half-open interval
// [awarded_at_ms, standstill_ends_at_ms): at standstill_ends_at_ms itself signing is allowed.
// Errors: those of check_awarded; conflict "standstill_not_over"; unprocessable (field
// milestones or milestones[i].title / .amount_minor) "milestones_count" (not 1..max),
// "title_required", "title_too_long", "amount_not_positive", "milestones_sum" (the amounts
// do not add up exactly to the award value).
core::Status check_contract(const Award& award, std::int64_t now_ms,
                            const std::vector<MilestoneInput>& milestones,
                            const AwardLimits& limits);

// Errors: those of check_awarded; unprocessable "reason_required" / "reason_too_long".
core::Status check_decline(const Award& award, std::string_view reason, const AwardLimits& limits);

// The reason of a panel member's withdrawal: 422 "reason_required", "reason_too_long".
core::Status check_withdrawal(std::string_view reason, const AwardLimits& limits);

// conflict "milestone_accepted" unless the milestone is planned.
core::Status check_accept(const Milestone& milestone);

// Checks one member's scores for one bid against the lot's criteria: every criterion exactly
// once, 0..100 points. Errors (unprocessable, field scores or scores[i]...): "criterion_unknown",
// "criterion_duplicate", "criterion_missing", "score_out_of_range".
core::Status check_scores(const ScoreSubmission& submission, const evaluation::Weights& weights);

// The lot's closure, if an officer closed it.
const LotClosure* closure_of(const TenderRecords& records, std::int64_t lot_id);

// Checks the closing of lot lot_id as unsuccessful and returns the eligible bids it passes over,
// in rank order. Errors: conflict "lot_already_awarded" (a current award exists), "lot_closed";
// unprocessable "reason_required" / "reason_too_long" (field reason).
core::Result<std::vector<std::int64_t>> check_close(const TenderRecords& records,
                                                    std::int64_t lot_id, std::string_view reason,
                                                    const AwardLimits& limits);

// The decision still proposed on the same subject as decision (same kind, subject and milestone
// number), if any: a subject has at most one open proposal.
const Decision* open_decision(const TenderRecords& records, const Decision& decision);

// A decision can be confirmed or withdrawn only while proposed: conflict "decision_confirmed" or
// "decision_withdrawn" otherwise.
core::Status check_proposed(const Decision& decision);

// What lot lot_id has come to, given the stored evaluation (none: pending).
LotOutcome lot_outcome(const TenderRecords& records, std::int64_t lot_id);

// The tender's status after its opening, given its lot numbers: opened until evaluated;
// evaluated while a lot is pending; then unsuccessful if no lot has a current award, complete
// if every current award is signed, awarded otherwise. nullopt before the opening.
std::optional<TenderOutcome> outcome(const TenderRecords& records,
                                     const std::vector<std::int64_t>& lot_ids);

}  // namespace procura::settlement::awards::rules
