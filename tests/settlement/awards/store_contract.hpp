// The AwardStore contract (settlement/awards/store.hpp) as Boost.Test cases, run against every
// implementation: PROCURA_AWARD_STORE_CONTRACT_TESTS(make_world) expands to test cases in the
// current suite; make_world is an expression yielding std::unique_ptr<AwardWorld> over a fresh,
// empty store (evaluated once per case). The cases of contracts, milestones, closures and texts
// are in store_contract_contracts.hpp.
#pragma once

#include <string>
#include <vector>

#include "tests/settlement/awards/store_contract_contracts.hpp"
#include "tests/settlement/awards/store_contract_decisions.hpp"
#include "tests/settlement/awards/store_contract_world.hpp"

namespace procura::settlement::awards::contract {

inline void a_tender_reads_its_opening_record_and_nothing_else_yet(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    const TenderRecords r = read(w, t.tender_id);
    BOOST_TEST(r.tender_id == t.tender_id);
    BOOST_TEST(r.opened_at_ms.value_or(0) == t0_ms);
    BOOST_REQUIRE_EQUAL(r.opened_bids.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        const OpenedBid& b = r.opened_bids[i];
        BOOST_TEST(b.bid_id == t.bids[i].bid_id);
        BOOST_TEST(b.supplier_id == t.bids[i].supplier_id);
        BOOST_TEST(b.lot_id == t.bids[i].lot_id);
        BOOST_TEST(b.received_at_ms == t.bids[i].received_at_ms);
        BOOST_TEST(b.valid == t.bids[i].valid);
        BOOST_TEST(b.reason == t.bids[i].reason);
        BOOST_TEST(b.price_minor == t.bids[i].price_minor);
        BOOST_TEST(b.currency == t.bids[i].currency);
        if (i > 0) BOOST_TEST(b.bid_id > r.opened_bids[i - 1].bid_id);
    }
    BOOST_TEST(!r.evaluation.has_value());
    BOOST_TEST(r.declarations.empty());
    BOOST_TEST(r.scores.empty());
    BOOST_TEST(r.awards.empty());
    BOOST_TEST(r.contracts.empty());
    BOOST_TEST(r.closures.empty());
    const TenderRecords unopened = read(w, w.tender_without_opening());
    BOOST_TEST(!unopened.opened_at_ms.has_value());
    BOOST_TEST(unopened.opened_bids.empty());
}

inline void a_change_of_a_missing_tender_is_not_found(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    bool ran = false;
    const core::Status s =
        w.store().in_transaction(t.tender_id + 1000, [&](AwardTransaction&) -> core::Status {
            ran = true;
            return {};
        });
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST((s.error().kind == core::ErrorKind::not_found));
    BOOST_TEST(s.error().code == "tender_not_found");
    BOOST_TEST(!ran);
    // What load() would return: nothing, for a tender without records.
    const TenderRecords none = read(w, t.tender_id + 1000);
    BOOST_TEST(none.tender_id == t.tender_id + 1000);
    BOOST_TEST(!none.opened_at_ms.has_value());
    BOOST_TEST(none.awards.empty());
}

inline void a_change_commits_its_writes_and_audit_events_together(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    const std::size_t events = w.audit_events().size();
    change(w, t.tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY(tx.insert_declaration(declaration(t.tender_id, member_2)));
        PROCURA_TRY(tx.insert_declaration(declaration(t.tender_id, member_1, "none at all")));
        // The change reads its own writes.
        PROCURA_TRY_ASSIGN(auto seen, tx.load());
        BOOST_TEST(seen.declarations.size() == 2u);
        return tx.append_audit({event("evaluation.declared", "tender", t.tender_id),
                                event("evaluation.declared", "tender", t.tender_id)});
    });
    BOOST_TEST(w.audit_events().size() == events + 2);
    BOOST_TEST(w.audit_events().back().action == "evaluation.declared");
    const TenderRecords r = read(w, t.tender_id);
    BOOST_REQUIRE_EQUAL(r.declarations.size(), 2u);
    const Declaration& d = r.declarations[0];  // ascending member id
    BOOST_TEST(d.member_id == member_1);
    BOOST_TEST(d.tender_id == t.tender_id);
    BOOST_TEST(d.no_conflict);
    BOOST_TEST(d.statement == "none at all");
    BOOST_TEST(d.supplier_ids == (std::vector<core::UserId>{supplier_a, supplier_b, supplier_c}));
    BOOST_TEST(d.declared_at_ms == t0_ms + member_1);
    BOOST_TEST(!d.withdrawn_at_ms.has_value());
    BOOST_TEST(r.declarations[1].member_id == member_2);
}

