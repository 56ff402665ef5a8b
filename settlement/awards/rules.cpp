#include "settlement/awards/rules.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace procura::settlement::awards {

std::string_view to_string(AwardStatus state) {
    switch (state) {
        case AwardStatus::awarded:
            return "awarded";
        case AwardStatus::signed_contract:
            return "signed";
        case AwardStatus::declined:
            return "declined";
    }
    return "awarded";
}

std::optional<AwardStatus> parse_award_status(std::string_view text) {
    if (text == "awarded") return AwardStatus::awarded;
    if (text == "signed") return AwardStatus::signed_contract;
    if (text == "declined") return AwardStatus::declined;
    return std::nullopt;
}

std::string_view to_string(DecisionKind kind) {
    switch (kind) {
        case DecisionKind::award:
            return "award";
        case DecisionKind::decline:
            return "decline";
        case DecisionKind::contract:
            return "contract";
        case DecisionKind::milestone:
            return "milestone";
    }
    return "award";
}

std::optional<DecisionKind> parse_decision_kind(std::string_view text) {
    for (DecisionKind k : {DecisionKind::award, DecisionKind::decline, DecisionKind::contract,
                           DecisionKind::milestone}) {
        if (text == to_string(k)) return k;
    }
    return std::nullopt;
}

std::string_view to_string(DecisionState state) {
    switch (state) {
        case DecisionState::proposed:
            return "proposed";
        case DecisionState::confirmed:
            return "confirmed";
        case DecisionState::withdrawn:
            return "withdrawn";
    }
    return "proposed";
}

std::optional<DecisionState> parse_decision_state(std::string_view text) {
    for (DecisionState d :
         {DecisionState::proposed, DecisionState::confirmed, DecisionState::withdrawn}) {
        if (text == to_string(d)) return d;
    }
    return std::nullopt;
}

std::string_view to_string(MilestoneState state) {
    return state == MilestoneState::accepted ? "accepted" : "planned";
}

std::string_view to_string(TenderOutcome outcome) {
    switch (outcome) {
        case TenderOutcome::opened:
            return "opened";
        case TenderOutcome::evaluated:
            return "evaluated";
        case TenderOutcome::awarded:
            return "awarded";
        case TenderOutcome::complete:
            return "complete";
        case TenderOutcome::unsuccessful:
            return "unsuccessful";
    }
    return "opened";
}

std::string_view to_string(LotOutcome outcome) {
    switch (outcome) {
        case LotOutcome::pending:
            return "pending";
        case LotOutcome::awarded:
            return "awarded";
        case LotOutcome::contracted:
            return "contracted";
        case LotOutcome::unsuccessful:
            return "unsuccessful";
    }
    return "pending";
}

namespace rules {
namespace {

core::Status check_text(std::string_view text, std::size_t bytes_max, bool required,
                        const std::string& what, const std::string& field) {
    if (required && !has_text(text)) {
        return core::unprocessable(what + "_required", field + " is required", field);
    }
    if (text.size() > bytes_max) {
        return core::unprocessable(
            what + "_too_long", field + " is longer than " + std::to_string(bytes_max) + " bytes",
            field);
    }
    return {};
}

}  // namespace

bool has_text(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        return c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v';
    });
}

evaluation::Weights weights_for(evaluation::Method method, std::int64_t price_weight,
                                std::int64_t technical_weight) {
    evaluation::Weights weights;
    if (method == evaluation::Method::lowest_price) return weights;  // price 100 %, no criterion
    weights.price_pct = price_weight;
    if (technical_weight > 0) {
        weights.criteria.push_back(evaluation::Criterion{technical_criterion_id, technical_weight});
    }
    return weights;
}

const Award* current_award(const std::vector<Award>& awards, std::int64_t lot_id) {
    for (const Award& a : awards) {
        if (a.lot_id == lot_id && a.current()) return &a;
    }
    return nullptr;
}

bool eligible(const std::vector<Award>& awards, const RankedBid& bid) {
    return std::none_of(awards.begin(), awards.end(), [&](const Award& a) {
        return a.lot_id == bid.lot_id && a.bid_id == bid.bid_id && a.state == AwardStatus::declined;
    });
}

