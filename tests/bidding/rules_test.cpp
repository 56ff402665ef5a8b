#include "bidding/rules.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "bidding/bid_security.hpp"
#include "tests/tender/store_contract.hpp"

using namespace procura::bidding;
using procura::core::Caller;
using procura::core::Role;
using procura::tender::Tender;
using procura::tender::TenderState;
using procura::tender::contract::sample_tender;

namespace {

Tender published() {
    Tender t = sample_tender();
    t.state = TenderState::published;
    t.committee = {7, 8, 9};
    return t;
}

std::string code_of(const procura::core::Status& s) { return s.ok() ? "" : s.error().code; }

std::string code_of(const std::optional<procura::core::Error>& e) { return e ? e->code : ""; }

Bid bid(std::int64_t tender, procura::core::UserId supplier, std::int64_t lot, char hash) {
    Bid b;
    b.tender_id = tender;
    b.supplier_id = supplier;
    b.lot_id = lot;
    b.sha256_hex = std::string(64, hash);
    return b;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bidding_rules)

BOOST_AUTO_TEST_CASE(a_bid_is_received_from_the_enquiry_deadline_until_before_the_submission_one) {
    const Tender t = published();
    const std::int64_t enquiry = *t.enquiry_deadline_ms;
    const std::int64_t deadline = *t.submission_deadline_ms;
    BOOST_TEST(code_of(rules::refuse_bid(t, 1, enquiry - 1)) == "tendering_not_open");
    BOOST_TEST(code_of(rules::refuse_bid(t, 1, enquiry)) == "");
    BOOST_TEST(code_of(rules::refuse_bid(t, 1, deadline - 1)) == "");
    BOOST_TEST(code_of(rules::refuse_bid(t, 1, deadline)) == "submission_closed");
}

BOOST_AUTO_TEST_CASE(an_unknown_lot_and_a_cancelled_tender_are_refused) {
    Tender t = published();
    const std::int64_t open = *t.enquiry_deadline_ms;
    const auto lots = static_cast<std::int64_t>(t.lots.size());
    BOOST_TEST(code_of(rules::refuse_bid(t, lots, open)) == "");
    BOOST_TEST(code_of(rules::refuse_bid(t, lots + 1, open)) == "unknown_lot");
    BOOST_TEST(rules::refuse_bid(t, 0, open)->field == "lot_id");
    t.state = TenderState::cancelled;
    BOOST_TEST(code_of(rules::refuse_bid(t, 1, open)) == "tender_cancelled");
}

BOOST_AUTO_TEST_CASE(a_body_is_one_byte_to_bid_bytes_max) {
    BOOST_TEST(code_of(rules::check_body_size(0, 100)) == "bid_required");
    BOOST_TEST(code_of(rules::check_body_size(1, 100)) == "");
    BOOST_TEST(code_of(rules::check_body_size(100, 100)) == "");
    BOOST_TEST(code_of(rules::check_body_size(101, 100)) == "bid_too_large");
}

BOOST_AUTO_TEST_CASE(the_receipt_time_decides_to_the_millisecond) {
    const Tender t = published();
    const std::int64_t deadline = *t.submission_deadline_ms;
    BOOST_TEST(code_of(rules::check_receipt_time(t, deadline - 1)) == "");
    BOOST_TEST(code_of(rules::check_receipt_time(t, deadline)) == "submission_closed");
}

BOOST_AUTO_TEST_CASE(a_resend_is_answered_only_to_its_supplier_while_active) {
    Bid stored = bid(1, 21, 1, 'a');
    BOOST_TEST(code_of(rules::check_resend(stored, 21)) == "");
    BOOST_TEST(code_of(rules::check_resend(stored, 22)) == "bid_replayed");
    stored.state = BidState::replaced;
    BOOST_TEST(code_of(rules::check_resend(stored, 21)) == "bid_not_active");
}

BOOST_AUTO_TEST_CASE(bids_of_one_body_or_of_one_supplier_and_lot_never_share_a_group) {
    BOOST_TEST(rules::clash_in_group(bid(1, 21, 1, 'a'), bid(1, 22, 2, 'a')));
    BOOST_TEST(rules::clash_in_group(bid(1, 21, 1, 'a'), bid(1, 21, 1, 'b')));
    BOOST_TEST(!rules::clash_in_group(bid(1, 21, 1, 'a'), bid(1, 21, 2, 'b')));
    BOOST_TEST(!rules::clash_in_group(bid(1, 21, 1, 'a'), bid(2, 21, 1, 'a')));
}

BOOST_AUTO_TEST_CASE(a_bid_is_withdrawn_only_in_the_tendering_period) {
    const Tender t = published();
    BOOST_TEST(code_of(rules::check_withdrawal(t, *t.submission_deadline_ms - 1)) == "");
    BOOST_TEST(code_of(rules::check_withdrawal(t, *t.submission_deadline_ms)) ==
               "submission_closed");
}

BOOST_AUTO_TEST_CASE(staff_see_every_bid_a_supplier_its_own_and_nobody_else_any) {
    BOOST_TEST(*rules::sees_all_bids(Role::officer));
    BOOST_TEST(*rules::sees_all_bids(Role::auditor));
    BOOST_TEST(*rules::sees_all_bids(Role::admin));
    BOOST_TEST(!*rules::sees_all_bids(Role::supplier));
    BOOST_TEST(rules::sees_all_bids(Role::finance).error().code == "forbidden");
}

BOOST_AUTO_TEST_CASE(shares_are_handed_out_to_members_from_the_opening_time) {
    const Tender t = published();
    const std::int64_t opening = *t.opening_time_ms;
    const Caller member{8, Role::officer, "m"};
    BOOST_TEST(code_of(rules::check_share_handout(t, member, opening - 1)) == "opening_not_yet");
    BOOST_TEST(code_of(rules::check_share_handout(t, member, opening)) == "");
    BOOST_TEST(code_of(rules::check_share_handout(t, Caller{6, Role::officer, "x"}, opening)) ==
               "forbidden");
    Tender cancelled = t;
    cancelled.state = TenderState::cancelled;
    BOOST_TEST(code_of(rules::check_share_handout(cancelled, member, opening)) ==
               "tender_cancelled");
}

BOOST_AUTO_TEST_CASE(shares_are_taken_in_only_after_the_settle_window_past_the_deadline) {
    Tender t = published();
    t.opening_time_ms = t.submission_deadline_ms;  // the opening at the deadline itself
    const std::int64_t deadline = *t.submission_deadline_ms;
    const Caller member{7, Role::officer, "m"};
    BOOST_TEST(code_of(rules::check_share_intake(t, member, deadline - 1, 2000)) ==
               "opening_not_yet");
    BOOST_TEST(code_of(rules::check_share_intake(t, member, deadline + 1999, 2000)) ==
               "opening_not_yet");
    BOOST_TEST(code_of(rules::check_share_intake(t, member, deadline + 2000, 2000)) == "");
}

BOOST_AUTO_TEST_CASE(an_opened_share_is_one_byte_to_opening_share_bytes_max) {
    BOOST_TEST(code_of(rules::check_share_size("")) == "bad_share");
    BOOST_TEST(code_of(rules::check_share_size(std::string(1, 's'))) == "");
    BOOST_TEST(code_of(rules::check_share_size(std::string(opening_share_bytes_max, 's'))) == "");
    BOOST_TEST(code_of(rules::check_share_size(std::string(opening_share_bytes_max + 1, 's'))) ==
               "bad_share");
}

// The one definition of a deposit's id, which the bid row stores and settlement reads: its form
// must not change, or deposits held before a change would no longer be found by their resends.
BOOST_AUTO_TEST_CASE(a_deposit_id_names_the_tender_and_128_bits_of_the_body_hash) {
    const std::string hash = "0123456789abcdef0123456789abcdef" + std::string(32, 'f');
    BOOST_TEST(bid_security_transfer_id(42, hash) == "bs:42:0123456789abcdef0123456789abcdef");
    BOOST_TEST(bid_security_transfer_id(9'223'372'036'854'775'807, hash).size() <= 64u);
}

BOOST_AUTO_TEST_SUITE_END()
