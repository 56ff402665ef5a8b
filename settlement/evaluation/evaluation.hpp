// Evaluation of opened bids: scores and ranks the bids of each lot by lowest evaluated price,
// comprehensive scoring or the benchmark-price method, flags abnormally low bids and lists the
// invalid ones with their reason. Pure functions over value types: no clock, no I/O, no SQL, no
// OpenSSL. All arithmetic is on integers in fixed units (money in minor units, scores in
// micro-points), so a result never depends on the order of a floating-point sum or on the thread
// count; the rounding rules are written down below and in evaluation.cpp.
//
// Units and rounding (every division in this module follows them):
//  - A score is an int64 in micro-points: 1 point = 1,000,000 micro-points; 100 points is
//    the maximum of an evaluator's raw score, of a benchmark price score before weighting, and
//    of a total.
//  - Every quotient of non-negative integers is rounded half up (to nearest, .5 away from zero):
//    q = (2 n + d) / (2 d). Signed quotients (deviation_ppm) round half away from zero.
//    Intermediate products are computed in 128 bits, so none overflows.
//  - A comparison with a mean (the abnormally-low test) is done exactly by cross-multiplying,
//    never against a rounded mean.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace procura::settlement::evaluation {

inline constexpr std::int64_t micro_per_point = 1'000'000;
inline constexpr std::int64_t score_max_micro = 100 * micro_per_point;

// With at least this many evaluators on a criterion, the one highest and the one lowest raw
// score are dropped before averaging; with at least this many valid bids, the one highest and
// the one lowest price are dropped before the benchmark mean is taken.
inline constexpr std::size_t trim_from_count = 5;

// Limits on one lot's input; a lot over a limit gets an error result.
inline constexpr std::size_t bids_per_lot_max = 10'000;
inline constexpr std::size_t evaluators_per_bid_max = 100;
inline constexpr std::size_t criteria_per_lot_max = 100;

enum class Method {
    lowest_price,     // rank by price, lowest first
    comprehensive,    // price score = lowest / price × price weight, plus technical scores
    benchmark_price,  // price score = 100 − deductions from a trimmed mean, × price weight
};

// One evaluator's raw score for one criterion, 0..100 points in micro-points.
struct CriterionScore {
    std::int64_t criterion_id = 0;
    std::int64_t score_micro = 0;
};

// What one evaluator gave one bid: exactly one score for every criterion of the lot.
struct EvaluatorScores {
    std::int64_t evaluator_id = 0;
    std::vector<CriterionScore> scores;
};

// A technical criterion and its weight in whole percent of the total score.
struct Criterion {
    std::int64_t criterion_id = 0;
    std::int64_t weight_pct = 0;
};

// price_pct + the criteria's weight_pct must be exactly 100 under every method. Under
// lowest_price the weights do not rank; the technical score they give breaks ties only.
struct Weights {
    std::int64_t price_pct = 100;
    std::vector<Criterion> criteria;
};

// Benchmark-price deductions, in micro-points per whole percent of deviation from the
// benchmark, applied proportionally to fractions of a percent: a price 2.5 % above with
// deduction_above_micro_per_pct = 1,000,000 (one point per percent) loses 2.5 points.
struct BenchmarkRule {
    std::int64_t deduction_above_micro_per_pct = 1 * micro_per_point;
    std::int64_t deduction_below_micro_per_pct = 0;
};

// A bid as published by the opening: valid=false bids carry the opening's reason and are never
// ranked. technical holds the evaluation panel's scores (ignored for invalid bids).
struct BidInput {
    std::int64_t bid_id = 0;
    std::int64_t supplier_id = 0;
    std::int64_t lot_id = 0;
    std::int64_t price_minor = 0;
    std::string currency;
    std::int64_t received_at_ms = 0;
    bool valid = true;
    std::string invalid_reason;
    std::vector<EvaluatorScores> technical;
};

struct LotInput {
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;
    std::string currency;  // ISO 4217; every valid bid must be in it
    Method method = Method::lowest_price;
    Weights weights;
    BenchmarkRule benchmark;  // used by benchmark_price only
    // A valid bid whose price is strictly under this share of the mean of all valid prices, in
    // basis points (8,000 = 80 %), is flagged abnormally low; exactly at the share is not.
    // 0 disables the flag. Range 0..10,000.
    std::int64_t abnormally_low_threshold_bp = 8'000;
    std::vector<BidInput> bids;
};

// One evaluator's raw score as it entered a criterion's average, or was dropped from it.
struct RawScore {
    std::int64_t evaluator_id = 0;
    std::int64_t score_micro = 0;
    bool dropped = false;  // the one highest or lowest, with trim_from_count or more evaluators
};

struct CriterionBreakdown {
    std::int64_t criterion_id = 0;
    std::int64_t weight_pct = 0;
    std::vector<RawScore> raw;        // by (score_micro, evaluator_id) ascending
    std::int64_t average_micro = 0;   // mean of the kept raw scores, rounded half up
    std::int64_t weighted_micro = 0;  // average_micro × weight_pct / 100, rounded half up
};

