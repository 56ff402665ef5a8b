// The storage port of the bidding module (MySQLBidStore in production, FakeBidStore in tests;
// the same contract cases run against both, tests/bidding/store_contract.hpp). Every change
// appends its audit event in the same transaction; store failures are errors, never exceptions.
//
// Contract (besides what each function says below):
// - insert_bids refuses a bid on its own, writing nothing of it, checking under its tender's
//   lock in this order: the tender missing or cancelled (conflict "tender_cancelled"); opened,
//   or the bid received at or after its current submission deadline ("submission_closed");
//   tender_version not 0 and not the tender's ("tender_amended"); the bid's version past
//   versions_max ("too_many_versions"). Versions go on after the highest one of the (tender,
//   supplier, lot), withdrawn ones included, so withdrawing does not reset the limit. Only the
//   bids not refused are checked for a body their tender holds (or twice among them): then
//   "duplicate_bid" rolls the whole group back.
// - A stored bid's audit event names it (entity_id, entity_version) with action "bid.replaced"
//   if it replaced one, else the caller's; log_seq is that event's seq.
// - Only an active bid keeps its body: replacing or withdrawing a bid empties its body and keeps
//   its hash, time stamp token, log position and state (its receipt stays checkable).
// - withdraw_bid refuses a replaced, withdrawn or unknown bid alike, writing nothing. Under the
//   tender row's lock it refuses a bid of a cancelled tender ("tender_cancelled"), and one
//   withdrawn at or after the tender's current submission deadline or once the bids are opened
//   ("submission_closed").
// - insert_opening reads the active bids itself, under the tender row's lock, in pages of at
//   most batch_bytes_max body bytes, and stores each page's lines before it reads the next: the
//   record holds exactly the tender's active bids when it commits, and no more than one page of
//   bodies is held at a time. It refuses a second record ("already_opened") before it reads
//   any bid; a batch whose lines do not name its bids, in order, is the caller's bug (internal
//   "opening_mismatch"). A refusal or a failure stores nothing. The record is stored with each
//   bid's own columns (supplier, lot, version, received_at_ms, hash) taken from the bid,
//   ordered by bid id, a reason cut at 1000 bytes without splitting a character, and no
//   currency for a bid without a price.
// - insert_opening_key drops a second key of a tender with its audit event.
// - discard_draft_opening_key deletes a key (shares first) only while its tender is a draft,
//   under the tender row's lock, with its audit event; otherwise it writes nothing.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "bidding/model.hpp"
#include "core/audit.hpp"
#include "core/hash.hpp"
#include "core/result.hpp"