core::Result<AwardDecision> check_award(const Evaluation& evaluation,
                                        const std::vector<Award>& awards, std::int64_t lot_id,
                                        const AwardRequest& request, const AwardLimits& limits) {
    if (const Award* current = current_award(awards, lot_id)) {
        return core::conflict(
            "lot_already_awarded",
            "lot " + std::to_string(lot_id) + " already has award " + std::to_string(current->id));
    }
    const RankedBid* chosen = nullptr;
    for (const RankedBid& b : evaluation.bids) {
        if (b.lot_id == lot_id && b.bid_id == request.bid_id) chosen = &b;
    }
    if (chosen == nullptr) {
        return core::unprocessable("bid_not_ranked",
                                   "bid " + std::to_string(request.bid_id) +
                                       " is not ranked in lot " + std::to_string(lot_id) +
                                       " (only valid bids of the lot are)",
                                   "bid_id");
    }
    if (!eligible(awards, *chosen)) {
        return core::conflict(
            "bid_declined",
            "bid " + std::to_string(request.bid_id) + " declined an earlier award of this lot",
            "bid_id");
    }
    PROCURA_TRY(check_text(request.reason, limits.reason_bytes_max, false, "reason", "reason"));
    PROCURA_TRY(check_text(request.clarification, limits.clarification_bytes_max, false,
                           "clarification", "clarification"));
    std::vector<const RankedBid*> above;
    for (const RankedBid& b : evaluation.bids) {
        if (b.lot_id == lot_id && b.rank < chosen->rank && eligible(awards, b)) {
            above.push_back(&b);
        }
    }
    std::sort(above.begin(), above.end(),
              [](const RankedBid* x, const RankedBid* y) { return x->rank < y->rank; });
    AwardDecision decision;
    decision.bid = *chosen;
    for (const RankedBid* b : above) decision.skipped_bid_ids.push_back(b->bid_id);
    if (!above.empty() && !has_text(request.reason)) {
        std::string names;
        for (std::int64_t id : decision.skipped_bid_ids) {
            names += (names.empty() ? "" : ", ") + std::to_string(id);
        }
        return core::unprocessable("reason_required",
                                   "eligible bids rank above bid " +
                                       std::to_string(request.bid_id) + " (" + names +
                                       "): a reason for passing them over is required",
                                   "reason");
    }
    if (chosen->abnormally_low && !has_text(request.clarification)) {
        return core::unprocessable(
            "clarification_required",
            "bid " + std::to_string(request.bid_id) +
                " is flagged abnormally low: record the clarification obtained",
            "clarification");
    }
    return decision;
}

core::Status check_awarded(const Award& award) {
    if (award.state == AwardStatus::signed_contract) {
        return core::conflict("award_signed",
                              "award " + std::to_string(award.id) + " already has its contract");
    }
    if (award.state == AwardStatus::declined) {
        return core::conflict("award_declined",
                              "award " + std::to_string(award.id) + " was declined");
    }
    return {};
}

core::Status check_contract(const Award& award, std::int64_t now_ms,
                            const std::vector<MilestoneInput>& milestones,
                            const AwardLimits& limits) {
    PROCURA_TRY(check_awarded(award));
    if (now_ms < award.standstill_ends_at_ms) {
        return core::conflict("standstill_not_over",
                              "the standstill period of award " + std::to_string(award.id) +
                                  " ends at " + std::to_string(award.standstill_ends_at_ms) +
                                  " ms; no contract before then");
    }
    if (milestones.empty() || milestones.size() > limits.milestones_max) {
        return core::unprocessable(
            "milestones_count",
            "a contract has 1 to " + std::to_string(limits.milestones_max) + " milestones",
            "milestones");
    }
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < milestones.size(); ++i) {
        const MilestoneInput& m = milestones[i];
        const std::string field = "milestones[" + std::to_string(i) + "]";
        PROCURA_TRY(
            check_text(m.title, limits.milestone_title_bytes_max, true, "title", field + ".title"));
        if (m.amount_minor <= 0) {
            return core::unprocessable("amount_not_positive",
                                       "a milestone amount is a positive integer of minor units",
                                       field + ".amount_minor");
        }
        // Each amount is positive and the running sum never exceeds the value, so no overflow.
        if (m.amount_minor > award.value_minor - sum) {
            return core::unprocessable(
                "milestones_sum",
                "the milestone amounts exceed the award value " + std::to_string(award.value_minor),
                "milestones");
        }
        sum += m.amount_minor;
    }
    if (sum != award.value_minor) {
        return core::unprocessable("milestones_sum",
                                   "the milestone amounts add up to " + std::to_string(sum) +
                                       ", not to the award value " +
                                       std::to_string(award.value_minor),
                                   "milestones");
    }
    return {};
}

core::Status check_decline(const Award& award, std::string_view reason, const AwardLimits& limits) {
    PROCURA_TRY(check_awarded(award));
    return check_text(reason, limits.reason_bytes_max, true, "reason", "reason");
}

core::Status check_withdrawal(std::string_view reason, const AwardLimits& limits) {
    return check_text(reason, limits.reason_bytes_max, true, "reason", "reason");
}

core::Status check_accept(const Milestone& milestone) {
    if (milestone.state != MilestoneState::planned) {
        return core::conflict(
            "milestone_accepted",
            "milestone " + std::to_string(milestone.number) + " is already accepted");
    }
    return {};
}