inline void a_failed_change_keeps_nothing(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    award_and_sign(w, award_of(t.tender_id, t.bids[1]));
    const std::string before = snapshot(w, t.tender_id);
    const core::Status failed =
        w.store().in_transaction(t.tender_id, [&](AwardTransaction& tx) -> core::Status {
            PROCURA_TRY_ASSIGN(auto records, tx.load());
            Award declined = records.awards.at(0);
            declined.state = AwardStatus::declined;
            PROCURA_TRY(tx.update_award(declined));
            PROCURA_TRY(tx.insert_declaration(declaration(t.tender_id, member_3)));
            PROCURA_TRY(tx.append_audit({event("award.declined", "award", declined.id)}));
            return core::conflict("test_abort", "abort after writing");
        });
    BOOST_REQUIRE(!failed.ok());
    BOOST_TEST(failed.error().code == "test_abort");
    BOOST_TEST(snapshot(w, t.tender_id) == before);
}

inline void a_write_refused_by_a_unique_key_fails_the_change_even_if_ignored(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    change(w, t.tender_id, [&](AwardTransaction& tx) {
        return tx.insert_declaration(declaration(t.tender_id, member_1));
    });
    const std::string before = snapshot(w, t.tender_id);
    std::string seen_by_fn;
    const core::Status s =
        w.store().in_transaction(t.tender_id, [&](AwardTransaction& tx) -> core::Status {
            PROCURA_TRY(tx.insert_declaration(declaration(t.tender_id, member_2)));
            const core::Status again = tx.insert_declaration(declaration(t.tender_id, member_1));
            seen_by_fn = again.ok() ? "ok" : again.error().code;
            PROCURA_TRY(tx.append_audit({event("evaluation.declared", "tender", t.tender_id)}));
            return {};  // the refusal ignored
        });
    BOOST_TEST(seen_by_fn == "already_declared");
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST((s.error().kind == core::ErrorKind::conflict));
    BOOST_TEST(snapshot(w, t.tender_id) == before);
}

