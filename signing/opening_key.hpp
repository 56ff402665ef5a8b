// Opening keys: the key that unseals a tender's bids exists whole only twice, for a moment: when
// it is created, and when k committee members rebuild it after the opening time. At creation a
// fresh EC P-256 key pair gets a certificate from the platform CA (the one suppliers seal bids
// to); the private key is split k-of-n with Shamir's scheme (libgfshare, coefficients from
// OpenSSL's CSPRNG); each share is sealed (CMS AuthEnvelopedData) to one member's certificate;
// then every copy of the key and the shares is wiped (OPENSSL_cleanse). Nothing here stores
// anything. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/identity.hpp"
#include "core/result.hpp"
#include "signing/keys.hpp"

namespace procura::signing {

struct SealedShare {
    core::UserId member = 0;
    std::uint8_t number = 0;   // 1..n, the Shamir x-coordinate
    std::string envelope_der;  // CMS AuthEnvelopedData to the member's certificate
    // Lower-case hex SHA-256 of the share's plaintext, taken at creation: a share handed in
    // at the opening is kept only if it hashes to this (share_matches). Empty for keys made
    // before schema version 12, which are checked by the rebuild alone.
    std::string commitment_sha256;
};

struct OpeningKey {
    Certificate certificate;  // suppliers seal bids to this
    std::uint8_t threshold = 0;
    std::vector<SealedShare> shares;
};

struct CommitteeMember {
    core::UserId user = 0;
    const Certificate* certificate = nullptr;  // must be an EC P-256 certificate
};

// Creates the opening key of tender_id for the committee, k = threshold. Errors: bad_request
// "bad_threshold" unless 1 <= k <= n <= 255; "unsupported_recipient" when a member's
// certificate is not EC P-256 (from seal); internal errors from OpenSSL.
core::Result<OpeningKey> create_opening_key(std::int64_t tender_id,
                                            const std::vector<CommitteeMember>& committee,
                                            std::uint8_t threshold, const Certificate& ca,
                                            const PrivateKey& ca_key, const Validity& validity);

// Rebuilds the opening key from the plaintexts of at least k opened share envelopes and checks
// it against the opening certificate. Errors (unprocessable, field "shares"):
// "not_enough_shares", "bad_share" (not a share), "duplicate_share" (the same number twice),
// "share_from_another_tender" (the share names another tender or certificate),
// "shares_do_not_match" (the rebuilt key is not the certificate's; the message lists the share
// numbers used, so the committee knows which set failed).
// Checks one opened share on its own, before it is kept: its form, that it belongs to tender_id
// and opening_certificate, and returns its number (1..n). Errors as rebuild_opening_key's:
// "bad_share", "share_from_another_tender".
core::Result<std::uint8_t> check_share(std::int64_t tender_id, std::string_view opened_share,
                                       const Certificate& opening_certificate);

// Whether opened_share is the plaintext committed to by commitment_sha256 (compared in constant
// time). True when the commitment is empty (a key made before commitments were stored).
bool share_matches(std::string_view opened_share, std::string_view commitment_sha256);

core::Result<PrivateKey> rebuild_opening_key(std::int64_t tender_id,
                                             const std::vector<std::string>& opened_shares,
                                             const Certificate& opening_certificate,
                                             std::uint8_t threshold);

}  // namespace procura::signing
