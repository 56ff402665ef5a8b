// The BidStore contract cases of the reads (by id, hash, hashes, active key, tender, any bid), of
// withdraw_bid, of the opening key and of the opening record (bidding/store.hpp). Listed in
// PROCURA_BID_STORE_CONTRACT_TESTS (tests/bidding/store_contract.hpp).
#pragma once

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/hash.hpp"
#include "tests/bidding/store_contract_world.hpp"

namespace procura::bidding::contract {

inline void a_bid_is_found_by_its_hash_without_its_body(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const std::int64_t other = publish(w);
    const Bid a = insert_one(w, bid(tender, supplier_a, 1, "body a"));
    insert_one(w, bid(other, supplier_a, 1, "body b"));
    auto found = w.store().find_bid_by_hash(tender, a.sha256_hex);
    require_ok(found);
    BOOST_REQUIRE(found->has_value());
    BOOST_TEST((*found)->id == a.id);
    BOOST_TEST((*found)->body.empty());
    BOOST_TEST((*found)->timestamp_token == a.timestamp_token);
    BOOST_TEST((*found)->security_transfer_id == a.security_transfer_id);
    BOOST_TEST((*found)->salt_hex == a.salt_hex);
    // Another tender's body is no match; nor is an unknown hash.
    auto elsewhere = w.store().find_bid_by_hash(tender, sha256_hex_of("body b"));
    require_ok(elsewhere);
    BOOST_TEST(!elsewhere->has_value());
    auto unknown = w.store().find_bid_by_hash(tender, sha256_hex_of("never sent"));
    require_ok(unknown);
    BOOST_TEST(!unknown->has_value());
}

inline void bids_are_found_by_several_hashes_in_one_read(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const std::int64_t other = publish(w);
    const Bid a = insert_one(w, bid(tender, supplier_a, 1, "a"));
    insert_one(w, bid(tender, supplier_a, 1, "a replaced"));  // a is replaced: still found
    const Bid b = insert_one(w, bid(other, supplier_b, 1, "b"));
    auto found = w.store().find_bids_by_hashes({{tender, sha256_hex_of("a")},
                                                {tender, sha256_hex_of("b")},
                                                {other, sha256_hex_of("b")},
                                                {other, sha256_hex_of("never sent")}});
    require_ok(found);
    BOOST_REQUIRE_EQUAL(found->size(), 2u);
    std::set<std::int64_t> ids;
    for (const Bid& f : *found) {
        ids.insert(f.id);
        BOOST_TEST(f.body.empty());
    }
    BOOST_TEST((ids == std::set<std::int64_t>{a.id, b.id}));
    auto none = w.store().find_bids_by_hashes({});
    require_ok(none);
    BOOST_TEST(none->empty());
}

inline void a_hash_that_is_not_lower_case_hex_is_refused(BidWorld& w) {
    const std::int64_t tender = publish(w);
    insert_one(w, bid(tender, supplier_a, 1, "a"));
    std::string upper = sha256_hex_of("a");
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const std::string& bad :
         {std::string(63, 'a') + "'", upper, std::string(63, 'a'), std::string(65, 'a')}) {
        auto refused = w.store().find_bids_by_hashes({{tender, sha256_hex_of("a")}, {tender, bad}});
        BOOST_REQUIRE(!refused.ok());
        BOOST_TEST((refused.error().kind == core::ErrorKind::bad_request));
        BOOST_TEST(refused.error().code == "bad_hash");
    }
}

