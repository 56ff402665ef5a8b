// The BidStore contract cases of the reads (by id, hash, hashes, active key, tender, any bid), of
// withdraw_bid, of the opening key and of the opening record (bidding/store.hpp). Listed in
// PROCURA_BID_STORE_CONTRACT_TESTS (tests/bidding/store_contract.hpp).
#pragma once

#include <cctype>
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
    // An opening record read before a withdrawal names a bid that is no longer active: refused.
    const Bid d = insert_one(w, bid(tender, supplier_a, 2, "d"));
    const OpeningRecord stale = opening_of(tender, {c, d});
    require_ok(w.store().withdraw_bid(d.id, t0_ms + 1, event("bid.withdrawn", "bid", d.id)));
    const std::string unopened = snapshot(w, {tender});
    const core::Status opening =
        w.store().insert_opening(stale, {event("tender.opened", "tender", tender)});
    BOOST_REQUIRE(!opening.ok());
    BOOST_TEST(opening.error().code == "bids_changed");
    BOOST_TEST(snapshot(w, {tender}) == unopened);
    // Once the bids are opened, nothing is withdrawn, whatever the time.
    require_ok(w.store().insert_opening(opening_of(tender, {c}),
                                        {event("tender.opened", "tender", tender)}));
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
    BOOST_REQUIRE(w.store()
                      .insert_opening(record, {event("bids.opened", "tender", tender),
                                               event("bid.opened", "bid", a2.id)})
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
    BOOST_REQUIRE(w.store().insert_opening(opening_of(tender, {a}), {}).ok());
    const std::string before = snapshot(w, {tender});
    const core::Status again = w.store().insert_opening(
        opening_of(tender, {a}, deadline_ms + 9'000), {event("bids.opened", "tender", tender)});
    BOOST_REQUIRE(!again.ok());
    BOOST_TEST((again.error().kind == core::ErrorKind::conflict));
    BOOST_TEST(again.error().code == "already_opened");
    BOOST_TEST(snapshot(w, {tender}) == before);
    BOOST_TEST(**w.store().find_opened_at(tender) == deadline_ms + 5'000);
}

inline void an_opening_that_misses_an_active_bid_is_refused(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const Bid a = insert_one(w, bid(tender, supplier_a, 1, "a"));
    insert_one(w, bid(tender, supplier_b, 1, "b"));
    // b was stored after the record's bids were read.
    const std::string before = snapshot(w, {tender});
    const core::Status refused =
        w.store().insert_opening(opening_of(tender, {a}), {event("bids.opened", "tender", tender)});
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST((refused.error().kind == core::ErrorKind::conflict));
    BOOST_TEST(refused.error().code == "bids_changed");
    BOOST_TEST(snapshot(w, {tender}) == before);
    BOOST_TEST(!w.store().find_opened_at(tender)->has_value());
    // A replaced or withdrawn bid need not be in it.
    const Bid b2 = insert_one(w, bid(tender, supplier_b, 1, "b2"));
    BOOST_REQUIRE(
        w.store().withdraw_bid(a.id, t0_ms + 1, event("bid.withdrawn", "bid", a.id)).ok());
    BOOST_TEST(w.store().insert_opening(opening_of(tender, {b2}), {}).ok());
}

inline void an_opening_reason_is_cut_at_1000_bytes_between_characters(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const Bid a = insert_one(w, bid(tender, supplier_a, 1, "a"));
    OpeningRecord record = opening_of(tender, {a});
    // 999 bytes, then a two-byte character across the bound: the whole character goes.
    record.bids[0].reason = std::string(999, 'r') + "\xc3\xa9" + std::string(50, 's');
    BOOST_REQUIRE(w.store().insert_opening(record, {}).ok());
    const std::string reason = (*w.store().find_opening(tender))->bids.at(0).reason;
    BOOST_TEST(reason == std::string(999, 'r'));
}

inline void an_opening_naming_an_unknown_bid_stores_nothing(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const Bid a = insert_one(w, bid(tender, supplier_a, 1, "a"));
    OpeningRecord record = opening_of(tender, {a});
    Bid ghost = a;
    ghost.id = a.id + 1000;
    record.bids.push_back(opening_of(tender, {ghost}).bids[0]);
    const std::string before = snapshot(w, {tender});
    BOOST_TEST(!w.store().insert_opening(record, {event("bids.opened", "tender", tender)}).ok());
    BOOST_TEST(snapshot(w, {tender}) == before);
    BOOST_TEST(!w.store().find_opening(tender)->has_value());
}

}  // namespace procura::bidding::contract
