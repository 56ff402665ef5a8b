// The award service over the fake stores: the evaluation stored from the opening record equals
// evaluate_all's, the panel's declarations and locked scores, awards, declines, contracts and
// milestones, roles, and that every refusal changes nothing.
#include "settlement/awards/service.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "settlement/evaluation/evaluation.hpp"
#include "tests/settlement/awards/fake_store.hpp"
#include "tests/support/fake_buyers.hpp"
#include "tests/support/require_error.hpp"
#include "tests/tender/fake_store.hpp"

using namespace procura;
using namespace procura::settlement::awards;
namespace evaluation = procura::settlement::evaluation;
using core::ErrorKind;
using core::Role;

namespace {

using procura::testing::require_error;

constexpr std::int64_t t0_ms = 1'800'000'000'000;

template <class T>
void require_ok(const core::Result<T>& r) {
    BOOST_REQUIRE_MESSAGE(r.ok(),
                          (r.ok() ? std::string() : r.error().code + ": " + r.error().message));
}

OpenedBid opened(std::int64_t bid, std::int64_t supplier, std::int64_t lot, std::int64_t price,
                 bool valid = true) {
    OpenedBid b;
    b.bid_id = bid;
    b.supplier_id = supplier;
    b.lot_id = lot;
    b.received_at_ms = t0_ms - 10'000 + bid;
    b.valid = valid;
    b.reason = valid ? "" : "decrypt_failed";
    b.price_minor = valid ? price : 0;
    b.currency = valid ? "EUR" : "";
    return b;
}

struct World {
    core::ManualClock clock{t0_ms};
    tender::FakeTenderStore tenders;
    FakeAwardStore store;
    AwardLimits limits{};
    procura::testing::FakeBuyerDirectory buyers;
    AwardService service{{store, tenders, clock, buyers}, limits};
    core::Caller chair{10, Role::officer, "chair"};
    core::Caller member2{11, Role::officer, "member2"};
    core::Caller member3{12, Role::officer, "member3"};
    core::Caller outsider{13, Role::officer, "outsider"};  // an officer not on the committee
    core::Caller supplier{20, Role::supplier, "supplier"};
    core::Caller finance{30, Role::finance, "finance"};
    core::Caller auditor{40, Role::auditor, "auditor"};
    core::Caller elsewhere{14, Role::officer, "elsewhere"};  // an officer of another buyer
    bool buyers_added = add_buyers();

    bool add_buyers() {
        buyers.add("ROADS-1", "Roads Agency",
                   {chair.user_id, member2.user_id, member3.user_id, outsider.user_id});
        buyers.add("PORT-2", "Port Authority", {elsewhere.user_id});
        return true;
    }

    // The officer who confirms what by proposes in the helpers below: outsider (an officer
    // not on the committee, so never recused), or the chair for outsider's proposals.
    const core::Caller& second_to(const core::Caller& by) const {
        return by.user_id == outsider.user_id ? chair : outsider;
    }

    // The four-eyes decisions as one call each: by proposes, second_to(by) confirms. A refused
    // proposal's error is returned as it is (the proposal checks every rule at once).
    core::Result<Award> award(const core::Caller& by, std::int64_t tender_id, std::int64_t lot,
                              const AwardRequest& request) {
        PROCURA_TRY_ASSIGN(auto d, service.propose_award(by, tender_id, lot, request));
        PROCURA_TRY_ASSIGN(auto done, service.confirm(second_to(by), d.id));
        return *done.award;
    }
    core::Result<Award> decline(const core::Caller& by, std::int64_t award_id,
                                const std::string& reason) {
        PROCURA_TRY_ASSIGN(auto d, service.propose_decline(by, award_id, reason));
        PROCURA_TRY_ASSIGN(auto done, service.confirm(second_to(by), d.id));
        return *done.award;
    }
    core::Result<Contract> sign_contract(const core::Caller& by, std::int64_t award_id,
                                         const std::vector<MilestoneInput>& milestones) {
        PROCURA_TRY_ASSIGN(auto d, service.propose_contract(by, award_id, milestones));
        PROCURA_TRY_ASSIGN(auto done, service.confirm(second_to(by), d.id));
        return *done.contract;
    }
    core::Result<Milestone> accept_milestone(const core::Caller& by, std::int64_t contract_id,
                                             std::int64_t number) {
        PROCURA_TRY_ASSIGN(auto d, service.propose_acceptance(by, contract_id, number));
        PROCURA_TRY_ASSIGN(auto done, service.confirm(second_to(by), d.id));
        return *done.milestone;
    }

    std::int64_t make_tender(tender::EvaluationMethod method, std::int64_t price_weight,
                             std::int64_t technical_weight, int lots = 1) {
        tender::Tender t;
        t.state = tender::TenderState::published;
        t.title = "Road salt";
        t.buyer_id = "ROADS-1";
        t.currency = "EUR";
        for (int i = 1; i <= lots; ++i) {
            t.lots.push_back(tender::Lot{i, "Lot " + std::to_string(i), 1'000'000});
        }
        t.evaluation_method = method;
        t.price_weight = price_weight;
        t.technical_weight = technical_weight;
        t.committee = {chair.user_id, member2.user_id, member3.user_id};
        t.threshold_k = 2;
        std::int64_t id = 0;
        auto status = tenders.in_transaction([&](tender::TenderTransaction& tx) -> core::Status {
            PROCURA_TRY_ASSIGN(auto inserted, tx.insert_tender(t));
            id = inserted;
            return {};
        });
        BOOST_REQUIRE(status.ok());
        store.add_tender(id);
        return id;
    }

    // A lowest_price tender, opened, with bids 1 (price 1200), 2 (1000), 3 (1100) and an
    // invalid bid 4 in lot 1.
    std::int64_t opened_lowest_price() {
        const std::int64_t id = make_tender(tender::EvaluationMethod::lowest_price, 100, 0);
        store.set_opening(id, t0_ms - 1000,
                          {opened(1, 21, 1, 1200), opened(2, 22, 1, 1000), opened(3, 23, 1, 1100),
                           opened(4, 24, 1, 0, false)});
        return id;
    }

    std::int64_t evaluated_lowest_price() {
        const std::int64_t id = opened_lowest_price();
        require_ok(service.evaluate(chair, id));
        return id;
    }

