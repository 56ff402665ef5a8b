// The AwardStore contract cases of contracts and their milestones, lot closures and the bounds
// of stored texts (settlement/awards/store.hpp). Listed in PROCURA_AWARD_STORE_CONTRACT_TESTS
// (tests/settlement/awards/store_contract.hpp).
#pragma once

#include <string>
#include <vector>

#include "tests/settlement/awards/store_contract_world.hpp"

namespace procura::settlement::awards::contract {

inline void a_contract_stores_its_milestones_planned(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    const Award a = award_of(t.tender_id, t.bids[1]);
    const auto [award_id, contract_id] = award_and_sign(w, a, {700, 300});
    const TenderRecords r = read(w, t.tender_id);
    BOOST_REQUIRE_EQUAL(r.contracts.size(), 1u);
    const Contract& k = r.contracts[0];
    BOOST_TEST(k.id == contract_id);
    BOOST_TEST(k.award_id == award_id);
    BOOST_TEST(k.tender_id == t.tender_id);
    BOOST_TEST(k.lot_id == 1);
    BOOST_TEST(k.supplier_id == supplier_b);
    BOOST_TEST(k.value_minor == 1000);
    BOOST_TEST(k.currency == "EUR");
    BOOST_TEST(k.signed_by == member_2);
    BOOST_TEST(k.signed_at_ms == a.standstill_ends_at_ms);
    BOOST_REQUIRE_EQUAL(k.milestones.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const Milestone& m = k.milestones[i];
        BOOST_TEST(m.id > 0);
        BOOST_TEST(m.id != 999);
        BOOST_TEST(m.contract_id == contract_id);
        BOOST_TEST(m.number == static_cast<std::int64_t>(i) + 1);
        BOOST_TEST(m.title == "Payment " + std::to_string(i + 1));
        BOOST_TEST(m.amount_minor == (i == 0 ? 700 : 300));
        BOOST_TEST(m.currency == "EUR");
        BOOST_TEST((m.state == MilestoneState::planned));
        BOOST_TEST(!m.accepted_by.has_value());
        BOOST_TEST(!m.accepted_at_ms.has_value());
    }
    BOOST_TEST(k.milestones[0].id != k.milestones[1].id);
    BOOST_TEST(**w.store().tender_of_contract(contract_id) == t.tender_id);
    BOOST_TEST(!w.store().tender_of_contract(contract_id + 1000)->has_value());
    // An award has one contract.
    const std::string before = snapshot(w, t.tender_id);
    refused(w, t.tender_id, "award_signed", [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY(tx.insert_contract(contract_of(a, award_id, {1000})));
        return {};
    });
    BOOST_TEST(snapshot(w, t.tender_id) == before);
}

inline void a_milestone_is_accepted_once(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    const std::int64_t k = award_and_sign(w, award_of(t.tender_id, t.bids[1]), {700, 300}).second;
    change(w, t.tender_id, [&](AwardTransaction& tx) {
        return tx.accept_milestone(k, 2, member_1, member_3, t0_ms + 900);
    });
    const Contract stored = read(w, t.tender_id).contracts.at(0);
    BOOST_TEST((stored.milestones[0].state == MilestoneState::planned));
    const Milestone& m = stored.milestones[1];
    BOOST_TEST((m.state == MilestoneState::accepted));
    BOOST_TEST(m.accepted_by.value_or(0) == member_3);
    BOOST_TEST(m.proposed_by.value_or(0) == member_1);
    BOOST_TEST(m.accepted_at_ms.value_or(0) == t0_ms + 900);
    // Accepted already, or no such milestone: refused.
    const std::string before = snapshot(w, t.tender_id);
    for (const auto& [contract, number] :
         {std::pair{k, std::int64_t{2}}, std::pair{k, std::int64_t{3}},
          std::pair{k + 1000, std::int64_t{1}}}) {
        refused(w, t.tender_id, "milestone_accepted", [&](AwardTransaction& tx) {
            return tx.accept_milestone(contract, number, member_2, member_1, t0_ms + 901);
        });
    }
    BOOST_TEST(snapshot(w, t.tender_id) == before);
    BOOST_TEST(read(w, t.tender_id).contracts.at(0).milestones[1].accepted_by.value_or(0) ==
               member_3);
}

// A change holds its own tender's lock only: another tender's milestones are not its to accept.
inline void a_milestone_of_another_tenders_contract_is_not_accepted(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    const OpenedTender other = open_sample(w);
    const std::int64_t k =
        award_and_sign(w, award_of(other.tender_id, other.bids[1]), {1000}).second;
    const std::string before = snapshot(w, other.tender_id);
    refused(w, t.tender_id, "milestone_accepted", [&](AwardTransaction& tx) {
        return tx.accept_milestone(k, 1, member_2, member_1, t0_ms + 5);
    });
    BOOST_TEST(snapshot(w, other.tender_id) == before);
    BOOST_TEST(
        (read(w, other.tender_id).contracts.at(0).milestones[0].state == MilestoneState::planned));
}

inline void a_lot_is_closed_once(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    const std::int64_t tid = t.tender_id;
    change(w, tid, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY(tx.insert_closure(
            LotClosure{tid, 2, "over budget", {t.bids[3].bid_id}, member_1, t0_ms + 3}));
        return tx.insert_closure(LotClosure{tid, 1, "no need", {}, member_2, t0_ms + 4});
    });
    const TenderRecords r = read(w, tid);
    BOOST_REQUIRE_EQUAL(r.closures.size(), 2u);  // ascending lot
    BOOST_TEST(r.closures[0].tender_id == tid);
    BOOST_TEST(r.closures[0].lot_id == 1);
    BOOST_TEST(r.closures[0].reason == "no need");
    BOOST_TEST(r.closures[0].skipped_bid_ids.empty());
    BOOST_TEST(r.closures[0].closed_by == member_2);
    BOOST_TEST(r.closures[0].closed_at_ms == t0_ms + 4);
    BOOST_TEST(r.closures[1].lot_id == 2);
    BOOST_TEST(r.closures[1].skipped_bid_ids == std::vector<std::int64_t>{t.bids[3].bid_id});
    const std::string before = snapshot(w, tid);
    refused(w, tid, "lot_closed", [&](AwardTransaction& tx) {
        return tx.insert_closure(LotClosure{tid, 2, "again", {}, member_1, t0_ms + 5});
    });
    BOOST_TEST(snapshot(w, tid) == before);
    BOOST_TEST(read(w, tid).closures[1].reason == "over budget");
}