namespace procura::bidding {

// A (tender, supplier, lot): it has at most one active bid.
struct BidKey {
    std::int64_t tender_id = 0;
    core::UserId supplier_id = 0;
    std::int64_t lot_id = 0;
};

// A bid body's hash within its tender: a tender holds at most one bid per body.
struct BidHash {
    std::int64_t tender_id = 0;
    std::string sha256_hex;  // lower-case hex, 64 characters
};

// One bid of a group handed to BidStore::insert_bids, with its audit event (entity_id and
// entity_version are set by the store; action becomes "bid.replaced" if it replaces a bid).
// tender_version, if not 0, is the version of the tender's terms the bid was checked against:
// the bid is refused (conflict "tender_amended") if the tender's version differs when the
// group's transaction locks it.
struct BidWrite {
    Bid bid;
    core::AuditEvent audit;
    std::int64_t tender_version = 0;
};

// What insert_bids did with one bid: stored (with the hash of the active bid it replaced, if
// any), or refused on its own (conflict "too_many_versions"; nothing of it was written).
struct BidWritten {
    std::optional<Bid> stored;
    std::optional<std::string> replaced_sha256;
    std::optional<core::Error> error;
};

// The body bytes of one active bid (BidStore::find_active_body_bytes).
struct ActiveBodyBytes {
    BidKey key;
    std::int64_t body_bytes = 0;
};

// The refusal of a bid past BidQuota::supplier_bytes_max, one text for every store.
inline core::Error supplier_storage_full(std::int64_t bytes_max) {
    return core::payload_too_large(
        "supplier_storage_full", "a supplier's current bids on a tender may hold at most " +
                                     std::to_string(bytes_max) +
                                     " bytes in all; withdraw or replace a bid with a smaller one");
}

// What the opening made of one batch of active bids (BidStore::insert_opening): one line per
// bid of the batch, in the batch's order, and the bids' audit events.
struct OpenedBatch {
    std::vector<OpenedBidRecord> bids;
    std::vector<core::AuditEvent> audit;
};

// The opening's side of BidStore::insert_opening: it opens the batches of bids the store reads.
class OpeningBatches {
public:
    virtual ~OpeningBatches() = default;
    // Called before the first batch, and again whenever the store starts over (its transaction
    // rerun after a deadlock): what the earlier batches gave is to be forgotten.
    virtual void restart() = 0;
    // Opens one batch: active bids with their bodies, ascending id, at most the store's batch
    // bytes (or one larger bid alone). Returns one line per bid, in the batch's order. Called
    // on the store's thread, maybe with the store's lock held: it must not call the store.
    virtual OpenedBatch open(std::vector<Bid> batch) = 0;
    // The audit events that close the record, appended after every batch's.
    virtual std::vector<core::AuditEvent> finish() = 0;
};

class BidStore {
public:
    virtual ~BidStore() = default;

    virtual core::Result<std::optional<OpeningKeyRecord>> find_opening_key(
        std::int64_t tender_id) = 0;
    // Stores the key unless the tender has one already; returns the stored one either way (the
    // first writer wins, so racing requests agree on one opening certificate).
    virtual core::Result<OpeningKeyRecord> insert_opening_key(const OpeningKeyRecord& key,
                                                              const core::AuditEvent& audit) = 0;
    // Deletes the tender's opening key and shares if the tender is still a draft (a key made
    // for a publication that then failed, whose committee or terms have changed since); returns
    // whether it deleted one. A published or cancelled tender's key is never deleted.
    virtual core::Result<bool> discard_draft_opening_key(std::int64_t tender_id,
                                                         const core::AuditEvent& audit) = 0;

