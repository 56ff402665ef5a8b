// Scoring and ranking of one lot's bids, and the parallel loop over lots. See evaluation.hpp for
// the units and the rounding rule; every division below goes through div_round_half_up.
#include "settlement/evaluation/evaluation.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "core/money.hpp"

namespace procura::settlement::evaluation {
namespace {

// 128-bit intermediates: price × weight × 10^6 overflows 64 bits for prices above about
// 9.2 × 10^10 minor units, which a large public works contract can reach.
__extension__ typedef __int128 Wide;

// n / d rounded half up. Preconditions: n >= 0, d > 0, 2 n + d fits in 127 bits.
Wide wide_round_half_up(Wide n, Wide d) {
    PROCURA_ASSERT(n >= 0 && d > 0);
    return (2 * n + d) / (2 * d);
}

// n / d rounded half away from zero. Precondition: d > 0.
Wide wide_round_half_away(Wide n, Wide d) {
    return n < 0 ? -wide_round_half_up(-n, d) : wide_round_half_up(n, d);
}

// The same, for quotients known to fit in 64 bits (means, scores bounded by 100 points).
std::int64_t div_round_half_up(Wide n, Wide d) {
    const Wide q = wide_round_half_up(n, d);
    PROCURA_ASSERT(q <= std::numeric_limits<std::int64_t>::max());
    return static_cast<std::int64_t>(q);
}

std::int64_t saturate(Wide value) {
    constexpr auto high = std::numeric_limits<std::int64_t>::max();
    constexpr auto low = std::numeric_limits<std::int64_t>::min();
    return value > high ? high : value < low ? low : static_cast<std::int64_t>(value);
}

core::Error refuse(std::string code, std::string message, std::string field) {
    return core::unprocessable(std::move(code), std::move(message), std::move(field));
}

std::string bid_field(std::size_t i, const char* member) {
    return "bids[" + std::to_string(i) + "]." + member;
}

// Ids with their positions in the input. Sorted, the criteria's ids make the lookup from a
// score to its criterion without a node-based container (evaluation is allocation-bound).
using Keyed = std::vector<std::pair<std::int64_t, std::size_t>>;
using CriterionIndex = Keyed;

// The position of the first element, in input order, whose key appeared before it.
std::optional<std::size_t> first_repeat(Keyed& keyed) {
    std::sort(keyed.begin(), keyed.end());
    std::optional<std::size_t> first;
    for (std::size_t k = 1; k < keyed.size(); ++k) {
        if (keyed[k].first == keyed[k - 1].first && (!first || keyed[k].second < *first)) {
            first = keyed[k].second;
        }
    }
    return first;
}

std::optional<std::size_t> criterion_position(const CriterionIndex& index, std::int64_t id) {
    const auto found = std::lower_bound(index.begin(), index.end(), std::pair(id, std::size_t{0}));
    if (found == index.end() || found->first != id) return std::nullopt;
    return found->second;
}

std::string sheet_field(std::size_t bid, std::size_t sheet) {
    return "bids[" + std::to_string(bid) + "].technical[" + std::to_string(sheet) + "]";
}

std::string score_field(std::size_t bid, std::size_t sheet, std::size_t score, const char* member) {
    return sheet_field(bid, sheet) + ".scores[" + std::to_string(score) + "]." + member;
}

// Checks everything evaluate_lot relies on; fills `criteria` (sorted, unique) on success.
std::optional<core::Error> check_lot(const LotInput& lot, CriterionIndex& criteria) {
    if (lot.method != Method::lowest_price && lot.method != Method::comprehensive &&
        lot.method != Method::benchmark_price) {
        return core::bad_request("method_unknown", "unknown evaluation method", "method");
    }
    if (!core::is_iso4217_currency(lot.currency)) {
        return refuse("currency_invalid", "the lot's currency is not an ISO 4217 code", "currency");
    }
    if (lot.bids.size() > bids_per_lot_max) {
        return refuse("too_many_bids", "more bids than bids_per_lot_max", "bids");
    }
    const auto& weights = lot.weights;
    if (weights.criteria.size() > criteria_per_lot_max) {
        return refuse("too_many_criteria", "more criteria than criteria_per_lot_max",
                      "weights.criteria");
    }
    if (weights.price_pct < 0) {
        return refuse("weight_negative", "the price weight is negative", "weights.price_pct");
    }
    std::int64_t sum = weights.price_pct;
    for (std::size_t c = 0; c < weights.criteria.size(); ++c) {
        if (weights.criteria[c].weight_pct < 0) {
            return refuse("weight_negative", "a criterion weight is negative",
                          "weights.criteria[" + std::to_string(c) + "].weight_pct");
        }
        // Each weight is at most 100 here or the sum check fails anyway; stop before overflow.
        if (weights.criteria[c].weight_pct > 100) {
            return refuse("weights_sum", "the weights do not add up to 100", "weights");
        }
        sum += weights.criteria[c].weight_pct;
    }
    criteria.clear();
    for (std::size_t c = 0; c < weights.criteria.size(); ++c) {
        criteria.emplace_back(weights.criteria[c].criterion_id, c);
    }
    if (const auto repeat = first_repeat(criteria)) {
        return refuse("criterion_duplicate", "a criterion is listed twice",
                      "weights.criteria[" + std::to_string(*repeat) + "].criterion_id");
    }
    if (sum != 100) {
        return refuse("weights_sum", "the weights do not add up to 100", "weights");
    }
    for (const auto& [rate, field] : {std::pair(lot.benchmark.deduction_above_micro_per_pct,
                                                "benchmark.deduction_above_micro_per_pct"),
                                      std::pair(lot.benchmark.deduction_below_micro_per_pct,
                                                "benchmark.deduction_below_micro_per_pct")}) {
        if (rate < 0) {
            return refuse("deduction_negative", "a benchmark deduction is negative", field);
        }
        // More than 100 points per percent takes everything at the first hundredth of a
        // percent already; the bound keeps the 128-bit arithmetic exact.
        if (rate > score_max_micro) {
            return refuse("deduction_out_of_range",
                          "a benchmark deduction is over 100 points per percent", field);
        }
    }
    if (lot.abnormally_low_threshold_bp < 0 || lot.abnormally_low_threshold_bp > 10'000) {
        return refuse("threshold_out_of_range", "the abnormally-low threshold is not 0..10000 bp",
                      "abnormally_low_threshold_bp");
    }

    Keyed keyed;  // reused for bid ids, then for each bid's evaluator ids
    keyed.reserve(std::max(lot.bids.size(), evaluators_per_bid_max));
    for (std::size_t i = 0; i < lot.bids.size(); ++i) keyed.emplace_back(lot.bids[i].bid_id, i);
    if (const auto repeat = first_repeat(keyed)) {
        return refuse("bid_duplicate", "a bid id appears twice", bid_field(*repeat, "bid_id"));
    }
    // seen[c] == stamp when criterion c was scored on the current sheet; no reset per sheet.
    std::vector<std::size_t> seen(criteria.size(), 0);
    std::size_t stamp = 0;
    for (std::size_t i = 0; i < lot.bids.size(); ++i) {
        const BidInput& bid = lot.bids[i];
        if (bid.lot_id != lot.lot_id) {
            return refuse("lot_mismatch", "a bid belongs to another lot", bid_field(i, "lot_id"));
        }
        if (!bid.valid) continue;
        if (bid.currency != lot.currency) {
            return refuse("currency_mismatch", "a valid bid is in another currency than the lot",
                          bid_field(i, "currency"));
        }
        if (bid.price_minor <= 0) {
            return refuse("price_not_positive", "a valid bid's price is not positive",
                          bid_field(i, "price_minor"));
        }
        if (bid.technical.size() > evaluators_per_bid_max) {
            return refuse("too_many_evaluators", "more evaluators than evaluators_per_bid_max",
                          bid_field(i, "technical"));
        }
        if (!criteria.empty() && bid.technical.empty()) {
            return refuse("technical_scores_missing", "a valid bid has no technical scores",
                          bid_field(i, "technical"));
        }
        keyed.clear();
        for (std::size_t e = 0; e < bid.technical.size(); ++e) {
            keyed.emplace_back(bid.technical[e].evaluator_id, e);
        }
        if (const auto repeat = first_repeat(keyed)) {
            return refuse("evaluator_duplicate", "an evaluator scored the bid twice",
                          sheet_field(i, *repeat) + ".evaluator_id");
        }
        for (std::size_t e = 0; e < bid.technical.size(); ++e) {
            const EvaluatorScores& sheet = bid.technical[e];
            ++stamp;
            std::size_t scored = 0;
            for (std::size_t k = 0; k < sheet.scores.size(); ++k) {
                const CriterionScore& score = sheet.scores[k];
                const auto position = criterion_position(criteria, score.criterion_id);
                if (!position) {
                    return refuse("criterion_unknown", "a score names no criterion of the lot",
                                  score_field(i, e, k, "criterion_id"));
                }
                if (seen[*position] == stamp) {
                    return refuse("criterion_duplicate", "an evaluator scored a criterion twice",
                                  score_field(i, e, k, "criterion_id"));
                }
                seen[*position] = stamp;
                ++scored;
                if (score.score_micro < 0 || score.score_micro > score_max_micro) {
                    return refuse("score_out_of_range", "a score is not within 0..100 points",
                                  score_field(i, e, k, "score_micro"));
                }
            }
            if (scored != criteria.size()) {
                return refuse("criterion_missing", "an evaluator left a criterion unscored",
                              sheet_field(i, e) + ".scores");
            }
        }
    }
    return std::nullopt;
}

// The technical breakdown of one (checked, valid) bid: per criterion, the raw scores sorted by
// (score, evaluator id), the lowest and highest dropped with trim_from_count or more evaluators,
// the kept ones averaged and the average weighted.
void score_technical(const LotInput& lot, const CriterionIndex& index, const BidInput& bid,
                     BidScore& out) {
    const auto& criteria = lot.weights.criteria;
    out.criteria.resize(criteria.size());
    for (std::size_t c = 0; c < criteria.size(); ++c) {
        out.criteria[c].criterion_id = criteria[c].criterion_id;
        out.criteria[c].weight_pct = criteria[c].weight_pct;
        out.criteria[c].raw.reserve(bid.technical.size());
    }
    for (const EvaluatorScores& sheet : bid.technical) {
        for (const CriterionScore& score : sheet.scores) {
            const auto position = criterion_position(index, score.criterion_id);
            PROCURA_ASSERT(position.has_value());  // check_lot refused unknown criteria
            out.criteria[*position].raw.push_back({sheet.evaluator_id, score.score_micro, false});
        }
    }
    for (CriterionBreakdown& breakdown : out.criteria) {
        std::sort(breakdown.raw.begin(), breakdown.raw.end(),
                  [](const RawScore& a, const RawScore& b) {
                      return std::pair(a.score_micro, a.evaluator_id) <
                             std::pair(b.score_micro, b.evaluator_id);
                  });
        if (breakdown.raw.size() >= trim_from_count) {
            breakdown.raw.front().dropped = true;
            breakdown.raw.back().dropped = true;
        }
        Wide kept_sum = 0;
        std::int64_t kept = 0;
        for (const RawScore& raw : breakdown.raw) {
            if (raw.dropped) continue;
            kept_sum += raw.score_micro;
            ++kept;
        }
        PROCURA_ASSERT(kept > 0);  // check_lot demands every criterion scored by every evaluator
        breakdown.average_micro = div_round_half_up(kept_sum, kept);
        breakdown.weighted_micro =
            div_round_half_up(Wide{breakdown.average_micro} * breakdown.weight_pct, 100);
        out.technical_score_micro += breakdown.weighted_micro;
    }
}

// The first ranking key in which a ranks before b, or nullopt when a does not rank before b.
std::optional<DecidedBy> ranks_before(Method method, const BidScore& a, const BidScore& b) {
    if (method == Method::lowest_price) {
        if (a.price_minor != b.price_minor) {
            return a.price_minor < b.price_minor ? std::optional(DecidedBy::primary) : std::nullopt;
        }
    } else if (a.total_score_micro != b.total_score_micro) {
        return a.total_score_micro > b.total_score_micro ? std::optional(DecidedBy::primary)
                                                         : std::nullopt;
    }
    if (a.technical_score_micro != b.technical_score_micro) {
        return a.technical_score_micro > b.technical_score_micro
                   ? std::optional(DecidedBy::technical)
                   : std::nullopt;
    }
    if (a.price_minor != b.price_minor) {
        return a.price_minor < b.price_minor ? std::optional(DecidedBy::price) : std::nullopt;
    }
    if (a.received_at_ms != b.received_at_ms) {
        return a.received_at_ms < b.received_at_ms ? std::optional(DecidedBy::received_at)
                                                   : std::nullopt;
    }
    if (a.bid_id != b.bid_id) {
        return a.bid_id < b.bid_id ? std::optional(DecidedBy::bid_id) : std::nullopt;
    }
    return std::nullopt;
}

// The sums over a lot's valid prices that the price scores and the flags are computed from.
struct PriceFacts {
    Wide sum = 0;             // of the valid prices
    Wide count = 0;           // of the valid bids, > 0
    std::int64_t lowest = 0;  // the lowest valid price
};

// The lot's valid bids, in input order. Lists the others in result.excluded, by bid id, and
// sets result.valid_bid_count.
std::vector<const BidInput*> split_valid(const LotInput& lot, LotResult& result) {
    std::vector<const BidInput*> valid;
    valid.reserve(lot.bids.size());
    for (const BidInput& bid : lot.bids) {
        if (bid.valid) {
            valid.push_back(&bid);
        } else {
            result.excluded.push_back({bid.bid_id, bid.supplier_id, bid.invalid_reason});
        }
    }
    std::sort(result.excluded.begin(), result.excluded.end(),
              [](const ExcludedBid& a, const ExcludedBid& b) { return a.bid_id < b.bid_id; });
    result.valid_bid_count = static_cast<std::int64_t>(valid.size());
    return valid;
}

// Lowest and mean of all valid prices (valid is not empty), abnormally low ones included: sets
// them in result and returns the sums behind them.
PriceFacts price_facts(const std::vector<const BidInput*>& valid, LotResult& result) {
    PriceFacts prices;
    prices.lowest = valid.front()->price_minor;
    for (const BidInput* bid : valid) {
        prices.sum += bid->price_minor;
        prices.lowest = std::min(prices.lowest, bid->price_minor);
    }
    prices.count = static_cast<Wide>(valid.size());
    result.lowest_valid_price_minor = prices.lowest;
    result.mean_valid_price_minor = div_round_half_up(prices.sum, prices.count);
    return prices;
}

// Benchmark: mean of the valid prices sorted by (price, bid id), the first and the last
// dropped when there are trim_from_count or more. Sets it and the dropped bids in result.
void set_benchmark(const std::vector<const BidInput*>& valid, const PriceFacts& prices,
                   LotResult& result) {
    std::vector<const BidInput*> sorted = valid;
    std::sort(sorted.begin(), sorted.end(), [](const BidInput* a, const BidInput* b) {
        return std::pair(a->price_minor, a->bid_id) < std::pair(b->price_minor, b->bid_id);
    });
    Wide benchmark_sum = prices.sum;
    Wide benchmark_count = prices.count;
    if (sorted.size() >= trim_from_count) {
        benchmark_sum -= sorted.front()->price_minor + Wide{sorted.back()->price_minor};
        benchmark_count -= 2;
        result.benchmark_dropped_bid_ids = {sorted.front()->bid_id, sorted.back()->bid_id};
    }
    result.benchmark_price_minor = div_round_half_up(benchmark_sum, benchmark_count);
}

// The price part of a valid bid's score under lot.method (none under lowest_price); under
// benchmark_price also its deviation and deduction. benchmark is the lot's benchmark price.
void score_price(const LotInput& lot, const PriceFacts& prices, std::int64_t benchmark,
                 const BidInput& bid, BidScore& score) {
    const std::int64_t price_pct = lot.weights.price_pct;
    switch (lot.method) {
        case Method::lowest_price:
            break;
        case Method::comprehensive:
            // lowest / price × price_pct points, in micro-points.
            score.price_score_micro = div_round_half_up(
                Wide{prices.lowest} * price_pct * micro_per_point, bid.price_minor);
            break;
        case Method::benchmark_price: {
            // deviation % = |price − B| / B × 100; deduction = deviation % × rate, computed
            // in one division from the exact fraction, then floored at 0 points left.
            const Wide diff = Wide{bid.price_minor} - benchmark;
            const std::int64_t rate = diff > 0 ? lot.benchmark.deduction_above_micro_per_pct
                                               : lot.benchmark.deduction_below_micro_per_pct;
            const Wide magnitude = diff < 0 ? -diff : diff;
            score.deviation_ppm = saturate(wide_round_half_away(diff * 1'000'000, benchmark));
            // rate <= score_max_micro (check_lot): the product stays far below 2^127.
            const Wide deduction = wide_round_half_up(magnitude * 100 * rate, benchmark);
            score.deduction_micro =
                static_cast<std::int64_t>(std::min(deduction, Wide{score_max_micro}));
            const std::int64_t left = score_max_micro - score.deduction_micro;
            score.price_score_micro = div_round_half_up(Wide{left} * price_pct, 100);
            break;
        }
    }
}

// The unranked score of one valid, checked bid: the abnormally-low flag, the technical
// breakdown, the price part and the total.
BidScore score_bid(const LotInput& lot, const CriterionIndex& criteria, const PriceFacts& prices,
                   std::int64_t benchmark, const BidInput& bid) {
    BidScore score;
    score.bid_id = bid.bid_id;
    score.supplier_id = bid.supplier_id;
    score.price_minor = bid.price_minor;
    score.received_at_ms = bid.received_at_ms;
    // price < threshold × mean  <=>  price × 10,000 × n < threshold_bp × sum, exactly.
    score.abnormally_low = Wide{bid.price_minor} * 10'000 * prices.count <
                           Wide{lot.abnormally_low_threshold_bp} * prices.sum;
    score_technical(lot, criteria, bid, score);
    score_price(lot, prices, benchmark, bid, score);
    if (lot.method != Method::lowest_price) {
        score.total_score_micro = score.price_score_micro + score.technical_score_micro;
    }
    return score;
}

// Sorts scores into rank order and numbers them, each with the key that decided its place.
void rank_scores(Method method, std::vector<BidScore>& scores) {
    std::sort(scores.begin(), scores.end(), [&](const BidScore& a, const BidScore& b) {
        return ranks_before(method, a, b).has_value();
    });
    for (std::size_t r = 0; r < scores.size(); ++r) {
        scores[r].rank = static_cast<std::int64_t>(r + 1);
        if (r > 0) {
            const auto decided = ranks_before(method, scores[r - 1], scores[r]);
            PROCURA_ASSERT(decided.has_value());  // bid ids are unique: the order is total
            scores[r].decided_by = *decided;
        }
    }
}

}  // namespace

LotResult evaluate_lot(const LotInput& lot) {
    LotResult result;
    result.tender_id = lot.tender_id;
    result.lot_id = lot.lot_id;
    result.method = lot.method;
    result.currency = lot.currency;
    CriterionIndex criteria;
    if (auto error = check_lot(lot, criteria)) {
        result.error = std::move(error);
        return result;
    }
    result.abnormally_low_threshold_bp = lot.abnormally_low_threshold_bp;

    const std::vector<const BidInput*> valid = split_valid(lot, result);
    if (valid.empty()) return result;
    const PriceFacts prices = price_facts(valid, result);
    if (lot.method == Method::benchmark_price) set_benchmark(valid, prices, result);

    std::vector<BidScore> scores;
    scores.reserve(valid.size());
    for (const BidInput* bid : valid) {
        scores.push_back(score_bid(lot, criteria, prices, result.benchmark_price_minor, *bid));
    }
    rank_scores(lot.method, scores);
    result.ranking = std::move(scores);
    return result;
}

std::vector<LotResult> evaluate_all(const std::vector<LotInput>& lots, int max_threads) {
    std::vector<LotResult> results(lots.size());
    tbb::task_arena arena(max_threads <= 0 ? tbb::task_arena::automatic : max_threads);
    arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, lots.size(), 16),
                          [&](const tbb::blocked_range<std::size_t>& range) {
                              for (std::size_t i = range.begin(); i != range.end(); ++i) {
                                  results[i] = evaluate_lot(lots[i]);
                              }
                          });
    });
    return results;
}