inline void active_bids_are_found_by_their_keys(BidWorld& w) {
    const std::int64_t tender = publish(w);
    insert_one(w, bid(tender, supplier_a, 1, "a1"));
    const Bid a2 = insert_one(w, bid(tender, supplier_a, 1, "a2"));
    const Bid b = insert_one(w, bid(tender, supplier_b, 2, "b"));
    const Bid c = insert_one(w, bid(tender, supplier_c, 1, "c"));
    BOOST_REQUIRE(
        w.store().withdraw_bid(c.id, t0_ms + 1, event("bid.withdrawn", "bid", c.id)).ok());
    auto found = w.store().find_active_bids({{tender, supplier_a, 1},
                                             {tender, supplier_b, 2},
                                             {tender, supplier_b, 1},
                                             {tender, supplier_c, 1},
                                             {tender + 1, supplier_a, 1}});
    require_ok(found);
    BOOST_REQUIRE_EQUAL(found->size(), 2u);
    std::set<std::int64_t> ids;
    for (const Bid& f : *found) {
        ids.insert(f.id);
        BOOST_TEST(f.body.empty());
        BOOST_TEST((f.state == BidState::active));
    }
    BOOST_TEST((ids == std::set<std::int64_t>{a2.id, b.id}));
    auto none = w.store().find_active_bids({});
    require_ok(none);
    BOOST_TEST(none->empty());
}

inline void only_an_active_bid_is_withdrawn(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const Bid v1 = insert_one(w, bid(tender, supplier_a, 1, "v1"));
    const Bid v2 = insert_one(w, bid(tender, supplier_a, 1, "v2"));
    const std::size_t events = w.audit_events().size();
    BOOST_REQUIRE(
        w.store().withdraw_bid(v2.id, t0_ms + 5, event("bid.withdrawn", "bid", v2.id)).ok());
    const Bid withdrawn = find(w, v2.id);
    BOOST_TEST((withdrawn.state == BidState::withdrawn));
    BOOST_TEST(withdrawn.body.empty());  // its hash and receipt stay, its body goes
    BOOST_TEST(withdrawn.timestamp_token == v2.timestamp_token);
    BOOST_REQUIRE(withdrawn.withdrawn_at_ms.has_value());
    BOOST_TEST(*withdrawn.withdrawn_at_ms == t0_ms + 5);
    const std::vector<core::StoredAuditEvent> after = w.audit_events();
    BOOST_REQUIRE_EQUAL(after.size(), events + 1);
    BOOST_TEST(after.back().event.action == "bid.withdrawn");
    BOOST_TEST(after.back().event.entity_id == v2.id);
    // Withdrawn already, replaced, or unknown: refused, and nothing is written.
    const std::string before = snapshot(w, {tender});
    for (std::int64_t id : {v2.id, v1.id, v2.id + 1000}) {
        const core::Status refused =
            w.store().withdraw_bid(id, t0_ms + 6, event("bid.withdrawn", "bid", id));
        BOOST_REQUIRE(!refused.ok());
        BOOST_TEST((refused.error().kind == core::ErrorKind::conflict));
        BOOST_TEST(refused.error().code == "not_active");
    }
    BOOST_TEST(snapshot(w, {tender}) == before);
    BOOST_TEST(*find(w, v2.id).withdrawn_at_ms == t0_ms + 5);
}