core::Status check_scores(const ScoreSubmission& submission, const evaluation::Weights& weights) {
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < submission.scores.size(); ++i) {
        const auto& [criterion, score] = submission.scores[i];
        const std::string field = "scores[" + std::to_string(i) + "]";
        const bool known = std::any_of(
            weights.criteria.begin(), weights.criteria.end(),
            [&](const evaluation::Criterion& c) { return c.criterion_id == criterion; });
        if (!known) {
            return core::unprocessable(
                "criterion_unknown",
                "criterion " + std::to_string(criterion) + " is not a criterion of this tender",
                field + ".criterion_id");
        }
        if (!seen.insert(criterion).second) {
            return core::unprocessable(
                "criterion_duplicate",
                "criterion " + std::to_string(criterion) + " is scored twice",
                field + ".criterion_id");
        }
        if (score < 0 || score > evaluation::score_max_micro) {
            return core::unprocessable("score_out_of_range",
                                       "a score is 0 to 100 points (0 to 100000000 micro-points)",
                                       field + ".score_micro");
        }
    }
    for (const evaluation::Criterion& c : weights.criteria) {
        if (seen.count(c.criterion_id) == 0) {
            return core::unprocessable(
                "criterion_missing",
                "criterion " + std::to_string(c.criterion_id) + " is not scored", "scores");
        }
    }
    return {};
}

const LotClosure* closure_of(const TenderRecords& records, std::int64_t lot_id) {
    for (const LotClosure& c : records.closures) {
        if (c.lot_id == lot_id) return &c;
    }
    return nullptr;
}

core::Result<std::vector<std::int64_t>> check_close(const TenderRecords& records,
                                                    std::int64_t lot_id, std::string_view reason,
                                                    const AwardLimits& limits) {
    if (const Award* current = current_award(records.awards, lot_id)) {
        return core::conflict("lot_already_awarded",
                              "lot " + std::to_string(lot_id) + " has award " +
                                  std::to_string(current->id) + "; it cannot be closed");
    }
    if (closure_of(records, lot_id) != nullptr) {
        return core::conflict(
            "lot_closed", "lot " + std::to_string(lot_id) + " is already closed as unsuccessful");
    }
    PROCURA_TRY(check_text(reason, limits.reason_bytes_max, true, "reason", "reason"));
    std::vector<const RankedBid*> eligible_bids;
    if (records.evaluation) {
        for (const RankedBid& b : records.evaluation->bids) {
            if (b.lot_id == lot_id && eligible(records.awards, b)) eligible_bids.push_back(&b);
        }
    }
    std::sort(eligible_bids.begin(), eligible_bids.end(),
              [](const RankedBid* x, const RankedBid* y) { return x->rank < y->rank; });
    std::vector<std::int64_t> skipped;
    for (const RankedBid* b : eligible_bids) skipped.push_back(b->bid_id);
    return skipped;
}

LotOutcome lot_outcome(const TenderRecords& records, std::int64_t lot_id) {
    if (const Award* current = current_award(records.awards, lot_id)) {
        return current->state == AwardStatus::signed_contract ? LotOutcome::contracted
                                                              : LotOutcome::awarded;
    }
    if (!records.evaluation) return LotOutcome::pending;
    if (closure_of(records, lot_id) != nullptr) return LotOutcome::unsuccessful;
    for (const RankedBid& b : records.evaluation->bids) {
        if (b.lot_id == lot_id && eligible(records.awards, b)) return LotOutcome::pending;
    }
    return LotOutcome::unsuccessful;
}

std::optional<TenderOutcome> outcome(const TenderRecords& records,
                                     const std::vector<std::int64_t>& lot_ids) {
    if (!records.opened_at_ms) return std::nullopt;
    if (!records.evaluation) return TenderOutcome::opened;
    bool any_current = false;
    bool all_signed = true;
    for (std::int64_t lot : lot_ids) {
        switch (lot_outcome(records, lot)) {
            case LotOutcome::pending:
                return TenderOutcome::evaluated;
            case LotOutcome::awarded:
                any_current = true;
                all_signed = false;
                break;
            case LotOutcome::contracted:
                any_current = true;
                break;
            case LotOutcome::unsuccessful:
                break;
        }
    }
    if (!any_current) return TenderOutcome::unsuccessful;
    return all_signed ? TenderOutcome::complete : TenderOutcome::awarded;
}

const Decision* open_decision(const TenderRecords& records, const Decision& decision) {
    for (const Decision& d : records.decisions) {
        if (d.state == DecisionState::proposed && d.kind == decision.kind &&
            d.subject_id == decision.subject_id &&
            d.milestone_number == decision.milestone_number) {
            return &d;
        }
    }
    return nullptr;
}

core::Status check_proposed(const Decision& decision) {
    switch (decision.state) {
        case DecisionState::proposed:
            return {};
        case DecisionState::confirmed:
            return core::conflict("decision_confirmed",
                                  "decision " + std::to_string(decision.id) +
                                      " is confirmed already and cannot change");
        case DecisionState::withdrawn:
            return core::conflict("decision_withdrawn", "decision " + std::to_string(decision.id) +
                                                            " was withdrawn and cannot change");
    }
    return {};
}

}  // namespace rules
}  // namespace procura::settlement::awards
