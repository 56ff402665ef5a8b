// Value types of evaluation records, awards and contracts: the opened bids as the evaluation
// reads them, the panel's declarations and locked technical scores, the stored evaluation, awards
// with their standstill, contracts with payment milestones, and the limits of all of them.
// Standard-library includes only; no clock, no I/O. Money is int64 minor units plus a currency.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/identity.hpp"

namespace procura::settlement::awards {

// The one technical criterion of a tender under comprehensive and benchmark_price: its weight
// is the tender's technical_weight, the price's its price_weight (docs/awards.md).
inline constexpr std::int64_t technical_criterion_id = 1;

// One line of the opening record, as the evaluation needs it (bid_openings joined with bids).
struct OpenedBid {
    std::int64_t bid_id = 0;
    core::UserId supplier_id = 0;
    std::int64_t lot_id = 0;  // the lot number
    std::int64_t received_at_ms = 0;
    bool valid = false;
    std::string reason;            // why it is invalid; empty when valid
    std::int64_t price_minor = 0;  // 0 when the opening read no price
    std::string currency;
};

// A panel member's conflict-of-interest declaration about the bidders of the opening record.
struct Declaration {
    std::int64_t tender_id = 0;
    core::UserId member_id = 0;
    bool no_conflict = false;  // false: the member declares a conflict and is recused
    std::string statement;
    std::vector<core::UserId> supplier_ids;  // the bidders it covers, ascending
    std::int64_t declared_at_ms = 0;
    // Set once the member is withdrawn from the panel (AwardService::withdraw_member): the
    // evaluation goes on without them.
    std::optional<std::int64_t> withdrawn_at_ms;
    core::UserId withdrawn_by = 0;
    std::string withdrawal_reason;
};

// One raw technical score, locked once submitted.
struct TechnicalScore {
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;
    std::int64_t bid_id = 0;
    core::UserId member_id = 0;
    std::int64_t criterion_id = 0;
    std::int64_t score_micro = 0;
    std::int64_t submitted_at_ms = 0;
};

// A ranked bid of the stored evaluation.
struct RankedBid {
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;
    std::int64_t bid_id = 0;
    core::UserId supplier_id = 0;
    std::int64_t rank = 0;  // 1-based within the lot
    std::int64_t price_minor = 0;
    std::string currency;
    bool abnormally_low = false;
    std::int64_t total_score_micro = 0;
    std::string breakdown_json;  // the BidScore as JSON
};

struct LotEvaluation {
    std::int64_t lot_id = 0;
    std::string result_json;  // evaluation::to_json(LotResult), compact
};

struct Evaluation {
    std::int64_t tender_id = 0;
    core::UserId evaluated_by = 0;
    std::int64_t evaluated_at_ms = 0;
    std::vector<LotEvaluation> lots;  // ascending lot_id
    std::vector<RankedBid> bids;      // by (lot_id, rank)
};

// The awards.state column. (Named AwardStatus, not AwardState: settlement/batches has its own
// AwardState for the same column in the same namespace.)
enum class AwardStatus { awarded, signed_contract, declined };
std::string_view to_string(AwardStatus state);  // "awarded", "signed", "declined"
std::optional<AwardStatus> parse_award_status(std::string_view text);

struct Award {
    std::int64_t id = 0;
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;
    std::int64_t bid_id = 0;
    core::UserId supplier_id = 0;
    std::int64_t value_minor = 0;
    std::string currency;
    std::int64_t awarded_rank = 0;
    std::string skip_reason;                    // empty when the top eligible bid was awarded
    std::string clarification;                  // empty unless the bid was flagged abnormally low
    std::vector<std::int64_t> skipped_bid_ids;  // eligible bids ranked above, in rank order
    AwardStatus state = AwardStatus::awarded;
    // The four eyes (docs/awards.md "Two officers"): awarded_by confirmed the award that
    // award_proposed_by proposed; decided_by confirmed the contract or decline that
    // decision_proposed_by proposed. A proposer is nullopt on rows older than migration 0016.
    core::UserId awarded_by = 0;
    std::optional<core::UserId> award_proposed_by;
    std::int64_t awarded_at_ms = 0;
    std::int64_t standstill_ends_at_ms = 0;
    std::optional<core::UserId> decided_by;  // who signed the contract or recorded the decline
    std::optional<core::UserId> decision_proposed_by;
    std::optional<std::int64_t> decided_at_ms;
    std::optional<std::string> decline_reason;