// Issue 16, defect 6: a withdrawal was checked against the deadline the service read before
// the store's transaction, with no lock, so one racing the deadline, an amendment or the opening
// could land after them. It is now judged under the tender row's lock by the tender as it is.
inline void a_withdrawal_is_judged_by_the_tender_as_it_is_when_it_commits(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const std::int64_t called_off = publish(w);
    const Bid a = insert_one(w, bid(tender, supplier_a, 1, "a"));
    const Bid b = insert_one(w, bid(tender, supplier_b, 1, "b"));
    const Bid c = insert_one(w, bid(tender, supplier_c, 2, "c"));
    const Bid gone = insert_one(w, bid(called_off, supplier_a, 1, "gone"));
    cancel(w, called_off);
    const std::string before = snapshot(w, {tender, called_off});
    const auto refused = [&](const Bid& x, std::int64_t at_ms, const char* code) {
        const core::Status status =
            w.store().withdraw_bid(x.id, at_ms, event("bid.withdrawn", "bid", x.id));
        BOOST_REQUIRE(!status.ok());
        BOOST_TEST((status.error().kind == core::ErrorKind::conflict));
        BOOST_TEST(status.error().code == code);
    };
    refused(a, deadline_ms, "submission_closed");  // at the deadline: too late
    refused(gone, t0_ms, "tender_cancelled");
    BOOST_TEST(snapshot(w, {tender, called_off}) == before);
    // One millisecond before it: withdrawn. After an extension, what was late is in time.
    require_ok(w.store().withdraw_bid(a.id, deadline_ms - 1, event("bid.withdrawn", "bid", a.id)));
    change_tender(w, tender,
                  [](tender::Tender& t) { t.submission_deadline_ms = deadline_ms + 10; });
    require_ok(w.store().withdraw_bid(b.id, deadline_ms, event("bid.withdrawn", "bid", b.id)));
    // The opening reads the bids as they are when it commits: d, withdrawn, is not in it.
    const Bid d = insert_one(w, bid(tender, supplier_a, 2, "d"));
    require_ok(w.store().withdraw_bid(d.id, t0_ms + 1, event("bid.withdrawn", "bid", d.id)));
    // Once the bids are opened, nothing is withdrawn, whatever the time.
    require_ok(
        open_with(w, opening_of(tender, {c, d}), {event("tender.opened", "tender", tender)}));
    const auto opened = w.store().find_opening(tender);
    BOOST_REQUIRE(opened.ok() && opened->has_value());
    BOOST_REQUIRE_EQUAL((*opened)->bids.size(), 1u);
    BOOST_TEST((*opened)->bids[0].bid_id == c.id);
    refused(c, t0_ms + 2, "submission_closed");
}

inline void list_bids_gives_every_version_or_the_active_bodies(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const std::int64_t other = publish(w);
    const Bid a1 = insert_one(w, bid(tender, supplier_a, 1, "a1"));
    const Bid a2 = insert_one(w, bid(tender, supplier_a, 1, "a2"));
    insert_one(w, bid(other, supplier_a, 1, "elsewhere"));
    const Bid b = insert_one(w, bid(tender, supplier_b, 1, "b"));
    const Bid c = insert_one(w, bid(tender, supplier_c, 2, "c"));
    BOOST_REQUIRE(
        w.store().withdraw_bid(b.id, t0_ms + 1, event("bid.withdrawn", "bid", b.id)).ok());
    auto all = w.store().list_bids(tender, false);
    require_ok(all);
    BOOST_REQUIRE_EQUAL(all->size(), 4u);
    const std::vector<std::int64_t> ascending = {a1.id, a2.id, b.id, c.id};
    for (std::size_t i = 0; i < all->size(); ++i) {
        BOOST_TEST((*all)[i].id == ascending[i]);
        BOOST_TEST((*all)[i].body.empty());
    }
    BOOST_TEST(((*all)[0].state == BidState::replaced));
    BOOST_TEST(((*all)[2].state == BidState::withdrawn));
    BOOST_TEST((*all)[2].withdrawn_at_ms.value_or(0) == t0_ms + 1);
    auto bodies = w.store().list_bids(tender, true);
    require_ok(bodies);
    BOOST_REQUIRE_EQUAL(bodies->size(), 2u);
    BOOST_TEST((*bodies)[0].id == a2.id);
    BOOST_TEST((*bodies)[0].body == "a2");
    BOOST_TEST((*bodies)[1].id == c.id);
    BOOST_TEST((*bodies)[1].body == "c");
    auto empty = w.store().list_bids(tender + other + 1, false);
    require_ok(empty);
    BOOST_TEST(empty->empty());
}

