// Tests of settlement/evaluation: each method on lots computed by hand (the arithmetic is in the
// comments, in points; 1 point = 1,000,000 micro-points), the evaluators' trimming, the
// abnormally-low boundary, every tie-break level, invalid bids, bad input, and identical JSON
// on 1, 2 and 4 threads over 2,000 random lots.
#include "settlement/evaluation/evaluation.hpp"

#include <oneapi/tbb/global_control.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace procura::settlement::evaluation {
// Lets Boost.Test print a DecidedBy in a failure message.
std::ostream& operator<<(std::ostream& out, DecidedBy decided_by) {
    return out << decided_by_name(decided_by);
}
}  // namespace procura::settlement::evaluation

namespace {

using namespace procura::settlement::evaluation;

constexpr std::int64_t pt = micro_per_point;

BidInput bid(std::int64_t bid_id, std::int64_t price_minor, std::int64_t received_at_ms = 1000) {
    BidInput b;
    b.bid_id = bid_id;
    b.supplier_id = 500 + bid_id;
    b.lot_id = 7;
    b.price_minor = price_minor;
    b.currency = "CNY";
    b.received_at_ms = received_at_ms;
    return b;
}

LotInput lot_of(Method method, std::int64_t price_pct, std::vector<Criterion> criteria,
                std::vector<BidInput> bids) {
    LotInput lot;
    lot.tender_id = 3;
    lot.lot_id = 7;
    lot.currency = "CNY";
    lot.method = method;
    lot.weights.price_pct = price_pct;
    lot.weights.criteria = std::move(criteria);
    lot.bids = std::move(bids);
    return lot;
}

// One evaluator sheet per entry of `by_evaluator`: evaluator i + 1 gives scores[c] points to
// criterion c + 1.
void score(BidInput& b, const std::vector<std::vector<std::int64_t>>& by_evaluator) {
    for (std::size_t e = 0; e < by_evaluator.size(); ++e) {
        EvaluatorScores sheet;
        sheet.evaluator_id = static_cast<std::int64_t>(e + 1);
        for (std::size_t c = 0; c < by_evaluator[e].size(); ++c) {
            sheet.scores.push_back({static_cast<std::int64_t>(c + 1), by_evaluator[e][c] * pt});
        }
        b.technical.push_back(std::move(sheet));
    }
}

std::vector<std::int64_t> ranked_ids(const LotResult& result) {
    std::vector<std::int64_t> ids;
    for (const auto& s : result.ranking) ids.push_back(s.bid_id);
    return ids;
}

const BidScore& scored(const LotResult& result, std::int64_t bid_id) {
    for (const auto& s : result.ranking) {
        if (s.bid_id == bid_id) return s;
    }
    BOOST_FAIL("bid not ranked: " << bid_id);
    return result.ranking.front();
}

void require_ok(const LotResult& result) {
    BOOST_REQUIRE_MESSAGE(
        result.ok(),
        (result.error ? result.error->code + " at " + result.error->field : std::string()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(evaluation)

BOOST_AUTO_TEST_CASE(lowest_price_ranks_by_price_and_ignores_invalid_bids) {
    auto cheap_but_invalid = bid(4, 50'000);
    cheap_but_invalid.valid = false;
    cheap_but_invalid.invalid_reason = "signature_invalid";
    const auto result =
        evaluate_lot(lot_of(Method::lowest_price, 100, {},
                            {bid(1, 100'000), bid(2, 90'000), bid(3, 95'000), cheap_but_invalid}));
    require_ok(result);
    BOOST_TEST(ranked_ids(result) == (std::vector<std::int64_t>{2, 3, 1}),
               boost::test_tools::per_element());
    // Lowest 90,000; mean (100,000 + 90,000 + 95,000) / 3 = 95,000: the invalid 50,000 counts
    // in neither.
    BOOST_TEST(result.valid_bid_count == 3);
    BOOST_TEST(result.lowest_valid_price_minor == 90'000);
    BOOST_TEST(result.mean_valid_price_minor == 95'000);
    BOOST_TEST(result.ranking[0].rank == 1);
    BOOST_TEST(result.ranking[1].decided_by == DecidedBy::primary);
    BOOST_TEST(result.ranking[0].total_score_micro == 0);
    BOOST_REQUIRE(result.excluded.size() == 1u);
    BOOST_TEST(result.excluded[0].bid_id == 4);
    BOOST_TEST(result.excluded[0].reason == "signature_invalid");
}

BOOST_AUTO_TEST_CASE(comprehensive_scores_price_and_technical_parts) {
    // Price 40 %, criterion 1 30 %, criterion 2 30 %; three evaluators (no trimming).
    auto a = bid(1, 100'000);
    score(a, {{90, 60}, {80, 60}, {70, 61}});
    auto b = bid(2, 80'000);
    score(b, {{50, 70}, {50, 70}, {50, 70}});
    const auto result = evaluate_lot(lot_of(Method::comprehensive, 40, {{1, 30}, {2, 30}}, {a, b}));
    require_ok(result);

    // Bid 1: price 80,000 / 100,000 × 40 = 32 points.
    //   criterion 1: (90 + 80 + 70) / 3 = 80 -> × 30 % = 24
    //   criterion 2: (60 + 60 + 61) / 3 = 60.333333 33 -> 60,333,333 micro (half up);
    //                × 30 % = 18,099,999.9 -> 18,100,000 micro
    //   technical 42.1, total 74.1 points.
    const auto& one = scored(result, 1);
    BOOST_TEST(one.price_score_micro == 32 * pt);
    BOOST_TEST(one.criteria[0].average_micro == 80 * pt);
    BOOST_TEST(one.criteria[0].weighted_micro == 24 * pt);
    BOOST_TEST(one.criteria[1].average_micro == 60'333'333);
    BOOST_TEST(one.criteria[1].weighted_micro == 18'100'000);
    BOOST_TEST(one.technical_score_micro == 42'100'000);
    BOOST_TEST(one.total_score_micro == 74'100'000);
    // Bid 2: price 80,000 / 80,000 × 40 = 40; technical 50 × 30 % + 70 × 30 % = 15 + 21 = 36;
    // total 76: ranks first on the total.
    const auto& two = scored(result, 2);
    BOOST_TEST(two.price_score_micro == 40 * pt);
    BOOST_TEST(two.technical_score_micro == 36 * pt);
    BOOST_TEST(two.total_score_micro == 76 * pt);
    BOOST_TEST(ranked_ids(result) == (std::vector<std::int64_t>{2, 1}),
               boost::test_tools::per_element());
    BOOST_TEST(result.ranking[1].decided_by == DecidedBy::primary);
}

BOOST_AUTO_TEST_CASE(comprehensive_price_score_rounds_half_up) {
    // Price 100 %: 2 / 3 × 100 = 66.666666 67 points -> 66,666,667 micro.
    const auto result =
        evaluate_lot(lot_of(Method::comprehensive, 100, {}, {bid(1, 2), bid(2, 3)}));
    require_ok(result);
    BOOST_TEST(scored(result, 2).price_score_micro == 66'666'667);
    BOOST_TEST(scored(result, 1).price_score_micro == 100 * pt);
}

BOOST_AUTO_TEST_CASE(five_evaluators_drop_the_highest_and_the_lowest) {
    // Raw 90 (e1), 70 (e2), 80 (e3), 100 (e4), 60 (e5): e5 and e4 dropped; (70 + 80 + 90) / 3
    // = 80 points; weight 60 % -> 48.
    auto a = bid(1, 1000);
    score(a, {{90}, {70}, {80}, {100}, {60}});
    const auto result = evaluate_lot(lot_of(Method::comprehensive, 40, {{1, 60}}, {a}));
    require_ok(result);
    const auto& criterion = scored(result, 1).criteria.at(0);
    BOOST_REQUIRE(criterion.raw.size() == 5u);
    // Sorted by (score, evaluator): 60 e5, 70 e2, 80 e3, 90 e1, 100 e4.
    BOOST_TEST(criterion.raw[0].evaluator_id == 5);
    BOOST_TEST(criterion.raw[0].dropped);
    BOOST_TEST(!criterion.raw[1].dropped);
    BOOST_TEST(!criterion.raw[3].dropped);
    BOOST_TEST(criterion.raw[4].evaluator_id == 4);
    BOOST_TEST(criterion.raw[4].dropped);
    BOOST_TEST(criterion.average_micro == 80 * pt);
    BOOST_TEST(criterion.weighted_micro == 48 * pt);
}

BOOST_AUTO_TEST_CASE(equal_extreme_scores_drop_the_lowest_and_highest_evaluator_ids) {
    auto a = bid(1, 1000);
    score(a, {{80}, {80}, {80}, {80}, {80}});
    const auto result = evaluate_lot(lot_of(Method::comprehensive, 40, {{1, 60}}, {a}));
    require_ok(result);
    const auto& raw = scored(result, 1).criteria.at(0).raw;
    BOOST_TEST(raw.front().evaluator_id == 1);
    BOOST_TEST(raw.front().dropped);
    BOOST_TEST(raw.back().evaluator_id == 5);
    BOOST_TEST(raw.back().dropped);
    BOOST_TEST(scored(result, 1).criteria.at(0).average_micro == 80 * pt);
}

BOOST_AUTO_TEST_CASE(four_evaluators_are_all_averaged) {
    // (60 + 70 + 80 + 100) / 4 = 77.5 points; × 60 % = 46.5.
    auto a = bid(1, 1000);
    score(a, {{60}, {70}, {80}, {100}});
    const auto result = evaluate_lot(lot_of(Method::comprehensive, 40, {{1, 60}}, {a}));
    require_ok(result);
    const auto& criterion = scored(result, 1).criteria.at(0);
    for (const auto& raw : criterion.raw) BOOST_TEST(!raw.dropped);
    BOOST_TEST(criterion.average_micro == 77'500'000);
    BOOST_TEST(criterion.weighted_micro == 46'500'000);
}

BOOST_AUTO_TEST_CASE(benchmark_is_the_trimmed_mean_with_deductions_both_sides) {
    // Valid prices 90k (b5), 95k (b2), 100k (b1), 105k (b3), 110k (b4): five, so 90k and 110k
    // are left out; benchmark (95k + 100k + 105k) / 3 = 100,000. The invalid 1,000 is ignored.
    // Deduction 1 point per % above, 0.5 point per % below; price weight 100 %.
    //   b1 100k:   0 %            -> 100
    //   b2  95k:  -5 % × 0.5 = 2.5 -> 97.5
    //   b3 105k:  +5 % × 1   = 5   -> 95
    //   b4 110k: +10 % × 1   = 10  -> 90
    //   b5  90k: -10 % × 0.5 = 5   -> 95 (ties b3; lower price first)
    auto invalid = bid(6, 1'000);
    invalid.valid = false;
    invalid.invalid_reason = "decryption_failed";
    auto lot = lot_of(Method::benchmark_price, 100, {},
                      {bid(1, 100'000), bid(2, 95'000), bid(3, 105'000), bid(4, 110'000),
                       bid(5, 90'000), invalid});
    lot.benchmark = {1 * pt, pt / 2};
    const auto result = evaluate_lot(lot);
    require_ok(result);
    BOOST_TEST(result.benchmark_price_minor == 100'000);
    BOOST_TEST(result.benchmark_dropped_bid_ids == (std::vector<std::int64_t>{5, 4}),
               boost::test_tools::per_element());
    BOOST_TEST(scored(result, 1).total_score_micro == 100 * pt);
    BOOST_TEST(scored(result, 2).deviation_ppm == -50'000);
    BOOST_TEST(scored(result, 2).deduction_micro == 2'500'000);
    BOOST_TEST(scored(result, 2).total_score_micro == 97'500'000);
    BOOST_TEST(scored(result, 3).deviation_ppm == 50'000);
    BOOST_TEST(scored(result, 3).total_score_micro == 95 * pt);
    BOOST_TEST(scored(result, 4).total_score_micro == 90 * pt);
    BOOST_TEST(scored(result, 5).total_score_micro == 95 * pt);
    BOOST_TEST(ranked_ids(result) == (std::vector<std::int64_t>{1, 2, 5, 3, 4}),
               boost::test_tools::per_element());
    BOOST_TEST(scored(result, 3).decided_by == DecidedBy::price);
    BOOST_TEST(result.excluded.size() == 1u);
}

BOOST_AUTO_TEST_CASE(benchmark_score_is_floored_at_zero_and_low_bids_stay_ranked_flagged) {
    // Three prices, no trimming: benchmark (1,000 + 1,000 + 4,000) / 3 = 2,000.
    //   4,000: +100 % × 2 points = 200 points deducted, capped at 100 -> score 0
    //   1,000:  -50 % × 0.5      = 25 -> 75; both 1,000 bids tie, the earlier receipt first.
    // Mean 2,000; 80 % of it is 1,600: both 1,000 bids are abnormally low, still ranked.
    auto lot = lot_of(Method::benchmark_price, 100, {},
                      {bid(1, 4'000), bid(2, 1'000, 2'000), bid(3, 1'000, 1'500)});
    lot.benchmark = {2 * pt, pt / 2};
    const auto result = evaluate_lot(lot);
    require_ok(result);
    BOOST_TEST(result.benchmark_price_minor == 2'000);
    BOOST_TEST(result.benchmark_dropped_bid_ids.empty());
    BOOST_TEST(scored(result, 1).deduction_micro == 100 * pt);
    BOOST_TEST(scored(result, 1).total_score_micro == 0);
    BOOST_TEST(scored(result, 1).deviation_ppm == 1'000'000);
    BOOST_TEST(scored(result, 2).total_score_micro == 75 * pt);
    BOOST_TEST(ranked_ids(result) == (std::vector<std::int64_t>{3, 2, 1}),
               boost::test_tools::per_element());
    BOOST_TEST(result.ranking[1].decided_by == DecidedBy::received_at);
    BOOST_TEST(scored(result, 2).abnormally_low);
    BOOST_TEST(scored(result, 3).abnormally_low);
    BOOST_TEST(!scored(result, 1).abnormally_low);
}

BOOST_AUTO_TEST_CASE(exactly_eighty_percent_of_the_mean_is_not_abnormally_low) {
    // Mean (8,000,000 + 12,000,000) / 2 = 10,000,000; 80 % is 8,000,000 exactly.
    const auto at = evaluate_lot(
        lot_of(Method::lowest_price, 100, {}, {bid(1, 8'000'000), bid(2, 12'000'000)}));
    require_ok(at);
    BOOST_TEST(!scored(at, 1).abnormally_low);
    // One minor unit under: mean (7,999,999 + 12,000,001) / 2 = 10,000,000, 80 % = 8,000,000.
    const auto under = evaluate_lot(
        lot_of(Method::lowest_price, 100, {}, {bid(1, 7'999'999), bid(2, 12'000'001)}));
    require_ok(under);
    BOOST_TEST(scored(under, 1).abnormally_low);
    BOOST_TEST(!scored(under, 2).abnormally_low);
    BOOST_TEST(under.ranking.front().bid_id == 1);  // flagged, still ranked first
}

BOOST_AUTO_TEST_CASE(abnormally_low_compares_with_the_exact_mean_not_a_rounded_one) {
    // Mean (80 + 121) / 2 = 100.5; 80 % of it is 80.4, so 80 is under. A mean rounded down to
    // 100 would put the limit at exactly 80 and miss it.
    const auto result =
        evaluate_lot(lot_of(Method::lowest_price, 100, {}, {bid(1, 80), bid(2, 121)}));
    require_ok(result);
    BOOST_TEST(result.mean_valid_price_minor == 101);  // published value, rounded half up
    BOOST_TEST(scored(result, 1).abnormally_low);
}

BOOST_AUTO_TEST_CASE(abnormally_low_threshold_is_configurable) {
    auto at = lot_of(Method::lowest_price, 100, {}, {bid(1, 90), bid(2, 110)});
    at.abnormally_low_threshold_bp = 9'000;
    BOOST_TEST(!scored(evaluate_lot(at), 1).abnormally_low);  // exactly 90 % of 100
    auto under = lot_of(Method::lowest_price, 100, {}, {bid(1, 89), bid(2, 111)});
    under.abnormally_low_threshold_bp = 9'000;
    BOOST_TEST(scored(evaluate_lot(under), 1).abnormally_low);
    under.abnormally_low_threshold_bp = 0;  // disabled
    BOOST_TEST(!scored(evaluate_lot(under), 1).abnormally_low);
}

BOOST_AUTO_TEST_CASE(ties_break_by_technical_then_price_then_receipt_then_bid_id) {
    // Benchmark method, price 50 %, one criterion 50 %, deduction 1 point per % both sides, one
    // evaluator. Prices 100, 90, 110, 100, 100: five, so 90 and 110 are left out of the
    // benchmark: (100 + 100 + 100) / 3 = 100.
    //   b11 100, tech 80: price 100 × 50 % = 50, tech 80 × 50 % = 40 -> 90, received 3,000
    //   b12  90, tech 90: -10 % -> 90 × 50 % = 45, tech 45        -> 90, received 5,000
    //   b13 110, tech 90: +10 % -> 45,              tech 45        -> 90, received 1,000
    //   b14 100, tech 80: 50 + 40                                  -> 90, received 2,000
    //   b15 100, tech 80: 50 + 40                                  -> 90, received 2,000
    // All totals are 90. Technical 45 first: b12 before b13 on price. Then technical 40, all
    // priced 100: b14 and b15 (received 2,000) before b11 (3,000); b14 before b15 on the id.
    std::vector<BidInput> bids = {bid(11, 100, 3'000), bid(12, 90, 5'000), bid(13, 110, 1'000),
                                  bid(14, 100, 2'000), bid(15, 100, 2'000)};
    score(bids[0], {{80}});
    score(bids[1], {{90}});
    score(bids[2], {{90}});
    score(bids[3], {{80}});
    score(bids[4], {{80}});
    auto lot = lot_of(Method::benchmark_price, 50, {{1, 50}}, bids);
    lot.benchmark = {1 * pt, 1 * pt};
    const auto result = evaluate_lot(lot);
    require_ok(result);
    for (const auto& s : result.ranking) BOOST_TEST(s.total_score_micro == 90 * pt);
    BOOST_TEST(ranked_ids(result) == (std::vector<std::int64_t>{12, 13, 14, 15, 11}),
               boost::test_tools::per_element());
    BOOST_TEST(result.ranking[0].decided_by == DecidedBy::first);
    BOOST_TEST(result.ranking[1].decided_by == DecidedBy::price);
    BOOST_TEST(result.ranking[2].decided_by == DecidedBy::technical);
    BOOST_TEST(result.ranking[3].decided_by == DecidedBy::bid_id);
    BOOST_TEST(result.ranking[4].decided_by == DecidedBy::received_at);
    for (std::size_t r = 0; r < result.ranking.size(); ++r) {
        BOOST_TEST(result.ranking[r].rank == static_cast<std::int64_t>(r + 1));
    }
}

BOOST_AUTO_TEST_CASE(lowest_price_ties_break_on_the_technical_score) {
    // Equal prices; the technical score (weights 60 / 40, tie-break only) decides.
    std::vector<BidInput> bids = {bid(1, 500), bid(2, 500)};
    score(bids[0], {{70}});
    score(bids[1], {{75}});
    const auto result = evaluate_lot(lot_of(Method::lowest_price, 60, {{1, 40}}, bids));
    require_ok(result);
    BOOST_TEST(ranked_ids(result) == (std::vector<std::int64_t>{2, 1}),
               boost::test_tools::per_element());
    BOOST_TEST(result.ranking[1].decided_by == DecidedBy::technical);
    BOOST_TEST(result.ranking[0].technical_score_micro == 30 * pt);  // 75 × 40 %
}

BOOST_AUTO_TEST_CASE(a_lot_without_valid_bids_has_an_empty_ranking) {
    auto a = bid(2, 0);
    a.valid = false;
    a.currency = "USD";  // not checked on an invalid bid
    a.invalid_reason = "content_invalid";
    auto b = bid(1, 10);
    b.valid = false;
    b.invalid_reason = "signature_invalid";
    const auto result = evaluate_lot(lot_of(Method::comprehensive, 100, {}, {a, b}));
    require_ok(result);
    BOOST_TEST(result.ranking.empty());
    BOOST_TEST(result.valid_bid_count == 0);
    BOOST_REQUIRE(result.excluded.size() == 2u);
    BOOST_TEST(result.excluded[0].bid_id == 1);  // by bid id
    BOOST_TEST(result.excluded[1].reason == "content_invalid");
    const auto json = to_json(result);
    BOOST_TEST(json.at("excluded").size() == 2u);
    BOOST_TEST(json.at("ranking").empty());
}

BOOST_AUTO_TEST_CASE(bad_input_gives_a_per_lot_error) {
    struct Case {
        std::string name;
        std::function<void(LotInput&)> spoil;
        std::string code;
        std::string field;
    };
    const std::vector<Case> cases = {
        {"mixed currencies", [](LotInput& l) { l.bids[1].currency = "USD"; }, "currency_mismatch",
         "bids[1].currency"},
        {"lot currency", [](LotInput& l) { l.currency = "cny"; }, "currency_invalid", "currency"},
        {"negative price weight",
         [](LotInput& l) {
             l.weights.price_pct = -10;
             l.weights.criteria[0].weight_pct = 110;
         },
         "weight_negative", "weights.price_pct"},
        {"negative criterion weight",
         [](LotInput& l) {
             l.weights.price_pct = 110;
             l.weights.criteria[0].weight_pct = -10;
         },
         "weight_negative", "weights.criteria[0].weight_pct"},
        {"weights sum 99", [](LotInput& l) { l.weights.price_pct = 39; }, "weights_sum", "weights"},
        {"weights sum 101", [](LotInput& l) { l.weights.price_pct = 41; }, "weights_sum",
         "weights"},
        {"score over 100",
         [](LotInput& l) { l.bids[0].technical[0].scores[0].score_micro = 100 * pt + 1; },
         "score_out_of_range", "bids[0].technical[0].scores[0].score_micro"},
        {"negative score", [](LotInput& l) { l.bids[1].technical[0].scores[0].score_micro = -1; },
         "score_out_of_range", "bids[1].technical[0].scores[0].score_micro"},
        {"unknown criterion",
         [](LotInput& l) { l.bids[0].technical[0].scores[0].criterion_id = 99; },
         "criterion_unknown", "bids[0].technical[0].scores[0].criterion_id"},
        {"criterion left unscored", [](LotInput& l) { l.bids[0].technical[0].scores.clear(); },
         "criterion_missing", "bids[0].technical[0].scores"},
        {"no technical scores", [](LotInput& l) { l.bids[0].technical.clear(); },
         "technical_scores_missing", "bids[0].technical"},
        {"evaluator twice",
         [](LotInput& l) { l.bids[0].technical.push_back(l.bids[0].technical[0]); },
         "evaluator_duplicate", "bids[0].technical[1].evaluator_id"},
        {"criterion listed twice",
         [](LotInput& l) {
             l.weights.criteria = {{1, 30}, {1, 30}};
             l.weights.price_pct = 40;
         },
         "criterion_duplicate", "weights.criteria[1].criterion_id"},
        {"bid id twice", [](LotInput& l) { l.bids[1].bid_id = l.bids[0].bid_id; }, "bid_duplicate",
         "bids[1].bid_id"},
        {"bid of another lot", [](LotInput& l) { l.bids[1].lot_id = 8; }, "lot_mismatch",
         "bids[1].lot_id"},
        {"zero price", [](LotInput& l) { l.bids[0].price_minor = 0; }, "price_not_positive",
         "bids[0].price_minor"},
        {"negative deduction", [](LotInput& l) { l.benchmark.deduction_below_micro_per_pct = -1; },
         "deduction_negative", "benchmark.deduction_below_micro_per_pct"},
        {"huge deduction",
         [](LotInput& l) { l.benchmark.deduction_above_micro_per_pct = 100 * pt + 1; },
         "deduction_out_of_range", "benchmark.deduction_above_micro_per_pct"},
        {"threshold over 100 %", [](LotInput& l) { l.abnormally_low_threshold_bp = 10'001; },
         "threshold_out_of_range", "abnormally_low_threshold_bp"},
        {"unknown method", [](LotInput& l) { l.method = static_cast<Method>(9); }, "method_unknown",
         "method"},
        {"too many bids",
         [](LotInput& l) {
             l.bids.resize(bids_per_lot_max + 1, l.bids[0]);
             for (std::size_t i = 0; i < l.bids.size(); ++i) {
                 l.bids[i].bid_id = static_cast<std::int64_t>(i + 1);
             }
         },
         "too_many_bids", "bids"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            std::vector<BidInput> bids = {bid(1, 100), bid(2, 120)};
            score(bids[0], {{80}});
            score(bids[1], {{70}});
            auto lot = lot_of(Method::comprehensive, 40, {{1, 60}}, bids);
            BOOST_REQUIRE(evaluate_lot(lot).ok());
            c.spoil(lot);
            const auto result = evaluate_lot(lot);
            BOOST_REQUIRE(!result.ok());
            BOOST_TEST(result.error->code == c.code);
            BOOST_TEST(result.error->field == c.field);
            BOOST_TEST(result.ranking.empty());
            const auto json = to_json(result);
            BOOST_TEST(json.at("error").at("code") == c.code);
            BOOST_TEST(!json.contains("ranking"));
        }
    }
}

BOOST_AUTO_TEST_CASE(an_invalid_bid_is_not_checked_for_scores) {
    std::vector<BidInput> bids = {bid(1, 100), bid(2, 120)};
    score(bids[0], {{80}});
    bids[1].valid = false;
    bids[1].invalid_reason = "late";
    score(bids[1], {{150}});  // out of range, but the bid is not evaluated
    const auto result = evaluate_lot(lot_of(Method::comprehensive, 40, {{1, 60}}, bids));
    require_ok(result);
    BOOST_TEST(ranked_ids(result) == (std::vector<std::int64_t>{1}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_bad_lot_does_not_stop_the_others) {
    std::vector<LotInput> lots = {
        lot_of(Method::lowest_price, 100, {}, {bid(1, 10)}),
        lot_of(Method::lowest_price, 90, {}, {bid(1, 10)}),  // weights sum 90
        lot_of(Method::lowest_price, 100, {}, {bid(1, 10)}),
    };
    const auto results = evaluate_all(lots, 2);
    BOOST_REQUIRE(results.size() == 3u);
    BOOST_TEST(results[0].ok());
    BOOST_TEST(!results[1].ok());
    BOOST_TEST(results[1].error->code == "weights_sum");
    BOOST_TEST(results[2].ok());
}

namespace {

// Random lots of every method: 0..12 bids, some invalid, prices from a narrow range so that
// ties happen, 0..3 criteria, 1..7 evaluators, some lots spoiled so that errors appear too.
std::vector<LotInput> random_lots(std::size_t count, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto uniform = [&](std::int64_t low, std::int64_t high) {
        return std::uniform_int_distribution<std::int64_t>(low, high)(rng);
    };
    std::vector<LotInput> lots;
    lots.reserve(count);
    for (std::size_t n = 0; n < count; ++n) {
        LotInput lot;
        lot.tender_id = static_cast<std::int64_t>(n / 3 + 1);
        lot.lot_id = static_cast<std::int64_t>(n + 1);
        lot.currency = "EUR";
        lot.method = static_cast<Method>(uniform(0, 2));
        const auto criteria = uniform(0, 3);
        std::int64_t left = 100;
        for (std::int64_t c = 0; c < criteria; ++c) {
            const auto weight = uniform(0, left / 2);
            lot.weights.criteria.push_back({c + 1, weight});
            left -= weight;
        }
        lot.weights.price_pct = left;
        lot.benchmark = {uniform(0, 3 * pt), uniform(0, 2 * pt)};
        lot.abnormally_low_threshold_bp = uniform(6'000, 9'000);
        const auto bids = uniform(0, 12);
        const auto evaluators = uniform(1, 7);
        for (std::int64_t b = 0; b < bids; ++b) {
            BidInput input;
            input.bid_id = lot.lot_id * 100 + b;
            input.supplier_id = uniform(1, 50);
            input.lot_id = lot.lot_id;
            input.price_minor = uniform(50, 60) * 1'000 + uniform(0, 2) * 7;
            input.currency = "EUR";
            input.received_at_ms = uniform(0, 5);
            input.valid = uniform(0, 9) != 0;
            if (!input.valid) input.invalid_reason = "signature_invalid";
            for (std::int64_t e = 0; e < evaluators; ++e) {
                EvaluatorScores sheet;
                sheet.evaluator_id = e + 1;
                for (std::int64_t c = 0; c < criteria; ++c) {
                    sheet.scores.push_back({c + 1, uniform(60, 99) * pt + uniform(0, 4) * pt / 4});
                }
                input.technical.push_back(std::move(sheet));
            }
            lot.bids.push_back(std::move(input));
        }
        if (uniform(0, 49) == 0) lot.weights.price_pct += 1;  // an error lot now and then
        lots.push_back(std::move(lot));
    }
    return lots;
}

bool has_floating_point(const nlohmann::json& value) {
    if (value.is_number_float()) return true;
    if (value.is_structured()) {
        for (const auto& item : value) {
            if (has_floating_point(item)) return true;
        }
    }
    return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(results_are_identical_on_one_two_and_four_threads) {
    // TBB caps its workers at the core count by default; lift the cap so that 4 threads run
    // even on a 2-core machine.
    tbb::global_control workers(tbb::global_control::max_allowed_parallelism, 4);
    const auto lots = random_lots(2'000, 20261127);
    const auto one = evaluate_all(lots, 1);
    const auto two = evaluate_all(lots, 2);
    const auto four = evaluate_all(lots, 4);
    BOOST_REQUIRE(one.size() == lots.size());
    std::size_t errors = 0;
    std::size_t ranked = 0;
    for (std::size_t i = 0; i < lots.size(); ++i) {
        const auto expected = to_json(one[i]);
        BOOST_TEST(!has_floating_point(expected));
        const auto text = expected.dump();
        if (to_json(two[i]).dump() != text) BOOST_FAIL("2 threads differ on lot " << i);
        if (to_json(four[i]).dump() != text) BOOST_FAIL("4 threads differ on lot " << i);
        if (text != to_json(evaluate_lot(lots[i])).dump()) BOOST_FAIL("serial differs " << i);
        errors += one[i].ok() ? 0 : 1;
        ranked += one[i].ranking.size();
    }
    // The generator reaches both outcomes.
    BOOST_TEST(errors > 0u);
    BOOST_TEST(errors < 200u);
    BOOST_TEST(ranked > 5'000u);
}

BOOST_AUTO_TEST_SUITE_END()
