// The BidStore contract cases of insert_bids (bidding/store.hpp): versions and replacement, the
// refusals of one bid that let the rest go on, the refusals that roll a whole group back, and
// the audit events that give each stored bid its log_seq. Listed in
// PROCURA_BID_STORE_CONTRACT_TESTS (tests/bidding/store_contract.hpp).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tests/bidding/store_contract_world.hpp"

namespace procura::bidding::contract {

inline void a_first_bid_is_stored_as_version_1_with_every_field(BidWorld& w) {
    const std::int64_t tender = publish(w);
    BidWrite b = bid(tender, supplier_a, 2, std::string("\x30\x82\0\x01 der", 8));
    const std::vector<BidWritten> written = insert(w, {b});
    BOOST_TEST(!written[0].replaced_sha256.has_value());
    const Bid s = stored(written[0]);
    BOOST_TEST(s.id > 0);
    BOOST_TEST(s.version == 1);
    BOOST_TEST((s.state == BidState::active));
    BOOST_TEST(s.log_seq > 0);
    const Bid f = find(w, s.id);
    BOOST_TEST(f.id == s.id);
    BOOST_TEST(f.tender_id == tender);
    BOOST_TEST(f.supplier_id == supplier_a);
    BOOST_TEST(f.lot_id == 2);
    BOOST_TEST(f.version == 1);
    BOOST_TEST(f.body == b.bid.body);
    BOOST_TEST(f.sha256_hex == b.bid.sha256_hex);
    BOOST_TEST(f.received_at_ms == t0_ms);
    BOOST_TEST(f.timestamp_token == b.bid.timestamp_token);
    BOOST_TEST(f.log_seq == s.log_seq);
    BOOST_TEST((f.state == BidState::active));
    BOOST_TEST(!f.withdrawn_at_ms.has_value());
    BOOST_TEST(f.security_transfer_id == b.bid.security_transfer_id);
    BOOST_TEST(f.salt_hex == b.bid.salt_hex);  // the commitment's salt (migration 0014)
    auto missing = w.store().find_bid(s.id + 1000);
    require_ok(missing);
    BOOST_TEST(!missing->has_value());
}

inline void a_new_bid_replaces_the_active_one_and_reports_its_hash(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const Bid v1 = insert_one(w, bid(tender, supplier_a, 1, "first"));
    const std::vector<BidWritten> second = insert(w, {bid(tender, supplier_a, 1, "second")});
    const Bid v2 = stored(second[0]);
    BOOST_TEST(v2.version == 2);
    BOOST_REQUIRE(second[0].replaced_sha256.has_value());
    BOOST_TEST(*second[0].replaced_sha256 == v1.sha256_hex);
    const std::vector<BidWritten> third = insert(w, {bid(tender, supplier_a, 1, "third")});
    BOOST_TEST(stored(third[0]).version == 3);
    BOOST_TEST(*third[0].replaced_sha256 == v2.sha256_hex);
    BOOST_TEST((find(w, v1.id).state == BidState::replaced));
    BOOST_TEST((find(w, v2.id).state == BidState::replaced));
    BOOST_TEST((find(w, third[0].stored->id).state == BidState::active));
    // Issue 16, defect 5: only the active version keeps its body; a replaced one keeps its
    // hash and receipt (time stamp token), so it stays checkable, and a resend of it is still
    // known by its hash.
    for (const Bid& old : {v1, v2}) {
        const Bid kept = find(w, old.id);
        BOOST_TEST(kept.body.empty());
        BOOST_TEST(kept.sha256_hex == old.sha256_hex);
        BOOST_TEST(kept.timestamp_token == old.timestamp_token);
        auto by_hash = w.store().find_bid_by_hash(tender, old.sha256_hex);
        require_ok(by_hash);
        BOOST_TEST(by_hash->has_value());
    }
    BOOST_TEST(find(w, third[0].stored->id).body == "third");
    // Another lot, supplier or tender is a (tender, supplier, lot) of its own.
    const std::int64_t other = publish(w);
    for (const BidWrite& b :
         {bid(tender, supplier_a, 2, "lot 2"), bid(tender, supplier_b, 1, "supplier b"),
          bid(other, supplier_a, 1, "other tender")}) {
        const std::vector<BidWritten> own = insert(w, {b});
        BOOST_TEST(stored(own[0]).version == 1);
        BOOST_TEST(!own[0].replaced_sha256.has_value());
    }
    BOOST_TEST((find(w, third[0].stored->id).state == BidState::active));
}

// Issue 16, defect 5: a supplier could store 8 MiB x 100 versions x 100 lots on one tender.
// Now only active bodies are kept, and they are capped per (tender, supplier).
inline void a_suppliers_active_bodies_stay_within_the_storage_quota(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const std::int64_t cap = 25;
    const auto one = [&](const BidWrite& b) { return insert(w, {b}, 100, cap).front(); };
    const auto refused = [&](const BidWritten& r) {
        BOOST_REQUIRE(r.error.has_value());
        BOOST_TEST((r.error->kind == core::ErrorKind::payload_too_large));
        BOOST_TEST(r.error->code == "supplier_storage_full");
        BOOST_TEST(!r.stored.has_value());
    };
    BOOST_TEST(one(bid(tender, supplier_a, 1, std::string(10, 'a'))).stored.has_value());
    BOOST_TEST(one(bid(tender, supplier_a, 2, std::string(10, 'b'))).stored.has_value());
    const std::string before = snapshot(w, {tender});
    refused(one(bid(tender, supplier_a, 3, std::string(10, 'c'))));  // 30 > 25
    BOOST_TEST(snapshot(w, {tender}) == before);
    // A replacement counts instead of the bid it replaces: 14 + 10 fits.
    const BidWritten bigger = one(bid(tender, supplier_a, 1, std::string(14, 'd')));
    BOOST_TEST(bigger.stored.has_value());
    // Another supplier has its own quota.
    BOOST_TEST(one(bid(tender, supplier_b, 1, std::string(20, 'e'))).stored.has_value());
    // In one group the earlier bids of the supplier count: the second is refused alone.
    const std::vector<BidWritten> group = insert(w,
                                                 {bid(tender, supplier_c, 1, std::string(20, 'f')),
                                                  bid(tender, supplier_c, 2, std::string(10, 'g'))},
                                                 100, cap);
    BOOST_TEST(group[0].stored.has_value());
    refused(group[1]);
    // Withdrawing frees the bytes.
    require_ok(w.store().withdraw_bid(bigger.stored->id, t0_ms + 1,
                                      event("bid.withdrawn", "bid", bigger.stored->id)));
    BOOST_TEST(one(bid(tender, supplier_a, 3, std::string(15, 'h'))).stored.has_value());
}

inline void versions_go_on_after_a_withdrawn_bid(BidWorld& w) {
    const std::int64_t tender = publish(w);
    insert_one(w, bid(tender, supplier_a, 1, "v1"));
    const Bid v2 = insert_one(w, bid(tender, supplier_a, 1, "v2"));
    BOOST_REQUIRE(
        w.store().withdraw_bid(v2.id, t0_ms + 1, event("bid.withdrawn", "bid", v2.id)).ok());
    // Nothing active to replace: a third version, replacing nothing.
    const std::vector<BidWritten> v3 = insert(w, {bid(tender, supplier_a, 1, "v3")});
    BOOST_TEST(stored(v3[0]).version == 3);
    BOOST_TEST(!v3[0].replaced_sha256.has_value());
    BOOST_TEST((find(w, v2.id).state == BidState::withdrawn));
}

inline void the_versions_limit_refuses_that_bid_alone(BidWorld& w) {
    const std::int64_t tender = publish(w);
    insert_one(w, bid(tender, supplier_a, 1, "v1"), 2);
    // At the limit: the second version is stored.
    const Bid v2 = insert_one(w, bid(tender, supplier_a, 1, "v2"), 2);
    BOOST_TEST(v2.version == 2);
    const std::vector<BidWritten> group =
        insert(w, {bid(tender, supplier_a, 1, "v3"), bid(tender, supplier_b, 1, "b1")}, 2);
    require_refused(group[0], "too_many_versions");
    BOOST_TEST(group[0].error->message.find('2') != std::string::npos);
    // The rest of the group goes on.
    BOOST_TEST(stored(group[1]).version == 1);
    BOOST_TEST((find(w, v2.id).state == BidState::active));
    auto none = w.store().find_bid_by_hash(tender, sha256_hex_of("v3"));
    require_ok(none);
    BOOST_TEST(!none->has_value());
    BOOST_TEST(bid_events(w).size() == 3u);
}

inline void withdrawing_does_not_reset_the_versions_limit(BidWorld& w) {
    const std::int64_t tender = publish(w);
    insert_one(w, bid(tender, supplier_a, 1, "v1"), 2);
    const Bid v2 = insert_one(w, bid(tender, supplier_a, 1, "v2"), 2);
    BOOST_REQUIRE(
        w.store().withdraw_bid(v2.id, t0_ms + 1, event("bid.withdrawn", "bid", v2.id)).ok());
    const std::string before = snapshot(w, {tender});
    const std::vector<BidWritten> third = insert(w, {bid(tender, supplier_a, 1, "v3")}, 2);
    require_refused(third[0], "too_many_versions");
    BOOST_TEST(snapshot(w, {tender}) == before);
}

inline void a_bid_checked_against_older_terms_is_refused_alone(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const std::int64_t other = publish(w);
    amend(w, tender);  // version 2
    BidWrite old_terms = bid(tender, supplier_a, 1, "old terms");
    old_terms.tender_version = 1;
    BidWrite current = bid(tender, supplier_b, 1, "current terms");
    current.tender_version = 2;
    BidWrite unchecked = bid(other, supplier_a, 1, "unchecked");  // 0: nothing to compare
    const std::vector<BidWritten> written = insert(w, {old_terms, current, unchecked});
    require_refused(written[0], "tender_amended");
    BOOST_TEST(stored(written[1]).version == 1);
    BOOST_TEST(stored(written[2]).version == 1);
    auto refused = w.store().find_bid_by_hash(tender, old_terms.bid.sha256_hex);
    require_ok(refused);
    BOOST_TEST(!refused->has_value());
    // The bids after the refused one still name their own events.
    const std::vector<core::StoredAuditEvent> events = bid_events(w);
    BOOST_REQUIRE_EQUAL(events.size(), 2u);
    BOOST_TEST(events[0].seq == written[1].stored->log_seq);
    BOOST_TEST(events[0].event.entity_id == written[1].stored->id);
    BOOST_TEST(events[1].seq == written[2].stored->log_seq);
    BOOST_TEST(events[1].event.entity_id == written[2].stored->id);
}

inline void a_body_already_stored_rolls_the_whole_group_back(BidWorld& w) {
    const std::int64_t tender = publish(w);
    const std::int64_t other = publish(w);
    insert_one(w, bid(tender, supplier_a, 1, "taken"));
    const std::string before = snapshot(w, {tender, other});
    // A bid that would be stored, then one whose body the tender holds (from another supplier).
    auto group = w.store().insert_bids(
        {bid(tender, supplier_b, 2, "fresh"), bid(tender, supplier_c, 1, "taken")}, BidQuota{});
    BOOST_REQUIRE(!group.ok());
    BOOST_TEST((group.error().kind == core::ErrorKind::conflict));
    BOOST_TEST(group.error().code == "duplicate_bid");
    BOOST_TEST(snapshot(w, {tender, other}) == before);
    auto fresh = w.store().find_bid_by_hash(tender, sha256_hex_of("fresh"));
    require_ok(fresh);
    BOOST_TEST(!fresh->has_value());
    // The same body twice in one group is refused the same way.
    auto twice = w.store().insert_bids(
        {bid(tender, supplier_b, 1, "twice"), bid(tender, supplier_c, 1, "twice")}, BidQuota{});
    BOOST_REQUIRE(!twice.ok());
    BOOST_TEST(twice.error().code == "duplicate_bid");
    BOOST_TEST(snapshot(w, {tender, other}) == before);
    // A body is unique within its tender only.
    BOOST_TEST(insert_one(w, bid(other, supplier_c, 1, "taken")).version == 1);
}

inline void a_refused_bid_is_not_checked_for_its_body(BidWorld& w) {
    const std::int64_t tender = publish(w);
    insert_one(w, bid(tender, supplier_a, 1, "v1"), 1);
    // Refused on its own (its version would be 2 of at most 1), it stores nothing, so its body
    // (the one stored already) does not roll the group back.
    const std::vector<BidWritten> written =
        insert(w, {bid(tender, supplier_a, 1, "v1"), bid(tender, supplier_b, 1, "b1")}, 1);
    require_refused(written[0], "too_many_versions");
    BOOST_TEST(stored(written[1]).version == 1);
}

inline void each_bid_names_its_own_audit_event_in_order(BidWorld& w) {
    const std::int64_t tender = publish(w);
    insert_one(w, bid(tender, supplier_a, 1, "a1"));
    const std::vector<BidWritten> group =
        insert(w, {bid(tender, supplier_c, 2, "c2"), bid(tender, supplier_a, 1, "a2"),
                   bid(tender, supplier_b, 1, "b1", t0_ms + 7)});
    std::int64_t previous = 0;
    for (const BidWritten& written : group) {
        const Bid b = stored(written);
        BOOST_TEST(b.log_seq > previous);  // in the order of the bids
        previous = b.log_seq;
        BOOST_TEST(find(w, b.id).log_seq == b.log_seq);
    }
    std::map<std::int64_t, core::StoredAuditEvent> by_seq;
    for (const auto& e : w.audit_events()) by_seq[e.seq] = e;
    for (std::size_t i = 0; i < group.size(); ++i) {
        const Bid& b = *group[i].stored;
        BOOST_REQUIRE(by_seq.count(b.log_seq) == 1u);
        const core::AuditEvent& e = by_seq[b.log_seq].event;
        BOOST_TEST(e.entity_type == "bid");
        BOOST_TEST(e.entity_id == b.id);
        BOOST_TEST(e.entity_version == b.version);
        BOOST_TEST(e.action == (i == 1 ? "bid.replaced" : "bid.received"));
        BOOST_TEST(e.actor_user_id == b.supplier_id);
        BOOST_TEST(e.at_ms == b.received_at_ms);
        BOOST_TEST(e.payload_json == "{\"lot\":" + std::to_string(b.lot_id) + "}");
    }
    BOOST_TEST(bid_events(w).size() == 4u);
}

inline void bids_of_a_cancelled_or_closed_tender_are_refused_one_by_one(BidWorld& w) {
    const std::int64_t open = publish(w);
    const std::int64_t cancelled = publish(w);
    const std::int64_t opened = publish(w);
    const Bid early = insert_one(w, bid(opened, supplier_a, 1, "early"));
    BOOST_REQUIRE(open_with(w, opening_of(opened, {early})).ok());
    cancel(w, cancelled);
    const std::string before = snapshot(w, {open, cancelled, opened});
    const std::vector<BidWritten> late =
        insert(w, {bid(opened, supplier_b, 1, "after the opening"),
                   bid(cancelled, supplier_b, 1, "after the cancellation"),
                   bid(open, supplier_b, 1, "at the deadline", deadline_ms),
                   bid(open + opened + cancelled, supplier_b, 1, "no such tender")});
    require_refused(late[0], "submission_closed");
    require_refused(late[1], "tender_cancelled");
    require_refused(late[2], "submission_closed");
    require_refused(late[3], "tender_cancelled");
    BOOST_TEST(snapshot(w, {open, cancelled, opened}) == before);
    // One millisecond before the deadline is in time; a deadline moved before a bid's stamp
    // while it waited refuses it.
    BOOST_TEST(insert_one(w, bid(open, supplier_b, 1, "in time", deadline_ms - 1)).version == 1);
    change_tender(w, open, [](tender::Tender& t) { t.submission_deadline_ms = deadline_ms - 10; });
    require_refused(insert(w, {bid(open, supplier_c, 1, "moved", deadline_ms - 10)})[0],
                    "submission_closed");
    BOOST_TEST(insert_one(w, bid(open, supplier_c, 1, "before", deadline_ms - 11)).version == 1);
}

}  // namespace procura::bidding::contract