inline void any_bid_counts_bids_in_every_state(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const std::int64_t other = publish(w);
    const auto any_bid = [&](std::int64_t id) {
        auto r = w.store().any_bid(id);
        require_ok(r);
        return *r;
    };
    BOOST_TEST(!any_bid(tender));
    insert_one(w, bid(tender, supplier_a, 2, "a"));
    BOOST_TEST(any_bid(tender));
    BOOST_TEST(!any_bid(other));
    // A tender whose only bids are a replaced one and a withdrawn one still has bids.
    const Bid b1 = insert_one(w, bid(other, supplier_b, 1, "b"));
    const Bid b2 = insert_one(w, bid(other, supplier_b, 1, "b again"));
    BOOST_REQUIRE(
        w.store().withdraw_bid(b2.id, t0_ms + 1, event("bid.withdrawn", "bid", b2.id)).ok());
    BOOST_TEST((find(w, b1.id).state == BidState::replaced));
    BOOST_TEST((find(w, b2.id).state == BidState::withdrawn));
    BOOST_TEST(any_bid(other));
    BOOST_TEST(!any_bid(tender + other + 1));
}

inline OpeningKeyRecord key_of(std::int64_t tender_id, const std::string& pem) {
    OpeningKeyRecord k;
    k.tender_id = tender_id;
    k.certificate_pem = pem;
    k.threshold = 2;
    k.created_at_ms = t0_ms - 1000;
    // Handed in out of order; each envelope holds bytes that are not text.
    for (std::uint8_t n : {std::uint8_t{3}, std::uint8_t{1}, std::uint8_t{2}}) {
        // Share 2 comes from a key made before commitments were stored (schema version 11).
        k.shares.push_back(
            signing::SealedShare{10 + n, n, std::string("\0env", 4) + pem[0],
                                 n == 2 ? "" : core::sha256_hex(pem + char('0' + n))});
    }
    return k;
}

inline void the_first_opening_key_of_a_tender_wins(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const std::int64_t other = publish(w);
    auto none = w.store().find_opening_key(tender);
    require_ok(none);
    BOOST_TEST(!none->has_value());
    auto first = w.store().insert_opening_key(key_of(tender, "PEM A"),
                                              event("tender.opening_key", "tender", tender));
    require_ok(first);
    BOOST_TEST(first->certificate_pem == "PEM A");
    BOOST_TEST(first->threshold == 2);
    BOOST_TEST(first->created_at_ms == t0_ms - 1000);
    BOOST_REQUIRE_EQUAL(first->shares.size(), 3u);
    for (std::uint8_t n = 1; n <= 3; ++n) {  // ascending number
        BOOST_TEST(first->shares[n - 1u].number == n);
        BOOST_TEST(first->shares[n - 1u].member == 10 + n);
        BOOST_TEST(first->shares[n - 1u].envelope_der == std::string("\0envP", 5));
        BOOST_TEST(first->shares[n - 1u].commitment_sha256 ==
                   (n == 2 ? "" : core::sha256_hex("PEM A" + std::string(1, char('0' + n)))));
    }
    const std::size_t events = w.audit_events().size();
    // A racing second key is dropped, with its audit event: both callers see the first.
    auto second = w.store().insert_opening_key(key_of(tender, "QEM B"),
                                               event("tender.opening_key", "tender", tender));
    require_ok(second);
    BOOST_TEST(second->certificate_pem == "PEM A");
    BOOST_TEST(second->shares[0].envelope_der == std::string("\0envP", 5));
    BOOST_TEST(w.audit_events().size() == events);
    auto found = w.store().find_opening_key(tender);
    require_ok(found);
    BOOST_REQUIRE(found->has_value());
    BOOST_TEST((*found)->certificate_pem == "PEM A");
    BOOST_TEST((*found)->shares.size() == 3u);
    BOOST_TEST(!w.store().find_opening_key(other)->has_value());
}

