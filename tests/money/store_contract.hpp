// The MoneyStore contract (money/store.hpp) as Boost.Test cases, run against every
// implementation through the LedgerService: PROCURA_MONEY_STORE_CONTRACT_TESTS(make_subject)
// expands to test cases in the current suite; make_subject yields a StoreUnderTest over a
// fresh, empty store.
#pragma once

#include <boost/test/unit_test.hpp>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "money/service.hpp"
#include "money/store.hpp"

namespace procura::money::contract {

struct StoreUnderTest {
    std::shared_ptr<void> owner;  // keeps whatever the store needs alive (a pool, say)
    MoneyStore* store = nullptr;
};

inline constexpr std::int64_t t0 = 1'800'000'000'000;
inline constexpr core::UserId actor = 7;

inline Account account_spec(OwnerKind owner, std::int64_t owner_id, std::string currency = "EUR",
                            AccountKind kind = AccountKind::operating, AccountFlags flags = {}) {
    Account a;
    a.owner = owner;
    a.owner_id = owner_id;
    a.currency = std::move(currency);
    a.kind = kind;
    a.flags = flags;
    return a;
}

inline Transfer single(std::string id, std::int64_t debit, std::int64_t credit, std::int64_t amount,
                       std::string currency = "EUR", bool linked = false) {
    Transfer t;
    t.id = std::move(id);
    t.kind = TransferKind::single;
    t.debit_account_id = debit;
    t.credit_account_id = credit;
    t.amount_minor = amount;
    t.currency = std::move(currency);
    t.code = 1;
    t.reference = "ref " + t.id;
    t.batch_id = "b1";
    t.linked = linked;
    return t;
}

inline Transfer pending(std::string id, std::int64_t debit, std::int64_t credit,
                        std::int64_t amount) {
    Transfer t = single(std::move(id), debit, credit, amount);
    t.kind = TransferKind::pending;
    return t;
}

inline Transfer resolution(std::string id, TransferKind kind, std::string pending_id,
                           std::int64_t amount = 0) {
    Transfer t;
    t.id = std::move(id);
    t.kind = kind;
    t.pending_id = std::move(pending_id);
    t.amount_minor = amount;
    t.code = 2;
    return t;
}

// A service over the subject's store, three EUR accounts (a supplier's wallet that may not go
// below zero, a buyer's, the platform's) and one USD account.
struct Ledger {
    StoreUnderTest subject;
    core::ManualClock clock{t0};
    std::unique_ptr<LedgerService> service;
    std::int64_t wallet = 0;
    std::int64_t buyer = 0;
    std::int64_t platform = 0;
    std::int64_t usd = 0;

    explicit Ledger(StoreUnderTest s) : subject(std::move(s)) {
        service = std::make_unique<LedgerService>(*subject.store, clock);
        wallet = open(account_spec(OwnerKind::supplier, 11, "EUR", AccountKind::operating,
                                   AccountFlags{true, false}));
        buyer = open(account_spec(OwnerKind::buyer, 21));
        platform = open(account_spec(OwnerKind::platform, 0, "EUR", AccountKind::fees));
        usd = open(account_spec(OwnerKind::buyer, 21, "USD"));
    }

    std::int64_t open(const Account& spec) {
        auto a = service->open_account(actor, spec);
        BOOST_REQUIRE_MESSAGE(a.ok(), (a.ok() ? "" : a.error().message));
        return a->id;
    }

    std::vector<TransferResult> submit(const std::vector<Transfer>& batch) {
        auto r = service->create_transfers(actor, batch);
        BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
        BOOST_REQUIRE_EQUAL(r->size(), batch.size());
        return std::move(r).value();
    }

    Balances balances(std::int64_t id) {
        auto a = service->get_account(id);
        BOOST_REQUIRE(a.ok());
        return a->balances;
    }

