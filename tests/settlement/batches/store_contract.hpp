// The BatchStore contract (settlement/batches/store.hpp) as Boost.Test cases, run against every
// implementation: PROCURA_BATCH_STORE_CONTRACT_TESTS(make_world) expands to test cases in the
// current suite; make_world is an expression yielding std::unique_ptr<BatchWorld> over a fresh,
// empty store (evaluated once per case). The cases here read candidates and store batches; those
// of state changes, bank files, the executing guard, buyer accounts and stored texts are in
// store_contract_states.hpp.
#pragma once

#include <string>
#include <vector>

#include "tests/settlement/batches/store_contract_states.hpp"
#include "tests/settlement/batches/store_contract_world.hpp"

namespace procura::settlement::batches::contract {

// Accepted milestones up to the cut-off (inclusive), by id whatever the order of acceptance,
// each with its supplier's registration and its buyer's account as they are at the read.
inline void accepted_milestones_up_to_the_cutoff_are_candidates_by_id(BatchWorld& w) {
    const SignedContract k = w.sign_contract({100, 200, 300, 400});
    const auto& m = k.milestone_ids;
    w.accept_milestone(m[2], t0_ms + 10);
    w.accept_milestone(m[0], t0_ms + 20);
    w.accept_milestone(m[1], t0_ms + 40);  // m[3] stays planned
    PrepareInput in = candidates(w, t0_ms + 20);
    BOOST_REQUIRE_EQUAL(in.milestones.size(), 2u);
    BOOST_TEST(in.milestones[0].milestone_id == m[0]);
    BOOST_TEST(in.milestones[1].milestone_id == m[2]);
    const MilestoneCandidate& c = in.milestones[1];
    BOOST_TEST(c.contract_id == k.contract_id);
    BOOST_TEST(c.number == 3);
    BOOST_TEST(c.amount_minor == 300);
    BOOST_TEST(c.currency == "EUR");
    BOOST_TEST(c.accepted_at_ms == t0_ms + 10);
    BOOST_TEST(c.tender_id == k.tender_id);
    BOOST_TEST(c.lot_id == 1);
    BOOST_TEST(c.supplier_id == supplier_a);
    BOOST_TEST(c.buyer_id == buyer_id);
    BOOST_REQUIRE(c.supplier.has_value());
    BOOST_TEST(c.supplier->organisation_name == supplier_name(supplier_a));
    BOOST_TEST(c.supplier->iban == supplier_iban);
    BOOST_TEST(c.supplier->bic == "");
    BOOST_TEST(c.supplier->status == "approved");
    BOOST_TEST(!c.buyer_account.has_value());  // the buyer has none yet
    BOOST_TEST(candidates(w, t0_ms + 19).milestones.size() == 1u);
    BOOST_TEST(candidates(w, t0_ms + 9).milestones.empty());
    // The buyer's account, once set, comes with every milestone of the buyer's tenders.
    BuyerAccount a;
    a.buyer_id = buyer_id;
    a.name = "Town of Example";
    a.iban = buyer_iban;
    a.bic = "DEUTDEFF";
    a.updated_by = alice;
    a.updated_at_ms = t0_ms + 50;
    auto set =
        w.store().upsert_buyer_account(a, event("buyer_bank_account.set", "buyer_bank_account"));
    require_ok(set);
    in = candidates(w, t0_ms + 100);
    BOOST_REQUIRE_EQUAL(in.milestones.size(), 3u);
    for (const MilestoneCandidate& each : in.milestones) {
        BOOST_REQUIRE(each.buyer_account.has_value());
        BOOST_TEST(each.buyer_account->id == set->id);
        BOOST_TEST(each.buyer_account->name == "Town of Example");
        BOOST_TEST(each.buyer_account->iban == buyer_iban);
        BOOST_TEST(each.buyer_account->version == 1);
    }
    BOOST_TEST(in.milestones[1].milestone_id == m[1]);
}

// Deposits of active bids on a lot with an award, by bid, with the awards of those lots.
inline void deposits_on_awarded_lots_are_candidates_by_bid(BatchWorld& w) {
    const SignedContract k = w.sign_contract({1'000});
    const HeldDeposit b = w.bid_with_deposit(k.tender_id, 1, supplier_b, 500);
    const HeldDeposit c = w.bid_with_deposit(k.tender_id, 1, supplier_c, 700);
    const HeldDeposit unawarded = w.bid_with_deposit(k.tender_id, 2, supplier_b, 900);
    const PrepareInput in = candidates(w, t0_ms);
    BOOST_REQUIRE_EQUAL(in.deposits.size(), 2u);
    const DepositCandidate& d = in.deposits[0];
    BOOST_TEST(d.bid_id == b.bid_id);
    BOOST_TEST(d.tender_id == k.tender_id);
    BOOST_TEST(d.lot_id == 1);
    BOOST_TEST(d.supplier_id == supplier_b);
    BOOST_TEST(d.pending_id == b.pending_id);
    BOOST_TEST(d.amount_minor == 500);
    BOOST_TEST(d.currency == "EUR");
    BOOST_TEST(d.supplier_name == supplier_name(supplier_b));
    BOOST_TEST(d.bid_active);
    BOOST_TEST(in.deposits[1].bid_id == c.bid_id);
    BOOST_TEST(in.deposits[1].pending_id == c.pending_id);
    BOOST_TEST(in.deposits[1].amount_minor == 700);
    for (const DepositCandidate& each : in.deposits)
        BOOST_TEST(each.pending_id != unawarded.pending_id);
    BOOST_REQUIRE_EQUAL(in.awards.size(), 1u);
    const AwardFact& a = in.awards[0];
    BOOST_TEST(a.award_id == k.award_id);
    BOOST_TEST(a.tender_id == k.tender_id);
    BOOST_TEST(a.lot_id == 1);
    BOOST_TEST(a.bid_id == k.bid_id);
    BOOST_TEST(a.supplier_id == supplier_a);
    BOOST_TEST((a.state == AwardState::signed_));
    BOOST_TEST(in.releases.empty());
    BOOST_TEST(in.milestones.empty());  // planned, not accepted
}

// What a live batch holds is no candidate; a cancelled batch's items are candidates again and
// stay in it under "<key>#cancelled:<batch>", and a later batch may take them.
inline void a_live_batchs_items_are_no_candidates_until_it_is_cancelled(BatchWorld& w) {
    const SignedContract k = w.sign_contract({100, 200});
    w.accept_milestone(k.milestone_ids[0], t0_ms);
    w.accept_milestone(k.milestone_ids[1], t0_ms);
    const HeldDeposit d = w.bid_with_deposit(k.tender_id, 1, supplier_b, 500);
    const std::vector<std::string> all = candidate_keys(candidates(w, t0_ms));
    BOOST_REQUIRE_EQUAL(all.size(), 3u);
    const std::int64_t id = insert(w, prepared({payment_item(1, k, k.milestone_ids[0], 100),
                                                refund_item(2, k.tender_id, d, supplier_b)}));
    BOOST_TEST(candidate_keys(candidates(w, t0_ms)) == std::vector<std::string>{all[1]});
    require_ok(cancel(w, id));
    BOOST_TEST(candidate_keys(candidates(w, t0_ms)) == all);
    const Batch gone = find(w, id);
    BOOST_REQUIRE_EQUAL(gone.items.size(), 2u);
    const std::string suffix = "#cancelled:" + std::to_string(id);
    BOOST_TEST(gone.items[0].source_key == all[0] + suffix);
    BOOST_TEST(gone.items[1].source_key == all[2] + suffix);
    BOOST_TEST(gone.items[0].milestone_id == k.milestone_ids[0]);
    const std::int64_t again = insert(w, prepared({payment_item(1, k, k.milestone_ids[0], 100),
                                                   refund_item(2, k.tender_id, d, supplier_b)}));
    BOOST_TEST(again != id);
    BOOST_TEST(candidate_keys(candidates(w, t0_ms)) == std::vector<std::string>{all[1]});
}

// The unique source key is the last line of defence: a batch naming an item that another live
// batch holds, or one item twice, is refused as a whole with conflict "item_taken", storing
// nothing (no batch, no items, no event).
inline void a_batch_taking_a_taken_item_stores_nothing(BatchWorld& w) {
    const SignedContract k = w.sign_contract({100, 200, 300});
    for (std::int64_t m : k.milestone_ids) w.accept_milestone(m, t0_ms);
    const std::int64_t first = insert(w, prepared({payment_item(1, k, k.milestone_ids[0])}));
    const auto expect_refused = [&](const Batch& b) {
        const std::size_t events = store_events(w).size();
        auto id = w.store().insert_batch(b, event("settlement_batch.prepared", "settlement_batch"));
        require_error(id, core::ErrorKind::conflict, "item_taken");
        auto listed = w.store().list_batches(10);
        require_ok(listed);
        BOOST_REQUIRE_EQUAL(listed->size(), 1u);
        BOOST_TEST(listed->at(0).id == first);
        BOOST_TEST(store_events(w).size() == events);
        BOOST_TEST(candidates(w, t0_ms).milestones.size() == 2u);
    };
    expect_refused(
        prepared({payment_item(1, k, k.milestone_ids[1]), payment_item(2, k, k.milestone_ids[0])}));
    expect_refused(
        prepared({payment_item(1, k, k.milestone_ids[2]), payment_item(2, k, k.milestone_ids[2])}));
    // Still taken once its batch is executed: a key is taken at most once, ever.
    move(w, first, BatchState::prepared, BatchState::approved);
    move(w, first, BatchState::approved, BatchState::executing);
    require_ok(finish(w, first, {}));
    expect_refused(prepared({payment_item(1, k, k.milestone_ids[0])}));
    // The free ones are taken.
    const std::int64_t second = insert(w, prepared({payment_item(1, k, k.milestone_ids[1]),
                                                    payment_item(2, k, k.milestone_ids[2])}));
    BOOST_TEST(second > first);
    BOOST_TEST(candidates(w, t0_ms).milestones.empty());
}

// A batch reads back as it was stored: its items by number (whatever the order handed in),
// its skipped list in its order, its preparation; its event names the new id.
inline void a_batch_round_trips_with_its_items_by_number(BatchWorld& w) {
    const SignedContract k = w.sign_contract({100, 200});
    w.accept_milestone(k.milestone_ids[0], t0_ms);
    w.accept_milestone(k.milestone_ids[1], t0_ms);
    const HeldDeposit d = w.bid_with_deposit(k.tender_id, 1, supplier_b, 500);
    Item forfeit = refund_item(2, k.tender_id, d, supplier_b);
    forfeit.kind = ItemKind::forfeit;
    Item other = payment_item(3, k, k.milestone_ids[1], 200);
    other.creditor_bic = "NWBKGB2L";
    other.buyer_account_id = 7;
    Batch b = prepared({other, forfeit, payment_item(1, k, k.milestone_ids[0], 100)}, t0_ms - 5);
    b.skipped = {Skipped{"milestone:999", ItemKind::payment, supplier_c, 42, "USD",
                         "supplier_not_approved", "the supplier is not approved"},
                 Skipped{"deposit:bs:9:x", ItemKind::refund, supplier_b, 7, "EUR", "bad_iban",
                         "the IBAN fails its check"}};
    const std::size_t events = store_events(w).size();
    const std::int64_t id = insert(w, b);
    BOOST_TEST(id > 0);
    const auto all = store_events(w);
    BOOST_REQUIRE_EQUAL(all.size(), events + 1);
    BOOST_TEST(all.back().entity_id == id);
    BOOST_TEST(all.back().action == "settlement_batch.prepared");
    const Batch s = find(w, id);
    BOOST_TEST(s.id == id);
    BOOST_TEST((s.state == BatchState::prepared));
    BOOST_TEST(s.version == 1);
    BOOST_TEST(s.cutoff_ms == t0_ms - 5);
    BOOST_TEST(s.prepared_by == alice);
    BOOST_TEST(s.prepared_at_ms == t0_ms + 1);
    BOOST_TEST(s.approved_by == 0);
    BOOST_TEST(s.execute_started_by == 0);
    BOOST_TEST(s.executed_by == 0);
    BOOST_TEST(s.cancelled_by == 0);
    BOOST_TEST(s.cancel_reason == "");
    BOOST_TEST(s.item_count == 3);
    BOOST_REQUIRE_EQUAL(s.items.size(), 3u);
    BOOST_TEST((s.items[0] == b.items[2]));
    BOOST_TEST((s.items[1] == forfeit));
    BOOST_TEST((s.items[2] == other));
    BOOST_TEST((s.skipped == b.skipped));
    BOOST_TEST(s.files.empty());
    const Batch bare = find(w, id, false);
    BOOST_TEST(bare.items.empty());
    BOOST_TEST(bare.item_count == 3);
    BOOST_TEST((bare.skipped == b.skipped));
}

// Reads of a batch that does not exist find nothing; changes of it are not_found
// "batch_not_found"; its guard never holds.
inline void a_missing_batch_is_not_found(BatchWorld& w) {
    const SignedContract k = w.sign_contract({100});
    w.accept_milestone(k.milestone_ids[0], t0_ms);
    const std::int64_t id = insert(w, prepared({payment_item(1, k, k.milestone_ids[0])}));
    const std::int64_t missing = id + 1000;
    auto found = w.store().find_batch(missing, true);
    require_ok(found);
    BOOST_TEST(!found->has_value());
    auto file = w.store().find_file(missing, 1);
    require_ok(file);
    BOOST_TEST(!file->has_value());
    Batch b = find(w, id, false);
    b.id = missing;
    b.state = BatchState::approved;
    require_error(w.store().transition(missing, BatchState::prepared, b,
                                       event("settlement_batch.approved", "settlement_batch")),
                  core::ErrorKind::not_found, "batch_not_found");
    b.state = BatchState::cancelled;
    b.cancelled_by = bob;
    b.cancel_reason = "none";
    require_error(w.store().cancel_batch(b, event("settlement_batch.cancelled", "settlement_batch"),
                                         std::nullopt),
                  core::ErrorKind::not_found, "batch_not_found");
    b.state = BatchState::executed;
    require_error(w.store().finish_execution(
                      b, {}, event("settlement_batch.executed", "settlement_batch"), {}),
                  core::ErrorKind::not_found, "batch_not_found");
    const auto guard = w.store().executing_guard(missing);
    require_error(post(w.money(), {payment(w.money(), "stl:missing:1")}, guard.get()),
                  core::ErrorKind::conflict, "batch_cancelled");
    BOOST_TEST(snapshot(w, id).find("prepared v1") == 0u);
}

// The latest batches first, at most limit, without items or files, with their skipped lists.
inline void batches_are_listed_latest_first_without_items_or_files(BatchWorld& w) {
    const SignedContract k = w.sign_contract({100, 200, 300});
    for (std::int64_t m : k.milestone_ids) w.accept_milestone(m, t0_ms);
    std::vector<std::int64_t> ids;
    for (std::size_t n = 0; n < 3; ++n) {
        Batch b = prepared({payment_item(1, k, k.milestone_ids[n])});
        b.skipped = {Skipped{"milestone:" + std::to_string(900 + n), ItemKind::payment, supplier_c,
                             1, "EUR", "bad_iban", "bad"}};
        ids.push_back(insert(w, b));
    }
    move(w, ids[2], BatchState::prepared, BatchState::approved);
    move(w, ids[2], BatchState::approved, BatchState::executing);
    require_ok(finish(w, ids[2], {bank_file(1, "<Document/>")}));
    auto listed = w.store().list_batches(2);
    require_ok(listed);
    BOOST_REQUIRE_EQUAL(listed->size(), 2u);
    BOOST_TEST(listed->at(0).id == ids[2]);
    BOOST_TEST(listed->at(1).id == ids[1]);
    BOOST_TEST((listed->at(0).state == BatchState::executed));
    for (const Batch& b : *listed) {
        BOOST_TEST(b.items.empty());
        BOOST_TEST(b.files.empty());
        BOOST_TEST(b.item_count == 1);
        BOOST_REQUIRE_EQUAL(b.skipped.size(), 1u);
    }
    BOOST_TEST(listed->at(1).skipped[0].source_key == "milestone:901");
    auto all = w.store().list_batches(10);
    require_ok(all);
    BOOST_REQUIRE_EQUAL(all->size(), 3u);
    BOOST_TEST(all->at(2).id == ids[0]);
    BOOST_TEST(find(w, ids[2]).files.size() == 1u);  // find_batch does read them
}

}  // namespace procura::settlement::batches::contract

#define PROCURA_BATCH_CONTRACT_CASE(name, make_world)         \
    BOOST_AUTO_TEST_CASE(name) {                              \
        auto world = (make_world);                            \
        procura::settlement::batches::contract::name(*world); \
    }

#define PROCURA_BATCH_STORE_CONTRACT_TESTS(make_world)                                       \
    PROCURA_BATCH_CONTRACT_CASE(accepted_milestones_up_to_the_cutoff_are_candidates_by_id,   \
                                make_world)                                                  \
    PROCURA_BATCH_CONTRACT_CASE(deposits_on_awarded_lots_are_candidates_by_bid, make_world)  \
    PROCURA_BATCH_CONTRACT_CASE(a_live_batchs_items_are_no_candidates_until_it_is_cancelled, \
                                make_world)                                                  \
    PROCURA_BATCH_CONTRACT_CASE(a_batch_taking_a_taken_item_stores_nothing, make_world)      \
    PROCURA_BATCH_CONTRACT_CASE(a_batch_round_trips_with_its_items_by_number, make_world)    \
    PROCURA_BATCH_CONTRACT_CASE(a_missing_batch_is_not_found, make_world)                    \
    PROCURA_BATCH_CONTRACT_CASE(batches_are_listed_latest_first_without_items_or_files,      \
                                make_world)                                                  \
    PROCURA_BATCH_CONTRACT_CASE(a_batch_moves_only_from_its_stored_state, make_world)        \
    PROCURA_BATCH_CONTRACT_CASE(a_prepared_or_approved_batch_is_cancelled_once, make_world)  \
    PROCURA_BATCH_CONTRACT_CASE(an_executing_batch_is_cancelled_only_before_it_is_posted,    \
                                make_world)                                                  \
    PROCURA_BATCH_CONTRACT_CASE(an_execution_is_finished_once_with_its_files, make_world)    \
    PROCURA_BATCH_CONTRACT_CASE(the_executing_guard_holds_only_while_the_batch_is_executing, \
                                make_world)                                                  \
    PROCURA_BATCH_CONTRACT_CASE(a_buyer_account_is_upserted_with_a_new_version, make_world)  \
    PROCURA_BATCH_CONTRACT_CASE(texts_at_their_bounds_are_stored_whole, make_world)
