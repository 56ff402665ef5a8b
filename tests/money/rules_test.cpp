#include "money/rules.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <functional>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "tests/support/require_error.hpp"

using namespace procura::money;
using procura::core::ErrorKind;

namespace {

using procura::testing::require_error;

constexpr std::int64_t at_ms = 1'800'000'000'000;
constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

// Account ids of the view every plan starts from.
constexpr std::int64_t buyer = 1;
constexpr std::int64_t wallet = 2;  // may not spend more than it was paid
constexpr std::int64_t escrow = 3;  // may not take in more than it paid out
constexpr std::int64_t platform = 4;
constexpr std::int64_t usd = 5;

Account account(std::int64_t id, std::string currency = "EUR", AccountFlags flags = {}) {
    Account a;
    a.id = id;
    a.owner = OwnerKind::buyer;
    a.owner_id = id;
    a.currency = std::move(currency);
    a.flags = flags;
    return a;
}

// The wallet holds 100 of credits; everything else is empty.
LedgerView fresh_view() {
    LedgerView v;
    v.accounts[buyer] = account(buyer);
    v.accounts[wallet] = account(wallet, "EUR", AccountFlags{true, false});
    v.accounts[wallet].balances.credits_posted = 100;
    v.accounts[escrow] = account(escrow, "EUR", AccountFlags{false, true});
    v.accounts[platform] = account(platform);
    v.accounts[usd] = account(usd, "USD");
    return v;
}

Transfer single(std::string id, std::int64_t debit, std::int64_t credit, std::int64_t amount,
                bool linked = false) {
    Transfer t;
    t.id = std::move(id);
    t.debit_account_id = debit;
    t.credit_account_id = credit;
    t.amount_minor = amount;
    t.currency = "EUR";
    t.code = 1;
    t.linked = linked;
    return t;
}

Transfer pending(std::string id, std::int64_t debit, std::int64_t credit, std::int64_t amount) {
    Transfer t = single(std::move(id), debit, credit, amount);
    t.kind = TransferKind::pending;
    return t;
}

Transfer resolution(std::string id, TransferKind kind, std::string pending_id,
                    std::int64_t amount = 0) {
    Transfer t;
    t.id = std::move(id);
    t.kind = kind;
    t.pending_id = std::move(pending_id);
    t.amount_minor = amount;
    return t;
}

Transfer linked(Transfer t) {
    t.linked = true;
    return t;
}

void require_failed(const TransferResult& r, const std::string& code) {
    BOOST_TEST_CONTEXT("transfer " << r.id) {
        BOOST_TEST((r.status == TransferStatus::failed));
        BOOST_REQUIRE(r.error.has_value());
        BOOST_TEST(r.error->code == code);
        BOOST_TEST(r.row_id == 0);
    }
}

void require_created(const TransferResult& r) {
    BOOST_TEST_CONTEXT("transfer " << r.id) {
        BOOST_TEST((r.status == TransferStatus::created));
        BOOST_TEST(!r.error.has_value());
    }
}

// Plans one transfer against a fresh view and returns its result.
TransferResult plan_one(const Transfer& t) {
    LedgerView v = fresh_view();
    const BatchPlan plan = plan_batch({t}, at_ms, v);
    BOOST_REQUIRE_EQUAL(plan.results.size(), 1u);
    return plan.results[0];
}

}  // namespace

BOOST_AUTO_TEST_SUITE(money_rules)

BOOST_AUTO_TEST_SUITE(accounts)

BOOST_AUTO_TEST_CASE(a_known_currency_and_an_owner_make_a_valid_account) {
    BOOST_TEST(validate_account(account(1)).ok());
    Account platform_account = account(1);
    platform_account.owner = OwnerKind::platform;
    platform_account.owner_id = 0;
    BOOST_TEST(validate_account(platform_account).ok());
    BOOST_TEST(validate_account(account(1, "EUR", AccountFlags{true, false})).ok());
    BOOST_TEST(validate_account(account(1, "EUR", AccountFlags{false, true})).ok());
}