    // Everything stored, as one comparable string.
    std::string fingerprint(std::int64_t tender_id) {
        auto r = store.read(tender_id);
        BOOST_REQUIRE(r.ok());
        nlohmann::json j;
        j["audit"] = store.audit().size();
        j["evaluated"] = r->evaluation.has_value();
        j["declarations"] = r->declarations.size();
        j["scores"] = r->scores.size();
        nlohmann::json awards = nlohmann::json::array();
        for (const Award& a : r->awards) {
            awards.push_back({a.id, a.bid_id, std::string(to_string(a.state))});
        }
        j["awards"] = awards;
        nlohmann::json contracts = nlohmann::json::array();
        for (const Contract& k : r->contracts) {
            for (const Milestone& m : k.milestones) {
                contracts.push_back({k.id, m.number, std::string(to_string(m.state))});
            }
        }
        j["contracts"] = contracts;
        j["closures"] = r->closures.size();
        return j.dump();
    }
};

// The lot input the service must build from the opening record for a lowest_price lot 1.
evaluation::LotInput lowest_price_input(std::int64_t tender_id,
                                        const std::vector<OpenedBid>& bids) {
    evaluation::LotInput lot;
    lot.tender_id = tender_id;
    lot.lot_id = 1;
    lot.currency = "EUR";
    lot.method = evaluation::Method::lowest_price;
    for (const OpenedBid& b : bids) {
        evaluation::BidInput in;
        in.bid_id = b.bid_id;
        in.supplier_id = b.supplier_id;
        in.lot_id = b.lot_id;
        in.price_minor = b.price_minor;
        in.currency = b.currency;
        in.received_at_ms = b.received_at_ms;
        in.valid = b.valid;
        in.invalid_reason = b.reason;
        lot.bids.push_back(in);
    }
    return lot;
}

// One panel member's technical score of bid 1 and of every other bid.
struct Scorer {
    core::UserId member;
    std::int64_t bid1;
    std::int64_t others;
};

// The same lot evaluated comprehensively (price 60, technical 40) with the panel's scores.
evaluation::LotInput comprehensive_input(std::int64_t tender_id, const std::vector<OpenedBid>& bids,
                                         const std::vector<Scorer>& panel) {
    evaluation::LotInput lot = lowest_price_input(tender_id, bids);
    lot.method = evaluation::Method::comprehensive;
    lot.weights = evaluation::Weights{60, {evaluation::Criterion{1, 40}}};
    for (evaluation::BidInput& in : lot.bids) {
        for (const Scorer& scorer : panel) {
            in.technical.push_back(
                {scorer.member, {{1, in.bid_id == 1 ? scorer.bid1 : scorer.others}}});
        }
    }
    return lot;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(award_service)

BOOST_AUTO_TEST_CASE(evaluation_before_the_opening_is_refused) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::lowest_price, 100, 0);
    const std::string before = w.fingerprint(id);
    require_error(w.service.evaluate(w.chair, id), ErrorKind::conflict, "not_opened");
    require_error(w.service.evaluation(id), ErrorKind::not_found, "not_evaluated");
    BOOST_TEST(w.fingerprint(id) == before);
}

BOOST_AUTO_TEST_CASE(the_stored_lowest_price_evaluation_equals_evaluate_all) {
    World w;
    const std::int64_t id = w.opened_lowest_price();
    auto evaluation = w.service.evaluate(w.chair, id);
    require_ok(evaluation);
    auto records = w.store.read(id);
    const evaluation::LotInput input = lowest_price_input(id, records->opened_bids);
    const std::vector<evaluation::LotResult> expected = evaluation::evaluate_all({input}, 1);
    BOOST_REQUIRE(records->evaluation.has_value());
    BOOST_REQUIRE(records->evaluation->lots.size() == 1);
    BOOST_TEST(records->evaluation->lots[0].result_json == evaluation::to_json(expected[0]).dump());
    BOOST_TEST(nlohmann::json::parse(records->evaluation->lots[0].result_json) ==
               evaluation::to_json(expected[0]));
    // Ranked by price: bid 2 (1000), 3 (2000), 1 (3000); the invalid bid is not ranked.
    BOOST_REQUIRE(records->evaluation->bids.size() == 3);
    BOOST_TEST(records->evaluation->bids[0].bid_id == 2);
    BOOST_TEST(records->evaluation->bids[1].bid_id == 3);
    BOOST_TEST(records->evaluation->bids[2].bid_id == 1);
    BOOST_TEST(records->evaluation->bids[0].breakdown_json ==
               evaluation::to_json(expected[0])["ranking"][0].dump());
    // One audit event for the lot, one per ranked bid, and the declarations made public.
    const auto audit = w.store.audit();
    BOOST_REQUIRE(audit.size() == 5);
    BOOST_TEST(audit[4].action == "evaluation.declarations_published");
    BOOST_TEST(audit[0].action == "evaluation.lot_evaluated");
    BOOST_TEST(audit[1].action == "evaluation.bid_evaluated");
    BOOST_TEST(audit[1].entity_type == "bid");
    BOOST_TEST(audit[1].entity_id == 2);
    auto published = w.service.evaluation(id);
    require_ok(published);
    BOOST_TEST(published->evaluated_by == w.chair.user_id);
}

BOOST_AUTO_TEST_CASE(a_second_evaluation_is_refused_and_changes_nothing) {
    World w;
    const std::int64_t id = w.evaluated_lowest_price();
    const std::string before = w.fingerprint(id);
    require_error(w.service.evaluate(w.member2, id), ErrorKind::conflict, "already_evaluated");
    BOOST_TEST(w.fingerprint(id) == before);
}

BOOST_AUTO_TEST_CASE(only_officers_change_anything) {
    World w;
    const std::int64_t id = w.opened_lowest_price();
    for (const core::Caller& c : {w.supplier, w.finance, w.auditor}) {
        require_error(w.service.evaluate(c, id), ErrorKind::forbidden, "forbidden");
    }
    require_ok(w.service.evaluate(w.chair, id));
    const std::string before = w.fingerprint(id);
    for (const core::Caller& c : {w.supplier, w.finance, w.auditor}) {
        require_error(w.award(c, id, 1, AwardRequest{2, "", ""}), ErrorKind::forbidden,
                      "forbidden");
    }
    BOOST_TEST(w.fingerprint(id) == before);
    auto award = w.award(w.chair, id, 1, AwardRequest{2, "", ""});
    require_ok(award);
    for (const core::Caller& c : {w.supplier, w.finance, w.auditor}) {
        require_error(w.decline(c, award->id, "no"), ErrorKind::forbidden, "forbidden");
        require_error(w.sign_contract(c, award->id, {{"all", 1000}}), ErrorKind::forbidden,
                      "forbidden");
    }
    w.clock.set_ms(award->standstill_ends_at_ms);
    auto contract = w.sign_contract(w.chair, award->id, {{"all", 1000}});
    require_ok(contract);
    for (const core::Caller& c : {w.supplier, w.finance, w.auditor}) {
        require_error(w.accept_milestone(c, contract->id, 1), ErrorKind::forbidden, "forbidden");
    }
}

