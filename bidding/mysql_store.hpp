// MySQLBidStore: the MariaDB adapter of the bidding storage port (bidding/store.hpp), over the
// tables of db/migrations/0007_bidding.sql. Changes and their audit events commit in one
// transaction. This header includes no Connector/C++ header.
#pragma once

#include "bidding/store.hpp"
#include "db/pool.hpp"

namespace procura::bidding {

class MySQLBidStore final : public BidStore {
public:
    explicit MySQLBidStore(db::ConnectionPool& pool) : pool_(pool) {}

    core::Result<std::optional<OpeningKeyRecord>> find_opening_key(std::int64_t tender_id) override;
    core::Result<OpeningKeyRecord> insert_opening_key(const OpeningKeyRecord& key,
                                                      const core::AuditEvent& audit) override;
    core::Result<bool> discard_draft_opening_key(std::int64_t tender_id,
                                                 const core::AuditEvent& audit) override;
    core::Result<std::optional<Bid>> find_bid(std::int64_t bid_id) override;
    core::Result<std::optional<Bid>> find_bid_by_hash(std::int64_t tender_id,
                                                      const std::string& sha256_hex) override;
    core::Result<std::vector<Bid>> find_bids_by_hashes(const std::vector<BidHash>& hashes) override;
    core::Result<std::vector<Bid>> find_active_bids(const std::vector<BidKey>& keys) override;
    core::Result<std::vector<ActiveBodyBytes>> find_active_body_bytes(
        const std::vector<BidKey>& suppliers) override;
    core::Result<std::vector<BidWritten>> insert_bids(std::vector<BidWrite> bids,
                                                      const BidQuota& quota) override;
    core::Status withdraw_bid(std::int64_t bid_id, std::int64_t at_ms,
                              const core::AuditEvent& audit) override;
    core::Result<std::vector<Bid>> list_bids(std::int64_t tender_id, bool with_bodies) override;
    // Reads the active ids, then the bodies one row at a time (bidding/mysql_blob.hpp).
    core::Result<std::vector<Bid>> list_active_bids(std::int64_t tender_id,
                                                    std::int64_t after_bid_id,
                                                    std::size_t bytes_max) override;
    // One indexed read (bids_supplier starts with tender_id), outside any transaction: a bid
    // committed before the call is seen.
    core::Result<bool> any_bid(std::int64_t tender_id) override;
    core::Result<std::optional<OpeningRecord>> find_opening(std::int64_t tender_id) override;
    core::Result<std::optional<std::int64_t>> find_opened_at(std::int64_t tender_id) override;
    core::Status insert_opening(std::int64_t tender_id, std::int64_t opened_at_ms,
                                std::size_t batch_bytes_max, OpeningBatches& batches) override;

private:
    db::ConnectionPool& pool_;
};

}  // namespace procura::bidding