    virtual core::Result<std::optional<Bid>> find_bid(std::int64_t bid_id) = 0;
    // Without the body (bids can be large; the hash and the state are what callers need).
    virtual core::Result<std::optional<Bid>> find_bid_by_hash(std::int64_t tender_id,
                                                              const std::string& sha256_hex) = 0;
    // The bids, without their bodies, with any of these (tender, body hash) pairs, in one read
    // (at most one each); order unspecified. bad_request "bad_hash" if a hash is not 64
    // lower-case hex digits (MySQLBidStore writes them into a statement's text). The default
    // checks them all, then asks find_bid_by_hash for each.
    virtual core::Result<std::vector<Bid>> find_bids_by_hashes(const std::vector<BidHash>& hashes) {
        for (const BidHash& h : hashes) {
            if (!core::is_sha256_hex(h.sha256_hex)) {
                return core::bad_request("bad_hash", "a bid hash is 64 lower-case hex digits",
                                         "sha256");
            }
        }
        std::vector<Bid> out;
        for (const BidHash& h : hashes) {
            PROCURA_TRY_ASSIGN(auto found, find_bid_by_hash(h.tender_id, h.sha256_hex));
            if (found) out.push_back(std::move(*found));
        }
        return out;
    }
    // The active bids, without their bodies, of the given (tender, supplier, lot) keys, in
    // one read; a key without an active bid has none in the answer. Order unspecified.
    virtual core::Result<std::vector<Bid>> find_active_bids(const std::vector<BidKey>& keys) = 0;
    // The body bytes of every active bid of each (tender, supplier) of suppliers (their lot_id
    // is ignored), every lot, in one plain read that locks nothing; order unspecified. What
    // the group commit checks BidQuota::supplier_bytes_max against before a deposit is held.
    virtual core::Result<std::vector<ActiveBodyBytes>> find_active_body_bytes(
        const std::vector<BidKey>& suppliers) = 0;
    // Stores the bids in one transaction, each as the active bid of its (tender, supplier,
    // lot): the active bid there, read under its row lock, becomes replaced and its hash is
    // reported; the version is one more than the highest so far; each audit event (entity_id
    // becomes the bid's id) gives its bid's log_seq, in the order of the bids. A bid whose
    // version would pass versions_max is refused on its own (conflict "too_many_versions"), as
    // are those named in the contract above, and the rest go on. Returns one BidWritten per
    // bid, in order. Any other failure (conflict "duplicate_bid" if a body is already stored
    // for its tender, or a database error) rolls everything back and is returned as the error:
    // callers that need each bid's own outcome then write the bids one at a time.
    // Precondition: no two bids share a (tender, supplier, lot); sha256_hex is 64 lower-case
    // hex digits.
    // A bid past quota.versions_max is refused on its own ("too_many_versions", as before); one
    // that would make its supplier's active bodies on the tender exceed
    // quota.supplier_bytes_max (counting the bid it replaces as gone, and the group's earlier
    // bids of that supplier) is refused on its own with 413 "supplier_storage_full". Exact for
    // one writer of groups at a time (MySQLBidStore reads the bytes without locking them).
    virtual core::Result<std::vector<BidWritten>> insert_bids(std::vector<BidWrite> bids,
                                                              const BidQuota& quota) = 0;
    // Active -> withdrawn; conflict "not_active" otherwise.
    virtual core::Status withdraw_bid(std::int64_t bid_id, std::int64_t at_ms,
                                      const core::AuditEvent& audit) = 0;
    // A page of the tender's active bids with their bodies, ascending id, those after
    // after_bid_id (0: from the first): as many as fit in bytes_max body bytes, and at least one
    // if any is left (a body larger than bytes_max comes alone). Empty once none is left.
    // Precondition: bytes_max > 0.
    virtual core::Result<std::vector<Bid>> list_active_bids(std::int64_t tender_id,
                                                            std::int64_t after_bid_id,
                                                            std::size_t bytes_max) = 0;
    // Every version of every bid of the tender, ascending id; with_bodies: only the active
    // bids, with their bodies (all at once: the opening reads them in pages instead).
    virtual core::Result<std::vector<Bid>> list_bids(std::int64_t tender_id, bool with_bodies) = 0;
    // Whether the tender has any bid stored, in any state (active, replaced or withdrawn): what
    // the tender module asks, through app/, before it lets an amendment move a lot. The default
    // asks list_bids.
    virtual core::Result<bool> any_bid(std::int64_t tender_id) {
        PROCURA_TRY_ASSIGN(auto bids, list_bids(tender_id, false));
        return !bids.empty();
    }

    virtual core::Result<std::optional<OpeningRecord>> find_opening(std::int64_t tender_id) = 0;
    // When the tender's bids were opened, if they were (one indexed row; no documents).
    virtual core::Result<std::optional<std::int64_t>> find_opened_at(std::int64_t tender_id) = 0;
    // Opens the tender's bids and stores the opening record, opened at opened_at_ms, in one
    // transaction (see the contract above): under the tender row's lock, which insert_bids and
    // withdraw_bid take too, so that no bid is stored, replaced or withdrawn meanwhile, it reads
    // the active bids in pages as list_active_bids does, hands each page to batches.open and
    // stores its lines before it reads the next page; then it appends every batch's audit
    // events and finish()'s. The events (a few hundred bytes a bid) are kept until the end so
    // that the audit log's head is locked for the last statements only. conflict
    // "already_opened" if the tender has an opening record. Precondition: batch_bytes_max > 0.
    virtual core::Status insert_opening(std::int64_t tender_id, std::int64_t opened_at_ms,
                                        std::size_t batch_bytes_max, OpeningBatches& batches) = 0;
};

}  // namespace procura::bidding
