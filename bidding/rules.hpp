// Pure rules of sealed bidding: when a bid may be received, withdrawn or resent, which bids
// may share a write group, who sees which bids before the opening, and when a committee
// member may take or hand in a share. No clock (the instant is a parameter), no I/O, so every
// boundary is tested to the millisecond (tests/bidding/rules_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "bidding/model.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"
#include "tender/model.hpp"

namespace procura::bidding::rules {

// Why a bid for lot number lot_id may not be received under terms t at now_ms, if it may not:
// 409 "tender_cancelled", "submission_closed" (at or after the submission deadline, to the
// millisecond), "tendering_not_open" (before the enquiry deadline); 422 "unknown_lot".
std::optional<core::Error> refuse_bid(const tender::Tender& t, std::int64_t lot_id,
                                      std::int64_t now_ms);

// A bid body of body_bytes: 413 "bid_too_large" over bid_bytes_max, 400 "bid_required" when
// empty.
core::Status check_body_size(std::size_t body_bytes, std::size_t bid_bytes_max);

// A bid whose RFC 3161 time (its receipt time) is at or after the deadline of terms t is
// refused, even if it arrived earlier: 409 "submission_closed".
core::Status check_receipt_time(const tender::Tender& t, std::int64_t receipt_ms);

// A body received before, sent again by caller: only its own supplier gets its receipt
// (409 "bid_replayed" for anyone else), and only while it is active (409 "bid_not_active").
core::Status check_resend(const Bid& existing, core::UserId caller);

// Whether two queued bids must go to different write groups: same tender and the same body
// (a racing resend is decided against the stored winner) or the same supplier and lot (a
// replacement follows what it replaces).
bool clash_in_group(const Bid& a, const Bid& b);

// 409 "too_many_versions": a supplier stores at most versions_max versions of a lot's bid.
core::Error too_many_versions(std::int64_t versions_max);

// A bid may be withdrawn only while terms t are in active.tendering at now_ms: 409
// "submission_closed" otherwise.
core::Status check_withdrawal(const tender::Tender& t, std::int64_t now_ms);

// Before the opening, officers, auditors and administrators see every bid's summary, a supplier
// only its own: true for the first, false for a supplier, 403 for anyone else.
core::Result<bool> sees_all_bids(core::Role role);

bool is_committee_member(const tender::Tender& t, core::UserId user);

// A committee member takes their sealed share (what) from the opening time on: 403 for
// non-members, 409 "tender_cancelled", 409 "opening_not_yet" before opening_time_ms.
core::Status check_share_handout(const tender::Tender& t, const core::Caller& caller,
                                 std::int64_t now_ms);

// A member hands in an opened share from the opening time on, and no earlier than settle_ms
// after the submission deadline (bids stamped just before it may still be committing): the
// errors of check_share_handout, and 409 "opening_not_yet" inside the settle window.
core::Status check_share_intake(const tender::Tender& t, const core::Caller& caller,
                                std::int64_t now_ms, std::int64_t settle_ms);

// An opened share as handed in: 1 to opening_share_bytes_max bytes, else 422 "bad_share".
core::Status check_share_size(std::string_view share);

}  // namespace procura::bidding::rules