inline void scores_and_the_evaluation_are_stored_once_in_order(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    const std::int64_t tid = t.tender_id;
    const std::int64_t b0 = t.bids[0].bid_id;
    const std::int64_t b1 = t.bids[1].bid_id;
    change(w, tid, [&](AwardTransaction& tx) {
        return tx.insert_scores({TechnicalScore{tid, 1, b1, member_2, 1, 70'000'000, t0_ms + 1},
                                 TechnicalScore{tid, 1, b0, member_2, 1, 60'000'000, t0_ms + 2},
                                 TechnicalScore{tid, 1, b0, member_1, 1, 50'000'000, t0_ms + 3}});
    });
    Evaluation e;
    e.tender_id = tid;
    e.evaluated_by = member_1;
    e.evaluated_at_ms = t0_ms + 50;
    e.lots = {{2, "{\"lot\":2}"}, {1, "{\"lot\":1}"}};  // handed in out of order
    e.bids = {RankedBid{tid, 2, t.bids[3].bid_id, supplier_a, 1, 500, "EUR", false, 10, "{}"},
              RankedBid{tid, 1, b0, supplier_a, 2, 1200, "EUR", false, 20, "{\"b\":0}"},
              RankedBid{tid, 1, b1, supplier_b, 1, 1000, "EUR", true, 30, "{\"b\":1}"}};
    change(w, tid, [&](AwardTransaction& tx) { return tx.insert_evaluation(e); });
    const TenderRecords r = read(w, tid);
    BOOST_REQUIRE_EQUAL(r.scores.size(), 3u);  // by (bid, member, criterion)
    BOOST_TEST((r.scores[0].bid_id == b0 && r.scores[0].member_id == member_1));
    BOOST_TEST((r.scores[1].bid_id == b0 && r.scores[1].member_id == member_2));
    BOOST_TEST(r.scores[1].score_micro == 60'000'000);
    BOOST_TEST(r.scores[1].submitted_at_ms == t0_ms + 2);
    BOOST_TEST(r.scores[2].bid_id == b1);
    BOOST_REQUIRE(r.evaluation.has_value());
    BOOST_TEST(r.evaluation->evaluated_by == member_1);
    BOOST_TEST(r.evaluation->evaluated_at_ms == t0_ms + 50);
    BOOST_REQUIRE_EQUAL(r.evaluation->lots.size(), 2u);  // ascending lot
    BOOST_TEST(r.evaluation->lots[0].lot_id == 1);
    BOOST_TEST(r.evaluation->lots[0].result_json == "{\"lot\":1}");
    BOOST_REQUIRE_EQUAL(r.evaluation->bids.size(), 3u);  // by (lot, rank)
    BOOST_TEST(r.evaluation->bids[0].bid_id == b1);
    BOOST_TEST(r.evaluation->bids[0].abnormally_low);
    BOOST_TEST(r.evaluation->bids[0].total_score_micro == 30);
    BOOST_TEST(r.evaluation->bids[0].breakdown_json == "{\"b\":1}");
    BOOST_TEST(r.evaluation->bids[1].bid_id == b0);
    BOOST_TEST(r.evaluation->bids[2].lot_id == 2);
    // A second score of (bid, member, criterion), or a second evaluation, is refused.
    const std::string before = snapshot(w, tid);
    refused(w, tid, "score_locked", [&](AwardTransaction& tx) {
        return tx.insert_scores({TechnicalScore{tid, 1, b1, member_1, 1, 1, t0_ms + 4},
                                 TechnicalScore{tid, 1, b0, member_1, 1, 1, t0_ms + 4}});
    });
    refused(w, tid, "already_evaluated",
            [&](AwardTransaction& tx) { return tx.insert_evaluation(e); });
    BOOST_TEST(snapshot(w, tid) == before);
    BOOST_TEST(read(w, tid).scores.size() == 3u);
}

inline void declarations_and_withdrawals_are_stored_once(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    const std::int64_t tid = t.tender_id;
    change(w, tid, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY(tx.insert_declaration(declaration(tid, member_1)));
        return tx.insert_declaration(declaration(tid, member_2));
    });
    refused(w, tid, "already_declared", [&](AwardTransaction& tx) {
        return tx.insert_declaration(declaration(tid, member_1, "again"));
    });
    Declaration withdrawal = declaration(tid, member_2);
    withdrawal.withdrawn_at_ms = t0_ms + 9;
    withdrawal.withdrawn_by = member_1;
    withdrawal.withdrawal_reason = "on leave";
    change(w, tid, [&](AwardTransaction& tx) { return tx.withdraw_member(withdrawal); });
    const TenderRecords r = read(w, tid);
    BOOST_REQUIRE_EQUAL(r.declarations.size(), 2u);
    BOOST_TEST(!r.declarations[0].withdrawn_at_ms.has_value());
    BOOST_TEST(r.declarations[1].withdrawn_at_ms.value_or(0) == t0_ms + 9);
    BOOST_TEST(r.declarations[1].withdrawn_by == member_1);
    BOOST_TEST(r.declarations[1].withdrawal_reason == "on leave");
    BOOST_TEST(r.declarations[1].statement == "no conflict");
    // Withdrawn already, or never declared: refused.
    const std::string before = snapshot(w, tid);
    refused(w, tid, "already_withdrawn",
            [&](AwardTransaction& tx) { return tx.withdraw_member(withdrawal); });
    Declaration undeclared = withdrawal;
    undeclared.member_id = member_3;
    refused(w, tid, "already_withdrawn",
            [&](AwardTransaction& tx) { return tx.withdraw_member(undeclared); });
    BOOST_TEST(snapshot(w, tid) == before);
}