const char* method_name(Method method) {
    switch (method) {
        case Method::lowest_price:
            return "lowest_price";
        case Method::comprehensive:
            return "comprehensive";
        case Method::benchmark_price:
            return "benchmark_price";
    }
    return "unknown";
}

const char* decided_by_name(DecidedBy decided_by) {
    switch (decided_by) {
        case DecidedBy::first:
            return "first";
        case DecidedBy::primary:
            return "primary";
        case DecidedBy::technical:
            return "technical";
        case DecidedBy::price:
            return "price";
        case DecidedBy::received_at:
            return "received_at";
        case DecidedBy::bid_id:
            return "bid_id";
    }
    return "unknown";
}

nlohmann::json to_json(const LotResult& result) {
    nlohmann::json out = {{"tender_id", result.tender_id},
                          {"lot_id", result.lot_id},
                          {"method", method_name(result.method)},
                          {"currency", result.currency}};
    if (result.error) {
        out["error"] = {{"code", result.error->code},
                        {"message", result.error->message},
                        {"field", result.error->field}};
        return out;
    }
    out["valid_bid_count"] = result.valid_bid_count;
    out["lowest_valid_price_minor"] = result.lowest_valid_price_minor;
    out["mean_valid_price_minor"] = result.mean_valid_price_minor;
    out["abnormally_low_threshold_bp"] = result.abnormally_low_threshold_bp;
    if (result.method == Method::benchmark_price) {
        out["benchmark_price_minor"] = result.benchmark_price_minor;
        out["benchmark_dropped_bid_ids"] = result.benchmark_dropped_bid_ids;
    }
    auto ranking = nlohmann::json::array();
    for (const BidScore& bid : result.ranking) {
        auto criteria = nlohmann::json::array();
        for (const CriterionBreakdown& criterion : bid.criteria) {
            auto raw = nlohmann::json::array();
            for (const RawScore& score : criterion.raw) {
                raw.push_back({{"evaluator_id", score.evaluator_id},
                               {"score_micro", score.score_micro},
                               {"dropped", score.dropped}});
            }
            criteria.push_back({{"criterion_id", criterion.criterion_id},
                                {"weight_pct", criterion.weight_pct},
                                {"raw", std::move(raw)},
                                {"average_micro", criterion.average_micro},
                                {"weighted_micro", criterion.weighted_micro}});
        }
        nlohmann::json entry = {{"rank", bid.rank},
                                {"decided_by", decided_by_name(bid.decided_by)},
                                {"bid_id", bid.bid_id},
                                {"supplier_id", bid.supplier_id},
                                {"price_minor", bid.price_minor},
                                {"received_at_ms", bid.received_at_ms},
                                {"abnormally_low", bid.abnormally_low},
                                {"price_score_micro", bid.price_score_micro},
                                {"technical_score_micro", bid.technical_score_micro},
                                {"total_score_micro", bid.total_score_micro},
                                {"criteria", std::move(criteria)}};
        if (result.method == Method::benchmark_price) {
            entry["deviation_ppm"] = bid.deviation_ppm;
            entry["deduction_micro"] = bid.deduction_micro;
        }
        ranking.push_back(std::move(entry));
    }
    out["ranking"] = std::move(ranking);
    auto excluded = nlohmann::json::array();
    for (const ExcludedBid& bid : result.excluded) {
        excluded.push_back(
            {{"bid_id", bid.bid_id}, {"supplier_id", bid.supplier_id}, {"reason", bid.reason}});
    }
    out["excluded"] = std::move(excluded);
    return out;
}

}  // namespace procura::settlement::evaluation
