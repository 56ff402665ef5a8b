// The pure part of the opening ceremony: given the sealed bids of one tender and its rebuilt
// opening key, check each bid's signature at its receipt time, open its envelope, parse its
// bid document and check that the document names the tender, lot and supplier the bid was
// received for. Bids are opened in parallel (oneTBB); one bad bid never stops the others: it is
// recorded as invalid with its reason. No SQL, no HTTP, no clock; nothing is stored or logged
// here, and this header includes no OpenSSL or TBB header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bidding/bid_document.hpp"
#include "core/identity.hpp"
#include "signing/keys.hpp"
#include "signing/signature.hpp"

namespace procura::bidding {

struct SealedBid {
    std::int64_t bid_id = 0;
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;
    core::UserId supplier_id = 0;
    std::int64_t received_at_ms = 0;
    std::string body;  // the DER CMS SignedData as received
};

enum class OpenedStatus { valid, invalid };

std::string_view to_string(OpenedStatus status);

// The decryption_status of a bid whose signature failed (see open_bids).
inline constexpr std::string_view decryption_not_attempted = "not_attempted";

struct OpenedBid {
    std::int64_t bid_id = 0;
    OpenedStatus status = OpenedStatus::invalid;
    // Empty when valid. Otherwise one of: "signature_invalid" (signature_status says why),
    // "not_for_this_tender" (the envelope is sealed to another certificate), an envelope error
    // code from signing::open ("decrypt_failed", "not_cms", "not_auth_enveloped", "sha1_kdf",
    // "rsa_pkcs1_transport", "too_large"), a parse_bid_document code ("bid_not_json",
    // "bid_missing_field", "bid_unknown_field", "bid_bad_value"), or "tender_mismatch",
    // "lot_mismatch", "supplier_mismatch" (the document names another tender, lot or supplier
    // than the bid was received for).
    std::string reason_code;
    std::string reason;            // readable; names the field for document faults
    std::string signature_status;  // "valid" or the SignatureVerifier error code
    // "decrypted", the signing::open error code, or "not_attempted" when the signature failed.
    std::string decryption_status;
    std::optional<BidDocument> document;  // set when the document parsed, even if mismatched
    std::string signer_subject;           // set when the signature is valid
};

struct OpeningInputs {
    const signing::PrivateKey& opening_key;
    const signing::Certificate& opening_certificate;
    const signing::SignatureVerifier& verifier;  // trusts the platform CA
    // Revocation as of the receipt time; absent = none revoked. Called from several threads at
    // once: it must be thread-safe.
    std::function<bool(const std::string& serial_hex, std::int64_t at_ms)> is_revoked;
    // Bounds the signed body, the envelope and the bid document alike.
    std::size_t bid_bytes_max = 16 * 1024 * 1024;
};

// Opens every bid and returns one OpenedBid per SealedBid, in the input order. For each bid:
//  1. the signature is verified at received_at_ms, with the expected signer supplier_id and
//     is_revoked; on failure the bid is invalid ("signature_invalid") and its envelope is not
//     opened (decryption_status "not_attempted"): a verifier that refuses a signature returns
//     no content, and content nobody is known to have signed is not worth decrypting;
//  2. the signed content is opened as an envelope with the opening key and certificate;
//  3. the plaintext is parsed with parse_bid_document;
//  4. the document's tender_id, lot_id and supplier_id must equal the SealedBid's.
// A bid is valid when all four pass. Bids are opened in parallel: parallel_for over the bids
// inside a tbb::task_arena of max_threads threads (0 = one per core; precondition
// max_threads >= 0). Each bid's result depends only on that bid and the inputs, so the result
// is identical whatever the thread count. The opening key, the certificate and the verifier are
// shared read-only by the threads (see opening.cpp for why that is safe). No exception is used
// for a bad bid; only a bug (or memory exhaustion) escapes.
std::vector<OpenedBid> open_bids(const std::vector<SealedBid>& bids, const OpeningInputs& inputs,
                                 int max_threads);

// Opens one bid as open_bids does, on the calling thread. Thread-safe under the same conditions.
OpenedBid open_bid(const SealedBid& bid, const OpeningInputs& inputs);

}  // namespace procura::bidding
