// Certificate revocation lists (RFC 5280 X.509 v2 CRLs) signed by the platform CA, so that
// anyone can check a user's certificate with the stock `openssl verify -crl_check`, without
// asking the platform.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "signing/keys.hpp"

namespace procura::signing {

// RFC 5280 CRLReason values the platform records.
enum class RevocationReason {
    unspecified = 0,
    key_compromise = 1,
    affiliation_changed = 3,
    superseded = 4,
    cessation_of_operation = 5,
};

struct RevokedCertificate {
    std::string serial_hex;  // upper-case hex, as Certificate::serial_hex() gives it
    std::int64_t revoked_at_ms = 0;
    RevocationReason reason = RevocationReason::unspecified;
};

struct CRLTimes {
    std::int64_t this_update_ms = 0;
    std::int64_t next_update_ms = 0;  // must be after this_update_ms
};

// A PEM X.509 v2 CRL listing revoked, signed by ca_key with SHA-256: issuer the CA's subject,
// thisUpdate/nextUpdate, a CRL number (thisUpdate in milliseconds, so it grows with time),
// the authority key identifier, and a reason code per entry. Errors: bad_request
// "bad_crl_times" (next update not after this update), "bad_serial" (not hex); internal
// "crl_failed" if OpenSSL fails.
core::Result<std::string> make_crl_pem(const Certificate& ca, const PrivateKey& ca_key,
                                       const std::vector<RevokedCertificate>& revoked,
                                       const CRLTimes& times);

}  // namespace procura::signing
