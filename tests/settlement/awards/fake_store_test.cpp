// The AwardStore contract on FakeAwardStore (the same cases run on MariaDB in
// mysql_store_test.cpp), the fake holding the opening records a world gives it.
#include "tests/settlement/awards/fake_store.hpp"

#include <boost/test/unit_test.hpp>
#include <memory>

#include "tests/settlement/awards/store_contract.hpp"

namespace {

using namespace procura;
using namespace procura::settlement::awards;

class FakeAwardWorld final : public contract::AwardWorld {
public:
    AwardStore& store() override { return store_; }
    contract::OpenedTender open_tender(std::int64_t opened_at_ms,
                                       std::vector<OpenedBid> bids) override {
        const std::int64_t id = tender_without_opening();
        for (OpenedBid& b : bids) b.bid_id = next_bid_id_++;
        store_.set_opening(id, opened_at_ms, bids);
        return {id, bids};
    }
    std::int64_t tender_without_opening() override {
        store_.add_tender(next_tender_id_);
        return next_tender_id_++;
    }
    std::vector<core::AuditEvent> audit_events() override { return store_.audit(); }

private:
    FakeAwardStore store_;
    std::int64_t next_tender_id_ = 1;
    std::int64_t next_bid_id_ = 100;
};

std::unique_ptr<contract::AwardWorld> fake_world() { return std::make_unique<FakeAwardWorld>(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(fake_award_store)
PROCURA_AWARD_STORE_CONTRACT_TESTS(fake_world())
BOOST_AUTO_TEST_SUITE_END()
