// The pure rules of awards and contracts (settlement/awards/rules.cpp) at and around their
// boundaries: the standstill millisecond, milestone sums and counts, rank skipping, the
// abnormally-low clarification, and the derived lot and tender outcomes.
#include "settlement/awards/rules.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/support/require_error.hpp"

using namespace procura;
using namespace procura::settlement::awards;
namespace evaluation = procura::settlement::evaluation;
using core::ErrorKind;

namespace {

using procura::testing::require_error;

Award awarded(std::int64_t value_minor, std::int64_t ends_ms) {
    Award a;
    a.id = 7;
    a.lot_id = 1;
    a.value_minor = value_minor;
    a.currency = "EUR";
    a.state = AwardStatus::awarded;
    a.awarded_at_ms = ends_ms - 1000;
    a.standstill_ends_at_ms = ends_ms;
    return a;
}

Evaluation three_ranked(bool second_abnormally_low = false) {
    Evaluation e;
    e.tender_id = 1;
    for (std::int64_t rank = 1; rank <= 3; ++rank) {
        RankedBid b;
        b.tender_id = 1;
        b.lot_id = 1;
        b.bid_id = 100 + rank;
        b.supplier_id = 200 + rank;
        b.rank = rank;
        b.price_minor = 1000 * rank;
        b.currency = "EUR";
        b.abnormally_low = second_abnormally_low && rank == 2;
        e.bids.push_back(b);
    }
    return e;
}

const AwardLimits limits{};

}  // namespace

BOOST_AUTO_TEST_SUITE(award_rules)

BOOST_AUTO_TEST_CASE(contract_one_millisecond_before_the_standstill_ends_is_refused) {
    const Award a = awarded(1000, 5'000'000);
    require_error(rules::check_contract(a, 4'999'999, {{"all", 1000}}, limits), ErrorKind::conflict,
                  "standstill_not_over");
}

BOOST_AUTO_TEST_CASE(contract_at_the_instant_the_standstill_ends_is_allowed) {
    const Award a = awarded(1000, 5'000'000);
    BOOST_TEST(rules::check_contract(a, 5'000'000, {{"all", 1000}}, limits).ok());
    BOOST_TEST(rules::check_contract(a, 5'000'001, {{"all", 1000}}, limits).ok());
}

BOOST_AUTO_TEST_CASE(milestones_must_add_up_exactly_to_the_award_value) {
    const Award a = awarded(1000, 0);
    BOOST_TEST(rules::check_contract(a, 0, {{"a", 400}, {"b", 600}}, limits).ok());
    require_error(rules::check_contract(a, 0, {{"a", 400}, {"b", 599}}, limits),
                  ErrorKind::unprocessable, "milestones_sum", "milestones");
    require_error(rules::check_contract(a, 0, {{"a", 400}, {"b", 601}}, limits),
                  ErrorKind::unprocessable, "milestones_sum", "milestones");
}

BOOST_AUTO_TEST_CASE(milestone_sums_near_int64_max_do_not_overflow) {
    const std::int64_t max = std::numeric_limits<std::int64_t>::max();
    const Award a = awarded(max, 0);
    BOOST_TEST(rules::check_contract(a, 0, {{"a", max - 1}, {"b", 1}}, limits).ok());
    require_error(rules::check_contract(a, 0, {{"a", max}, {"b", max}}, limits),
                  ErrorKind::unprocessable, "milestones_sum");
}

BOOST_AUTO_TEST_CASE(milestone_amounts_are_positive) {
    const Award a = awarded(1000, 0);
    require_error(rules::check_contract(a, 0, {{"a", 1000}, {"b", 0}}, limits),
                  ErrorKind::unprocessable, "amount_not_positive", "milestones[1].amount_minor");
    require_error(rules::check_contract(a, 0, {{"a", 1001}, {"b", -1}}, limits),
                  ErrorKind::unprocessable, "milestones_sum");
    require_error(rules::check_contract(a, 0, {{"a", -5}, {"b", 1005}}, limits),
                  ErrorKind::unprocessable, "amount_not_positive", "milestones[0].amount_minor");
}