BOOST_AUTO_TEST_CASE(an_unknown_currency_both_flags_or_a_missing_owner_is_refused) {
    require_error(validate_account(account(1, "EURO")), ErrorKind::unprocessable, "bad_currency",
                  "currency");
    require_error(validate_account(account(1, "eur")), ErrorKind::unprocessable, "bad_currency",
                  "currency");
    require_error(validate_account(account(1, "EUR", AccountFlags{true, true})),
                  ErrorKind::unprocessable, "contradictory_flags", "flags");
    Account nobody = account(1);
    nobody.owner_id = 0;  // only the platform may be owner 0
    require_error(validate_account(nobody), ErrorKind::unprocessable, "bad_owner_id", "owner_id");
    Account negative = account(1);
    negative.owner = OwnerKind::platform;
    negative.owner_id = -1;
    require_error(validate_account(negative), ErrorKind::unprocessable, "bad_owner_id", "owner_id");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(transfer_requests)

Transfer with(Transfer t, const std::function<void(Transfer&)>& change) {
    change(t);
    return t;
}

const Transfer valid = single("t1", buyer, wallet, 5);
const Transfer valid_post = resolution("p1", TransferKind::post_pending, "bs1");

// A request that is valid as it stands (base), and one change that makes it invalid.
struct InvalidCase {
    const char* name;
    Transfer base;
    std::function<void(Transfer&)> change;
    ErrorKind kind;
    const char* code;
    const char* field;
    Transfer request() const { return with(base, change); }
};

std::ostream& operator<<(std::ostream& os, const InvalidCase& c) { return os << c.name; }

constexpr ErrorKind bad = ErrorKind::bad_request;
constexpr ErrorKind unprocessable = ErrorKind::unprocessable;

const InvalidCase invalid_cases[] = {
    {"empty id", valid, [](Transfer& t) { t.id.clear(); }, bad, "bad_transfer_id", "id"},
    {"id of 65 bytes", valid, [](Transfer& t) { t.id.assign(65, 'a'); }, bad, "bad_transfer_id",
     "id"},
    {"id with a space", valid, [](Transfer& t) { t.id = "t 1"; }, bad, "bad_transfer_id", "id"},
    {"single of 0", valid, [](Transfer& t) { t.amount_minor = 0; }, unprocessable,
     "amount_not_positive", "amount_minor"},
    {"pending of -1", pending("bs1", wallet, platform, 1), [](Transfer& t) { t.amount_minor = -1; },
     unprocessable, "amount_not_positive", "amount_minor"},
    {"post of -1", valid_post, [](Transfer& t) { t.amount_minor = -1; }, unprocessable,
     "amount_not_positive", "amount_minor"},
    {"no debit account", valid, [](Transfer& t) { t.debit_account_id = 0; }, unprocessable,
     "account_required", "debit_account_id"},
    {"no credit account", valid, [](Transfer& t) { t.credit_account_id = 0; }, unprocessable,
     "account_required", "credit_account_id"},
    {"negative account on a post", valid_post, [](Transfer& t) { t.credit_account_id = -3; },
     unprocessable, "account_required", "debit_account_id"},
    {"same account", valid, [](Transfer& t) { t.credit_account_id = buyer; }, unprocessable,
     "same_account", "credit_account_id"},
    {"unknown currency", valid, [](Transfer& t) { t.currency = "XXY"; }, unprocessable,
     "bad_currency", "currency"},
    {"no currency on a single", valid, [](Transfer& t) { t.currency.clear(); }, unprocessable,
     "bad_currency", "currency"},
    {"post without pending id", valid_post, [](Transfer& t) { t.pending_id.clear(); },
     unprocessable, "pending_id_required", "pending_id"},
    {"post naming a bad id", valid_post, [](Transfer& t) { t.pending_id = "bs 1"; }, bad,
     "bad_transfer_id", "pending_id"},
    {"single naming a pending id", valid, [](Transfer& t) { t.pending_id = "bs1"; }, unprocessable,
     "unexpected_pending_id", "pending_id"},
    {"code -1", valid, [](Transfer& t) { t.code = -1; }, unprocessable, "bad_code", "code"},
    {"code 65536", valid, [](Transfer& t) { t.code = code_max + 1; }, unprocessable, "bad_code",
     "code"},
    {"reference of 129 bytes", valid,
     [](Transfer& t) { t.reference.assign(reference_bytes_max + 1, 'r'); }, unprocessable,
     "reference_too_long", "reference"},
    {"batch id of 65 bytes", valid,
     [](Transfer& t) { t.batch_id.assign(batch_id_bytes_max + 1, 'b'); }, bad, "bad_batch_id",
     "batch_id"},
    {"batch id with a space", valid, [](Transfer& t) { t.batch_id = "b 1"; }, bad, "bad_batch_id",
     "batch_id"},
};

BOOST_DATA_TEST_CASE(an_invalid_request_is_refused_naming_its_field,
                     boost::unit_test::data::make(invalid_cases), c) {
    require_error(validate_transfer(c.request()), c.kind, c.code, c.field);
    // plan_batch validates too: the request fails on its own.
    require_failed(plan_one(c.request()), c.code);
}

BOOST_AUTO_TEST_CASE(every_limit_is_valid_at_its_boundary) {
    BOOST_TEST(validate_transfer(valid).ok());
    BOOST_TEST(validate_transfer(with(valid, [](Transfer& t) { t.id.assign(64, 'a'); })).ok());
    BOOST_TEST(validate_transfer(with(valid, [](Transfer& t) { t.id = "Az09._:-"; })).ok());
    BOOST_TEST(validate_transfer(with(valid, [](Transfer& t) { t.amount_minor = 1; })).ok());
    BOOST_TEST(validate_transfer(with(valid, [](Transfer& t) { t.code = 0; })).ok());
    BOOST_TEST(validate_transfer(with(valid, [](Transfer& t) { t.code = code_max; })).ok());
    BOOST_TEST(validate_transfer(with(valid, [](Transfer& t) {
                   t.reference.assign(reference_bytes_max, 'r');
               })).ok());
    BOOST_TEST(validate_transfer(with(valid, [](Transfer& t) {
                   t.batch_id.assign(batch_id_bytes_max, 'b');
               })).ok());
    BOOST_TEST(validate_transfer(with(valid, [](Transfer& t) { t.batch_id.clear(); })).ok());
    // A post or void may be of 0 (the whole reservation) and leave accounts and currency out.
    BOOST_TEST(validate_transfer(valid_post).ok());
    BOOST_TEST(validate_transfer(resolution("v1", TransferKind::void_pending, "bs1")).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(planning)

BOOST_AUTO_TEST_CASE(a_transfer_moves_both_balances_and_is_planned_with_its_time) {
    LedgerView v = fresh_view();
    const BatchPlan plan = plan_batch({single("t1", buyer, platform, 40)}, at_ms, v);
    require_created(plan.results[0]);
    BOOST_REQUIRE_EQUAL(plan.created.size(), 1u);
    BOOST_TEST(plan.created[0].at_ms == at_ms);
    BOOST_TEST(plan.created[0].row_id == 0);
    BOOST_TEST(plan.created_result == std::vector<std::size_t>{0});
    BOOST_TEST((v.accounts[buyer].balances == Balances{0, 40, 0, 0}));
    BOOST_TEST((v.accounts[platform].balances == Balances{0, 0, 0, 40}));
    BOOST_TEST(plan.changed_accounts == (std::vector<std::int64_t>{buyer, platform}));
    BOOST_TEST(v.transfers.count("t1") == 1u);
}

BOOST_AUTO_TEST_CASE(balances_reach_the_int64_maximum_and_no_further) {
    LedgerView v = fresh_view();
    v.accounts[platform].balances.credits_posted = int64_max - 10;
    require_created(plan_batch({single("full", buyer, platform, 10)}, at_ms, v).results[0]);
    BOOST_TEST(v.accounts[platform].balances.credits_posted == int64_max);
    const BatchPlan over = plan_batch({single("over", buyer, platform, 1)}, at_ms, v);
    require_failed(over.results[0], "balance_overflow");
    BOOST_TEST((over.results[0].error->kind == ErrorKind::conflict));
    BOOST_TEST(v.accounts[platform].balances.credits_posted == int64_max);
    BOOST_TEST(v.accounts[buyer].balances.debits_posted == 10);
    BOOST_TEST(over.created.empty());
    // The debit side overflows the same way.
    v.accounts[buyer].balances.debits_posted = int64_max;
    require_failed(plan_batch({single("d", buyer, escrow, 1)}, at_ms, v).results[0],
                   "balance_overflow");
}

BOOST_AUTO_TEST_CASE(a_wallet_spends_exactly_its_credits_and_not_one_unit_more) {
    LedgerView v = fresh_view();
    const BatchPlan over = plan_batch({single("w0", wallet, platform, 101)}, at_ms, v);
    require_failed(over.results[0], "exceeds_credits");
    BOOST_TEST((over.results[0].error->kind == ErrorKind::conflict));
    BOOST_TEST(over.results[0].error->field == "amount_minor");
    require_created(plan_batch({single("w1", wallet, platform, 100)}, at_ms, v).results[0]);
    require_failed(plan_batch({single("w2", wallet, platform, 1)}, at_ms, v).results[0],
                   "exceeds_credits");
    BOOST_TEST((v.accounts[wallet].balances == Balances{0, 100, 0, 100}));
}

BOOST_AUTO_TEST_CASE(a_reservation_counts_against_the_credits_it_may_spend) {
    LedgerView v = fresh_view();
    require_created(plan_batch({pending("bs1", wallet, platform, 60)}, at_ms, v).results[0]);
    require_failed(plan_batch({single("w1", wallet, platform, 41)}, at_ms, v).results[0],
                   "exceeds_credits");
    require_created(plan_batch({single("w2", wallet, platform, 40)}, at_ms, v).results[0]);
    require_failed(plan_batch({pending("bs2", wallet, platform, 1)}, at_ms, v).results[0],
                   "exceeds_credits");
}

BOOST_AUTO_TEST_CASE(an_escrow_takes_in_exactly_what_it_paid_out_and_not_one_unit_more) {
    LedgerView v = fresh_view();
    require_failed(plan_batch({single("e0", buyer, escrow, 1)}, at_ms, v).results[0],
                   "exceeds_debits");
    require_created(plan_batch({single("e1", escrow, buyer, 30)}, at_ms, v).results[0]);
    require_created(plan_batch({single("e2", buyer, escrow, 30)}, at_ms, v).results[0]);
    const BatchPlan over = plan_batch({single("e3", buyer, escrow, 1)}, at_ms, v);
    require_failed(over.results[0], "exceeds_debits");
    BOOST_TEST((over.results[0].error->kind == ErrorKind::conflict));
    BOOST_TEST((v.accounts[escrow].balances == Balances{0, 30, 0, 30}));
}

BOOST_AUTO_TEST_CASE(unknown_accounts_and_other_currencies_are_refused) {
    const TransferResult no_debit = plan_one(single("u1", 99, platform, 1));
    require_failed(no_debit, "account_not_found");
    BOOST_TEST((no_debit.error->kind == ErrorKind::not_found));
    BOOST_TEST(no_debit.error->field == "debit_account_id");
    const TransferResult no_credit = plan_one(single("u2", buyer, 99, 1));
    require_failed(no_credit, "account_not_found");
    BOOST_TEST(no_credit.error->field == "credit_account_id");
    require_failed(plan_one(single("c1", buyer, usd, 1)), "currency_mismatch");
    Transfer in_usd = single("c2", buyer, platform, 1);
    in_usd.currency = "USD";
    const TransferResult mismatch = plan_one(in_usd);
    require_failed(mismatch, "currency_mismatch");
    BOOST_TEST((mismatch.error->kind == ErrorKind::unprocessable));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(linked_groups)

BOOST_AUTO_TEST_CASE(a_failing_member_fails_its_whole_group_and_undoes_its_effects) {
    LedgerView v = fresh_view();
    const LedgerView before = v;
    // g1 credits the wallet 50, g2 spends 150 of its 150, g3 spends 1 more: g3 fails, so g1
    // and g2 fail with it; g4, a group of its own after it, goes on.
    const BatchPlan plan = plan_batch(
        {single("g1", buyer, wallet, 50, true), single("g2", wallet, platform, 150, true),
         single("g3", wallet, platform, 1), single("g4", buyer, platform, 7)},
        at_ms, v);
    require_failed(plan.results[0], "linked_transfer_failed");
    require_failed(plan.results[1], "linked_transfer_failed");
    require_failed(plan.results[2], "exceeds_credits");
    BOOST_TEST(plan.results[0].error->message.find("g3") != std::string::npos);
    BOOST_TEST(plan.results[0].error->field == "linked");
    require_created(plan.results[3]);
    BOOST_REQUIRE_EQUAL(plan.created.size(), 1u);
    BOOST_TEST(plan.created[0].id == "g4");
    BOOST_TEST(plan.created_result == std::vector<std::size_t>{3});
    BOOST_TEST((v.accounts[wallet].balances == before.accounts.at(wallet).balances));
    BOOST_TEST((v.accounts[buyer].balances == Balances{0, 7, 0, 0}));
    BOOST_TEST(v.transfers.count("g1") == 0u);
    BOOST_TEST(v.transfers.count("g2") == 0u);
    // Only the accounts of the group that went through changed.
    BOOST_TEST(plan.changed_accounts == (std::vector<std::int64_t>{buyer, platform}));
}

BOOST_AUTO_TEST_CASE(a_failed_group_undoes_the_pending_transfers_it_resolved) {
    LedgerView v = fresh_view();
    require_created(plan_batch({pending("bs1", wallet, platform, 30)}, at_ms, v).results[0]);
    const BatchPlan plan =
        plan_batch({linked(resolution("post1", TransferKind::post_pending, "bs1")),
                    single("bad", buyer, usd, 1)},
                   at_ms, v);
    require_failed(plan.results[0], "linked_transfer_failed");
    require_failed(plan.results[1], "currency_mismatch");
    BOOST_TEST((v.transfers.at("bs1").pending_state == PendingState::pending));
    BOOST_TEST(v.transfers.count("post1") == 0u);
    BOOST_TEST((v.accounts[wallet].balances == Balances{30, 0, 0, 100}));
}

BOOST_AUTO_TEST_CASE(a_batch_ending_inside_a_group_plans_nothing_of_that_group) {
    LedgerView v = fresh_view();
    const BatchPlan plan =
        plan_batch({single("a", buyer, platform, 1), single("b", buyer, platform, 2, true),
                    single("c", buyer, platform, 3, true)},
                   at_ms, v);
    require_created(plan.results[0]);
    require_failed(plan.results[1], "linked_transfer_failed");
    require_failed(plan.results[2], "linked_group_open");
    BOOST_TEST((plan.results[2].error->kind == ErrorKind::bad_request));
    BOOST_TEST(plan.created.size() == 1u);
    BOOST_TEST(v.accounts[platform].balances.credits_posted == 1);
}

BOOST_AUTO_TEST_CASE(a_group_whose_members_all_hold_commits_whole) {
    LedgerView v = fresh_view();
    const BatchPlan plan = plan_batch(
        {single("g1", buyer, wallet, 50, true), single("g2", wallet, platform, 150)}, at_ms, v);
    require_created(plan.results[0]);
    require_created(plan.results[1]);
    BOOST_TEST((v.accounts[wallet].balances == Balances{0, 150, 0, 150}));
    BOOST_TEST(plan.changed_accounts == (std::vector<std::int64_t>{buyer, wallet, platform}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pending_transfers)

// A view in which the wallet has reserved 60 for the platform (bs1).
LedgerView view_with_reservation() {
    LedgerView v = fresh_view();
    const BatchPlan plan = plan_batch({pending("bs1", wallet, platform, 60)}, at_ms, v);
    BOOST_REQUIRE((plan.results[0].status == TransferStatus::created));
    BOOST_REQUIRE((v.transfers.at("bs1").pending_state == PendingState::pending));
    BOOST_REQUIRE((v.accounts[wallet].balances == Balances{60, 0, 0, 100}));
    BOOST_REQUIRE((v.accounts[platform].balances == Balances{0, 0, 60, 0}));
    return v;
}

BOOST_AUTO_TEST_CASE(a_post_of_the_whole_amount_settles_the_reservation_once) {
    LedgerView v = view_with_reservation();
    const BatchPlan plan =
        plan_batch({resolution("post1", TransferKind::post_pending, "bs1", 60)}, at_ms, v);
    require_created(plan.results[0]);
    // Accounts and currency come from the pending transfer.
    BOOST_REQUIRE_EQUAL(plan.created.size(), 1u);
    BOOST_TEST(plan.created[0].debit_account_id == wallet);
    BOOST_TEST(plan.created[0].credit_account_id == platform);
    BOOST_TEST(plan.created[0].currency == "EUR");
    BOOST_TEST((v.transfers.at("bs1").pending_state == PendingState::posted));
    BOOST_TEST((v.accounts[wallet].balances == Balances{0, 60, 0, 100}));
    BOOST_TEST((v.accounts[platform].balances == Balances{0, 0, 0, 60}));
    for (const Transfer& again : {resolution("post2", TransferKind::post_pending, "bs1"),
                                  resolution("void1", TransferKind::void_pending, "bs1")}) {
        const BatchPlan refused = plan_batch({again}, at_ms, v);
        require_failed(refused.results[0], "pending_already_posted");
        BOOST_TEST((refused.results[0].error->kind == ErrorKind::conflict));
    }
    BOOST_TEST((v.accounts[wallet].balances == Balances{0, 60, 0, 100}));
}

BOOST_AUTO_TEST_CASE(a_post_of_0_posts_everything_and_a_partial_post_releases_the_rest) {
    LedgerView whole = view_with_reservation();
    require_created(
        plan_batch({resolution("p0", TransferKind::post_pending, "bs1")}, at_ms, whole).results[0]);
    BOOST_TEST(whole.transfers.at("p0").amount_minor == 60);
    BOOST_TEST((whole.accounts[wallet].balances == Balances{0, 60, 0, 100}));

    LedgerView part = view_with_reservation();
    require_created(
        plan_batch({resolution("p1", TransferKind::post_pending, "bs1", 1)}, at_ms, part)
            .results[0]);
    BOOST_TEST(part.transfers.at("p1").amount_minor == 1);
    BOOST_TEST((part.accounts[wallet].balances == Balances{0, 1, 0, 100}));
    BOOST_TEST((part.accounts[platform].balances == Balances{0, 0, 0, 1}));
}

BOOST_AUTO_TEST_CASE(a_post_beyond_the_reservation_is_refused) {
    LedgerView v = view_with_reservation();
    const BatchPlan plan =
        plan_batch({resolution("p61", TransferKind::post_pending, "bs1", 61)}, at_ms, v);
    require_failed(plan.results[0], "post_exceeds_pending");
    BOOST_TEST((plan.results[0].error->kind == ErrorKind::unprocessable));
    BOOST_TEST((v.transfers.at("bs1").pending_state == PendingState::pending));
    BOOST_TEST((v.accounts[wallet].balances == Balances{60, 0, 0, 100}));
}

BOOST_AUTO_TEST_CASE(a_void_releases_the_whole_reservation_once) {
    LedgerView v = view_with_reservation();
    require_failed(
        plan_batch({resolution("v59", TransferKind::void_pending, "bs1", 59)}, at_ms, v).results[0],
        "void_amount_mismatch");
    const BatchPlan plan =
        plan_batch({resolution("v60", TransferKind::void_pending, "bs1", 60)}, at_ms, v);
    require_created(plan.results[0]);
    BOOST_TEST(plan.created[0].amount_minor == 60);
    BOOST_TEST((v.transfers.at("bs1").pending_state == PendingState::voided));
    BOOST_TEST((v.accounts[wallet].balances == Balances{0, 0, 0, 100}));
    BOOST_TEST((v.accounts[platform].balances == Balances{}));
    require_failed(
        plan_batch({resolution("v2", TransferKind::void_pending, "bs1")}, at_ms, v).results[0],
        "pending_already_voided");
    require_failed(
        plan_batch({resolution("p2", TransferKind::post_pending, "bs1")}, at_ms, v).results[0],
        "pending_already_voided");
}

BOOST_AUTO_TEST_CASE(a_reservation_and_its_void_in_one_batch_both_apply) {
    LedgerView v = fresh_view();
    const BatchPlan plan = plan_batch(
        {pending("bs1", wallet, platform, 60), resolution("v1", TransferKind::void_pending, "bs1")},
        at_ms, v);
    require_created(plan.results[0]);
    require_created(plan.results[1]);
    BOOST_REQUIRE_EQUAL(plan.created.size(), 2u);
    BOOST_TEST(plan.created[0].id == "bs1");  // the pending transfer precedes its void
    BOOST_TEST((v.accounts[wallet].balances == Balances{0, 0, 0, 100}));
}

BOOST_AUTO_TEST_CASE(a_resolution_must_name_a_pending_transfer_with_its_accounts) {
    LedgerView v = view_with_reservation();
    require_created(plan_batch({single("s1", buyer, platform, 5)}, at_ms, v).results[0]);
    const BatchPlan missing =
        plan_batch({resolution("r1", TransferKind::void_pending, "nope")}, at_ms, v);
    require_failed(missing.results[0], "pending_not_found");
    BOOST_TEST((missing.results[0].error->kind == ErrorKind::not_found));
    require_failed(
        plan_batch({resolution("r2", TransferKind::void_pending, "s1")}, at_ms, v).results[0],
        "not_a_pending_transfer");
    Transfer other_accounts = resolution("r3", TransferKind::post_pending, "bs1");
    other_accounts.debit_account_id = buyer;
    require_failed(plan_batch({other_accounts}, at_ms, v).results[0], "pending_accounts_mismatch");
    // The pending transfer's own accounts, given explicitly, are accepted.
    Transfer same_accounts = resolution("r4", TransferKind::post_pending, "bs1");
    same_accounts.debit_account_id = wallet;
    same_accounts.credit_account_id = platform;
    same_accounts.currency = "EUR";
    require_created(plan_batch({same_accounts}, at_ms, v).results[0]);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(transfer_ids)

BOOST_AUTO_TEST_CASE(an_id_sent_again_with_the_same_fields_exists_and_changes_nothing) {
    LedgerView v = fresh_view();
    require_created(plan_batch({single("t1", buyer, platform, 5)}, at_ms, v).results[0]);
    v.transfers["t1"].row_id = 41;  // as a store sets it
    const BatchPlan again = plan_batch({single("t1", buyer, platform, 5)}, at_ms + 1, v);
    BOOST_TEST((again.results[0].status == TransferStatus::exists));
    BOOST_TEST(again.results[0].row_id == 41);
    BOOST_TEST(again.created.empty());
    BOOST_TEST(again.changed_accounts.empty());
    BOOST_TEST(v.accounts[platform].balances.credits_posted == 5);
    // The same fields under another actor are still the same transfer.
    Transfer relinked = single("t1", buyer, platform, 5);
    relinked.actor = 99;
    BOOST_TEST((plan_batch({relinked}, at_ms, v).results[0].status == TransferStatus::exists));
}

BOOST_AUTO_TEST_CASE(an_id_sent_again_with_other_fields_is_a_conflict) {
    LedgerView v = fresh_view();
    require_created(plan_batch({single("t1", buyer, platform, 5)}, at_ms, v).results[0]);
    for (const auto& change : std::vector<std::function<void(Transfer&)>>{
             [](Transfer& t) { t.amount_minor = 6; }, [](Transfer& t) { t.reference = "other"; },
             [](Transfer& t) { t.code = 2; }, [](Transfer& t) { t.credit_account_id = wallet; },
             [](Transfer& t) { t.batch_id = "b2"; }}) {
        Transfer other = single("t1", buyer, platform, 5);
        change(other);
        const BatchPlan plan = plan_batch({other}, at_ms, v);
        require_failed(plan.results[0], "transfer_conflict");
        BOOST_TEST((plan.results[0].error->kind == ErrorKind::conflict));
        BOOST_TEST(plan.results[0].error->field == "id");
    }
    BOOST_TEST(v.accounts[platform].balances.credits_posted == 5);
}

BOOST_AUTO_TEST_CASE(an_id_twice_in_one_batch_is_created_once_and_both_get_its_row_id) {
    LedgerView v = fresh_view();
    BatchPlan plan = plan_batch({single("t1", buyer, platform, 5), single("t2", buyer, platform, 1),
                                 single("t1", buyer, platform, 5)},
                                at_ms, v);
    BOOST_REQUIRE_EQUAL(plan.created.size(), 2u);
    require_created(plan.results[0]);
    BOOST_TEST((plan.results[2].status == TransferStatus::exists));
    plan.created[0].row_id = 7;
    plan.created[1].row_id = 8;
    finish_results(plan);
    BOOST_TEST(plan.results[0].row_id == 7);
    BOOST_TEST(plan.results[1].row_id == 8);
    BOOST_TEST(plan.results[2].row_id == 7);
    BOOST_TEST(v.accounts[platform].balances.credits_posted == 6);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(audit_events)

BOOST_AUTO_TEST_CASE(each_kind_of_transfer_has_its_action_and_names_its_row) {
    Transfer t = single("t1", buyer, platform, 5);
    t.row_id = 12;
    t.at_ms = at_ms;
    const procura::core::AuditEvent created = transfer_audit_event(t, 3);
    BOOST_TEST(created.action == "transfer.created");
    BOOST_TEST(created.entity_type == "transfer");
    BOOST_TEST(created.entity_id == 12);
    BOOST_TEST(created.entity_version == 1);
    BOOST_TEST(created.at_ms == at_ms);
    BOOST_TEST(created.actor_user_id == 3);
    BOOST_TEST(created.payload_json.find("\"id\":\"t1\"") != std::string::npos);
    BOOST_TEST(created.payload_json.find("pending_id") == std::string::npos);
    t.kind = TransferKind::pending;
    BOOST_TEST(transfer_audit_event(t, 3).action == "transfer.pending");
    Transfer post = resolution("p1", TransferKind::post_pending, "t1");
    BOOST_TEST(transfer_audit_event(post, 3).action == "transfer.posted");
    BOOST_TEST(transfer_audit_event(post, 3).payload_json.find("\"pending_id\":\"t1\"") !=
               std::string::npos);
    post.kind = TransferKind::void_pending;
    BOOST_TEST(transfer_audit_event(post, 3).action == "transfer.voided");
    // A transfer naming its own actor (a supplier's deposit) is audited as theirs.
    post.actor = 77;
    BOOST_TEST(transfer_audit_event(post, 3).actor_user_id == 77);
}

BOOST_AUTO_TEST_CASE(an_opened_account_is_audited_with_its_owner_and_flags) {
    Account a = account(9, "EUR", AccountFlags{true, false});
    a.created_at_ms = at_ms;
    const procura::core::AuditEvent e = account_audit_event(a, 4);
    BOOST_TEST(e.action == "account.opened");
    BOOST_TEST(e.entity_type == "account");
    BOOST_TEST(e.entity_id == 9);
    BOOST_TEST(e.at_ms == at_ms);
    BOOST_TEST(e.actor_user_id == 4);
    BOOST_TEST(e.payload_json.find("\"debits_must_not_exceed_credits\":true") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(invariants)

// Facts of a balanced ledger: one posted transfer of 10 and one pending of 4.
LedgerFacts balanced() {
    LedgerFacts f;
    Account a = account(buyer);
    a.balances = Balances{4, 10, 0, 0};
    Account b = account(platform);
    b.balances = Balances{0, 0, 4, 10};
    f.accounts = {{a, a.balances}, {b, b.balances}};
    f.transfer_count = 2;
    return f;
}

BOOST_AUTO_TEST_CASE(a_balanced_ledger_has_no_violation) {
    const InvariantReport report = check_invariants(balanced());
    BOOST_TEST(report.ok());
    BOOST_TEST(report.account_count == 2);
    BOOST_TEST(report.transfer_count == 2);
    BOOST_TEST(report.currency_count == 1);
}

BOOST_AUTO_TEST_CASE(each_broken_invariant_is_reported) {
    LedgerFacts unbalanced = balanced();
    unbalanced.accounts[1].account.balances.credits_posted = 11;
    unbalanced.accounts[1].recomputed.credits_posted = 11;
    const InvariantReport posted = check_invariants(unbalanced);
    BOOST_REQUIRE_EQUAL(posted.violations.size(), 1u);
    BOOST_TEST(posted.violations[0] == "EUR: posted debits 10 != posted credits 11");

    LedgerFacts pending_off = balanced();
    pending_off.accounts[0].account.balances.debits_pending = 5;
    pending_off.accounts[0].recomputed.debits_pending = 5;
    BOOST_TEST(check_invariants(pending_off).violations.size() == 1u);

    LedgerFacts stale = balanced();
    stale.accounts[0].recomputed.debits_posted = 9;
    const InvariantReport drift = check_invariants(stale);
    BOOST_REQUIRE_EQUAL(drift.violations.size(), 1u);
    BOOST_TEST(drift.violations[0].find("differ from its transfers") != std::string::npos);

    LedgerFacts unaudited = balanced();
    unaudited.transfers_without_audit_count = 21;
    for (std::int64_t id = 1; id <= 20; ++id) unaudited.transfers_without_audit.push_back(id);
    const InvariantReport missing = check_invariants(unaudited);
    BOOST_REQUIRE_EQUAL(missing.violations.size(), 1u);
    BOOST_TEST(missing.violations[0].find("21 transfer(s) without an audit event") == 0u);
    BOOST_TEST(missing.violations[0].find(", ...)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_account_past_its_flag_or_below_zero_is_reported) {
    LedgerFacts f = balanced();
    f.accounts[0].account.flags.debits_must_not_exceed_credits = true;  // debits 14 > credits 0
    const InvariantReport overdrawn = check_invariants(f);
    BOOST_REQUIRE_EQUAL(overdrawn.violations.size(), 1u);
    BOOST_TEST(overdrawn.violations[0].find("its debits exceed its credits") != std::string::npos);

    LedgerFacts g = balanced();
    g.accounts[1].account.flags.credits_must_not_exceed_debits = true;
    BOOST_TEST(check_invariants(g).violations.size() == 1u);

    LedgerFacts h = balanced();
    h.accounts[0].account.balances.debits_posted = -1;
    h.accounts[0].recomputed.debits_posted = -1;
    h.accounts[1].account.balances.credits_posted = -1;
    h.accounts[1].recomputed.credits_posted = -1;
    const InvariantReport negative = check_invariants(h);
    BOOST_REQUIRE_EQUAL(negative.violations.size(), 2u);
    BOOST_TEST(negative.violations[0].find("has a negative balance") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(currencies_balance_on_their_own) {
    LedgerFacts f = balanced();
    Account dollars = account(usd, "USD");
    dollars.balances.debits_posted = 3;
    f.accounts.push_back({dollars, dollars.balances});
    const InvariantReport report = check_invariants(f);
    BOOST_TEST(report.currency_count == 2);
    BOOST_REQUIRE_EQUAL(report.violations.size(), 1u);
    BOOST_TEST(report.violations[0] == "USD: posted debits 3 != posted credits 0");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