BOOST_AUTO_TEST_CASE(a_bid_in_another_currency_is_excluded_not_fatal_to_the_lot) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::lowest_price, 100, 0);
    OpenedBid dollars = opened(2, 22, 1, 1000);
    dollars.currency = "USD";
    w.store.set_opening(id, t0_ms - 1000, {opened(1, 21, 1, 3000), dollars});
    auto r = w.service.evaluate(w.chair, id);
    require_ok(r);
    const auto lot = nlohmann::json::parse(r->lots.at(0).result_json);
    BOOST_REQUIRE(lot.at("ranking").size() == 1u);
    BOOST_TEST(lot["ranking"][0]["bid_id"] == 1);
    BOOST_REQUIRE(lot.at("excluded").size() == 1u);
    BOOST_TEST(lot["excluded"][0]["bid_id"] == 2);
    BOOST_TEST(lot["excluded"][0]["reason"].get<std::string>().rfind("currency_mismatch", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(a_bid_above_the_lot_budget_is_excluded_and_one_at_it_is_ranked) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::lowest_price, 100, 0);
    const std::int64_t budget = 1'000'000;  // make_tender's lot budget
    w.store.set_opening(id, t0_ms - 1000, {opened(1, 21, 1, budget), opened(2, 22, 1, budget + 1)});
    auto r = w.service.evaluate(w.chair, id);
    require_ok(r);
    const auto lot = nlohmann::json::parse(r->lots.at(0).result_json);
    BOOST_REQUIRE(lot.at("ranking").size() == 1u);
    BOOST_TEST(lot["ranking"][0]["bid_id"] == 1);
    BOOST_REQUIRE(lot.at("excluded").size() == 1u);
    BOOST_TEST(lot["excluded"][0]["reason"].get<std::string>().rfind("over_budget", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(an_officer_who_declared_a_conflict_takes_no_part_in_decisions) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::lowest_price, 100, 0);
    w.store.set_opening(id, t0_ms - 1000, {opened(1, 21, 1, 3000), opened(2, 22, 1, 1000)});
    require_ok(w.service.declare(w.member2, id, false, "my brother works for supplier 22"));
    const std::string before = w.fingerprint(id);
    require_error(w.service.evaluate(w.member2, id), ErrorKind::forbidden, "recused");
    BOOST_TEST(w.fingerprint(id) == before);
    require_ok(w.service.evaluate(w.chair, id));
    require_error(w.award(w.member2, id, 1, AwardRequest{2, "", ""}), ErrorKind::forbidden,
                  "recused");
}

BOOST_AUTO_TEST_CASE(comprehensive_weights_not_adding_to_100_are_422_weights_sum) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::comprehensive, 60, 30);
    w.store.set_opening(id, t0_ms - 1000, {opened(1, 21, 1, 3000)});
    require_ok(w.service.declare(w.chair, id, true, "none"));
    require_ok(w.service.submit_scores(w.chair, id, {1, 1, {{1, 50'000'000}}}));
    require_error(w.service.evaluate(w.chair, id), ErrorKind::unprocessable, "weights_sum");
}

BOOST_AUTO_TEST_CASE(the_top_ranked_bid_is_awarded_with_a_ten_day_standstill) {
    World w;
    const std::int64_t id = w.evaluated_lowest_price();
    w.clock.set_ms(t0_ms + 5);
    auto award = w.award(w.chair, id, 1, AwardRequest{2, "", ""});
    require_ok(award);
    BOOST_TEST(award->bid_id == 2);
    BOOST_TEST(award->supplier_id == 22);
    BOOST_TEST(award->value_minor == 1000);
    BOOST_TEST(award->currency == "EUR");
    BOOST_TEST(award->awarded_rank == 1);
    BOOST_TEST(award->awarded_at_ms == t0_ms + 5);
    BOOST_TEST(award->standstill_ends_at_ms == t0_ms + 5 + 10 * core::ms_per_day);
    BOOST_TEST((award->state == AwardStatus::awarded));
    BOOST_TEST(award->awarded_by == w.outsider.user_id);
    BOOST_TEST(award->award_proposed_by.value_or(0) == w.chair.user_id);
    const auto audit = w.store.audit();
    BOOST_TEST(audit[audit.size() - 2].action == "award.made");
    BOOST_TEST(audit.back().action == "decision.confirmed");
    const std::string before = w.fingerprint(id);
    require_error(w.award(w.member2, id, 1, AwardRequest{3, "x", ""}), ErrorKind::conflict,
                  "lot_already_awarded");
    BOOST_TEST(w.fingerprint(id) == before);
}

BOOST_AUTO_TEST_CASE(awarding_below_the_top_needs_a_reason_and_names_the_skipped_bids) {
    World w;
    const std::int64_t id = w.evaluated_lowest_price();
    const std::string before = w.fingerprint(id);
    require_error(w.award(w.chair, id, 1, AwardRequest{1, "", ""}), ErrorKind::unprocessable,
                  "reason_required", "reason");
    require_error(w.award(w.chair, id, 1, AwardRequest{4, "x", ""}), ErrorKind::unprocessable,
                  "bid_not_ranked", "bid_id");
    require_error(w.award(w.chair, id, 2, AwardRequest{2, "", ""}), ErrorKind::not_found,
                  "lot_not_found");
    BOOST_TEST(w.fingerprint(id) == before);
    auto award = w.award(w.chair, id, 1, AwardRequest{1, "debarred since", ""});
    require_ok(award);
    BOOST_TEST(award->awarded_rank == 3);
    BOOST_TEST(award->skipped_bid_ids == (std::vector<std::int64_t>{2, 3}));
    const auto audit = w.store.audit();
    const auto payload = nlohmann::json::parse(audit[audit.size() - 2].payload_json);
    BOOST_TEST(payload["proposed_by"] == w.chair.user_id);
    BOOST_TEST(payload["confirmed_by"] == w.outsider.user_id);
    BOOST_TEST(payload["skipped_bid_ids"] == nlohmann::json({2, 3}));
    BOOST_TEST(payload["skip_reason"] == "debarred since");
}

BOOST_AUTO_TEST_CASE(an_abnormally_low_bid_is_awarded_only_with_a_clarification) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::lowest_price, 100, 0);
    // Mean 7000; 80 % of it is 5600: bid 1 at 1000 is flagged.
    w.store.set_opening(id, t0_ms - 1000,
                        {opened(1, 21, 1, 1000), opened(2, 22, 1, 10000), opened(3, 23, 1, 10000)});
    require_ok(w.service.evaluate(w.chair, id));
    require_error(w.award(w.chair, id, 1, AwardRequest{1, "", ""}), ErrorKind::unprocessable,
                  "clarification_required", "clarification");
    auto award = w.award(w.chair, id, 1, AwardRequest{1, "", "Surplus stock, confirmed"});
    require_ok(award);
    BOOST_TEST(award->clarification == "Surplus stock, confirmed");
}