inline void an_award_round_trips_and_only_its_decision_is_updated(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    Award a = award_of(t.tender_id, t.bids[0], 2);
    a.skip_reason = "the cheaper bid was withdrawn";
    a.clarification = "explained in writing";
    a.skipped_bid_ids = {t.bids[1].bid_id};
    const std::int64_t id = award_and_sign(w, a).first;
    auto stored = read(w, t.tender_id).awards;
    BOOST_REQUIRE_EQUAL(stored.size(), 1u);
    const Award& s = stored[0];
    BOOST_TEST(s.id == id);
    BOOST_TEST(s.tender_id == t.tender_id);
    BOOST_TEST(s.lot_id == 1);
    BOOST_TEST(s.bid_id == t.bids[0].bid_id);
    BOOST_TEST(s.supplier_id == supplier_a);
    BOOST_TEST(s.value_minor == 1200);
    BOOST_TEST(s.currency == "EUR");
    BOOST_TEST(s.awarded_rank == 2);
    BOOST_TEST(s.skip_reason == a.skip_reason);
    BOOST_TEST(s.clarification == a.clarification);
    BOOST_TEST(s.skipped_bid_ids == a.skipped_bid_ids);
    BOOST_TEST((s.state == AwardStatus::awarded));
    BOOST_TEST(s.awarded_by == member_1);
    BOOST_TEST(s.awarded_at_ms == a.awarded_at_ms);
    BOOST_TEST(s.standstill_ends_at_ms == a.standstill_ends_at_ms);
    BOOST_TEST(!s.decided_by.has_value());
    BOOST_TEST(!s.decided_at_ms.has_value());
    BOOST_TEST(!s.decline_reason.has_value());
    BOOST_TEST(**w.store().tender_of_award(id) == t.tender_id);
    BOOST_TEST(!w.store().tender_of_award(id + 1000)->has_value());
    Award decided = s;
    decided.state = AwardStatus::declined;
    decided.decided_by = member_2;
    decided.decided_at_ms = t0_ms + 700;
    decided.decline_reason = "the winner declined";
    decided.value_minor = 1;  // not a decision: not written
    decided.skip_reason = "changed";
    change(w, t.tender_id, [&](AwardTransaction& tx) { return tx.update_award(decided); });
    const Award after = read(w, t.tender_id).awards.at(0);
    BOOST_TEST((after.state == AwardStatus::declined));
    BOOST_TEST(after.decided_by.value_or(0) == member_2);
    BOOST_TEST(after.decided_at_ms.value_or(0) == t0_ms + 700);
    BOOST_TEST(after.decline_reason.value_or("") == "the winner declined");
    BOOST_TEST(after.value_minor == 1200);
    BOOST_TEST(after.skip_reason == a.skip_reason);
    // The same decision written again is no change, and no error.
    change(w, t.tender_id, [&](AwardTransaction& tx) { return tx.update_award(decided); });
}

inline void a_lot_has_one_current_award_at_a_time(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    const std::int64_t tid = t.tender_id;
    const std::int64_t first = award_and_sign(w, award_of(tid, t.bids[1])).first;
    const std::string before = snapshot(w, tid);
    refused(w, tid, "lot_already_awarded", [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY(tx.insert_award(award_of(tid, t.bids[0])));
        return {};
    });
    BOOST_TEST(snapshot(w, tid) == before);
    // Another lot has its own; a declined award is no current award.
    award_and_sign(w, award_of(tid, t.bids[3]));
    Award declined = read(w, tid).awards.at(0);
    declined.state = AwardStatus::declined;
    declined.decided_by = member_1;
    declined.decided_at_ms = t0_ms + 1;
    change(w, tid, [&](AwardTransaction& tx) { return tx.update_award(declined); });
    const std::int64_t next = award_and_sign(w, award_of(tid, t.bids[0], 2)).first;
    BOOST_TEST(next != first);
    // The declined award cannot become current again beside the next one.
    Award revived = declined;
    revived.state = AwardStatus::awarded;
    const std::string later = snapshot(w, tid);
    refused(w, tid, "lot_already_awarded",
            [&](AwardTransaction& tx) { return tx.update_award(revived); });
    BOOST_TEST(snapshot(w, tid) == later);
}