    void require_invariants() {
        auto report = service->check();
        BOOST_REQUIRE(report.ok());
        for (const std::string& v : report->violations) BOOST_TEST_MESSAGE(v);
        BOOST_TEST(report->ok());
    }
};

inline void require_failed(const TransferResult& r, const std::string& code) {
    BOOST_TEST_CONTEXT("transfer " << r.id << " expected " << code) {
        BOOST_TEST((r.status == TransferStatus::failed));
        BOOST_REQUIRE(r.error.has_value());
        BOOST_TEST(r.error->code == code);
    }
}

inline Balances posted(std::int64_t debits, std::int64_t credits) {
    return Balances{0, debits, 0, credits};
}

inline void account_opens_with_zero_balances(const StoreUnderTest& s) {
    Ledger l(s);
    auto a = l.service->get_account(l.wallet);
    BOOST_REQUIRE(a.ok());
    BOOST_TEST((a->owner == OwnerKind::supplier));
    BOOST_TEST(a->owner_id == 11);
    BOOST_TEST(a->currency == "EUR");
    BOOST_TEST(a->flags.debits_must_not_exceed_credits);
    BOOST_TEST(!a->flags.credits_must_not_exceed_debits);
    BOOST_TEST((a->balances == Balances{}));
    auto again = l.service->open_account(actor, account_spec(OwnerKind::buyer, 21));
    BOOST_REQUIRE(!again.ok());
    BOOST_TEST(again.error().code == "account_exists");
    BOOST_TEST(!l.service->get_account(999).ok());
}

inline void transfer_moves_both_balances(const StoreUnderTest& s) {
    Ledger l(s);
    const auto r = l.submit({single("t1", l.buyer, l.wallet, 1500)});
    BOOST_TEST((r[0].status == TransferStatus::created));
    BOOST_TEST(r[0].row_id > 0);
    BOOST_TEST((l.balances(l.buyer) == posted(1500, 0)));
    BOOST_TEST((l.balances(l.wallet) == posted(0, 1500)));
    auto t = l.service->get_transfer("t1");
    BOOST_REQUIRE(t.ok());
    BOOST_TEST(t->row_id == r[0].row_id);
    BOOST_TEST(t->amount_minor == 1500);
    BOOST_TEST(t->reference == "ref t1");
    BOOST_TEST(t->batch_id == "b1");
    BOOST_TEST(t->at_ms == t0);
    BOOST_TEST(!l.service->get_transfer("nope").ok());
    l.require_invariants();
}

inline void same_id_same_fields_exists_and_changes_nothing(const StoreUnderTest& s) {
    Ledger l(s);
    const auto first = l.submit({single("t1", l.buyer, l.wallet, 100)});
    l.clock.advance_ms(1000);
    const auto again = l.submit({single("t1", l.buyer, l.wallet, 100)});
    BOOST_TEST((again[0].status == TransferStatus::exists));
    BOOST_TEST(again[0].row_id == first[0].row_id);
    BOOST_TEST((l.balances(l.wallet) == posted(0, 100)));
    // Twice in one batch: the second is "exists" too.
    const auto twice =
        l.submit({single("t2", l.buyer, l.wallet, 5), single("t2", l.buyer, l.wallet, 5)});
    BOOST_TEST((twice[0].status == TransferStatus::created));
    BOOST_TEST((twice[1].status == TransferStatus::exists));
    BOOST_TEST(twice[1].row_id == twice[0].row_id);
    BOOST_TEST((l.balances(l.wallet) == posted(0, 105)));
    // A transfer that emptied the wallet, sent again: "exists", not "exceeds_credits".
    const auto drained = l.submit({single("d1", l.wallet, l.platform, 105)});
    BOOST_TEST((drained[0].status == TransferStatus::created));
    const auto resent = l.submit({single("d1", l.wallet, l.platform, 105)});
    BOOST_TEST((resent[0].status == TransferStatus::exists));
    BOOST_TEST(resent[0].row_id == drained[0].row_id);
    BOOST_TEST(!resent[0].error.has_value());
    // Sent again beside a new transfer: one exists, the other is created.
    const auto mixed =
        l.submit({single("t1", l.buyer, l.wallet, 100), single("t3", l.buyer, l.wallet, 1)});
    BOOST_TEST((mixed[0].status == TransferStatus::exists));
    BOOST_TEST((mixed[1].status == TransferStatus::created));
    BOOST_TEST((l.balances(l.wallet) == posted(105, 106)));
    l.require_invariants();
}

inline void same_id_other_fields_is_a_conflict(const StoreUnderTest& s) {
    Ledger l(s);
    l.submit({single("t1", l.buyer, l.wallet, 100)});
    Transfer other = single("t1", l.buyer, l.wallet, 101);
    require_failed(l.submit({other})[0], "transfer_conflict");
    other = single("t1", l.buyer, l.wallet, 100);
    other.reference = "changed";
    const auto r = l.submit({other});
    require_failed(r[0], "transfer_conflict");
    BOOST_TEST((r[0].error->kind == core::ErrorKind::conflict));
    BOOST_TEST((l.balances(l.wallet) == posted(0, 100)));
}

inline void linked_group_commits_all_or_nothing(const StoreUnderTest& s) {
    Ledger l(s);
    l.submit({single("fund", l.buyer, l.wallet, 100)});
    // The wallet may not go below zero: g3 overdraws it, so g1..g3 fail; g4 is its own group.
    const auto r = l.submit({single("g1", l.buyer, l.wallet, 50, "EUR", true),
                             single("g2", l.wallet, l.platform, 120, "EUR", true),
                             single("g3", l.wallet, l.platform, 100, "EUR", false),
                             single("g4", l.buyer, l.platform, 7)});
    require_failed(r[1], "linked_transfer_failed");
    require_failed(r[0], "linked_transfer_failed");
    require_failed(r[2], "exceeds_credits");
    BOOST_TEST(r[0].error->message.find("g3") != std::string::npos);
    BOOST_TEST((r[3].status == TransferStatus::created));
    BOOST_TEST((l.balances(l.wallet) == posted(0, 100)));
    BOOST_TEST((l.balances(l.buyer) == posted(107, 0)));
    BOOST_TEST((l.balances(l.platform) == posted(0, 7)));
    BOOST_TEST(!l.service->get_transfer("g1").ok());
    // Fixed, the same group commits whole.
    const auto ok = l.submit({single("g1", l.buyer, l.wallet, 50, "EUR", true),
                              single("g2", l.wallet, l.platform, 120, "EUR", true),
                              single("g3", l.wallet, l.platform, 30, "EUR", false)});
    for (const auto& x : ok) BOOST_TEST((x.status == TransferStatus::created));
    BOOST_TEST((l.balances(l.wallet) == posted(150, 150)));
    // A batch that ends inside a group changes nothing.
    const auto open = l.submit({single("o1", l.buyer, l.platform, 1, "EUR", true)});
    require_failed(open[0], "linked_group_open");
    l.require_invariants();
}

inline void bad_transfers_are_refused_and_change_nothing(const StoreUnderTest& s) {
    Ledger l(s);
    require_failed(l.submit({single("u1", l.buyer, 999, 10)})[0], "account_not_found");
    require_failed(l.submit({single("c1", l.buyer, l.usd, 10)})[0], "currency_mismatch");
    require_failed(l.submit({single("c2", l.buyer, l.wallet, 10, "USD")})[0], "currency_mismatch");
    require_failed(l.submit({single("z1", l.buyer, l.wallet, 0)})[0], "amount_not_positive");
    require_failed(l.submit({single("n1", l.buyer, l.wallet, -5)})[0], "amount_not_positive");
    require_failed(l.submit({single("s1", l.buyer, l.buyer, 5)})[0], "same_account");
    require_failed(l.submit({single("bad id!", l.buyer, l.wallet, 5)})[0], "bad_transfer_id");
    require_failed(l.submit({single("w1", l.wallet, l.buyer, 1)})[0], "exceeds_credits");
    for (std::int64_t id : {l.buyer, l.wallet, l.platform, l.usd}) {
        BOOST_TEST((l.balances(id) == Balances{}));
    }
    auto facts = l.subject.store->ledger_facts();
    BOOST_REQUIRE(facts.ok());
    BOOST_TEST(facts->transfer_count == 0);
}

inline void credits_flag_is_enforced(const StoreUnderTest& s) {
    Ledger l(s);
    const std::int64_t limited = l.open(account_spec(
        OwnerKind::tender_escrow, 5, "EUR", AccountKind::escrow, AccountFlags{false, true}));
    require_failed(l.submit({single("x1", l.buyer, limited, 10)})[0], "exceeds_debits");
    BOOST_TEST(
        (l.submit({single("x2", limited, l.buyer, 10)})[0].status == TransferStatus::created));
    BOOST_TEST(
        (l.submit({single("x3", l.buyer, limited, 10)})[0].status == TransferStatus::created));
    require_failed(l.submit({single("x4", l.buyer, limited, 1)})[0], "exceeds_debits");
}

inline void pending_transfer_is_posted_once(const StoreUnderTest& s) {
    Ledger l(s);
    l.submit({single("fund", l.buyer, l.wallet, 1000)});
    // A bid security of 300 reserved from the wallet: the wallet cannot spend it meanwhile.
    BOOST_TEST((l.submit({pending("bs1", l.wallet, l.platform, 300)})[0].status ==
                TransferStatus::created));
    BOOST_TEST((l.balances(l.wallet) == Balances{300, 0, 0, 1000}));
    BOOST_TEST((l.balances(l.platform) == Balances{0, 0, 300, 0}));
    require_failed(l.submit({single("spend", l.wallet, l.buyer, 701)})[0], "exceeds_credits");
    auto p = l.service->get_transfer("bs1");
    BOOST_REQUIRE(p.ok());
    BOOST_TEST((p->pending_state == PendingState::pending));
    require_failed(l.submit({resolution("post0", TransferKind::post_pending, "bs1", 301)})[0],
                   "post_exceeds_pending");
    // Post 200 of the 300: the rest goes back.
    const auto r = l.submit({resolution("post1", TransferKind::post_pending, "bs1", 200)});
    BOOST_TEST((r[0].status == TransferStatus::created));
    BOOST_TEST((l.balances(l.wallet) == Balances{0, 200, 0, 1000}));
    BOOST_TEST((l.balances(l.platform) == Balances{0, 0, 0, 200}));
    p = l.service->get_transfer("bs1");
    BOOST_TEST((p->pending_state == PendingState::posted));
    auto post = l.service->get_transfer("post1");
    BOOST_REQUIRE(post.ok());
    BOOST_TEST(post->debit_account_id == l.wallet);
    BOOST_TEST(post->currency == "EUR");
    // The same post again is "exists"; any other post or void is refused.
    BOOST_TEST((l.submit({resolution("post1", TransferKind::post_pending, "bs1", 200)})[0].status ==
                TransferStatus::exists));
    require_failed(l.submit({resolution("post2", TransferKind::post_pending, "bs1")})[0],
                   "pending_already_posted");
    require_failed(l.submit({resolution("void1", TransferKind::void_pending, "bs1")})[0],
                   "pending_already_posted");
    require_failed(l.submit({resolution("void2", TransferKind::void_pending, "nope")})[0],
                   "pending_not_found");
    require_failed(l.submit({resolution("void3", TransferKind::void_pending, "fund")})[0],
                   "not_a_pending_transfer");
    BOOST_TEST((l.balances(l.wallet) == Balances{0, 200, 0, 1000}));
    l.require_invariants();
}

inline void pending_transfer_is_voided_once(const StoreUnderTest& s) {
    Ledger l(s);
    l.submit({single("fund", l.buyer, l.wallet, 1000)});
    // Reserved and voided in one batch, then a second void and a post are refused.
    const auto r = l.submit({pending("bs1", l.wallet, l.platform, 400),
                             resolution("void1", TransferKind::void_pending, "bs1")});
    BOOST_TEST((r[0].status == TransferStatus::created));
    BOOST_TEST((r[1].status == TransferStatus::created));
    BOOST_TEST((l.balances(l.wallet) == Balances{0, 0, 0, 1000}));
    require_failed(l.submit({resolution("void2", TransferKind::void_pending, "bs1")})[0],
                   "pending_already_voided");
    require_failed(l.submit({resolution("post1", TransferKind::post_pending, "bs1")})[0],
                   "pending_already_voided");
    l.submit({pending("bs2", l.wallet, l.platform, 50)});
    require_failed(l.submit({resolution("void4", TransferKind::void_pending, "bs2", 5)})[0],
                   "void_amount_mismatch");
    auto p = l.service->get_transfer("bs1");
    BOOST_REQUIRE(p.ok());
    BOOST_TEST((p->pending_state == PendingState::voided));
    l.require_invariants();
}

// More transfers than one multi-row INSERT holds, in one linked group.
inline void large_linked_batch_commits_whole(const StoreUnderTest& s) {
    Ledger l(s);
    std::vector<Transfer> batch;
    for (int i = 0; i < 1200; ++i) {
        batch.push_back(single("big-" + std::to_string(i), l.buyer,
                               i % 2 == 0 ? l.wallet : l.platform, 1 + i % 3, "EUR", true));
    }
    batch.back().linked = false;
    const auto r = l.submit(batch);
    std::set<std::int64_t> row_ids;
    for (const auto& x : r) {
        BOOST_TEST((x.status == TransferStatus::created));
        row_ids.insert(x.row_id);
    }
    BOOST_TEST(row_ids.size() == 1200u);
    std::int64_t total = 0;
    for (int i = 0; i < 1200; ++i) total += 1 + i % 3;
    BOOST_TEST(l.balances(l.buyer).debits_posted == total);
    l.require_invariants();
}

}  // namespace procura::money::contract