BOOST_AUTO_TEST_CASE(milestone_count_is_one_to_max) {
    AwardLimits small = limits;
    small.milestones_max = 3;
    const Award a = awarded(3, 0);
    require_error(rules::check_contract(a, 0, {}, small), ErrorKind::unprocessable,
                  "milestones_count", "milestones");
    BOOST_TEST(rules::check_contract(awarded(1, 0), 0, {{"a", 1}}, small).ok());
    BOOST_TEST(rules::check_contract(a, 0, {{"a", 1}, {"b", 1}, {"c", 1}}, small).ok());
    const Award four = awarded(4, 0);
    require_error(rules::check_contract(four, 0, {{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}}, small),
                  ErrorKind::unprocessable, "milestones_count");
}

BOOST_AUTO_TEST_CASE(milestone_titles_are_required_and_bounded) {
    const Award a = awarded(10, 0);
    require_error(rules::check_contract(a, 0, {{"  ", 10}}, limits), ErrorKind::unprocessable,
                  "title_required", "milestones[0].title");
    BOOST_TEST(rules::check_contract(a, 0, {{std::string(200, 'x'), 10}}, limits).ok());
    require_error(rules::check_contract(a, 0, {{std::string(201, 'x'), 10}}, limits),
                  ErrorKind::unprocessable, "title_too_long");
}

BOOST_AUTO_TEST_CASE(only_an_awarded_award_can_be_signed_or_declined) {
    Award a = awarded(10, 0);
    a.state = AwardStatus::signed_contract;
    require_error(rules::check_contract(a, 0, {{"a", 10}}, limits), ErrorKind::conflict,
                  "award_signed");
    require_error(rules::check_decline(a, "gone", limits), ErrorKind::conflict, "award_signed");
    a.state = AwardStatus::declined;
    require_error(rules::check_contract(a, 0, {{"a", 10}}, limits), ErrorKind::conflict,
                  "award_declined");
    require_error(rules::check_decline(a, "gone", limits), ErrorKind::conflict, "award_declined");
    a.state = AwardStatus::awarded;
    require_error(rules::check_decline(a, " \n", limits), ErrorKind::unprocessable,
                  "reason_required", "reason");
    BOOST_TEST(rules::check_decline(a, "did not sign", limits).ok());
}

BOOST_AUTO_TEST_CASE(the_top_ranked_bid_needs_no_reason) {
    auto d = rules::check_award(three_ranked(), {}, 1, AwardRequest{101, "", ""}, limits);
    BOOST_REQUIRE(d.ok());
    BOOST_TEST(d->bid.rank == 1);
    BOOST_TEST(d->skipped_bid_ids.empty());
}

BOOST_AUTO_TEST_CASE(a_lower_ranked_bid_needs_a_reason_naming_the_skipped_bids) {
    auto refused = rules::check_award(three_ranked(), {}, 1, AwardRequest{103, " ", ""}, limits);
    require_error(refused, ErrorKind::unprocessable, "reason_required", "reason");
    BOOST_TEST(refused.error().message.find("101, 102") != std::string::npos);
    auto d = rules::check_award(three_ranked(), {}, 1,
                                AwardRequest{103, "late delivery record", ""}, limits);
    BOOST_REQUIRE(d.ok());
    BOOST_TEST(d->skipped_bid_ids == (std::vector<std::int64_t>{101, 102}));
}

BOOST_AUTO_TEST_CASE(declined_bids_are_no_longer_eligible_and_not_skipped) {
    Award declined;
    declined.id = 1;
    declined.lot_id = 1;
    declined.bid_id = 101;
    declined.state = AwardStatus::declined;
    auto d = rules::check_award(three_ranked(), {declined}, 1, AwardRequest{102, "", ""}, limits);
    BOOST_REQUIRE(d.ok());
    BOOST_TEST(d->skipped_bid_ids.empty());
    require_error(
        rules::check_award(three_ranked(), {declined}, 1, AwardRequest{101, "again", ""}, limits),
        ErrorKind::conflict, "bid_declined");
}

