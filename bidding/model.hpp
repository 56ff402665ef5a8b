// Sealed bids, their receipts, the tender's opening key, and the opening record. A bid is kept
// exactly as received: a DER CMS SignedData whose content is an AuthEnvelopedData sealed to the
// tender's opening certificate, so the database holds nothing readable before the opening.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/identity.hpp"
#include "ledger/log.hpp"
#include "signing/opening_key.hpp"

namespace procura::bidding {

enum class BidState { active, replaced, withdrawn };
std::string_view to_string(BidState state);

struct Bid {
    std::int64_t id = 0;
    std::int64_t tender_id = 0;
    core::UserId supplier_id = 0;
    std::int64_t lot_id = 0;   // the lot number, sent with the request (see docs/bidding.md)
    std::int64_t version = 0;  // 1, 2, ... per (tender, supplier, lot)
    std::string body;          // the DER CMS SignedData as received
    std::string sha256_hex;    // of body
    std::int64_t received_at_ms = 0;
    std::string timestamp_token;  // DER RFC 3161 TimeStampToken over SHA-256(body)
    std::int64_t log_seq = 0;     // the audit event of the receipt; its log leaf is seq - 1
    BidState state = BidState::active;
    std::optional<std::int64_t> withdrawn_at_ms;
    // The id of the money transfer holding its bid security (bid_security_transfer_id in
    // bidding/bid_security.hpp), stored with the bid so that settlement finds the deposit by
    // this column and never rebuilds the id. Set whether or not the tender asks for security.
    std::string security_transfer_id;
    // 64 lower-case hex digits of 32 random bytes, fresh per version: the salt of the bid's
    // commitment (bidding/commitment.hpp), which its log leaves carry instead of the supplier
    // and lot. Secret until the opening, which publishes it. Empty for a bid stored before
    // migration 0014 (its leaves name the supplier).
    std::string salt_hex;
};

struct BidReceipt {
    std::int64_t bid_id = 0;
    std::int64_t version = 0;
    std::int64_t tender_id = 0;
    core::UserId supplier_id = 0;
    std::int64_t lot_id = 0;
    std::int64_t received_at_ms = 0;
    std::string sha256_hex;
    std::string timestamp_token;
    std::int64_t log_leaf_index = 0;
    std::optional<ledger::SignedTreeHead> sth;  // the latest head at the time of the answer
    bool repeated = false;  // the same body was received before: this is that bid's receipt
    // The commitment's salt and the commitment its log leaf carries: with the four values
    // above and the bid file's SHA-256 the supplier alone recomputes the leaf. Empty for a bid
    // stored before migration 0014.
    std::string salt_hex;
    std::string commitment_hex;
};

struct OpeningKeyRecord {
    std::int64_t tender_id = 0;
    std::string certificate_pem;
    int threshold = 0;
    std::vector<signing::SealedShare> shares;
    std::int64_t created_at_ms = 0;
};

// One line of the public opening record.
struct OpenedBidRecord {
    std::int64_t bid_id = 0;
    core::UserId supplier_id = 0;
    std::int64_t lot_id = 0;
    std::int64_t version = 0;
    std::int64_t received_at_ms = 0;
    std::string sha256_hex;
    bool valid = false;
    std::string reason_code;  // empty when valid
    std::string reason;
    std::string signature_status;
    std::string decryption_status;
    std::optional<std::int64_t> price_minor;
    std::string currency;
    std::string document_json;  // the decrypted bid document; empty if it could not be read
};

// What the opening publishes of every version of every bid, opened, replaced or withdrawn:
// the values its log leaves committed to and the salt, so that anyone can recompute each
// commitment (bidding/commitment.hpp).
struct BidReveal {
    std::int64_t bid_id = 0;
    std::int64_t version = 0;
    std::int64_t tender_id = 0;
    core::UserId supplier_id = 0;
    std::int64_t lot_id = 0;
    std::string sha256_hex;
    std::string salt_hex;
    BidState state = BidState::active;
};

struct OpeningRecord {
    std::int64_t tender_id = 0;
    std::int64_t opened_at_ms = 0;
    std::vector<OpenedBidRecord> bids;
    // Every bid version with a salt (stored from migration 0014 on), ordered by bid id; read
    // from the bids themselves, whose salts never change.
    std::vector<BidReveal> revealed;
};

// An opened share as a member hands it in: the plaintext of their sealed share, a header
// (tender id, opening certificate fingerprint, share number) and the 32 bytes of a P-256 key's
// share, about 150 bytes in all (signing/opening_key.cpp). Anything longer is no share; the
// bound keeps a large body from being held in memory until the opening.
inline constexpr std::size_t opening_share_bytes_max = 4096;

// What one supplier may store on a tender, checked by the store in the group's transaction
// (bidding/store.hpp says how exactly).
struct BidQuota {
    std::int64_t versions_max = 100;  // versions per (tender, supplier, lot), withdrawn ones too
    // Bytes of the active bids' bodies per (tender, supplier): only active bodies are kept
    // (replaced and withdrawn ones keep their hash and receipt), so this bounds what a
    // supplier stores on a tender and what its opening reads of them.
    std::int64_t supplier_bytes_max = std::numeric_limits<std::int64_t>::max();
};

struct BiddingLimits {
    std::size_t bid_bytes_max = 8 * 1024 * 1024;
    std::int64_t versions_max = 100;                     // per (tender, supplier, lot)
    std::int64_t supplier_bytes_max = 64 * 1024 * 1024;  // BidQuota::supplier_bytes_max
    std::size_t bids_per_group_max = 64;  // bids written in one transaction (group commit)
    // Body bytes the opening holds at once: it reads, verifies, decrypts and stores a tender's
    // active bids in batches of at most this many body bytes (a bid larger than that comes
    // alone), so its memory is bounded by the batch, not by the number of bids
    // (docs/benchmarks.md measures it). At least bid_bytes_max keeps every batch within it.
    std::size_t opening_batch_bytes = 64 * 1024 * 1024;
    std::size_t tenders_cached_max = 1024;
    std::size_t accounts_cached_max = 100'000;
    // Shares are taken no earlier than this long after the submission deadline, so that bids
    // accepted just before it have been stored when the opening lists them.
    std::int64_t settle_ms = 2000;
    std::int64_t opening_certificate_extra_ms = 365LL * core::ms_per_day;  // valid past opening
    // A receipt's signed tree head is one read at most this long before (one read serves the
    // groups of that time). The log takes a bid's leaf in only after its group commits, so the
    // head in a receipt never holds the bid either way; verify-receipt fetches a fresh one.
    std::int64_t receipt_head_reuse_ms = 200;
};

}  // namespace procura::bidding
