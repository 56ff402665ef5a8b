// A settlement batch service over in-memory fakes (FakeBatchStore, FakeMoneyStore, a manual
// clock) with TOWN-1's bank account set, two milestones due, a losing bid and a declined winner
// holding pending deposits in the fake ledger; shared by batch_service_test.cpp and
// batch_execute_test.cpp.
#pragma once

#include <boost/test/unit_test.hpp>
#include <memory>
#include <stdexcept>
#include <string>

#include "bidding/bid_security.hpp"
#include "money/service.hpp"
#include "settlement/batches/service.hpp"
#include "tests/money/fake_store.hpp"
#include "tests/settlement/batches/fake_data.hpp"
#include "tests/settlement/batches/fake_store.hpp"

namespace procura::settlement::batches::testdata {

using procura::core::Caller;
using procura::core::Role;
namespace money = procura::money;

inline const std::string xsd = PROCURA_PAIN001_XSD;
inline const Caller alice{1, Role::finance, "alice"};
inline const Caller bob{2, Role::finance, "bob"};
inline const Caller olga{3, Role::officer, "olga"};

struct Crash : std::runtime_error {
    Crash() : std::runtime_error("crash") {}
};

// A batch service over fakes, with two milestones due, a losing bid and a declined winner
// holding pending deposits in the fake ledger.
struct World {
    procura::core::ManualClock clock{1'790'000'000'000};
    FakeBatchStore store;
    money::FakeMoneyStore money_store;
    money::LedgerService ledger{money_store, clock};
    std::string xsd_path = xsd;
    std::unique_ptr<BatchService> service =
        std::make_unique<BatchService>(store, money_store, clock, xsd_path);

    World() {
        store.input.milestones = {milestone(1, 1'000, 12'345, 11), milestone(2, 2'000, 500, 12)};
        store.input.awards = {award(1, AwardState::declined, 100, 200),
                              award(2, AwardState::awarded, 300)};
        store.input.deposits = {deposit(1), deposit(3)};
        for (const DepositCandidate& d : store.input.deposits) hold(d);
        BOOST_REQUIRE(store.upsert_buyer_account(buyer(), {}).ok());
        store.ledger = &money_store;
    }

    void hold(const DepositCandidate& d) {
        money::Account from;
        from.owner = money::OwnerKind::supplier;
        from.owner_id = d.supplier_id;
        from.currency = d.currency;
        from.kind = money::AccountKind::bid_security;
        money::Account to;
        to.owner = money::OwnerKind::tender_escrow;
        to.owner_id = d.tender_id;
        to.currency = d.currency;
        to.kind = money::AccountKind::escrow;
        money::Transfer t;
        t.id = d.pending_id;
        t.kind = money::TransferKind::pending;
        t.debit_account_id = ledger.account_for(0, from)->id;
        t.credit_account_id = ledger.account_for(0, to)->id;
        t.amount_minor = d.amount_minor;
        t.currency = d.currency;
        t.code = bidding::bid_security_transfer_code;
        auto r = ledger.create_transfers(0, {t});
        BOOST_REQUIRE(r.ok());
        BOOST_REQUIRE((r->front().status == money::TransferStatus::created));
    }

    std::int64_t approved_batch() {
        auto b = service->prepare(alice, 1'000'000);
        BOOST_REQUIRE(b.ok());
        auto a = service->approve(bob, b->id);
        BOOST_REQUIRE(a.ok());
        return b->id;
    }

    // Everything execution changes, for comparisons.
    std::string fingerprint(std::int64_t id) {
        std::string out;
        auto facts = money_store.ledger_facts();
        BOOST_REQUIRE(facts.ok());
        out += "transfers " + std::to_string(facts->transfer_count) + "\n";
        for (const auto& a : facts->accounts) {
            const auto& b = a.account.balances;
            out += std::to_string(a.account.id) + " " + std::to_string(b.debits_pending) + " " +
                   std::to_string(b.debits_posted) + " " + std::to_string(b.credits_pending) + " " +
                   std::to_string(b.credits_posted) + "\n";
        }
        auto batch = service->get(alice, id);
        BOOST_REQUIRE(batch.ok());
        out += "state " + std::string(to_string(batch->state)) + "\n";
        for (const auto& f : batch->files) {
            auto file = service->file(alice, id, f.number);
            BOOST_REQUIRE(file.ok());
            out += file->xml;
        }
        return out;
    }
};

}  // namespace procura::settlement::batches::testdata