BOOST_AUTO_TEST_CASE(a_current_award_blocks_another) {
    Award current;
    current.id = 9;
    current.lot_id = 1;
    current.bid_id = 101;
    current.state = AwardStatus::awarded;
    require_error(
        rules::check_award(three_ranked(), {current}, 1, AwardRequest{101, "", ""}, limits),
        ErrorKind::conflict, "lot_already_awarded");
    current.state = AwardStatus::signed_contract;
    require_error(
        rules::check_award(three_ranked(), {current}, 1, AwardRequest{102, "x", ""}, limits),
        ErrorKind::conflict, "lot_already_awarded");
}

BOOST_AUTO_TEST_CASE(only_ranked_bids_of_the_lot_can_be_awarded) {
    require_error(rules::check_award(three_ranked(), {}, 1, AwardRequest{999, "", ""}, limits),
                  ErrorKind::unprocessable, "bid_not_ranked", "bid_id");
    require_error(rules::check_award(three_ranked(), {}, 2, AwardRequest{101, "", ""}, limits),
                  ErrorKind::unprocessable, "bid_not_ranked", "bid_id");
}

BOOST_AUTO_TEST_CASE(an_abnormally_low_bid_needs_a_recorded_clarification) {
    const Evaluation e = three_ranked(true);
    require_error(rules::check_award(e, {}, 1, AwardRequest{102, "reason", ""}, limits),
                  ErrorKind::unprocessable, "clarification_required", "clarification");
    require_error(rules::check_award(e, {}, 1, AwardRequest{102, "reason", "\t"}, limits),
                  ErrorKind::unprocessable, "clarification_required", "clarification");
    BOOST_TEST(
        rules::check_award(e, {}, 1, AwardRequest{102, "reason", "costs explained"}, limits).ok());
    BOOST_TEST(rules::check_award(e, {}, 1, AwardRequest{101, "", ""}, limits).ok());
}

BOOST_AUTO_TEST_CASE(reason_and_clarification_lengths_are_bounded) {
    BOOST_TEST(rules::check_award(three_ranked(), {}, 1,
                                  AwardRequest{102, std::string(1000, 'r'), ""}, limits)
                   .ok());
    require_error(rules::check_award(three_ranked(), {}, 1,
                                     AwardRequest{102, std::string(1001, 'r'), ""}, limits),
                  ErrorKind::unprocessable, "reason_too_long", "reason");
    require_error(rules::check_award(three_ranked(), {}, 1,
                                     AwardRequest{101, "", std::string(2001, 'c')}, limits),
                  ErrorKind::unprocessable, "clarification_too_long", "clarification");
}

BOOST_AUTO_TEST_CASE(scores_cover_every_criterion_once_within_range) {
    const evaluation::Weights w = rules::weights_for(evaluation::Method::comprehensive, 60, 40);
    BOOST_REQUIRE(w.criteria.size() == 1);
    BOOST_TEST(w.criteria[0].weight_pct == 40);
    ScoreSubmission s{1, 101, {{technical_criterion_id, evaluation::score_max_micro}}};
    BOOST_TEST(rules::check_scores(s, w).ok());
    s.scores = {{technical_criterion_id, 0}};
    BOOST_TEST(rules::check_scores(s, w).ok());
    s.scores = {{technical_criterion_id, evaluation::score_max_micro + 1}};
    require_error(rules::check_scores(s, w), ErrorKind::unprocessable, "score_out_of_range",
                  "scores[0].score_micro");
    s.scores = {{technical_criterion_id, -1}};
    require_error(rules::check_scores(s, w), ErrorKind::unprocessable, "score_out_of_range");
    s.scores = {};
    require_error(rules::check_scores(s, w), ErrorKind::unprocessable, "criterion_missing");
    s.scores = {{2, 5}};
    require_error(rules::check_scores(s, w), ErrorKind::unprocessable, "criterion_unknown");
    s.scores = {{1, 5}, {1, 6}};
    require_error(rules::check_scores(s, w), ErrorKind::unprocessable, "criterion_duplicate");
}