BOOST_AUTO_TEST_CASE(the_contract_is_refused_one_ms_before_the_standstill_ends_and_signed_at_it) {
    World w;
    const std::int64_t id = w.evaluated_lowest_price();
    auto award = w.award(w.chair, id, 1, AwardRequest{2, "", ""});
    require_ok(award);
    const std::string before = w.fingerprint(id);
    w.clock.set_ms(award->standstill_ends_at_ms - 1);
    require_error(w.sign_contract(w.chair, award->id, {{"a", 400}, {"b", 600}}),
                  ErrorKind::conflict, "standstill_not_over");
    w.clock.set_ms(award->standstill_ends_at_ms);
    require_error(w.sign_contract(w.chair, award->id, {{"a", 400}, {"b", 599}}),
                  ErrorKind::unprocessable, "milestones_sum");
    BOOST_TEST(w.fingerprint(id) == before);
    auto contract = w.sign_contract(w.chair, award->id, {{"a", 400}, {"b", 600}});
    require_ok(contract);
    BOOST_TEST(contract->value_minor == 1000);
    BOOST_TEST(contract->supplier_id == 22);
    BOOST_REQUIRE(contract->milestones.size() == 2);
    BOOST_TEST(contract->milestones[1].number == 2);
    BOOST_TEST(contract->milestones[1].amount_minor == 600);
    BOOST_TEST((contract->milestones[1].state == MilestoneState::planned));
    auto signed_award = w.service.get_award(award->id);
    require_ok(signed_award);
    BOOST_TEST((signed_award->state == AwardStatus::signed_contract));
    const auto audit = w.store.audit();
    BOOST_TEST(audit[audit.size() - 3].action == "award.signed");
    BOOST_TEST(audit[audit.size() - 2].action == "contract.signed");
    BOOST_TEST(contract->signed_by == w.outsider.user_id);
    BOOST_TEST(contract->proposed_by.value_or(0) == w.chair.user_id);
    require_error(w.sign_contract(w.chair, award->id, {{"a", 1000}}), ErrorKind::conflict,
                  "award_signed");
    require_error(w.decline(w.chair, award->id, "too late"), ErrorKind::conflict, "award_signed");
}

BOOST_AUTO_TEST_CASE(after_a_decline_the_next_ranked_bid_is_awarded_without_a_reason) {
    World w;
    const std::int64_t id = w.evaluated_lowest_price();
    auto first = w.award(w.chair, id, 1, AwardRequest{2, "", ""});
    require_ok(first);
    require_error(w.decline(w.chair, first->id, "  "), ErrorKind::unprocessable, "reason_required");
    auto declined = w.decline(w.chair, first->id, "did not sign within 5 days");
    require_ok(declined);
    BOOST_TEST((declined->state == AwardStatus::declined));
    BOOST_TEST(*declined->decline_reason == "did not sign within 5 days");
    const auto audit = w.store.audit();
    BOOST_TEST(audit[audit.size() - 2].action == "award.declined");
    BOOST_TEST(*declined->decided_by == w.outsider.user_id);
    BOOST_TEST(declined->decision_proposed_by.value_or(0) == w.chair.user_id);
    require_error(w.decline(w.chair, first->id, "again"), ErrorKind::conflict, "award_declined");
    require_error(w.award(w.chair, id, 1, AwardRequest{2, "again", ""}), ErrorKind::conflict,
                  "bid_declined");
    require_error(w.sign_contract(w.chair, first->id, {{"a", 1000}}), ErrorKind::conflict,
                  "award_declined");
    auto second = w.award(w.chair, id, 1, AwardRequest{3, "", ""});
    require_ok(second);
    BOOST_TEST(second->awarded_rank == 2);
    BOOST_TEST(second->skipped_bid_ids.empty());
    BOOST_TEST(second->value_minor == 1100);
}

BOOST_AUTO_TEST_CASE(milestones_are_accepted_once) {
    World w;
    const std::int64_t id = w.evaluated_lowest_price();
    auto award = w.award(w.chair, id, 1, AwardRequest{2, "", ""});
    require_ok(award);
    w.clock.set_ms(award->standstill_ends_at_ms + 1);
    auto contract = w.sign_contract(w.chair, award->id, {{"a", 400}, {"b", 600}});
    require_ok(contract);
    w.clock.advance_ms(50);
    auto accepted = w.accept_milestone(w.member2, contract->id, 1);
    require_ok(accepted);
    BOOST_TEST((accepted->state == MilestoneState::accepted));
    BOOST_TEST(*accepted->accepted_by == w.outsider.user_id);
    BOOST_TEST(accepted->proposed_by.value_or(0) == w.member2.user_id);
    BOOST_TEST(*accepted->accepted_at_ms == w.clock.now_ms());
    const std::string before = w.fingerprint(id);
    require_error(w.accept_milestone(w.chair, contract->id, 1), ErrorKind::conflict,
                  "milestone_accepted");
    require_error(w.accept_milestone(w.chair, contract->id, 3), ErrorKind::not_found,
                  "milestone_not_found");
    require_error(w.accept_milestone(w.chair, 999, 1), ErrorKind::not_found, "contract_not_found");
    BOOST_TEST(w.fingerprint(id) == before);
    auto read = w.service.get_contract(contract->id);
    require_ok(read);
    BOOST_TEST((read->milestones[0].state == MilestoneState::accepted));
    BOOST_TEST((read->milestones[1].state == MilestoneState::planned));
}

BOOST_AUTO_TEST_CASE(tender_status_runs_opened_evaluated_awarded_complete) {
    World w;
    const std::int64_t id = w.opened_lowest_price();
    auto status = [&] { return *w.service.outcome(id, {1}).value(); };
    BOOST_TEST((status() == TenderOutcome::opened));
    require_ok(w.service.evaluate(w.chair, id));
    BOOST_TEST((status() == TenderOutcome::evaluated));
    auto award = w.award(w.chair, id, 1, AwardRequest{2, "", ""});
    require_ok(award);
    BOOST_TEST((status() == TenderOutcome::awarded));
    w.clock.set_ms(award->standstill_ends_at_ms);
    require_ok(w.sign_contract(w.chair, award->id, {{"all", 1000}}));
    BOOST_TEST((status() == TenderOutcome::complete));
    auto all = w.service.tender_awards(id);
    require_ok(all);
    BOOST_TEST((all->lots[0].second == LotOutcome::contracted));
}

BOOST_AUTO_TEST_CASE(a_tender_without_valid_bids_is_unsuccessful_once_evaluated) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::lowest_price, 100, 0, 2);
    w.store.set_opening(id, t0_ms - 1000, {opened(1, 21, 1, 0, false)});
    require_ok(w.service.evaluate(w.chair, id));
    BOOST_TEST((*w.service.outcome(id, {1, 2}).value() == TenderOutcome::unsuccessful));
}

BOOST_AUTO_TEST_CASE(a_tender_whose_every_bid_declined_is_unsuccessful) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::lowest_price, 100, 0);
    w.store.set_opening(id, t0_ms - 1000, {opened(1, 21, 1, 1000), opened(2, 22, 1, 1100)});
    require_ok(w.service.evaluate(w.chair, id));
    for (std::int64_t bid : {1, 2}) {
        auto award = w.award(w.chair, id, 1, AwardRequest{bid, "", ""});
        require_ok(award);
        require_ok(w.decline(w.chair, award->id, "declined to sign"));
    }
    BOOST_TEST((*w.service.outcome(id, {1}).value() == TenderOutcome::unsuccessful));
}