inline void only_a_drafts_opening_key_is_discarded(BidWorld& w) {
    const std::int64_t published = publish(w);
    const std::int64_t draft = publish(w);
    change_tender(w, draft, [](tender::Tender& t) {
        t.state = tender::TenderState::draft;
        t.published_at_ms.reset();
    });
    require_ok(w.store().insert_opening_key(key_of(published, "PEM P"),
                                            event("tender.opening_key", "tender", published)));
    require_ok(w.store().insert_opening_key(key_of(draft, "PEM D"),
                                            event("tender.opening_key", "tender", draft)));
    const std::size_t events = w.audit_events().size();
    auto kept = w.store().discard_draft_opening_key(
        published, event("tender.opening_key_discarded", "tender", published));
    require_ok(kept);
    BOOST_TEST(!*kept);
    BOOST_TEST(w.audit_events().size() == events);
    BOOST_TEST(w.store().find_opening_key(published)->has_value());

    auto discarded = w.store().discard_draft_opening_key(
        draft, event("tender.opening_key_discarded", "tender", draft));
    require_ok(discarded);
    BOOST_TEST(*discarded);
    BOOST_TEST(!w.store().find_opening_key(draft)->has_value());
    BOOST_REQUIRE(w.audit_events().size() == events + 1);
    BOOST_TEST(w.audit_events().back().event.action == "tender.opening_key_discarded");
    // Nothing left to discard: nothing written. A new key can be stored in its place.
    auto again = w.store().discard_draft_opening_key(
        draft, event("tender.opening_key_discarded", "tender", draft));
    require_ok(again);
    BOOST_TEST(!*again);
    BOOST_TEST(w.audit_events().size() == events + 1);
    auto replaced = w.store().insert_opening_key(key_of(draft, "QEM D"),
                                                 event("tender.opening_key", "tender", draft));
    require_ok(replaced);
    BOOST_TEST(replaced->certificate_pem == "QEM D");
    BOOST_TEST(replaced->shares.size() == 3u);
}

