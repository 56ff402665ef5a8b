// The BatchStore contract cases of state changes (transition, cancel_batch, finish_execution),
// the executing guard, buyer accounts and the bounds of stored texts
// (settlement/batches/store.hpp). Listed in PROCURA_BATCH_STORE_CONTRACT_TESTS
// (tests/settlement/batches/store_contract.hpp).
#pragma once

#include <string>
#include <vector>

#include "tests/settlement/batches/store_contract_world.hpp"

namespace procura::settlement::batches::contract {

// A prepared batch of one accepted milestone of a new contract; returns its id.
inline std::int64_t one_batch(BatchWorld& w) {
    const SignedContract k = w.sign_contract({100});
    w.accept_milestone(k.milestone_ids[0], t0_ms);
    return insert(w, prepared({payment_item(1, k, k.milestone_ids[0])}));
}

// prepared -> approved -> executing, each only from the state the caller read: otherwise
// conflict "stale_state", and nothing changes.
inline void a_batch_moves_only_from_its_stored_state(BatchWorld& w) {
    const std::int64_t id = one_batch(w);
    const std::size_t events = store_events(w).size();
    move(w, id, BatchState::prepared, BatchState::approved);
    Batch b = find(w, id);
    BOOST_TEST((b.state == BatchState::approved));
    BOOST_TEST(b.version == 2);
    BOOST_TEST(b.approved_by == bob);
    BOOST_TEST(b.approved_at_ms == t0_ms + 10);
    BOOST_TEST(b.execute_started_by == 0);
    BOOST_REQUIRE_EQUAL(store_events(w).size(), events + 1);
    BOOST_TEST(store_events(w).back().action == "settlement_batch.moved");
    BOOST_TEST(store_events(w).back().entity_id == id);
    // A second approval read the batch prepared: stale.
    const std::string before = snapshot(w, id);
    Batch again = b;
    again.approved_by = alice;
    again.version = 3;
    require_error(w.store().transition(id, BatchState::prepared, again,
                                       event("settlement_batch.approved", "settlement_batch", id)),
                  core::ErrorKind::conflict, "stale_state");
    require_error(w.store().transition(id, BatchState::executing, again,
                                       event("settlement_batch.approved", "settlement_batch", id)),
                  core::ErrorKind::conflict, "stale_state");
    BOOST_TEST(snapshot(w, id) == before);
    move(w, id, BatchState::approved, BatchState::executing);
    b = find(w, id);
    BOOST_TEST((b.state == BatchState::executing));
    BOOST_TEST(b.version == 3);
    BOOST_TEST(b.approved_by == bob);
    BOOST_TEST(b.execute_started_by == alice);
    BOOST_TEST(b.execute_started_at_ms == t0_ms + 20);
    // Executed and cancelled batches move no more.
    require_ok(finish(w, id, {}));
    const std::string executed = snapshot(w, id);
    for (BatchState from : {BatchState::approved, BatchState::executing}) {
        require_error(w.store().transition(id, from, b, event("x.moved", "settlement_batch", id)),
                      core::ErrorKind::conflict, "stale_state");
    }
    BOOST_TEST(snapshot(w, id) == executed);
}

// cancel_batch takes a prepared or an approved batch, with who, when, why and its version;
// any other state is conflict "stale_state" (an executing one without first_transfer too).
inline void a_prepared_or_approved_batch_is_cancelled_once(BatchWorld& w) {
    const std::int64_t prepared_id = one_batch(w);
    const std::int64_t approved_id = one_batch(w);
    move(w, approved_id, BatchState::prepared, BatchState::approved);
    const std::size_t events = store_events(w).size();
    require_ok(cancel(w, prepared_id));
    require_ok(cancel(w, approved_id, std::nullopt, "the buyer asked"));
    BOOST_TEST(store_events(w).size() == events + 2);
    BOOST_TEST(store_events(w).back().action == "settlement_batch.cancelled");
    const Batch b = find(w, approved_id);
    BOOST_TEST((b.state == BatchState::cancelled));
    BOOST_TEST(b.version == 3);
    BOOST_TEST(b.cancelled_by == bob);
    BOOST_TEST(b.cancelled_at_ms == t0_ms + 30);
    BOOST_TEST(b.cancel_reason == "the buyer asked");
    BOOST_TEST(b.approved_by == bob);
    BOOST_TEST(find(w, prepared_id).cancel_reason == "wrong cut-off");
    // Cancelled already: stale.
    const std::string before = snapshot(w, approved_id);
    require_error(cancel(w, approved_id, std::nullopt, "again"), core::ErrorKind::conflict,
                  "stale_state");
    BOOST_TEST(snapshot(w, approved_id) == before);
    // Executing, without a first transfer to look for; executed, with or without one.
    const std::int64_t executing_id = one_batch(w);
    move(w, executing_id, BatchState::prepared, BatchState::approved);
    move(w, executing_id, BatchState::approved, BatchState::executing);
    const std::string executing = snapshot(w, executing_id);
    require_error(cancel(w, executing_id), core::ErrorKind::conflict, "stale_state");
    BOOST_TEST(snapshot(w, executing_id) == executing);
    require_ok(finish(w, executing_id, {}));
    const std::string executed = snapshot(w, executing_id);
    require_error(cancel(w, executing_id), core::ErrorKind::conflict, "stale_state");
    require_error(cancel(w, executing_id, rules::transfer_id(executing_id, 1)),
                  core::ErrorKind::conflict, "stale_state");
    BOOST_TEST(snapshot(w, executing_id) == executed);
}

// An executing batch is cancelled only if the ledger holds no transfer first_transfer
// (checked by the store itself): otherwise conflict "batch_posted", and it stays executing.
inline void an_executing_batch_is_cancelled_only_before_it_is_posted(BatchWorld& w) {
    const std::int64_t unposted = one_batch(w);
    const std::int64_t posted = one_batch(w);
    for (std::int64_t id : {unposted, posted}) {
        move(w, id, BatchState::prepared, BatchState::approved);
        move(w, id, BatchState::approved, BatchState::executing);
    }
    require_ok(post(w.money(), {payment(w.money(), rules::transfer_id(posted, 1))}));
    const std::string before = snapshot(w, posted);
    require_error(cancel(w, posted, rules::transfer_id(posted, 1)), core::ErrorKind::conflict,
                  "batch_posted");
    BOOST_TEST(snapshot(w, posted) == before);
    require_ok(cancel(w, unposted, rules::transfer_id(unposted, 1), "stopped before posting"));
    const Batch b = find(w, unposted);
    BOOST_TEST((b.state == BatchState::cancelled));
    BOOST_TEST(b.cancel_reason == "stopped before posting");
    BOOST_TEST(b.execute_started_by == alice);
    BOOST_TEST(b.items.at(0).source_key.find("#cancelled:") != std::string::npos);
}

// finish_execution stores the files and the executed state of an executing batch, one event
// per file naming the file's row and then the batch's; a second finish changes nothing and
// returns false; any other state is conflict "stale_state". Files read back by number.
inline void an_execution_is_finished_once_with_its_files(BatchWorld& w) {
    const std::int64_t id = one_batch(w);
    require_error(finish(w, id, {bank_file(1, "<early/>")}), core::ErrorKind::conflict,
                  "stale_state");
    move(w, id, BatchState::prepared, BatchState::approved);
    require_error(finish(w, id, {bank_file(1, "<early/>")}), core::ErrorKind::conflict,
                  "stale_state");
    BOOST_TEST(find(w, id).files.empty());
    move(w, id, BatchState::approved, BatchState::executing);
    const std::size_t events = store_events(w).size();
    const std::string xml2 = "<Document n=\"2\">\xc3\xa9</Document>";
    const std::string xml1 = "<Document n=\"1\"/>";
    auto finished = finish(w, id, {bank_file(2, xml2), bank_file(1, xml1)});
    require_ok(finished);
    BOOST_TEST(*finished);
    const Batch b = find(w, id);
    BOOST_TEST((b.state == BatchState::executed));
    BOOST_TEST(b.version == 4);
    BOOST_TEST(b.executed_by == alice);
    BOOST_TEST(b.executed_at_ms == t0_ms + 40);
    BOOST_REQUIRE_EQUAL(b.files.size(), 2u);
    BOOST_TEST(b.files[0].number == 1);
    BOOST_TEST(b.files[1].number == 2);
    const BankFile want = bank_file(2, xml2);
    BOOST_TEST(b.files[1].buyer_account_id == want.buyer_account_id);
    BOOST_TEST(b.files[1].currency == want.currency);
    BOOST_TEST(b.files[1].message_id == want.message_id);
    BOOST_TEST(b.files[1].payment_count == want.payment_count);
    BOOST_TEST(b.files[1].control_sum_minor == want.control_sum_minor);
    BOOST_TEST(b.files[1].sha256_hex == want.sha256_hex);
    for (const BankFile& f : b.files) BOOST_TEST(f.xml.empty());
    auto file = w.store().find_file(id, 2);
    require_ok(file);
    BOOST_REQUIRE(file->has_value());
    BOOST_TEST((*file)->xml == xml2);
    BOOST_TEST((*file)->message_id == want.message_id);
    BOOST_TEST(w.store().find_file(id, 1)->value().xml == xml1);
    BOOST_TEST(!w.store().find_file(id, 3)->has_value());
    const auto all = store_events(w);
    BOOST_REQUIRE_EQUAL(all.size(), events + 3);
    const core::AuditEvent& f2 = all[events];
    const core::AuditEvent& f1 = all[events + 1];
    BOOST_TEST(f2.entity_type == "settlement_file");
    BOOST_TEST(f2.entity_id > 0);
    BOOST_TEST(f1.entity_id > 0);
    BOOST_TEST(f1.entity_id != f2.entity_id);
    BOOST_TEST(all.back().action == "settlement_batch.executed");
    BOOST_TEST(all.back().entity_id == id);
    // A racing execution finished first: nothing more.
    const std::string before = snapshot(w, id);
    auto second = finish(w, id, {bank_file(3, "<late/>")});
    require_ok(second);
    BOOST_TEST(!*second);
    BOOST_TEST(snapshot(w, id) == before);
    BOOST_TEST(!w.store().find_file(id, 3)->has_value());
}

// Checked inside a posting's transaction, the guard lets it post only while the batch is
// executing; otherwise the posting is refused with conflict "batch_cancelled" and nothing of
// it is written.
inline void the_executing_guard_holds_only_while_the_batch_is_executing(BatchWorld& w) {
    const std::int64_t id = one_batch(w);
    const auto guard = w.store().executing_guard(id);
    const auto refused = [&](const std::string& transfer) {
        require_error(post(w.money(), {payment(w.money(), transfer)}, guard.get()),
                      core::ErrorKind::conflict, "batch_cancelled");
        auto found = w.money().find_transfer(transfer);
        require_ok(found);
        BOOST_TEST(!found->has_value());
    };
    refused("stl:guard:prepared");
    move(w, id, BatchState::prepared, BatchState::approved);
    refused("stl:guard:approved");
    move(w, id, BatchState::approved, BatchState::executing);
    auto posted = post(w.money(), {payment(w.money(), "stl:guard:executing")}, guard.get());
    require_ok(posted);
    BOOST_TEST((posted->at(0).status == money::TransferStatus::created));
    require_ok(finish(w, id, {}));
    refused("stl:guard:executed");
    // Cancelled during its execution, before posting.
    const std::int64_t stopped = one_batch(w);
    move(w, stopped, BatchState::prepared, BatchState::approved);
    move(w, stopped, BatchState::approved, BatchState::executing);
    const auto stopped_guard = w.store().executing_guard(stopped);
    require_ok(cancel(w, stopped, rules::transfer_id(stopped, 1)));
    require_error(
        post(w.money(), {payment(w.money(), rules::transfer_id(stopped, 1))}, stopped_guard.get()),
        core::ErrorKind::conflict, "batch_cancelled");
    BOOST_TEST(!w.money().find_transfer(rules::transfer_id(stopped, 1))->has_value());
}

// A buyer has one account: set again, it keeps its id, takes the new details and the next
// version; its event names the account and that version. Listed by buyer id.
inline void a_buyer_account_is_upserted_with_a_new_version(BatchWorld& w) {
    const auto set = [&](const std::string& buyer, const std::string& name) {
        BuyerAccount a;
        a.buyer_id = buyer;
        a.name = name;
        a.iban = buyer_iban;
        a.bic = name.size() > 5 ? "DEUTDEFF" : "";
        a.updated_by = bob;
        a.updated_at_ms = t0_ms + static_cast<std::int64_t>(name.size());
        auto stored = w.store().upsert_buyer_account(
            a, event("buyer_bank_account.set", "buyer_bank_account", 0, 0));
        require_ok(stored);
        const core::AuditEvent e = store_events(w).back();
        BOOST_TEST(e.entity_id == stored->id);
        BOOST_TEST(e.entity_version == stored->version);
        return *stored;
    };
    const BuyerAccount city = set("CITY-2", "City");
    const BuyerAccount town = set(buyer_id, "Town");
    BOOST_TEST(city.id != town.id);
    BOOST_TEST(city.version == 1);
    BOOST_TEST(city.name == "City");
    const BuyerAccount renamed = set("CITY-2", "City of Example");
    BOOST_TEST(renamed.id == city.id);
    BOOST_TEST(renamed.version == 2);
    BOOST_TEST(renamed.name == "City of Example");
    BOOST_TEST(renamed.bic == "DEUTDEFF");
    BOOST_TEST(renamed.updated_by == bob);
    BOOST_TEST(renamed.updated_at_ms == t0_ms + 15);
    auto listed = w.store().list_buyer_accounts();
    require_ok(listed);
    BOOST_REQUIRE_EQUAL(listed->size(), 2u);
    BOOST_TEST(listed->at(0).buyer_id == "CITY-2");
    BOOST_TEST(listed->at(0).name == "City of Example");
    BOOST_TEST(listed->at(0).version == 2);
    BOOST_TEST(listed->at(1).buyer_id == buyer_id);
    BOOST_TEST(listed->at(1).id == town.id);
}

// n characters of a two-byte letter.
inline std::string letters(std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += "\xc3\xbc";
    return out;
}

// The longest texts the rules let through are stored whole: names and remittances of 140
// characters (party_name_chars_max, remittance_chars_max), creditor names of 200, a cancel
// reason of 1,000 bytes, skipped reasons of any length.
inline void texts_at_their_bounds_are_stored_whole(BatchWorld& w) {
    const SignedContract k = w.sign_contract({100});
    w.accept_milestone(k.milestone_ids[0], t0_ms);
    Item i = payment_item(1, k, k.milestone_ids[0]);
    i.debtor_name = letters(party_name_chars_max);
    i.creditor_name = letters(200);
    i.remittance = letters(remittance_chars_max);
    Batch b = prepared({i});
    b.skipped = {Skipped{"milestone:1", ItemKind::payment, supplier_b, 1, "EUR", "bad_iban",
                         letters(5'000) + "\"quoted\" \\ \n"}};
    const std::int64_t id = insert(w, b);
    const std::string reason = std::string(1'000 - 4, 'r') + "\xf0\x9f\x92\xb6";
    require_ok(cancel(w, id, std::nullopt, reason));
    const Batch s = find(w, id);
    BOOST_REQUIRE_EQUAL(s.items.size(), 1u);
    BOOST_TEST(s.items[0].debtor_name == i.debtor_name);
    BOOST_TEST(s.items[0].creditor_name == i.creditor_name);
    BOOST_TEST(s.items[0].remittance == i.remittance);
    BOOST_TEST((s.skipped == b.skipped));
    BOOST_TEST(s.cancel_reason == reason);
}

}  // namespace procura::settlement::batches::contract