BOOST_AUTO_TEST_CASE(a_closed_lot_is_unsuccessful_and_cannot_be_awarded) {
    World w;
    const std::int64_t id = w.opened_lowest_price();
    require_error(w.service.close_lot(w.chair, id, 1, "over budget"), ErrorKind::conflict,
                  "not_evaluated");
    require_ok(w.service.evaluate(w.chair, id));
    require_error(w.service.close_lot(w.supplier, id, 1, "over budget"), ErrorKind::forbidden,
                  "forbidden");
    require_error(w.service.close_lot(w.chair, id, 2, "over budget"), ErrorKind::not_found,
                  "lot_not_found");
    auto award = w.award(w.chair, id, 1, AwardRequest{2, "", ""});
    require_ok(award);
    const std::string before = w.fingerprint(id);
    require_error(w.service.close_lot(w.chair, id, 1, "over budget"), ErrorKind::conflict,
                  "lot_already_awarded");
    BOOST_TEST(w.fingerprint(id) == before);
    require_ok(w.decline(w.chair, award->id, "did not sign"));
    auto closure = w.service.close_lot(w.chair, id, 1, "the other prices exceed the budget");
    require_ok(closure);
    BOOST_TEST(closure->skipped_bid_ids == (std::vector<std::int64_t>{3, 1}));
    BOOST_TEST(w.store.audit().back().action == "lot.unsuccessful");
    BOOST_TEST((*w.service.outcome(id, {1}).value() == TenderOutcome::unsuccessful));
    const std::string closed = w.fingerprint(id);
    require_error(w.award(w.chair, id, 1, AwardRequest{3, "", ""}), ErrorKind::conflict,
                  "lot_closed");
    require_error(w.service.close_lot(w.chair, id, 1, "again"), ErrorKind::conflict, "lot_closed");
    BOOST_TEST(w.fingerprint(id) == closed);
    auto all = w.service.tender_awards(id);
    require_ok(all);
    BOOST_TEST(all->closures.size() == 1);
}

BOOST_AUTO_TEST_CASE(one_awarded_lot_and_one_without_bids_make_the_tender_awarded) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::lowest_price, 100, 0, 2);
    w.store.set_opening(id, t0_ms - 1000, {opened(1, 21, 1, 1000)});
    require_ok(w.service.evaluate(w.chair, id));
    BOOST_TEST((*w.service.outcome(id, {1, 2}).value() == TenderOutcome::evaluated));
    require_ok(w.award(w.chair, id, 1, AwardRequest{1, "", ""}));
    BOOST_TEST((*w.service.outcome(id, {1, 2}).value() == TenderOutcome::awarded));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(evaluation_panel)

BOOST_AUTO_TEST_CASE(only_committee_members_declare_after_the_opening_once) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::comprehensive, 60, 40);
    require_error(w.service.declare(w.chair, id, true, "none"), ErrorKind::conflict, "not_opened");
    w.store.set_opening(
        id, t0_ms - 1000,
        {opened(1, 21, 1, 1000), opened(2, 22, 1, 1200), opened(3, 21, 1, 0, false)});
    require_error(w.service.declare(w.outsider, id, true, "none"), ErrorKind::forbidden,
                  "not_panel_member");
    require_error(w.service.declare(w.supplier, id, true, "none"), ErrorKind::forbidden,
                  "not_panel_member");
    require_error(w.service.declare(w.chair, id, true, " "), ErrorKind::unprocessable,
                  "statement_required", "statement");
    auto declared = w.service.declare(w.chair, id, true, "I know none of the bidders");
    require_ok(declared);
    BOOST_TEST(declared->supplier_ids == (std::vector<core::UserId>{21, 22}));
    BOOST_TEST(w.store.audit().back().action == "evaluation.declared");
    const std::string before = w.fingerprint(id);
    require_error(w.service.declare(w.chair, id, false, "changed my mind"), ErrorKind::conflict,
                  "already_declared");
    BOOST_TEST(w.fingerprint(id) == before);
}

BOOST_AUTO_TEST_CASE(scores_are_locked_once_submitted) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::comprehensive, 60, 40);
    w.store.set_opening(
        id, t0_ms - 1000,
        {opened(1, 21, 1, 1000), opened(2, 22, 1, 1200), opened(3, 23, 1, 0, false)});
    require_error(w.service.submit_scores(w.chair, id, {1, 1, {{1, 70'000'000}}}),
                  ErrorKind::conflict, "declaration_required");
    require_ok(w.service.declare(w.chair, id, true, "none"));
    require_error(w.service.submit_scores(w.chair, id, {1, 3, {{1, 70'000'000}}}),
                  ErrorKind::unprocessable, "bid_not_valid", "bid_id");
    require_error(w.service.submit_scores(w.chair, id, {2, 1, {{1, 70'000'000}}}),
                  ErrorKind::unprocessable, "bid_not_valid", "bid_id");
    require_error(w.service.submit_scores(w.chair, id, {1, 1, {{1, 100'000'001}}}),
                  ErrorKind::unprocessable, "score_out_of_range");
    auto stored = w.service.submit_scores(w.chair, id, {1, 1, {{1, 100'000'000}}});
    require_ok(stored);
    BOOST_TEST(w.store.audit().back().action == "evaluation.scored");
    const std::string before = w.fingerprint(id);
    require_error(w.service.submit_scores(w.chair, id, {1, 1, {{1, 10'000'000}}}),
                  ErrorKind::conflict, "score_locked");
    BOOST_TEST(w.fingerprint(id) == before);
    auto r = w.store.read(id);
    BOOST_REQUIRE(r->scores.size() == 1);
    BOOST_TEST(r->scores[0].score_micro == 100'000'000);
}

BOOST_AUTO_TEST_CASE(a_recused_member_cannot_score_and_is_left_out) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::comprehensive, 60, 40);
    w.store.set_opening(id, t0_ms - 1000, {opened(1, 21, 1, 1000), opened(2, 22, 1, 1250)});
    require_error(w.service.evaluate(w.chair, id), ErrorKind::conflict, "panel_empty");
    require_ok(w.service.declare(w.member3, id, false, "I advise bidder 21"));
    require_error(w.service.submit_scores(w.member3, id, {1, 1, {{1, 70'000'000}}}),
                  ErrorKind::forbidden, "recused");
    require_error(w.service.evaluate(w.chair, id), ErrorKind::conflict, "panel_empty");
    require_ok(w.service.declare(w.chair, id, true, "none"));
    require_ok(w.service.declare(w.member2, id, true, "none"));
    require_ok(w.service.submit_scores(w.chair, id, {1, 1, {{1, 60'000'000}}}));
    require_ok(w.service.submit_scores(w.member2, id, {1, 1, {{1, 80'000'000}}}));
    require_ok(w.service.submit_scores(w.chair, id, {1, 2, {{1, 90'000'000}}}));
    const std::string before = w.fingerprint(id);
    auto missing = w.service.evaluate(w.chair, id);
    require_error(missing, ErrorKind::conflict, "scores_missing", "scores");
    BOOST_TEST(missing.error().message.find("member 11 on bid 2") != std::string::npos);
    BOOST_TEST(w.fingerprint(id) == before);
    require_ok(w.service.submit_scores(w.member2, id, {1, 2, {{1, 100'000'000}}}));
    auto evaluation = w.service.evaluate(w.outsider, id);
    require_ok(evaluation);

    // The same lot through evaluate_all: two evaluators (10 and 11), the recused one absent.
    auto r = w.store.read(id);
    const evaluation::LotInput lot = comprehensive_input(
        id, r->opened_bids, {{10, 60'000'000, 90'000'000}, {11, 80'000'000, 100'000'000}});
    const auto expected = evaluation::evaluate_all({lot}, 2);
    BOOST_TEST(r->evaluation->lots[0].result_json == evaluation::to_json(expected[0]).dump());
    // Bid 2: price 60 × 1000/1250 = 48, technical 95 × 40 % = 38: 86 > bid 1's 60 + 28 = 88?
    // No: bid 1 has 60 + 70 × 0.4 = 88 and ranks first.
    BOOST_TEST(r->evaluation->bids[0].bid_id == 1);
    BOOST_TEST(r->evaluation->bids[0].total_score_micro == 88'000'000);
    BOOST_TEST(r->evaluation->bids[1].total_score_micro == 86'000'000);
    require_error(w.service.submit_scores(w.member2, id, {1, 1, {{1, 1}}}), ErrorKind::conflict,
                  "already_evaluated");
}

