// The BidStore contract on FakeBidStore (the same cases run on MariaDB in
// tests/db/mysql_bid_store_test.cpp), the fake reading its tenders from a FakeTenderStore as
// MySQLBidStore reads the tenders table.
#include "tests/bidding/fake_bid_store.hpp"

#include <boost/test/unit_test.hpp>
#include <memory>

#include "tests/bidding/store_contract.hpp"
#include "tests/tender/fake_store.hpp"

namespace {

using namespace procura;

class FakeBidWorld final : public bidding::contract::BidWorld {
public:
    FakeBidWorld() {
        bids_.tender_terms = [this](std::int64_t id) -> std::optional<tender::Tender> {
            auto found = tenders_.find(id);
            BOOST_REQUIRE(found.ok());
            return *found;
        };
    }
    bidding::BidStore& store() override { return bids_; }
    tender::TenderStore& tenders() override { return tenders_; }
    std::vector<core::StoredAuditEvent> audit_events() override { return bids_.audit_events(); }

private:
    bidding::FakeBidStore bids_;
    tender::FakeTenderStore tenders_;
};

std::unique_ptr<bidding::contract::BidWorld> fake_world() {
    return std::make_unique<FakeBidWorld>();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fake_bid_store)
PROCURA_BID_STORE_CONTRACT_TESTS(fake_world())
BOOST_AUTO_TEST_SUITE_END()