inline void an_award_of_another_tender_is_not_found_for_update(AwardWorld& w) {
    const OpenedTender t = open_sample(w);
    const OpenedTender other = open_sample(w);
    const std::int64_t id = award_and_sign(w, award_of(other.tender_id, other.bids[1])).first;
    Award a = read(w, other.tender_id).awards.at(0);
    a.state = AwardStatus::declined;
    const core::Status s = w.store().in_transaction(
        t.tender_id, [&](AwardTransaction& tx) { return tx.update_award(a); });
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST((s.error().kind == core::ErrorKind::not_found));
    BOOST_TEST(s.error().code == "award_not_found");
    a.id = id + 1000;
    BOOST_TEST(w.store()
                   .in_transaction(other.tender_id,
                                   [&](AwardTransaction& tx) { return tx.update_award(a); })
                   .error()
                   .code == "award_not_found");
    BOOST_TEST((read(w, other.tender_id).awards.at(0).state == AwardStatus::awarded));
}

}  // namespace procura::settlement::awards::contract

#define PROCURA_AWARD_CONTRACT_CASE(name, make_world)        \
    BOOST_AUTO_TEST_CASE(name) {                             \
        auto world = (make_world);                           \
        procura::settlement::awards::contract::name(*world); \
    }

#define PROCURA_AWARD_STORE_CONTRACT_TESTS(make_world)                                             \
    PROCURA_AWARD_CONTRACT_CASE(a_tender_reads_its_opening_record_and_nothing_else_yet,            \
                                make_world)                                                        \
    PROCURA_AWARD_CONTRACT_CASE(a_change_of_a_missing_tender_is_not_found, make_world)             \
    PROCURA_AWARD_CONTRACT_CASE(a_change_commits_its_writes_and_audit_events_together, make_world) \
    PROCURA_AWARD_CONTRACT_CASE(a_failed_change_keeps_nothing, make_world)                         \
    PROCURA_AWARD_CONTRACT_CASE(a_write_refused_by_a_unique_key_fails_the_change_even_if_ignored,  \
                                make_world)                                                        \
    PROCURA_AWARD_CONTRACT_CASE(scores_and_the_evaluation_are_stored_once_in_order, make_world)    \
    PROCURA_AWARD_CONTRACT_CASE(declarations_and_withdrawals_are_stored_once, make_world)          \
    PROCURA_AWARD_CONTRACT_CASE(an_award_round_trips_and_only_its_decision_is_updated, make_world) \
    PROCURA_AWARD_CONTRACT_CASE(a_lot_has_one_current_award_at_a_time, make_world)                 \
    PROCURA_AWARD_CONTRACT_CASE(an_award_of_another_tender_is_not_found_for_update, make_world)    \
    PROCURA_AWARD_CONTRACT_CASE(a_contract_stores_its_milestones_planned, make_world)              \
    PROCURA_AWARD_CONTRACT_CASE(a_milestone_is_accepted_once, make_world)                          \
    PROCURA_AWARD_CONTRACT_CASE(a_milestone_of_another_tenders_contract_is_not_accepted,           \
                                make_world)                                                        \
    PROCURA_AWARD_CONTRACT_CASE(a_lot_is_closed_once, make_world)                                  \
    PROCURA_AWARD_CONTRACT_CASE(long_texts_are_cut_to_their_columns_between_characters,            \
                                make_world)                                                        \
    PROCURA_AWARD_CONTRACT_CASE(a_decision_round_trips_with_its_input_and_is_decided_once,         \
                                make_world)