// Why a bid ranks after the one before it: the first ranking key in which they differ.
enum class DecidedBy {
    first,        // rank 1
    primary,      // total score (comprehensive, benchmark_price) or price (lowest_price)
    technical,    // higher technical score
    price,        // lower price
    received_at,  // earlier receipt
    bid_id,       // lower bid id: the last resort that makes the order total
};

struct BidScore {
    std::int64_t rank = 0;  // 1-based, no two bids share a rank
    DecidedBy decided_by = DecidedBy::first;
    std::int64_t bid_id = 0;
    std::int64_t supplier_id = 0;
    std::int64_t price_minor = 0;
    std::int64_t received_at_ms = 0;
    // Flagged for clarification; the bid is still ranked in its place (see evaluate_lot).
    bool abnormally_low = false;
    // Price part of the total: 0 under lowest_price.
    std::int64_t price_score_micro = 0;
    // Sum of the criteria's weighted_micro (0 without criteria).
    std::int64_t technical_score_micro = 0;
    // price_score_micro + technical_score_micro: 0 under lowest_price, which ranks by price.
    std::int64_t total_score_micro = 0;
    // benchmark_price only: (price − benchmark) / benchmark in parts per million (signed,
    // rounded half away from zero, saturated at the int64 range, for publication), and the
    // points deducted before weighting (at most 100 points).
    std::int64_t deviation_ppm = 0;
    std::int64_t deduction_micro = 0;
    std::vector<CriterionBreakdown> criteria;  // in the order of Weights::criteria
};

struct ExcludedBid {
    std::int64_t bid_id = 0;
    std::int64_t supplier_id = 0;
    std::string reason;
};

// The evaluation of one lot, complete enough to store and publish. When error is set the input
// was refused and nothing else but the ids, method and currency is filled in.
struct LotResult {
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;
    Method method = Method::lowest_price;
    std::string currency;
    std::optional<core::Error> error;

    std::int64_t valid_bid_count = 0;
    std::int64_t lowest_valid_price_minor = 0;  // 0 when there is no valid bid
    std::int64_t mean_valid_price_minor = 0;    // rounded half up; 0 when no valid bid
    std::int64_t abnormally_low_threshold_bp = 0;
    // benchmark_price only: the trimmed mean of the valid prices, rounded half up, and the bids
    // whose prices were left out of it (the lowest and the highest by (price, bid_id)).
    std::int64_t benchmark_price_minor = 0;
    std::vector<std::int64_t> benchmark_dropped_bid_ids;

    std::vector<BidScore> ranking;      // rank order
    std::vector<ExcludedBid> excluded;  // invalid bids, by bid_id ascending

    bool ok() const { return !error.has_value(); }
};

// Evaluates one lot. Returns a LotResult with error set (kind unprocessable, or bad_request for
// an unknown method; code and field name the fault) when the input is refused:
//  weight_negative, weights_sum (not 100), criterion_duplicate, deduction_negative,
//  deduction_out_of_range (over 100 points per percent),
//  threshold_out_of_range, currency_invalid, currency_mismatch (a valid bid in another
//  currency), lot_mismatch, bid_duplicate, price_not_positive, too_many_bids,
//  too_many_evaluators, too_many_criteria, technical_scores_missing, evaluator_duplicate,
//  criterion_unknown, criterion_missing, score_out_of_range, method_unknown.
// Only valid bids' prices, currencies and scores are checked; invalid bids are listed in
// excluded with their reason whatever they contain.
//
// Every valid bid is ranked; an abnormally low one keeps its place and carries the flag, so the
// award step must seek clarification before awarding it and nothing is dropped silently. Its
// price counts in the lowest price, the mean and the benchmark like any other valid price.
// Ranking keys, in order: the primary key (higher total, or lower price under lowest_price),
// higher technical score, lower price, earlier received_at_ms, lower bid_id. A lot without
// valid bids gives an empty ranking, not an error. Pure and thread-safe.
LotResult evaluate_lot(const LotInput& lot);

// Evaluates every lot, in parallel over the lots with oneTBB inside a task_arena of max_threads
// threads (0 or less = one per core; TBB runs no more threads than its global limit, by
// default the core count). Returns one LotResult per LotInput in the input order, identical
// whatever max_threads is: each lot is evaluated on its own, serially, with integer arithmetic,
// and written to its own slot. Thread-safe; the inputs are only read.
std::vector<LotResult> evaluate_all(const std::vector<LotInput>& lots, int max_threads);

const char* method_name(Method method);
const char* decided_by_name(DecidedBy decided_by);

// The result as JSON for storage and publication: integers, booleans and strings only (no
// floating-point number anywhere). Field names are those of the structs; enums are their
// snake_case names; error appears only when set, and then replaces the evaluation fields.
nlohmann::json to_json(const LotResult& result);

}  // namespace procura::settlement::evaluation