// n bytes: 'x's, then a two-byte character across the bound, then more.
inline std::string across(std::size_t bound) {
    return std::string(bound - 1, 'x') + "\xc3\xa9" + std::string(10, 'y');
}

// Statements and clarifications keep at most 2000 bytes, reasons 1000, never half a character.
inline void long_texts_are_cut_to_their_columns_between_characters(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    const std::int64_t tid = t.tender_id;
    Award a = award_of(tid, t.bids[1]);
    a.skip_reason = across(1000);
    a.clarification = across(2000);
    const std::int64_t award_id = award_and_sign(w, a).first;
    Declaration withdrawal = declaration(tid, member_1, across(2000));
    change(w, tid, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY(tx.insert_declaration(withdrawal));
        withdrawal.withdrawn_at_ms = t0_ms + 1;
        withdrawal.withdrawn_by = member_2;
        withdrawal.withdrawal_reason = across(1000);
        PROCURA_TRY(tx.withdraw_member(withdrawal));
        PROCURA_TRY(tx.insert_closure(LotClosure{tid, 2, across(1000), {}, member_1, t0_ms}));
        PROCURA_TRY_ASSIGN(auto records, tx.load());
        Award declined = records.awards.at(0);
        declined.state = AwardStatus::declined;
        declined.decline_reason = across(1000);
        return tx.update_award(declined);
    });
    const TenderRecords r = read(w, tid);
    BOOST_TEST(r.awards.at(0).id == award_id);
    BOOST_TEST(r.awards.at(0).skip_reason == std::string(999, 'x'));
    BOOST_TEST(r.awards.at(0).clarification == std::string(1999, 'x'));
    BOOST_TEST(r.awards.at(0).decline_reason.value_or("") == std::string(999, 'x'));
    BOOST_TEST(r.declarations.at(0).statement == std::string(1999, 'x'));
    BOOST_TEST(r.declarations.at(0).withdrawal_reason == std::string(999, 'x'));
    BOOST_TEST(r.closures.at(0).reason == std::string(999, 'x'));
    // At the bound itself nothing is cut.
    Award exact = award_of(tid, t.bids[0], 2);
    exact.skip_reason = std::string(998, 'x') + "\xc3\xa9";
    award_and_sign(w, exact);
    BOOST_TEST(read(w, tid).awards.at(1).skip_reason == exact.skip_reason);
}

}  // namespace procura::settlement::awards::contract
