// FakeBidStore: an in-memory BidStore honouring the port's contract (bidding/store.hpp) as
// MySQLBidStore does, for fast service tests. Versions are numbered per (tender, supplier, lot),
// a new bid turns the previous active one into replaced, a body's hash is unique per tender
// (conflict "duplicate_bid"), the opening key is first-writer-wins, and the opening reads the
// active bids in pages under the store's lock and refuses a tender's second record
// ("already_opened"). Every change appends its audit event to one hash-chained list
// whose seq stands for the audit table's (bids take their log_seq from it). Each call is atomic
// under one mutex, and a refused call changes nothing. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bidding/store.hpp"
#include "tender/model.hpp"

namespace procura::bidding {

class FakeBidStore final : public BidStore {
public:
    core::Result<std::optional<OpeningKeyRecord>> find_opening_key(std::int64_t tender_id) override;
    core::Result<OpeningKeyRecord> insert_opening_key(const OpeningKeyRecord& key,
                                                      const core::AuditEvent& audit) override;
    // A key is discarded only if tender_terms (below) says the tender is a draft; without
    // tender_terms the fake knows no tender's state and discards nothing.
    core::Result<bool> discard_draft_opening_key(std::int64_t tender_id,
                                                 const core::AuditEvent& audit) override;
    core::Result<std::optional<Bid>> find_bid(std::int64_t bid_id) override;
    core::Result<std::optional<Bid>> find_bid_by_hash(std::int64_t tender_id,
                                                      const std::string& sha256_hex) override;
    core::Result<std::vector<BidWritten>> insert_bids(std::vector<BidWrite> bids,
                                                      const BidQuota& quota) override;
    // Called with the group's size at the start of every insert_bids, outside the store's
    // lock (a test may wait in it, so that more bids queue behind the group being written).
    std::function<void(std::size_t)> on_insert_bids;
    // The tender as the MySQL store reads it under the tender's lock (nullopt: there is none).
    // When set, each bid is checked against it as there: a bid of a missing or cancelled tender
    // is refused "tender_cancelled", one received at or after the submission deadline
    // "submission_closed", one whose tender_version (not 0) differs "tender_amended". Called
    // once per tender of the group, outside the store's lock, after on_insert_bids (a test may
    // amend the tender in it, as a racing officer would). Without it only the fake's own
    // openings are checked (a bid of an opened tender is "submission_closed").
    std::function<std::optional<tender::Tender>(std::int64_t tender_id)> tender_terms;
    core::Status withdraw_bid(std::int64_t bid_id, std::int64_t at_ms,
                              const core::AuditEvent& audit) override;
    core::Result<std::vector<Bid>> find_active_bids(const std::vector<BidKey>& keys) override;
    core::Result<std::vector<ActiveBodyBytes>> find_active_body_bytes(
        const std::vector<BidKey>& suppliers) override;
    core::Result<std::vector<Bid>> list_bids(std::int64_t tender_id, bool with_bodies) override;
    core::Result<std::optional<std::int64_t>> find_opened_at(std::int64_t tender_id) override;
    core::Result<std::optional<OpeningRecord>> find_opening(std::int64_t tender_id) override;
    core::Result<std::vector<Bid>> list_active_bids(std::int64_t tender_id,
                                                    std::int64_t after_bid_id,
                                                    std::size_t bytes_max) override;
    // Reads its pages as list_active_bids does, counting them in State::active_pages_read.
    core::Status insert_opening(std::int64_t tender_id, std::int64_t opened_at_ms,
                                std::size_t batch_bytes_max, OpeningBatches& batches) override;

    struct State {
        std::map<std::int64_t, OpeningKeyRecord> opening_keys;  // by tender
        std::map<std::int64_t, Bid> bids;                       // by id, ascending
        std::map<std::int64_t, OpeningRecord> openings;         // by tender
        std::vector<core::StoredAuditEvent> audit;              // ascending seq, from 1
        std::int64_t next_bid_id = 1;
        std::size_t active_pages_read = 0;  // pages of bodies read, by either function
    };

    // Test inspection: a copy of everything stored.
    State state();
    // Test inspection: every audit event, ascending seq.
    std::vector<core::StoredAuditEvent> audit_events();

private:
    using TenderTerms = std::map<std::int64_t, std::optional<tender::Tender>>;

    // The following expect mutex_ held.
    std::int64_t append_audit(const core::AuditEvent& event);
    // Why w is refused on its own, if it is (its tender, then its version, in MySQLBidStore's
    // order); otherwise sets version to the one it gets.
    std::optional<core::Error> refusal(const BidWrite& w, const TenderTerms* terms,
                                       std::int64_t versions_max, std::int64_t& version);
    std::vector<Bid> active_page(std::int64_t tender_id, std::int64_t after_bid_id,
                                 std::size_t bytes_max);
    // Whether a bid with this body is stored for the tender.
    bool body_stored(std::int64_t tender_id, const std::string& sha256_hex) const;

    std::mutex mutex_;
    State state_;
};

}  // namespace procura::bidding
