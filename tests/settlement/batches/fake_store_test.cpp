// The BatchStore contract on FakeBatchStore (the same cases run on MariaDB in
// mysql_store_test.cpp), beside a FakeMoneyStore as its ledger. The world plays the tables
// preparation reads: it offers the fake an accepted milestone, an award and a deposit of an
// awarded lot as MariaDB's queries would find them.
#include "tests/settlement/batches/fake_store.hpp"

#include <boost/test/unit_test.hpp>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "tests/money/fake_store.hpp"
#include "tests/settlement/batches/store_contract.hpp"

namespace {

using namespace procura;
using namespace procura::settlement::batches;

class FakeBatchWorld final : public contract::BatchWorld {
public:
    FakeBatchWorld() { store_.ledger = &money_; }

    BatchStore& store() override { return store_; }
    money::MoneyStore& money() override { return money_; }

    contract::SignedContract sign_contract(const std::vector<std::int64_t>& amounts) override {
        contract::SignedContract k;
        k.tender_id = next_tender_id_++;
        k.bid_id = next_bid_id_++;
        k.award_id = next_award_id_++;
        k.contract_id = next_contract_id_++;
        AwardFact a;
        a.award_id = k.award_id;
        a.tender_id = k.tender_id;
        a.lot_id = 1;
        a.bid_id = k.bid_id;
        a.supplier_id = contract::supplier_a;
        a.state = AwardState::signed_;
        a.awarded_at_ms = contract::t0_ms - 1'000;
        a.decided_at_ms = contract::t0_ms - 500;
        store_.input.awards.push_back(a);
        awarded_.insert({k.tender_id, 1});
        for (std::size_t n = 0; n < amounts.size(); ++n) {
            MilestoneCandidate m;
            m.milestone_id = next_milestone_id_++;
            m.contract_id = k.contract_id;
            m.number = static_cast<std::int32_t>(n + 1);
            m.amount_minor = amounts[n];
            m.currency = "EUR";
            m.tender_id = k.tender_id;
            m.lot_id = 1;
            m.supplier_id = contract::supplier_a;
            m.buyer_id = contract::buyer_id;
            m.supplier = SupplierBank{contract::supplier_name(contract::supplier_a),
                                      contract::supplier_iban, "", "approved"};
            planned_[m.milestone_id] = m;
            k.milestone_ids.push_back(m.milestone_id);
        }
        return k;
    }

    void accept_milestone(std::int64_t milestone_id, std::int64_t at_ms) override {
        MilestoneCandidate m = planned_.at(milestone_id);
        m.accepted_at_ms = at_ms;
        store_.input.milestones.push_back(m);
    }

    contract::HeldDeposit bid_with_deposit(std::int64_t tender_id, std::int64_t lot_id,
                                           core::UserId supplier,
                                           std::int64_t amount_minor) override {
        const std::int64_t n = next_bid_id_++;
        contract::HeldDeposit held{n, contract::deposit_id(tender_id, n)};
        contract::hold_deposit(money_, tender_id, supplier, held.pending_id, amount_minor);
        if (awarded_.count({tender_id, lot_id})) {
            DepositCandidate d;
            d.bid_id = held.bid_id;
            d.tender_id = tender_id;
            d.lot_id = lot_id;
            d.supplier_id = supplier;
            d.pending_id = held.pending_id;
            d.amount_minor = amount_minor;
            d.currency = "EUR";
            d.supplier_name = contract::supplier_name(supplier);
            store_.input.deposits.push_back(d);
        }
        return held;
    }

    std::vector<core::AuditEvent> audit_events() override { return store_.audit_events(); }

private:
    money::FakeMoneyStore money_;
    FakeBatchStore store_;
    std::map<std::int64_t, MilestoneCandidate> planned_;
    std::set<std::pair<std::int64_t, std::int64_t>> awarded_;
    std::int64_t next_tender_id_ = 1;
    std::int64_t next_bid_id_ = 1;
    std::int64_t next_award_id_ = 1;
    std::int64_t next_contract_id_ = 1;
    std::int64_t next_milestone_id_ = 1;
};

std::unique_ptr<contract::BatchWorld> fake_world() { return std::make_unique<FakeBatchWorld>(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(fake_batch_store)
PROCURA_BATCH_STORE_CONTRACT_TESTS(fake_world())
BOOST_AUTO_TEST_SUITE_END()