BOOST_AUTO_TEST_CASE(an_absent_member_is_withdrawn_and_the_evaluation_goes_on_without_them) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::comprehensive, 60, 40);
    // Before the opening there is no panel to withdraw from.
    require_error(w.service.withdraw_member(w.chair, id, w.member2.user_id, "ill"),
                  ErrorKind::conflict, "not_opened");
    w.store.set_opening(id, t0_ms - 1000, {opened(1, 21, 1, 1000), opened(2, 22, 1, 1250)});
    require_ok(w.service.declare(w.chair, id, true, "none"));
    require_ok(w.service.declare(w.member2, id, true, "none"));
    require_ok(w.service.declare(w.member3, id, true, "none"));
    for (const core::Caller& m : {w.chair, w.member3}) {
        require_ok(w.service.submit_scores(m, id, {1, 1, {{1, 60'000'000}}}));
        require_ok(w.service.submit_scores(m, id, {1, 2, {{1, 90'000'000}}}));
    }
    require_error(w.service.evaluate(w.chair, id), ErrorKind::conflict, "scores_missing");

    const std::string before = w.fingerprint(id);
    require_error(w.service.withdraw_member(w.chair, id, w.member2.user_id, "  "),
                  ErrorKind::unprocessable, "reason_required", "reason");
    require_error(w.service.withdraw_member(w.supplier, id, w.member2.user_id, "ill"),
                  ErrorKind::forbidden, "forbidden");
    // Only a fellow panel member decides about someone else, not any officer.
    require_error(w.service.withdraw_member(w.outsider, id, w.member2.user_id, "ill"),
                  ErrorKind::forbidden, "not_panel_member");
    // Only a member who declared no conflict is waited for, so only they can be withdrawn.
    require_error(w.service.withdraw_member(w.chair, id, w.outsider.user_id, "ill"),
                  ErrorKind::conflict, "not_on_panel");
    // Scores once given stay: a member who scored cannot be withdrawn.
    require_error(w.service.withdraw_member(w.member2, id, w.chair.user_id, "ill"),
                  ErrorKind::conflict, "member_has_scored");
    BOOST_TEST(w.fingerprint(id) == before);

    auto withdrawn = w.service.withdraw_member(w.chair, id, w.member2.user_id, "on sick leave");
    require_ok(withdrawn);
    BOOST_TEST(withdrawn->withdrawn_at_ms.has_value());
    BOOST_TEST(withdrawn->withdrawn_by == w.chair.user_id);
    BOOST_TEST(withdrawn->withdrawal_reason == "on sick leave");
    BOOST_TEST(w.store.audit().back().action == "evaluation.member_withdrawn");
    BOOST_TEST(w.store.audit().back().payload_json.find("on sick leave") != std::string::npos);
    require_error(w.service.withdraw_member(w.member2, id, w.member2.user_id, "again"),
                  ErrorKind::conflict, "already_withdrawn");
    require_error(w.service.submit_scores(w.member2, id, {1, 1, {{1, 80'000'000}}}),
                  ErrorKind::forbidden, "withdrawn_from_panel");
    // A withdrawn member no longer decides about the panel either.
    require_error(w.service.withdraw_member(w.member2, id, w.member3.user_id, "ill"),
                  ErrorKind::forbidden, "not_panel_member");

    // The evaluation now uses the two remaining members' scores.
    require_ok(w.service.evaluate(w.chair, id));
    auto r = w.store.read(id);
    BOOST_REQUIRE(r->evaluation.has_value());
    const evaluation::LotInput lot = comprehensive_input(
        id, r->opened_bids, {{10, 60'000'000, 90'000'000}, {12, 60'000'000, 90'000'000}});
    BOOST_TEST(r->evaluation->lots[0].result_json ==
               evaluation::to_json(evaluation::evaluate_all({lot}, 1)[0]).dump());
    require_error(w.service.withdraw_member(w.chair, id, w.chair.user_id, "late"),
                  ErrorKind::conflict, "already_evaluated");
}

BOOST_AUTO_TEST_CASE(no_one_else_brings_the_panel_down_to_one_and_a_recused_officer_never_acts) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::comprehensive, 60, 40);
    w.store.set_opening(id, t0_ms - 1000, {opened(1, 21, 1, 1000)});
    require_ok(w.service.declare(w.chair, id, true, "none"));
    require_ok(w.service.declare(w.member2, id, true, "none"));
    require_ok(w.service.declare(w.member3, id, false, "I advise bidder 21"));
    const std::string before = w.fingerprint(id);
    require_error(w.service.withdraw_member(w.member3, id, w.member2.user_id, "ill"),
                  ErrorKind::forbidden, "recused");
    require_error(w.service.withdraw_member(w.chair, id, w.member2.user_id, "ill"),
                  ErrorKind::conflict, "panel_too_small");
    BOOST_TEST(w.fingerprint(id) == before);
}

BOOST_AUTO_TEST_CASE(a_member_may_withdraw_themselves_before_scoring) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::comprehensive, 60, 40);
    w.store.set_opening(id, t0_ms - 1000, {opened(1, 21, 1, 1000)});
    require_ok(w.service.declare(w.chair, id, true, "none"));
    require_ok(w.service.declare(w.member2, id, true, "none"));
    auto withdrawn = w.service.withdraw_member(w.member2, id, w.member2.user_id, "leaving");
    require_ok(withdrawn);
    BOOST_TEST(withdrawn->withdrawn_by == w.member2.user_id);
    require_ok(w.service.submit_scores(w.chair, id, {1, 1, {{1, 60'000'000}}}));
    require_ok(w.service.evaluate(w.chair, id));
    // Published with the declarations once evaluated.
    auto published = w.service.scores(std::nullopt, id);
    require_ok(published);
    BOOST_REQUIRE(published->declarations.size() == 2);
    BOOST_TEST(published->declarations[1].withdrawal_reason == "leaving");
}

