// The AwardStore contract's cases of four-eyes decisions (award_decisions): a proposal round
// trips with its input, one proposed decision per subject, a decided one is final. Part of
// store_contract.hpp, run on the fake and on MariaDB.
#pragma once

#include <string>
#include <vector>

#include "tests/settlement/awards/store_contract_world.hpp"

namespace procura::settlement::awards::contract {

inline Decision proposal(std::int64_t tender_id, DecisionKind kind, std::int64_t subject_id) {
    Decision d;
    d.tender_id = tender_id;
    d.kind = kind;
    d.subject_id = subject_id;
    d.proposed_by = member_1;
    d.proposed_at_ms = t0_ms + 50;
    return d;
}

inline void a_decision_round_trips_with_its_input_and_is_decided_once(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    Decision award = proposal(t.tender_id, DecisionKind::award, 1);
    award.award = AwardRequest{t.bids[0].bid_id, "cheaper bid debarred", "prices confirmed"};
    Decision contract = proposal(t.tender_id, DecisionKind::contract, 7);
    contract.milestones = {{"Delivery", 700}, {"Rest, \u00e9t\u00e9", 300}};
    Decision milestone = proposal(t.tender_id, DecisionKind::milestone, 5);
    milestone.milestone_number = 2;
    Decision decline = proposal(t.tender_id, DecisionKind::decline, 7);
    decline.reason = "did not sign";
    std::vector<std::int64_t> ids;
    change(w, t.tender_id, [&](AwardTransaction& tx) -> core::Status {
        for (const Decision* d : {&award, &contract, &milestone, &decline}) {
            PROCURA_TRY_ASSIGN(auto id, tx.insert_decision(*d));
            ids.push_back(id);
        }
        return {};
    });
    TenderRecords r = read(w, t.tender_id);
    BOOST_REQUIRE_EQUAL(r.decisions.size(), 4u);
    const Decision& a = r.decisions[0];
    BOOST_TEST(a.id == ids[0]);
    BOOST_TEST((a.kind == DecisionKind::award));
    BOOST_TEST(a.subject_id == 1);
    BOOST_TEST(a.award.bid_id == t.bids[0].bid_id);
    BOOST_TEST(a.award.reason == "cheaper bid debarred");
    BOOST_TEST(a.award.clarification == "prices confirmed");
    BOOST_TEST((a.state == DecisionState::proposed));
    BOOST_TEST(a.proposed_by == member_1);
    BOOST_TEST(a.proposed_at_ms == t0_ms + 50);
    BOOST_TEST(!a.decided_by.has_value());
    BOOST_REQUIRE_EQUAL(r.decisions[1].milestones.size(), 2u);
    BOOST_TEST(r.decisions[1].milestones[1].title == "Rest, \u00e9t\u00e9");
    BOOST_TEST(r.decisions[1].milestones[1].amount_minor == 300);
    BOOST_TEST(r.decisions[2].milestone_number == 2);
    BOOST_TEST(r.decisions[3].reason == "did not sign");
    BOOST_TEST(r.decisions[3].award.reason.empty());

    // One proposed decision per subject: a second on the award's lot is refused, one on the
    // award's contract (another kind) is not.
    refused(w, t.tender_id, "decision_pending", [&](AwardTransaction& tx) -> core::Status {
        return tx.insert_decision(proposal(t.tender_id, DecisionKind::award, 1)).error();
    });
    // Confirmed once; then final.
    Decision confirmed = r.decisions[0];
    confirmed.state = DecisionState::confirmed;
    confirmed.decided_by = member_2;
    confirmed.decided_at_ms = t0_ms + 60;
    confirmed.result_id = 42;
    change(w, t.tender_id, [&](AwardTransaction& tx) { return tx.update_decision(confirmed); });
    refused(w, t.tender_id, "decision_decided",
            [&](AwardTransaction& tx) { return tx.update_decision(confirmed); });
    r = read(w, t.tender_id);
    BOOST_TEST((r.decisions[0].state == DecisionState::confirmed));
    BOOST_TEST(r.decisions[0].decided_by.value_or(0) == member_2);
    BOOST_TEST(r.decisions[0].decided_at_ms.value_or(0) == t0_ms + 60);
    BOOST_TEST(r.decisions[0].result_id == 42);
    // The subject is free again once its decision is decided.
    change(w, t.tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY(tx.insert_decision(proposal(t.tender_id, DecisionKind::award, 1)));
        return {};
    });
    auto tender = w.store().tender_of_decision(ids[2]);
    require_ok(tender);
    BOOST_TEST(tender->value_or(0) == t.tender_id);
    auto none = w.store().tender_of_decision(ids[0] + 1000);
    require_ok(none);
    BOOST_TEST(!none->has_value());
}

}  // namespace procura::settlement::awards::contract