    bool current() const { return state != AwardStatus::declined; }
};

enum class MilestoneState { planned, accepted };
std::string_view to_string(MilestoneState state);

struct Milestone {
    std::int64_t id = 0;
    std::int64_t contract_id = 0;
    std::int64_t number = 0;  // 1..n
    std::string title;
    std::int64_t amount_minor = 0;
    std::string currency;
    MilestoneState state = MilestoneState::planned;
    std::optional<core::UserId> accepted_by;  // confirmed the acceptance
    std::optional<core::UserId> proposed_by;  // proposed it (nullopt before migration 0016)
    std::optional<std::int64_t> accepted_at_ms;
};

struct Contract {
    std::int64_t id = 0;
    std::int64_t award_id = 0;
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;
    core::UserId supplier_id = 0;
    std::int64_t value_minor = 0;
    std::string currency;
    core::UserId signed_by = 0;               // confirmed the signature
    std::optional<core::UserId> proposed_by;  // proposed it (nullopt before migration 0016)
    std::int64_t signed_at_ms = 0;
    std::vector<Milestone> milestones;  // ascending number
};

// An officer's decision that a lot without a current award will not be awarded: the lot is
// unsuccessful. skipped_bid_ids are the eligible bids it passed over, in rank order.
struct LotClosure {
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;
    std::string reason;
    std::vector<std::int64_t> skipped_bid_ids;
    core::UserId closed_by = 0;
    std::int64_t closed_at_ms = 0;
};

// Input of the use cases, as parsed from requests.
struct AwardRequest {
    std::int64_t bid_id = 0;
    std::string reason;
    std::string clarification;
};

struct MilestoneInput {
    std::string title;
    std::int64_t amount_minor = 0;
};

// What a four-eyes decision does once confirmed (docs/awards.md "Two officers"): award a lot,
// record that the winner declined (which forfeits its bid security in settlement), sign an
// award's contract, accept a contract's milestone.
enum class DecisionKind { award, decline, contract, milestone };
std::string_view to_string(DecisionKind kind);
std::optional<DecisionKind> parse_decision_kind(std::string_view text);

// proposed -> confirmed (executed, by a second officer) or withdrawn; both are final.
enum class DecisionState { proposed, confirmed, withdrawn };
std::string_view to_string(DecisionState state);
std::optional<DecisionState> parse_decision_state(std::string_view text);

// One officer's proposal of a decision, which another officer confirms (and it is executed
// exactly as proposed) or anyone of them withdraws. The subject and the input depend on kind:
// award: subject_id the lot number, input award; decline: subject_id the award id, input
// reason; contract: subject_id the award id, input milestones; milestone: subject_id the
// contract id, milestone_number the milestone's number, no input.
struct Decision {
    std::int64_t id = 0;
    std::int64_t tender_id = 0;
    DecisionKind kind = DecisionKind::award;
    std::int64_t subject_id = 0;
    std::int64_t milestone_number = 0;  // 0 unless kind is milestone
    AwardRequest award;
    std::string reason;
    std::vector<MilestoneInput> milestones;
    DecisionState state = DecisionState::proposed;
    core::UserId proposed_by = 0;
    std::int64_t proposed_at_ms = 0;
    std::optional<core::UserId> decided_by;  // who confirmed or withdrew it
    std::optional<std::int64_t> decided_at_ms;
    // What the confirmation made: the award's id (award), the contract's id (contract); 0
    // otherwise.
    std::int64_t result_id = 0;
};

// Everything this module stores about one tender, plus its opening record.
struct TenderRecords {
    std::int64_t tender_id = 0;
    std::optional<std::int64_t> opened_at_ms;
    std::vector<OpenedBid> opened_bids;  // ascending bid_id
    std::optional<Evaluation> evaluation;
    std::vector<Declaration> declarations;  // ascending member_id
    std::vector<TechnicalScore> scores;     // by (bid_id, member_id, criterion_id)
    std::vector<Award> awards;              // ascending id
    std::vector<Contract> contracts;        // ascending id
    std::vector<LotClosure> closures;       // ascending lot_id
    std::vector<Decision> decisions;        // ascending id
};

// The status of a tender after its opening, derived from the records (rules::outcome).
enum class TenderOutcome { opened, evaluated, awarded, complete, unsuccessful };
std::string_view to_string(TenderOutcome outcome);

// What a lot has come to (rules::lot_outcome): pending (no current award, an eligible bid
// left), awarded (current award awaiting its contract), contracted, or unsuccessful (no
// current award and no eligible bid: no valid bid, or every ranked bid declined; or an officer
// closed the lot, passing over the eligible bids left).
enum class LotOutcome { pending, awarded, contracted, unsuccessful };
std::string_view to_string(LotOutcome outcome);

// Limits, set at start-up.
struct AwardLimits {
    // An award's standstill: a contract may be signed from awarded_at_ms + standstill_ms on.
    std::int64_t standstill_ms = 10 * core::ms_per_day;
    std::size_t milestones_max = 50;
    std::size_t milestone_title_bytes_max = 200;
    std::size_t reason_bytes_max = 1000;         // skip and decline reasons
    std::size_t clarification_bytes_max = 2000;  // of an abnormally low bid
    std::size_t statement_bytes_max = 2000;      // of a declaration
    // Passed to evaluation::LotInput (see settlement/evaluation/evaluation.hpp); 0 disables the
    // flag.
    std::int64_t abnormally_low_threshold_bp = 8'000;
    int evaluation_threads = 0;  // evaluate_all's max_threads: 0 = one per core
};

struct ScoreSubmission {
    std::int64_t lot_id = 0;
    std::int64_t bid_id = 0;
    std::vector<std::pair<std::int64_t, std::int64_t>> scores;  // (criterion_id, score_micro)
};

}  // namespace procura::settlement::awards
