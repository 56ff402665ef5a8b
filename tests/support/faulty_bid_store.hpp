// FaultyBidStore: the bidding store port (bidding/store.hpp) forwarded to a wrapped store
// through a FaultPlan (fault_injection.hpp). One header per port, so that a test compiles only
// the ports it wraps. Thread-safe as the wrapped store is.
#pragma once

#include <type_traits>
#include <utility>

#include "bidding/store.hpp"
#include "tests/support/fault_injection.hpp"

namespace procura::testing {

class FaultyBidStore final : public bidding::BidStore {
public:
    // inner and plan must outlive this.
    FaultyBidStore(bidding::BidStore& inner, FaultPlan& plan) : inner_(inner), plan_(plan) {}

    core::Result<std::optional<bidding::OpeningKeyRecord>> find_opening_key(
        std::int64_t tender_id) override {
        return plan_.call("find_opening_key", [&] { return inner_.find_opening_key(tender_id); });
    }
    core::Result<bidding::OpeningKeyRecord> insert_opening_key(
        const bidding::OpeningKeyRecord& key, const core::AuditEvent& audit) override {
        return plan_.call("insert_opening_key",
                          [&] { return inner_.insert_opening_key(key, audit); });
    }
    core::Result<bool> discard_draft_opening_key(std::int64_t tender_id,
                                                 const core::AuditEvent& audit) override {
        return plan_.call("discard_draft_opening_key",
                          [&] { return inner_.discard_draft_opening_key(tender_id, audit); });
    }
    core::Result<std::optional<bidding::Bid>> find_bid(std::int64_t bid_id) override {
        return plan_.call("find_bid", [&] { return inner_.find_bid(bid_id); });
    }
    core::Result<std::optional<bidding::Bid>> find_bid_by_hash(
        std::int64_t tender_id, const std::string& sha256_hex) override {
        return plan_.call("find_bid_by_hash",
                          [&] { return inner_.find_bid_by_hash(tender_id, sha256_hex); });
    }
    core::Result<std::vector<bidding::Bid>> find_bids_by_hashes(
        const std::vector<bidding::BidHash>& hashes) override {
        return plan_.call("find_bids_by_hashes",
                          [&] { return inner_.find_bids_by_hashes(hashes); });
    }
    core::Result<std::vector<bidding::Bid>> find_active_bids(
        const std::vector<bidding::BidKey>& keys) override {
        return plan_.call("find_active_bids", [&] { return inner_.find_active_bids(keys); });
    }
    core::Result<std::vector<bidding::ActiveBodyBytes>> find_active_body_bytes(
        const std::vector<bidding::BidKey>& suppliers) override {
        return plan_.call("find_active_body_bytes",
                          [&] { return inner_.find_active_body_bytes(suppliers); });
    }
    core::Result<std::vector<bidding::BidWritten>> insert_bids(
        std::vector<bidding::BidWrite> bids, const bidding::BidQuota& quota) override {
        return plan_.call("insert_bids",
                          [&] { return inner_.insert_bids(std::move(bids), quota); });
    }
    core::Status withdraw_bid(std::int64_t bid_id, std::int64_t at_ms,
                              const core::AuditEvent& audit) override {
        return plan_.call("withdraw_bid",
                          [&] { return inner_.withdraw_bid(bid_id, at_ms, audit); });
    }
    core::Result<std::vector<bidding::Bid>> list_bids(std::int64_t tender_id,
                                                      bool with_bodies) override {
        return plan_.call("list_bids", [&] { return inner_.list_bids(tender_id, with_bodies); });
    }
    core::Result<bool> any_bid(std::int64_t tender_id) override {
        return plan_.call("any_bid", [&] { return inner_.any_bid(tender_id); });
    }
    core::Result<std::optional<bidding::OpeningRecord>> find_opening(
        std::int64_t tender_id) override {
        return plan_.call("find_opening", [&] { return inner_.find_opening(tender_id); });
    }
    core::Result<std::optional<std::int64_t>> find_opened_at(std::int64_t tender_id) override {
        return plan_.call("find_opened_at", [&] { return inner_.find_opened_at(tender_id); });
    }
    core::Result<std::vector<bidding::Bid>> list_active_bids(std::int64_t tender_id,
                                                             std::int64_t after_bid_id,
                                                             std::size_t bytes_max) override {
        return plan_.call("list_active_bids", [&] {
            return inner_.list_active_bids(tender_id, after_bid_id, bytes_max);
        });
    }
    core::Status insert_opening(std::int64_t tender_id, std::int64_t opened_at_ms,
                                std::size_t batch_bytes_max,
                                bidding::OpeningBatches& batches) override {
        return plan_.call("insert_opening", [&] {
            return inner_.insert_opening(tender_id, opened_at_ms, batch_bytes_max, batches);
        });
    }

private:
    bidding::BidStore& inner_;
    FaultPlan& plan_;
};

static_assert(!std::is_abstract_v<FaultyBidStore>);

}  // namespace procura::testing