BOOST_AUTO_TEST_CASE(lowest_price_has_no_criteria_and_no_technical_weight_none) {
    BOOST_TEST(rules::weights_for(evaluation::Method::lowest_price, 60, 40).criteria.empty());
    BOOST_TEST(rules::weights_for(evaluation::Method::lowest_price, 60, 40).price_pct == 100);
    BOOST_TEST(rules::weights_for(evaluation::Method::benchmark_price, 100, 0).criteria.empty());
}

BOOST_AUTO_TEST_CASE(tender_outcome_follows_the_lots) {
    TenderRecords r;
    BOOST_TEST(!rules::outcome(r, {1, 2}).has_value());
    r.opened_at_ms = 1;
    BOOST_TEST((*rules::outcome(r, {1, 2}) == TenderOutcome::opened));
    r.evaluation = three_ranked();  // lot 1 has three ranked bids, lot 2 none
    BOOST_TEST((rules::lot_outcome(r, 2) == LotOutcome::unsuccessful));
    BOOST_TEST((rules::lot_outcome(r, 1) == LotOutcome::pending));
    BOOST_TEST((*rules::outcome(r, {1, 2}) == TenderOutcome::evaluated));
    Award a;
    a.id = 1;
    a.lot_id = 1;
    a.bid_id = 101;
    a.state = AwardStatus::awarded;
    r.awards.push_back(a);
    BOOST_TEST((*rules::outcome(r, {1, 2}) == TenderOutcome::awarded));
    r.awards[0].state = AwardStatus::signed_contract;
    BOOST_TEST((*rules::outcome(r, {1, 2}) == TenderOutcome::complete));
    BOOST_TEST((*rules::outcome(r, {2}) == TenderOutcome::unsuccessful));
}

BOOST_AUTO_TEST_CASE(a_lot_is_unsuccessful_once_every_ranked_bid_declined) {
    TenderRecords r;
    r.opened_at_ms = 1;
    r.evaluation = three_ranked();
    for (std::int64_t bid = 101; bid <= 103; ++bid) {
        Award a;
        a.id = bid;
        a.lot_id = 1;
        a.bid_id = bid;
        a.state = AwardStatus::declined;
        r.awards.push_back(a);
        const bool last = bid == 103;
        BOOST_TEST(
            (rules::lot_outcome(r, 1) == (last ? LotOutcome::unsuccessful : LotOutcome::pending)));
    }
    BOOST_TEST((*rules::outcome(r, {1}) == TenderOutcome::unsuccessful));
}

BOOST_AUTO_TEST_CASE(closing_a_lot_passes_over_its_eligible_bids_and_makes_it_unsuccessful) {
    TenderRecords r;
    r.opened_at_ms = 1;
    r.evaluation = three_ranked();
    Award declined;
    declined.id = 1;
    declined.lot_id = 1;
    declined.bid_id = 101;
    declined.state = AwardStatus::declined;
    r.awards.push_back(declined);
    require_error(rules::check_close(r, 1, "  ", limits), ErrorKind::unprocessable,
                  "reason_required", "reason");
    auto skipped = rules::check_close(r, 1, "every price over the budget", limits);
    BOOST_REQUIRE(skipped.ok());
    BOOST_TEST(*skipped == (std::vector<std::int64_t>{102, 103}));
    r.closures.push_back(LotClosure{1, 1, "over budget", *skipped, 5, 10});
    BOOST_TEST((rules::lot_outcome(r, 1) == LotOutcome::unsuccessful));
    BOOST_TEST((*rules::outcome(r, {1}) == TenderOutcome::unsuccessful));
    require_error(rules::check_close(r, 1, "again", limits), ErrorKind::conflict, "lot_closed");
}

BOOST_AUTO_TEST_CASE(a_lot_with_a_current_award_cannot_be_closed) {
    TenderRecords r;
    r.opened_at_ms = 1;
    r.evaluation = three_ranked();
    Award current;
    current.id = 1;
    current.lot_id = 1;
    current.bid_id = 101;
    current.state = AwardStatus::awarded;
    r.awards.push_back(current);
    require_error(rules::check_close(r, 1, "changed our mind", limits), ErrorKind::conflict,
                  "lot_already_awarded");
}

BOOST_AUTO_TEST_SUITE_END()
