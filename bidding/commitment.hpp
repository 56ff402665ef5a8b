// Bidder anonymity until the opening (issue 16): before the opening a bid's log leaves
// (bid.received, bid.replaced, bid.withdrawn) carry a salted commitment to who bid on which
// lot with which body, never the values; the opening publishes every version's values and salt
// (bid.opened and bid.revealed leaves, and the opening record), so anyone can recompute each
// commitment. This file is the one definition of the commitment and of the check anyone can
// run on a copy of the log (`procura log verify`). Pure: no I/O, no clock (the salt comes from
// core::random_bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bidding/model.hpp"
#include "core/audit.hpp"
#include "core/result.hpp"

namespace procura::bidding {

inline constexpr std::size_t commitment_salt_bytes = 32;

// A fresh salt: commitment_salt_bytes from the operating system's CSPRNG, as 64 lower-case hex
// digits. Thread-safe.
std::string new_salt_hex();

// The bytes a commitment hashes (docs/bidding-with-openssl.md), the UTF-8 text
//   procura-bid-commitment-v1\n<salt>\n<tender id>\n<supplier id>\n<lot id>\n<bid sha256>\n
// with the numbers in decimal without leading zeros and the salt and hash as 64 lower-case hex
// digits. Every field ends at a newline that no field can contain, so two different inputs never
// give the same text. Precondition: salt_hex and sha256_hex are 64 lower-case hex digits.
std::string commitment_text(std::string_view salt_hex, std::int64_t tender_id,
                            core::UserId supplier_id, std::int64_t lot_id,
                            std::string_view sha256_hex);

// SHA-256 of commitment_text, lower-case hex: what a bid's leaves carry as "commitment".
std::string bid_commitment_hex(std::string_view salt_hex, std::int64_t tender_id,
                               core::UserId supplier_id, std::int64_t lot_id,
                               std::string_view sha256_hex);
std::string bid_commitment_hex(const BidReveal& reveal);

// The payloads of a bid's leaves. Before the opening: the tender, the commitment and (for a
// receipt) the receipt time; nothing that names the supplier or the lot. A bid without a salt
// (stored before migration 0014) is withdrawn with the tender alone.
std::string sealed_receipt_payload(const Bid& bid, std::string_view commitment_hex);
std::string sealed_withdrawal_payload(const Bid& bid);
// At the opening, for a replaced or withdrawn version (the opened one's bid.opened leaf carries
// the same fields): tender_id, supplier_id, lot_id, sha256, salt, state.
std::string reveal_payload(const BidReveal& reveal);

// What check_bid_commitments found.
struct CommitmentCheck {
    std::size_t tenders_opened = 0;      // tender.opened leaves
    std::size_t leaves_checked = 0;      // bid leaves whose commitment matches a revealed bid
    std::size_t leaves_sealed = 0;       // bid leaves of tenders not opened (yet) in the leaves
    std::size_t leaves_uncommitted = 0;  // bid leaves from before commitments (name the bidder)
    std::size_t published_checked = 0;   // reveals of an opening record matched to their leaves
};

// Checks the commitments of a copy of the log from its first leaf (events in seq order). Every
// bid.received, bid.replaced and bid.withdrawn leaf with a commitment must match the revealed
// values of its bid (bid id and version) if any leaf reveals them, and must be revealed if its
// tender has a tender.opened leaf; every reveal must belong to a committed leaf of the same
// tender. Each reveal in published (an opening record downloaded from the API) must match the
// commitment of every leaf of its bid version. Errors (unprocessable): "commitment_mismatch",
// "not_revealed", "reveal_without_leaf", "malformed_leaf", each naming the leaf index (seq - 1).
core::Result<CommitmentCheck> check_bid_commitments(
    const std::vector<core::StoredAuditEvent>& events, const std::vector<BidReveal>& published);

}  // namespace procura::bidding