BOOST_AUTO_TEST_CASE(scores_are_sealed_from_other_members_until_the_evaluation) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::comprehensive, 60, 40);
    w.store.set_opening(id, t0_ms - 1000, {opened(1, 21, 1, 1000)});
    require_ok(w.service.declare(w.chair, id, true, "none"));
    require_ok(w.service.declare(w.member2, id, true, "none"));
    require_ok(w.service.submit_scores(w.chair, id, {1, 1, {{1, 60'000'000}}}));
    auto own = w.service.scores(w.member2, id);
    require_ok(own);
    BOOST_TEST(own->scores.empty());
    auto chair = w.service.scores(w.chair, id);
    require_ok(chair);
    BOOST_TEST(chair->scores.size() == 1);
    require_error(w.service.scores(w.outsider, id), ErrorKind::forbidden, "scores_sealed");
    require_error(w.service.scores(std::nullopt, id), ErrorKind::forbidden, "scores_sealed");
    require_ok(w.service.submit_scores(w.member2, id, {1, 1, {{1, 70'000'000}}}));
    require_ok(w.service.evaluate(w.chair, id));
    auto published = w.service.scores(std::nullopt, id);
    require_ok(published);
    BOOST_TEST(published->evaluated);
    BOOST_TEST(published->scores.size() == 2);
}

BOOST_AUTO_TEST_CASE(lowest_price_takes_no_technical_scores) {
    World w;
    const std::int64_t id = w.opened_lowest_price();
    require_ok(w.service.declare(w.chair, id, true, "none"));
    require_error(w.service.submit_scores(w.chair, id, {1, 1, {{1, 1}}}), ErrorKind::conflict,
                  "no_technical_criteria");
}

BOOST_AUTO_TEST_CASE(benchmark_price_evaluation_equals_evaluate_all) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::benchmark_price, 100, 0);
    w.store.set_opening(id, t0_ms - 1000,
                        {opened(1, 21, 1, 1000), opened(2, 22, 1, 1100), opened(3, 23, 1, 900)});
    require_ok(w.service.evaluate(w.chair, id));
    evaluation::LotInput lot = lowest_price_input(id, w.store.read(id)->opened_bids);
    lot.method = evaluation::Method::benchmark_price;
    const auto expected = evaluation::evaluate_all({lot}, 4);
    BOOST_TEST(w.store.read(id)->evaluation->lots[0].result_json ==
               evaluation::to_json(expected[0]).dump());
}

BOOST_AUTO_TEST_SUITE_END()

// Issue 16: award, decline, contract and milestone acceptance need two officers. The proposer's
// own confirmation is refused and changes nothing; another officer's executes exactly what was
// proposed, once.
BOOST_AUTO_TEST_CASE(one_officer_alone_cannot_award_decline_sign_or_accept) {
    World w;
    const std::int64_t id = w.evaluated_lowest_price();
    auto proposal = w.service.propose_award(w.chair, id, 1, AwardRequest{2, "", ""});
    require_ok(proposal);
    BOOST_TEST((proposal->state == DecisionState::proposed));
    BOOST_TEST(w.store.audit().back().action == "decision.proposed");
    std::string before = w.fingerprint(id);
    require_error(w.service.confirm(w.chair, proposal->id), ErrorKind::forbidden, "same_officer");
    BOOST_TEST(w.fingerprint(id) == before);
    auto made = w.service.confirm(w.member2, proposal->id);
    require_ok(made);
    BOOST_TEST(made->award->bid_id == 2);
    BOOST_TEST(made->award->awarded_by == w.member2.user_id);
    BOOST_TEST(made->decision.result_id == made->award->id);
    require_error(w.service.confirm(w.member3, proposal->id), ErrorKind::conflict,
                  "decision_confirmed");
    const std::int64_t award_id = made->award->id;

    // A decline, a contract and an acceptance: each refused to its proposer alone.
    auto decline = w.service.propose_decline(w.chair, award_id, "did not sign");
    require_ok(decline);
    before = w.fingerprint(id);
    require_error(w.service.confirm(w.chair, decline->id), ErrorKind::forbidden, "same_officer");
    BOOST_TEST(w.fingerprint(id) == before);
    require_ok(w.service.withdraw(w.chair, decline->id));
    w.clock.set_ms(made->award->standstill_ends_at_ms);
    auto contract = w.service.propose_contract(w.chair, award_id, {{"all", 1000}});
    require_ok(contract);
    before = w.fingerprint(id);
    require_error(w.service.confirm(w.chair, contract->id), ErrorKind::forbidden, "same_officer");
    BOOST_TEST(w.fingerprint(id) == before);
    auto signed_contract = w.service.confirm(w.member3, contract->id);
    require_ok(signed_contract);
    const std::int64_t contract_id = signed_contract->contract->id;
    auto accept = w.service.propose_acceptance(w.member3, contract_id, 1);
    require_ok(accept);
    before = w.fingerprint(id);
    require_error(w.service.confirm(w.member3, accept->id), ErrorKind::forbidden, "same_officer");
    BOOST_TEST(w.fingerprint(id) == before);
    auto accepted = w.service.confirm(w.chair, accept->id);
    require_ok(accepted);
    BOOST_TEST(*accepted->milestone->accepted_by == w.chair.user_id);
    BOOST_TEST(accepted->milestone->proposed_by.value_or(0) == w.member3.user_id);
    const auto audit = w.store.audit();
    const auto payload = nlohmann::json::parse(audit[audit.size() - 2].payload_json);
    BOOST_TEST(audit[audit.size() - 2].action == "milestone.accepted");
    BOOST_TEST(payload["proposed_by"] == w.member3.user_id);
    BOOST_TEST(payload["confirmed_by"] == w.chair.user_id);
}

// Issue 16, defect 2: before, any officer could evaluate and decide on any tender. An officer of
// another buyer now can neither evaluate, close a lot, propose, confirm nor withdraw, and
// nothing is written.
BOOST_AUTO_TEST_CASE(an_officer_of_another_buyer_takes_no_part_in_its_decisions) {
    World w;
    const std::int64_t fresh = w.make_tender(tender::EvaluationMethod::lowest_price, 100, 0);
    w.store.set_opening(fresh, t0_ms - 1000, {opened(1, 21, 1, 3000)});
    require_error(w.service.evaluate(w.elsewhere, fresh), ErrorKind::forbidden,
                  "not_buyer_officer");
    const std::int64_t id = w.evaluated_lowest_price();
    std::string before = w.fingerprint(id);
    const std::size_t events = w.store.audit().size();
    require_error(w.service.propose_award(w.elsewhere, id, 1, AwardRequest{2, "", ""}),
                  ErrorKind::forbidden, "not_buyer_officer");
    require_error(w.service.close_lot(w.elsewhere, id, 1, "Not needed"), ErrorKind::forbidden,
                  "not_buyer_officer");
    auto proposal = w.service.propose_award(w.chair, id, 1, AwardRequest{2, "", ""});
    require_ok(proposal);
    before = w.fingerprint(id);
    require_error(w.service.confirm(w.elsewhere, proposal->id), ErrorKind::forbidden,
                  "not_buyer_officer");
    require_error(w.service.withdraw(w.elsewhere, proposal->id), ErrorKind::forbidden,
                  "not_buyer_officer");
    BOOST_TEST(w.fingerprint(id) == before);
    BOOST_TEST(w.store.audit().size() == events + 1);  // the chair's proposal only
    require_ok(w.service.confirm(w.member2, proposal->id));
}

