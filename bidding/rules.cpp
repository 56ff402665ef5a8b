#include "bidding/rules.hpp"

#include <algorithm>
#include <string>

#include "tender/rules.hpp"

namespace procura::bidding::rules {

using tender::TenderStatus;

std::optional<core::Error> refuse_bid(const tender::Tender& t, std::int64_t lot_id,
                                      std::int64_t now_ms) {
    switch (tender::rules::status_at(t, now_ms)) {
        case TenderStatus::active_tendering:
            break;
        case TenderStatus::cancelled:
            return core::conflict("tender_cancelled", "the tender is cancelled");
        case TenderStatus::closed:
            return core::conflict("submission_closed", "the submission deadline has passed");
        default:
            return core::conflict("tendering_not_open",
                                  "bids are received only in the tendering period");
    }
    if (std::none_of(t.lots.begin(), t.lots.end(),
                     [&](const tender::Lot& lot) { return lot.number == lot_id; })) {
        return core::unprocessable("unknown_lot", "the tender has no lot " + std::to_string(lot_id),
                                   "lot_id");
    }
    return std::nullopt;
}

core::Status check_body_size(std::size_t body_bytes, std::size_t bid_bytes_max) {
    if (body_bytes > bid_bytes_max) {
        return core::payload_too_large(
            "bid_too_large", "a bid is at most " + std::to_string(bid_bytes_max) + " bytes", "bid");
    }
    if (body_bytes == 0) {
        return core::bad_request("bid_required", "the body is the DER CMS SignedData of the bid",
                                 "bid");
    }
    return {};
}

core::Status check_receipt_time(const tender::Tender& t, std::int64_t receipt_ms) {
    if (receipt_ms >= t.submission_deadline_ms.value_or(0)) {
        return core::conflict("submission_closed",
                              "the submission deadline passed while the bid was being checked");
    }
    return {};
}

core::Status check_resend(const Bid& existing, core::UserId caller) {
    // Only the signer can send a body whose signature names them, so this is a resend.
    if (existing.supplier_id != caller) {
        return core::conflict("bid_replayed",
                              "this exact bid was already received from another supplier", "bid");
    }
    if (existing.state != BidState::active) {
        // Its receipt would suggest the bid is live again; it is not.
        return core::conflict("bid_not_active",
                              "this exact bid was " + std::string(to_string(existing.state)) +
                                  "; seal the document again to submit it anew",
                              "bid");
    }
    return {};
}

bool clash_in_group(const Bid& a, const Bid& b) {
    return a.tender_id == b.tender_id && (a.sha256_hex == b.sha256_hex ||
                                          (a.supplier_id == b.supplier_id && a.lot_id == b.lot_id));
}

core::Error too_many_versions(std::int64_t versions_max) {
    return core::conflict(
        "too_many_versions",
        "a supplier may send at most " + std::to_string(versions_max) + " versions of a bid",
        "bid");
}

core::Status check_withdrawal(const tender::Tender& t, std::int64_t now_ms) {
    if (tender::rules::status_at(t, now_ms) != TenderStatus::active_tendering) {
        return core::conflict("submission_closed",
                              "bids can be withdrawn only before the submission deadline");
    }
    return {};
}

core::Result<bool> sees_all_bids(core::Role role) {
    if (role == core::Role::officer || role == core::Role::auditor || role == core::Role::admin) {
        return true;
    }
    if (role == core::Role::supplier) return false;
    return core::forbidden("forbidden",
                           "bids are listed to their suppliers, officers and auditors");
}

bool is_committee_member(const tender::Tender& t, core::UserId user) {
    return std::find(t.committee.begin(), t.committee.end(), user) != t.committee.end();
}

namespace {

// The checks shared by taking and handing in a share; what names the act in the errors.
core::Status check_member_at_opening(const tender::Tender& t, const core::Caller& caller,
                                     std::int64_t now_ms, const char* what, const char* not_yet) {
    if (!is_committee_member(t, caller.user_id)) {
        return core::forbidden("forbidden",
                               std::string("only members of the opening committee ") + what);
    }
    if (t.state == tender::TenderState::cancelled) {
        return core::conflict("tender_cancelled",
                              "the tender is cancelled: its bids are never opened");
    }
    if (now_ms < t.opening_time_ms.value_or(0)) return core::conflict("opening_not_yet", not_yet);
    return {};
}

}  // namespace

core::Status check_share_handout(const tender::Tender& t, const core::Caller& caller,
                                 std::int64_t now_ms) {
    return check_member_at_opening(t, caller, now_ms, "hold shares",
                                   "shares are handed out from the opening time on");
}

core::Status check_share_intake(const tender::Tender& t, const core::Caller& caller,
                                std::int64_t now_ms, std::int64_t settle_ms) {
    PROCURA_TRY(check_member_at_opening(
        t, caller, now_ms, "submit shares",
        "shares are accepted from the opening time on; nothing was stored"));
    // A bid stamped just before the deadline may still be committing: when the opening time
    // equals the deadline, the opening waits a moment more so that every accepted bid is in.
    if (now_ms < t.submission_deadline_ms.value_or(0) + settle_ms) {
        return core::conflict("opening_not_yet",
                              "the last bids are still being stored; hand the share in again in a "
                              "few seconds (nothing was stored)");
    }
    return {};
}

core::Status check_share_size(std::string_view share) {
    if (share.empty() || share.size() > opening_share_bytes_max) {
        return core::unprocessable("bad_share", "not an opening-key share", "share");
    }
    return {};
}

}  // namespace procura::bidding::rules