inline void an_opening_record_is_stored_once_with_the_bids_own_columns(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const std::int64_t other = publish(w);
    insert_one(w, bid(tender, supplier_a, 1, "a1"));
    const Bid a2 = insert_one(w, bid(tender, supplier_a, 1, "a2"));
    const Bid b = insert_one(w, bid(tender, supplier_b, 2, "b", t0_ms + 3));
    BOOST_TEST(!w.store().find_opened_at(tender)->has_value());
    BOOST_TEST(!w.store().find_opening(tender)->has_value());
    OpeningRecord record = opening_of(tender, {b, a2});  // not in id order
    OpenedBidRecord& invalid = record.bids[0];
    invalid.valid = false;
    invalid.reason_code = "undecryptable";
    invalid.reason = "cannot decrypt";
    invalid.decryption_status = "failed";
    invalid.price_minor.reset();  // and so no currency either
    invalid.document_json.clear();
    const std::size_t events = w.audit_events().size();
    BOOST_REQUIRE(
        open_with(w, record,
                  {event("bids.opened", "tender", tender), event("bid.opened", "bid", a2.id)})
            .ok());
    BOOST_TEST(w.audit_events().size() == events + 2);
    BOOST_TEST(w.audit_events().back().event.action == "bid.opened");
    BOOST_TEST(**w.store().find_opened_at(tender) == deadline_ms + 5'000);
    auto found = w.store().find_opening(tender);
    require_ok(found);
    BOOST_REQUIRE(found->has_value());
    const OpeningRecord& r = **found;
    BOOST_TEST(r.tender_id == tender);
    BOOST_TEST(r.opened_at_ms == deadline_ms + 5'000);
    BOOST_REQUIRE_EQUAL(r.bids.size(), 2u);
    const OpenedBidRecord& first = r.bids[0];  // ascending bid id
    BOOST_TEST(first.bid_id == a2.id);
    BOOST_TEST(first.supplier_id == supplier_a);
    BOOST_TEST(first.lot_id == 1);
    BOOST_TEST(first.version == 2);
    BOOST_TEST(first.received_at_ms == t0_ms);
    BOOST_TEST(first.sha256_hex == a2.sha256_hex);
    BOOST_TEST(first.valid);
    BOOST_TEST(first.signature_status == "valid");
    BOOST_TEST(first.price_minor.value_or(0) == 1'000 + a2.id);
    BOOST_TEST(first.currency == "EUR");
    BOOST_TEST(first.document_json == "{\"bid\":" + std::to_string(a2.id) + "}");
    const OpenedBidRecord& second = r.bids[1];
    BOOST_TEST(second.bid_id == b.id);
    BOOST_TEST(second.lot_id == 2);
    BOOST_TEST(second.received_at_ms == t0_ms + 3);
    BOOST_TEST(!second.valid);
    BOOST_TEST(second.reason_code == "undecryptable");
    BOOST_TEST(second.reason == "cannot decrypt");
    BOOST_TEST(second.decryption_status == "failed");
    BOOST_TEST(!second.price_minor.has_value());
    BOOST_TEST(second.currency.empty());
    BOOST_TEST(second.document_json.empty());
    BOOST_TEST(!w.store().find_opening(other)->has_value());
}

inline void a_second_opening_record_is_refused(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const Bid a = insert_one(w, bid(tender, supplier_a, 1, "a"));
    BOOST_REQUIRE(open_with(w, opening_of(tender, {a})).ok());
    const std::string before = snapshot(w, {tender});
    // Refused before any bid is read or opened.
    RecordBatches second(opening_of(tender, {a}), {event("bids.opened", "tender", tender)});
    const core::Status again =
        w.store().insert_opening(tender, deadline_ms + 9'000, 64 * 1024 * 1024, second);
    BOOST_REQUIRE(!again.ok());
    BOOST_TEST((again.error().kind == core::ErrorKind::conflict));
    BOOST_TEST(again.error().code == "already_opened");
    BOOST_TEST(second.batches.empty());
    BOOST_TEST(snapshot(w, {tender}) == before);
    BOOST_TEST(**w.store().find_opened_at(tender) == deadline_ms + 5'000);
}

inline void an_opening_holds_exactly_the_active_bids(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const std::int64_t other = publish(w);
    const Bid a = insert_one(w, bid(tender, supplier_a, 1, "a"));
    insert_one(w, bid(tender, supplier_b, 1, "b"));
    const Bid b2 = insert_one(w, bid(tender, supplier_b, 1, "b2"));  // replaces b
    const Bid c = insert_one(w, bid(tender, supplier_c, 2, "c"));
    insert_one(w, bid(other, supplier_a, 1, "elsewhere"));
    BOOST_REQUIRE(
        w.store().withdraw_bid(a.id, t0_ms + 1, event("bid.withdrawn", "bid", a.id)).ok());
    // The caller names no bid: the store hands it the active ones, with their bodies.
    RecordBatches batches(OpeningRecord{tender, deadline_ms + 5'000, {}, {}});
    require_ok(w.store().insert_opening(tender, deadline_ms + 5'000, 64 * 1024 * 1024, batches));
    BOOST_REQUIRE_EQUAL(batches.batches.size(), 1u);
    const std::vector<Bid>& handed = batches.batches[0];
    BOOST_REQUIRE_EQUAL(handed.size(), 2u);
    BOOST_TEST(handed[0].id == b2.id);
    BOOST_TEST(handed[0].body == "b2");
    BOOST_TEST(handed[1].id == c.id);
    BOOST_TEST(handed[1].body == "c");
    const auto opened = w.store().find_opening(tender);
    BOOST_REQUIRE(opened.ok() && opened->has_value());
    BOOST_REQUIRE_EQUAL((*opened)->bids.size(), 2u);
    BOOST_TEST((*opened)->bids[0].bid_id == b2.id);
    BOOST_TEST((*opened)->bids[1].bid_id == c.id);
    BOOST_TEST(!w.store().find_opening(other)->has_value());
}

inline void active_bids_are_read_in_pages_of_bounded_bytes(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const std::int64_t other = publish(w);
    const Bid a = insert_one(w, bid(tender, supplier_a, 1, std::string(100, 'a')));
    const Bid b = insert_one(w, bid(tender, supplier_b, 1, std::string(100, 'b')));
    const Bid gone = insert_one(w, bid(tender, supplier_c, 1, std::string(100, 'g')));
    insert_one(w, bid(other, supplier_a, 1, std::string(100, 'o')));
    const Bid c = insert_one(w, bid(tender, supplier_c, 2, std::string(100, 'c')));
    const Bid big = insert_one(w, bid(tender, supplier_a, 2, std::string(300, 'x')));
    require_ok(w.store().withdraw_bid(gone.id, t0_ms + 1, event("bid.withdrawn", "bid", gone.id)));
    const auto ids = [](const core::Result<std::vector<Bid>>& page) {
        BOOST_REQUIRE(page.ok());
        std::vector<std::int64_t> out;
        for (const Bid& x : *page) out.push_back(x.id);
        return out;
    };
    // 250 bytes: two bodies of 100 fit, a third does not; the 300-byte body comes alone.
    const auto first = w.store().list_active_bids(tender, 0, 250);
    BOOST_TEST((ids(first) == std::vector<std::int64_t>{a.id, b.id}));
    BOOST_TEST(first->at(0).body == std::string(100, 'a'));
    BOOST_TEST(first->at(1).sha256_hex == b.sha256_hex);
    BOOST_TEST(
        (ids(w.store().list_active_bids(tender, b.id, 250)) == std::vector<std::int64_t>{c.id}));
    BOOST_TEST(
        (ids(w.store().list_active_bids(tender, c.id, 250)) == std::vector<std::int64_t>{big.id}));
    BOOST_TEST(ids(w.store().list_active_bids(tender, big.id, 250)).empty());
    // Exactly full, and one byte short.
    BOOST_TEST(
        (ids(w.store().list_active_bids(tender, 0, 200)) == std::vector<std::int64_t>{a.id, b.id}));
    BOOST_TEST(
        (ids(w.store().list_active_bids(tender, 0, 199)) == std::vector<std::int64_t>{a.id}));
    // A large bound gives them all.
    BOOST_TEST((ids(w.store().list_active_bids(tender, 0, 1 << 20)) ==
                std::vector<std::int64_t>{a.id, b.id, c.id, big.id}));
}

inline void an_opening_reads_its_bids_in_batches_of_the_bound(BidWorld& w) {
    const std::int64_t tender = publish(w);
    std::vector<Bid> bids;
    for (int i = 0; i < 5; ++i) {
        bids.push_back(insert_one(
            w, bid(tender, supplier_a, i + 1, std::string(100, static_cast<char>('a' + i)))));
    }
    RecordBatches batches(opening_of(tender, {}), {event("tender.opened", "tender", tender)}, true);
    const std::size_t events = w.audit_events().size();
    require_ok(w.store().insert_opening(tender, deadline_ms + 5'000, 250, batches));
    BOOST_REQUIRE_EQUAL(batches.batches.size(), 3u);  // 2 + 2 + 1 bodies of 100 bytes
    std::vector<std::int64_t> handed;
    for (const std::vector<Bid>& batch : batches.batches) {
        std::size_t bytes = 0;
        for (const Bid& b : batch) {
            bytes += b.body.size();
            handed.push_back(b.id);
        }
        BOOST_TEST(bytes <= 250u);
    }
    BOOST_TEST((handed == std::vector<std::int64_t>{bids[0].id, bids[1].id, bids[2].id, bids[3].id,
                                                    bids[4].id}));
    // Every bid's event in order, then the closing one.
    const auto audit = w.audit_events();
    BOOST_REQUIRE_EQUAL(audit.size(), events + 6);
    for (std::size_t i = 0; i < 5; ++i) {
        BOOST_TEST(audit[events + i].event.entity_id == bids[i].id);
    }
    BOOST_TEST(audit.back().event.action == "tender.opened");
    const auto opened = w.store().find_opening(tender);
    BOOST_REQUIRE(opened.ok() && opened->has_value());
    BOOST_TEST((*opened)->bids.size() == 5u);
}

inline void an_opening_reason_is_cut_at_1000_bytes_between_characters(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const Bid a = insert_one(w, bid(tender, supplier_a, 1, "a"));
    OpeningRecord record = opening_of(tender, {a});
    // 999 bytes, then a two-byte character across the bound: the whole character goes.
    record.bids[0].reason = std::string(999, 'r') + "\xc3\xa9" + std::string(50, 's');
    BOOST_REQUIRE(open_with(w, record).ok());
    const std::string reason = (*w.store().find_opening(tender))->bids.at(0).reason;
    BOOST_TEST(reason == std::string(999, 'r'));
}

inline void an_opening_whose_lines_do_not_match_its_bids_stores_nothing(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const Bid a = insert_one(w, bid(tender, supplier_a, 1, "a"));
    // A line naming another bid than the one handed.
    struct Wrong final : OpeningBatches {
        void restart() override {}
        OpenedBatch open(std::vector<Bid> batch) override {
            Bid ghost = batch.at(0);
            ghost.id += 1000;
            return {opening_of(ghost.tender_id, {ghost}).bids, {}};
        }
        std::vector<core::AuditEvent> finish() override { return {}; }
    } wrong;
    const std::string before = snapshot(w, {tender});
    const core::Status refused =
        w.store().insert_opening(tender, deadline_ms + 5'000, 64 * 1024 * 1024, wrong);
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.error().code == "opening_mismatch");
    BOOST_TEST(snapshot(w, {tender}) == before);
    BOOST_TEST(!w.store().find_opening(tender)->has_value());
    BOOST_TEST(open_with(w, opening_of(tender, {a})).ok());  // the right lines are stored
}

inline void active_bodies_are_counted_for_the_quota_by_supplier(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const std::int64_t other = publish(w);
    insert_one(w, bid(tender, supplier_a, 1, std::string(10, 'a')));
    insert_one(w, bid(tender, supplier_a, 1, std::string(30, 'b')));  // replaces the first
    insert_one(w, bid(tender, supplier_a, 2, std::string(5, 'c')));
    const Bid gone = insert_one(w, bid(tender, supplier_a, 3, std::string(70, 'g')));
    insert_one(w, bid(tender, supplier_b, 1, std::string(7, 'd')));
    insert_one(w, bid(other, supplier_a, 1, std::string(9, 'e')));
    require_ok(w.store().withdraw_bid(gone.id, t0_ms + 1, event("bid.withdrawn", "bid", gone.id)));
    // The lot of a key is ignored: every lot of the (tender, supplier) is answered.
    auto found = w.store().find_active_body_bytes({{tender, supplier_a, 9}});
    require_ok(found);
    std::map<std::int64_t, std::int64_t> by_lot;
    for (const ActiveBodyBytes& x : *found) {
        BOOST_TEST(x.key.tender_id == tender);
        BOOST_TEST(x.key.supplier_id == supplier_a);
        by_lot[x.key.lot_id] = x.body_bytes;
    }
    BOOST_TEST((by_lot == std::map<std::int64_t, std::int64_t>{{1, 30}, {2, 5}}));
    auto both = w.store().find_active_body_bytes({{tender, supplier_b, 0}, {other, supplier_a, 0}});
    require_ok(both);
    BOOST_TEST(both->size() == 2u);
    auto none = w.store().find_active_body_bytes({});
    require_ok(none);
    BOOST_TEST(none->empty());
}

}  // namespace procura::bidding::contract
