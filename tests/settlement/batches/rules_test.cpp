#include "settlement/batches/rules.hpp"

#include <boost/test/unit_test.hpp>
#include <limits>

#include "tests/settlement/batches/fake_data.hpp"

namespace {

using namespace procura::settlement::batches;
using namespace procura::settlement::batches::testdata;
namespace rules = procura::settlement::batches::rules;

constexpr std::int64_t cutoff = 1'800'000'000'000;

rules::Selection select(const PrepareInput& input, std::int64_t at = cutoff, int threads = 1) {
    return rules::select_items(input, at, 100'000, threads);
}

// The kind of the single item for one deposit among the awards and releases, or nullopt if
// none.
std::optional<ItemKind> deposit_kind(std::vector<AwardFact> awards, std::int64_t bid = 1,
                                     std::vector<LotRelease> releases = {}) {
    PrepareInput in;
    in.awards = std::move(awards);
    in.releases = std::move(releases);
    in.deposits = {deposit(bid)};
    const auto s = select(in);
    if (s.items.empty()) return std::nullopt;
    return s.items.front().kind;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(batch_rules)

BOOST_AUTO_TEST_CASE(milestone_accepted_at_the_cutoff_is_paid_and_one_ms_later_is_not) {
    PrepareInput in;
    in.milestones = {milestone(1, cutoff), milestone(2, cutoff + 1), milestone(3, cutoff - 1)};
    const auto s = select(in);
    BOOST_REQUIRE_EQUAL(s.items.size(), 2u);
    BOOST_TEST(s.items[0].milestone_id == 1);
    BOOST_TEST(s.items[1].milestone_id == 3);
    BOOST_TEST(s.skipped.empty());
}

BOOST_AUTO_TEST_CASE(payments_without_bank_details_are_skipped_with_their_reason) {
    PrepareInput in;
    in.milestones = {milestone(1, 1), milestone(2, 1), milestone(3, 1), milestone(4, 1),
                     milestone(5, 1)};
    in.milestones[0].supplier.reset();
    in.milestones[1].supplier->status = "pending";
    in.milestones[2].supplier->iban.clear();
    in.milestones[3].buyer_account.reset();
    in.milestones[4].supplier->iban = "GB82WEST12345698765433";  // check digits wrong
    const auto s = select(in);
    BOOST_TEST(s.items.empty());
    BOOST_REQUIRE_EQUAL(s.skipped.size(), 5u);
    BOOST_TEST(s.skipped[0].code == "supplier_not_approved");
    BOOST_TEST(s.skipped[1].code == "supplier_not_approved");
    BOOST_TEST(s.skipped[2].code == "supplier_without_iban");
    BOOST_TEST(s.skipped[3].code == "buyer_without_bank_account");
    BOOST_TEST(s.skipped[4].code == "bad_iban");
    BOOST_TEST(s.skipped[3].reason.find("TOWN-1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(deposit_rules_for_each_award_state) {
    // Bid 1 is the deposit's; bid 2 another bidder's on the same lot.
    BOOST_TEST(!deposit_kind({}).has_value());  // no award yet: held
    BOOST_TEST((deposit_kind({award(2, AwardState::awarded, 5)}) == ItemKind::refund));  // loser
    BOOST_TEST((deposit_kind({award(2, AwardState::signed_, 5, 6)}) == ItemKind::refund));
    BOOST_TEST((deposit_kind({award(2, AwardState::declined, 5, 6)}) == ItemKind::refund));
    BOOST_TEST(!deposit_kind({award(1, AwardState::awarded, 5)}).has_value());  // winner held
    BOOST_TEST((deposit_kind({award(1, AwardState::signed_, 5, 6)}) == ItemKind::refund));
    BOOST_TEST((deposit_kind({award(1, AwardState::declined, 5, 6)}) == ItemKind::forfeit));
    // The next bid awarded after a decline is held, not refunded as a loser.
    BOOST_TEST(
        !deposit_kind({award(2, AwardState::declined, 5, 6), award(1, AwardState::awarded, 7)})
             .has_value());
    // An award on another lot says nothing about this one.
    BOOST_TEST((!deposit_kind({award(2, AwardState::awarded, 5, 0, 2)}).has_value()));
}

BOOST_AUTO_TEST_CASE(deposit_decisions_count_only_up_to_the_cutoff) {
    BOOST_TEST((!deposit_kind({award(2, AwardState::awarded, cutoff + 1)}).has_value()));
    BOOST_TEST((deposit_kind({award(2, AwardState::awarded, cutoff)}) == ItemKind::refund));
    BOOST_TEST((!deposit_kind({award(1, AwardState::declined, 5, cutoff + 1)}).has_value()));
    BOOST_TEST((deposit_kind({award(1, AwardState::declined, 5, cutoff)}) == ItemKind::forfeit));
    BOOST_TEST((!deposit_kind({award(1, AwardState::signed_, 5, cutoff + 1)}).has_value()));
}

BOOST_AUTO_TEST_CASE(closed_lots_and_cancelled_tenders_release_their_deposits) {
    const LotRelease closed{1, 1, cutoff};
    const LotRelease closed_late{1, 1, cutoff + 1};
    const LotRelease other_lot{1, 2, 5};
    const LotRelease other_tender{2, 0, 5};
    const LotRelease cancelled{1, 0, cutoff};
    // A lot closed as unsuccessful without any award: every deposit on it comes back.
    BOOST_TEST((deposit_kind({}, 1, {closed}) == ItemKind::refund));
    BOOST_TEST(!deposit_kind({}, 1, {closed_late}).has_value());  // after the cut-off
    BOOST_TEST(!deposit_kind({}, 1, {other_lot}).has_value());
    BOOST_TEST(!deposit_kind({}, 1, {other_tender}).has_value());
    // After a decline the lot is closed: the decliner's deposit stays forfeited.
    BOOST_TEST(
        (deposit_kind({award(1, AwardState::declined, 5, 6)}, 1, {closed}) == ItemKind::forfeit));
    // A cancelled tender releases every deposit, a held winner's too, but not a forfeit.
    BOOST_TEST((deposit_kind({}, 1, {cancelled}) == ItemKind::refund));
    BOOST_TEST(
        (deposit_kind({award(1, AwardState::awarded, 5)}, 1, {cancelled}) == ItemKind::refund));
    BOOST_TEST((deposit_kind({award(1, AwardState::declined, 5, 6)}, 1, {cancelled}) ==
                ItemKind::forfeit));
    BOOST_TEST(!deposit_kind({award(1, AwardState::awarded, 5)}, 1, {LotRelease{1, 0, cutoff + 1}})
                    .has_value());
}

BOOST_AUTO_TEST_CASE(items_are_ordered_and_numbered_payments_first) {
    PrepareInput in;
    in.milestones = {milestone(7, 1, 100, 12), milestone(3, 1, 200, 11),
                     milestone(5, 1, 300, 11, "USD")};
    in.awards = {award(9, AwardState::awarded, 1)};
    in.deposits = {deposit(3), deposit(2)};
    const auto s = select(in);
    BOOST_REQUIRE_EQUAL(s.items.size(), 5u);
    for (std::size_t n = 0; n < s.items.size(); ++n) BOOST_TEST(s.items[n].number == n + 1);
    BOOST_TEST(s.items[0].milestone_id == 3);  // EUR, contract 111
    BOOST_TEST(s.items[1].milestone_id == 7);  // EUR, contract 112
    BOOST_TEST(s.items[2].milestone_id == 5);  // USD
    BOOST_TEST(s.items[3].pending_id == deposit(2).pending_id);
    BOOST_TEST(s.items[4].pending_id == deposit(3).pending_id);
}

BOOST_AUTO_TEST_CASE(totals_per_currency_and_per_supplier) {
    PrepareInput in;
    in.milestones = {milestone(1, 1, 100, 11), milestone(2, 1, 250, 11),
                     milestone(3, 1, 40, 12, "USD")};
    in.awards = {award(1, AwardState::declined, 1, 2), award(2, AwardState::awarded, 3)};
    in.deposits = {deposit(1, 1, 5000), deposit(3, 1, 700)};
    const Totals t = rules::totals(select(in).items);
    BOOST_REQUIRE_EQUAL(t.per_currency.size(), 2u);
    BOOST_TEST(t.per_currency[0].currency == "EUR");
    BOOST_TEST(t.per_currency[0].payments_minor == 350);
    BOOST_TEST(t.per_currency[0].payment_count == 2);
    BOOST_TEST(t.per_currency[0].forfeits_minor == 5000);
    BOOST_TEST(t.per_currency[0].refunds_minor == 700);
    BOOST_TEST(t.per_currency[1].payments_minor == 40);
    BOOST_REQUIRE_EQUAL(t.per_supplier.size(), 3u);
    BOOST_TEST(t.per_supplier[0].supplier_id == 11);
    BOOST_TEST(t.per_supplier[0].currency == "EUR");
    BOOST_TEST(t.per_supplier[0].payments_minor == 350);
    BOOST_TEST(t.per_supplier[0].forfeits_minor == 5000);  // bidder 1 is user 11
}

BOOST_AUTO_TEST_CASE(transfer_ids_derive_from_batch_and_item_and_fit_an_end_to_end_id) {
    BOOST_TEST(rules::transfer_id(7, 3) == "stl:7:3");
    const std::string longest =
        rules::transfer_id(std::numeric_limits<std::int64_t>::max(), 100'000);
    BOOST_TEST(longest.size() <= 35u);
}

BOOST_AUTO_TEST_CASE(ledger_transfers_are_one_linked_group_in_item_order) {
    PrepareInput in;
    in.milestones = {milestone(1, 1, 100, 11)};
    in.awards = {award(1, AwardState::declined, 1, 2), award(2, AwardState::awarded, 3)};
    in.deposits = {deposit(1), deposit(3)};
    Batch b;
    b.id = 4;
    b.items = select(in).items;
    rules::LedgerAccounts accounts;
    accounts.buyers[{1, "EUR"}] = 50;
    accounts.suppliers[{11, "EUR"}] = 60;
    const auto t = rules::ledger_transfers(b, accounts);
    BOOST_REQUIRE_EQUAL(t.size(), 3u);
    BOOST_TEST(t[0].id == "stl:4:1");
    BOOST_TEST((t[0].kind == procura::money::TransferKind::single));
    BOOST_TEST(t[0].debit_account_id == 50);
    BOOST_TEST(t[0].credit_account_id == 60);
    BOOST_TEST((t[1].kind == procura::money::TransferKind::post_pending));  // forfeit of bid 1
    BOOST_TEST(t[1].pending_id == deposit(1).pending_id);
    BOOST_TEST((t[2].kind == procura::money::TransferKind::void_pending));  // refund of bid 3
    BOOST_TEST(t[0].linked);
    BOOST_TEST(t[1].linked);
    BOOST_TEST(!t[2].linked);
    for (const auto& x : t) BOOST_TEST(x.batch_id == "settlement-4");
}

BOOST_AUTO_TEST_CASE(selection_is_identical_on_one_and_many_threads) {
    PrepareInput in;
    for (int n = 1; n <= 3000; ++n) {
        in.milestones.push_back(milestone(n, n % 7 == 0 ? cutoff + 1 : n, 100 + n, 10 + n % 13,
                                          n % 3 == 0 ? "USD" : "EUR"));
        if (n % 11 == 0) in.milestones.back().supplier->status = "rejected";
    }
    for (int b = 1; b <= 500; ++b) {
        in.awards.push_back(
            award(b * 10, b % 3 == 0 ? AwardState::declined : AwardState::signed_, 1, 2, b));
        in.deposits.push_back(deposit(b * 10, b));
        in.deposits.back().pending_id = "bs:1:a" + std::to_string(b);
        in.deposits.push_back(deposit(b * 10 + 1, b));
        in.deposits.back().pending_id = "bs:1:x" + std::to_string(b);
    }
    const auto one = select(in, cutoff, 1);
    const auto many = select(in, cutoff, 4);
    const auto all = select(in, cutoff, 0);
    BOOST_TEST(one.items.size() > 2000u);
    BOOST_TEST((one.items == many.items));
    BOOST_TEST((one.skipped == many.skipped));
    BOOST_TEST((one.items == all.items));
}

BOOST_AUTO_TEST_CASE(bank_files_split_by_buyer_and_currency_with_stored_times) {
    PrepareInput in;
    in.milestones = {milestone(1, 1, 100, 11), milestone(2, 1, 200, 12, "USD"),
                     milestone(3, 1, 300, 13)};
    in.milestones[2].buyer_account = buyer(2, "CITY-2");
    Batch b;
    b.id = 9;
    b.approved_at_ms = 1'790'000'000'123;
    b.items = select(in).items;
    const auto files = rules::plan_files(b);
    BOOST_REQUIRE_EQUAL(files.size(), 3u);
    BOOST_TEST(files[0].file.message_id == "STL-9-1");
    BOOST_TEST(files[0].file.currency == "EUR");
    BOOST_TEST(files[0].file.payment_count == 1);
    BOOST_TEST(files[0].payments.created_at_ms == b.approved_at_ms);
    BOOST_TEST(files[0].payments.payments[0].end_to_end_id == "stl:9:1");
    BOOST_TEST(files[1].file.currency == "USD");
    BOOST_TEST(files[2].file.buyer_account_id == 2);
    for (const auto& f : files) BOOST_TEST(check_payment_batch(f.payments).ok());
}

BOOST_AUTO_TEST_CASE(bank_files_hold_at_most_bank_file_payments_max_payments) {
    PrepareInput in;
    const std::size_t n = 2 * bank_file_payments_max + 1;
    for (std::size_t k = 1; k <= n; ++k) {
        in.milestones.push_back(milestone(static_cast<std::int64_t>(k), 1));
    }
    Batch b;
    b.id = 3;
    b.approved_at_ms = 1'790'000'000'000;
    b.items = select(in).items;
    const auto files = rules::plan_files(b);
    BOOST_REQUIRE_EQUAL(files.size(), 3u);
    BOOST_TEST(files[0].file.payment_count == static_cast<std::int32_t>(bank_file_payments_max));
    BOOST_TEST(files[1].file.payment_count == static_cast<std::int32_t>(bank_file_payments_max));
    BOOST_TEST(files[2].file.payment_count == 1);
    BOOST_TEST(files[2].file.message_id == "STL-3-3");
}

BOOST_AUTO_TEST_CASE(a_currency_adds_up_to_less_than_eighteen_digits_per_batch) {
    constexpr std::int64_t max = batch_currency_sum_max_minor;
    PrepareInput in;
    in.milestones = {milestone(1, 1, max / 2), milestone(2, 1, max / 2),
                     milestone(3, 1, max - 1, 10, "USD"), milestone(4, 1, 7)};
    in.awards = {award(2, AwardState::awarded, 1)};
    in.deposits = {deposit(1, 1, max)};  // a refund that could never fit
    const auto s = select(in);
    // EUR: 1 fits, 2 would reach the limit and waits, 4 still fits; USD 3 fits alone.
    BOOST_REQUIRE_EQUAL(s.items.size(), 3u);
    BOOST_TEST(s.items[0].milestone_id == 1);
    BOOST_TEST(s.items[1].milestone_id == 4);
    BOOST_TEST(s.items[2].milestone_id == 3);
    BOOST_REQUIRE_EQUAL(s.skipped.size(), 1u);
    BOOST_TEST(s.skipped[0].code == "amount_too_large");
    const Totals t = rules::totals(s.items);
    BOOST_TEST(t.per_currency[0].payments_minor == max / 2 + 7);
}

BOOST_AUTO_TEST_CASE(the_deposit_of_a_replaced_or_withdrawn_bid_is_refunded_at_once) {
    PrepareInput in;
    in.deposits = {deposit(1)};
    in.deposits[0].bid_active = false;
    const auto s = select(in);
    BOOST_REQUIRE_EQUAL(s.items.size(), 1u);
    BOOST_TEST((s.items[0].kind == ItemKind::refund));
}

BOOST_AUTO_TEST_CASE(report_fields_a_spreadsheet_would_run_are_defused) {
    PrepareInput in;
    in.milestones = {milestone(1, 1)};
    in.milestones[0].supplier->organisation_name = "=HYPERLINK(\"http://x\",\"y\")";
    Batch b;
    b.id = 4;
    b.approved_at_ms = 1'790'000'000'000;
    b.items = select(in).items;
    const std::string csv = rules::report_csv(b, rules::plan_files(b));
    BOOST_TEST(csv.find(",=HYPERLINK") == std::string::npos);
    BOOST_TEST(csv.find(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(four_eyes_and_state_rules) {
    Batch b;
    b.id = 1;
    b.prepared_by = 5;
    const procura::core::Caller preparer{5, procura::core::Role::finance, "a"};
    const procura::core::Caller other{6, procura::core::Role::finance, "b"};
    const procura::core::Caller officer{7, procura::core::Role::officer, "o"};
    BOOST_TEST(rules::check_can_approve(b, preparer).error().code == "four_eyes");
    BOOST_TEST(rules::check_can_approve(b, officer).error().code == "forbidden_role");
    BOOST_TEST(rules::check_can_approve(b, other).ok());
    BOOST_TEST(rules::check_can_execute(b, other).error().code == "batch_not_approved");
    b.state = BatchState::approved;
    BOOST_TEST(rules::check_can_approve(b, other).error().code == "batch_not_prepared");
    BOOST_TEST(rules::check_can_execute(b, preparer).ok());
    BOOST_TEST(rules::check_can_execute(b, officer).error().code == "forbidden_role");
    b.state = BatchState::executing;
    BOOST_TEST(rules::check_can_execute(b, other).ok());
}

BOOST_AUTO_TEST_CASE(buyer_accounts_are_normalised_and_checked) {
    BuyerAccount a;
    a.buyer_id = " TOWN-1 ";
    a.name = "Town of Example";
    a.iban = "de89 3704 0044 0532 0130 00";
    auto ok = rules::normalise_buyer_account(a);
    BOOST_REQUIRE(ok.ok());
    BOOST_TEST(ok->iban == buyer_iban);
    BOOST_TEST(ok->buyer_id == "TOWN-1");
    a.iban = "DE89370400440532013001";
    auto bad = rules::normalise_buyer_account(a);
    BOOST_REQUIRE(!bad.ok());
    BOOST_TEST(bad.error().code == "bad_iban");
    BOOST_TEST(bad.error().field == "iban");
}

BOOST_AUTO_TEST_SUITE_END()