#define PROCURA_MONEY_CONTRACT_CASE(name, make_subject) \
    BOOST_AUTO_TEST_CASE(name) { procura::money::contract::name(make_subject); }

#define PROCURA_MONEY_STORE_CONTRACT_TESTS(make_subject)                                      \
    PROCURA_MONEY_CONTRACT_CASE(account_opens_with_zero_balances, make_subject)               \
    PROCURA_MONEY_CONTRACT_CASE(transfer_moves_both_balances, make_subject)                   \
    PROCURA_MONEY_CONTRACT_CASE(same_id_same_fields_exists_and_changes_nothing, make_subject) \
    PROCURA_MONEY_CONTRACT_CASE(same_id_other_fields_is_a_conflict, make_subject)             \
    PROCURA_MONEY_CONTRACT_CASE(linked_group_commits_all_or_nothing, make_subject)            \
    PROCURA_MONEY_CONTRACT_CASE(bad_transfers_are_refused_and_change_nothing, make_subject)   \
    PROCURA_MONEY_CONTRACT_CASE(credits_flag_is_enforced, make_subject)                       \
    PROCURA_MONEY_CONTRACT_CASE(pending_transfer_is_posted_once, make_subject)                \
    PROCURA_MONEY_CONTRACT_CASE(pending_transfer_is_voided_once, make_subject)                \
    PROCURA_MONEY_CONTRACT_CASE(large_linked_batch_commits_whole, make_subject)