BOOST_AUTO_TEST_CASE(a_recused_officer_neither_proposes_nor_confirms) {
    World w;
    const std::int64_t id = w.make_tender(tender::EvaluationMethod::lowest_price, 100, 0);
    w.store.set_opening(id, t0_ms - 1000, {opened(1, 21, 1, 3000), opened(2, 22, 1, 1000)});
    require_ok(w.service.declare(w.member2, id, false, "my brother works for supplier 22"));
    require_ok(w.service.evaluate(w.chair, id));
    std::string before = w.fingerprint(id);
    require_error(w.service.propose_award(w.member2, id, 1,
                                          AwardRequest{2, "", "prices confirmed in writing"}),
                  ErrorKind::forbidden, "recused");
    BOOST_TEST(w.fingerprint(id) == before);
    auto proposal =
        w.service.propose_award(w.chair, id, 1, AwardRequest{2, "", "prices confirmed in writing"});
    require_ok(proposal);
    before = w.fingerprint(id);
    require_error(w.service.confirm(w.member2, proposal->id), ErrorKind::forbidden, "recused");
    require_error(w.service.withdraw(w.member2, proposal->id), ErrorKind::forbidden, "recused");
    BOOST_TEST(w.fingerprint(id) == before);
    for (const core::Caller& c : {w.supplier, w.finance, w.auditor}) {
        require_error(w.service.confirm(c, proposal->id), ErrorKind::forbidden, "forbidden");
    }
    // Auditors read proposals; suppliers do not.
    require_ok(w.service.decision(w.auditor, proposal->id));
    require_error(w.service.decisions(w.supplier, id), ErrorKind::forbidden, "forbidden");
    require_ok(w.service.confirm(w.member3, proposal->id));
}

BOOST_AUTO_TEST_CASE(a_withdrawn_proposal_cannot_be_confirmed_and_a_subject_has_one_open_proposal) {
    World w;
    const std::int64_t id = w.evaluated_lowest_price();
    auto first = w.service.propose_award(w.chair, id, 1, AwardRequest{2, "", ""});
    require_ok(first);
    const std::string before = w.fingerprint(id);
    require_error(w.service.propose_award(w.member2, id, 1, AwardRequest{3, "cheaper later", ""}),
                  ErrorKind::conflict, "decision_pending");
    // A proposal that could not be confirmed now is refused with today's code, writing nothing.
    require_error(w.service.propose_award(w.member2, id, 1, AwardRequest{3, "", ""}),
                  ErrorKind::unprocessable, "reason_required");
    BOOST_TEST(w.fingerprint(id) == before);
    auto withdrawn = w.service.withdraw(w.member2, first->id);
    require_ok(withdrawn);
    BOOST_TEST((withdrawn->state == DecisionState::withdrawn));
    BOOST_TEST(*withdrawn->decided_by == w.member2.user_id);
    BOOST_TEST(w.store.audit().back().action == "decision.withdrawn");
    require_error(w.service.confirm(w.member3, first->id), ErrorKind::conflict,
                  "decision_withdrawn");
    require_error(w.service.withdraw(w.chair, first->id), ErrorKind::conflict,
                  "decision_withdrawn");
    BOOST_TEST(w.service.get_award(1).ok() == false);
    require_error(w.service.confirm(w.member3, 999), ErrorKind::not_found, "decision_not_found");
    auto all = w.service.decisions(w.chair, id);
    require_ok(all);
    BOOST_TEST(all->size() == 1u);
}

// A declined award's deposit is forfeited by settlement (docs/settlement.md): only from a
// confirmed decline, whose reason is stored and published. A proposed decline leaves the award
// current (its deposit held) and publishes no reason yet.
BOOST_AUTO_TEST_CASE(a_decline_forfeits_nothing_until_confirmed_with_its_reason_published) {
    World w;
    const std::int64_t id = w.evaluated_lowest_price();
    auto award = w.award(w.chair, id, 1, AwardRequest{2, "", ""});
    require_ok(award);
    require_error(w.service.propose_decline(w.chair, award->id, " "), ErrorKind::unprocessable,
                  "reason_required");
    auto proposal = w.service.propose_decline(w.chair, award->id, "did not sign within 5 days");
    require_ok(proposal);
    BOOST_TEST(w.store.audit().back().payload_json.find("did not sign") == std::string::npos);
    auto still = w.service.get_award(award->id);
    require_ok(still);
    BOOST_TEST((still->state == AwardStatus::awarded));
    BOOST_TEST(!still->decline_reason.has_value());
    auto declined = w.service.confirm(w.member2, proposal->id);
    require_ok(declined);
    BOOST_TEST((declined->award->state == AwardStatus::declined));
    BOOST_TEST(*declined->award->decline_reason == "did not sign within 5 days");
    const auto audit = w.store.audit();
    BOOST_TEST(audit[audit.size() - 2].action == "award.declined");
    const auto payload = nlohmann::json::parse(audit[audit.size() - 2].payload_json);
    BOOST_TEST(payload["decline_reason"] == "did not sign within 5 days");
    BOOST_TEST(payload["proposed_by"] == w.chair.user_id);
    BOOST_TEST(payload["confirmed_by"] == w.member2.user_id);
    auto stored = w.service.get_award(award->id);
    require_ok(stored);
    BOOST_TEST(*stored->decline_reason == "did not sign within 5 days");
    BOOST_TEST(stored->decision_proposed_by.value_or(0) == w.chair.user_id);
}

BOOST_AUTO_TEST_CASE(two_racing_confirmations_execute_the_proposal_once) {
    World w;
    const std::int64_t id = w.evaluated_lowest_price();
    auto proposal = w.service.propose_award(w.chair, id, 1, AwardRequest{2, "", ""});
    require_ok(proposal);
    std::optional<core::Result<DecisionResult>> a, b;
    std::thread first([&] { a = w.service.confirm(w.member2, proposal->id); });
    std::thread second([&] { b = w.service.confirm(w.member3, proposal->id); });
    first.join();
    second.join();
    BOOST_TEST(a->ok() != b->ok());
    const auto& loser = a->ok() ? *b : *a;
    BOOST_TEST(loser.error().code == "decision_confirmed");
    auto all = w.service.tender_awards(id);
    require_ok(all);
    BOOST_TEST(all->awards.size() == 1u);
}
