// The RFC 3161 time-stamp authority, in process (the HTTP route POST /tsa comes with the web
// layer). Built on OpenSSL's TS API: requests with SHA-256, SHA-384 or SHA-512 imprints only
// (anything else gets a DER rejection response with failInfo badAlg, not text), the nonce
// echoed, a configurable policy OID, accuracy set, certificate included when asked. Serial
// numbers are 127 random bits, so they are unique without persistence and never reused after a
// crash or kill -9. The time comes from the injected clock. Thread-safe: TS_RESP_CTX is not,
// so each response gets its own context.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/hash.hpp"
#include "core/result.hpp"
#include "signing/keys.hpp"

namespace procura::signing {

struct TSAOptions {
    std::string policy_oid = "1.3.6.1.4.1.57264.1.1";  // Procura's time-stamping policy
    std::int64_t accuracy_ms = 1000;                   // stated accuracy of the clock
    std::size_t request_bytes_max = 4096;
};

struct StampedToken {
    std::string token;         // DER TimeStampToken
    std::int64_t time_ms = 0;  // its genTime, to the millisecond
};

class TimeStampAuthority {
public:
    // cert must carry the critical timeStamping extended key usage and match key
    // (bad_request "not_a_tsa_certificate" otherwise).
    static core::Result<TimeStampAuthority> create(Certificate cert, PrivateKey key,
                                                   const core::Clock& clock, TSAOptions options);

    // A DER TimeStampResp for a DER TimeStampReq. Requests that are well-formed DER but not
    // acceptable (weak digest, unknown policy) get a DER rejection response, as RFC 3161 asks.
    // Only input that is not a time-stamp request at all, or is too large, is an error:
    // bad_request "not_ts_request" / payload_too_large "too_large".
    core::Result<std::string> respond(std::string_view request_der) const;

    // A time-stamp token (DER TimeStampToken, the CMS SignedData of RFC 3161 section 2.4.2) over
    // a SHA-256 digest, made in process: the receipt of a sealed bid. Checkable with
    // `openssl ts -verify -token_in -in TOKEN -digest HEX -CAfile ca.pem -untrusted tsa.pem`.
    // Also returns the token's genTime, read from the response just made, so that the caller
    // need not verify its own fresh token to learn when it was stamped.
    core::Result<StampedToken> stamp(const core::Sha256& digest) const;

    const Certificate& certificate() const { return cert_; }

private:
    TimeStampAuthority(Certificate cert, PrivateKey key, const core::Clock& clock,
                       TSAOptions options)
        : cert_(std::move(cert)),
          key_(std::move(key)),
          clock_(&clock),
          options_(std::move(options)) {}

    Certificate cert_;
    PrivateKey key_;
    const core::Clock* clock_;
    TSAOptions options_;
};

struct VerifiedTimeStamp {
    std::int64_t time_ms = 0;  // genTime, to the millisecond
    std::string serial_hex;
    std::string policy_oid;
};

// Verifies a DER TimeStampResp over data against the CA: granted status, the imprint of data,
// the TSA's signature, its certificate chain to ca, and the timeStamping usage. Builds its own
// TS_VERIFY_CTX, because TS_REQ_to_TS_VERIFY_CTX clears the signature-check flag. Errors:
// bad_request "not_ts_response"; unprocessable "not_granted" (a rejection) or
// "time_stamp_invalid" (wrong data, signature or chain).
core::Result<VerifiedTimeStamp> verify_time_stamp(std::string_view response_der,
                                                  std::string_view data, const Certificate& ca);

// Verifies a DER TimeStampToken (the CMS SignedData of RFC 3161 section 2.4.2: what stamp()
// makes and a bid receipt carries in base64) over a SHA-256 digest, against the CA: the token's
// imprint is SHA-256 and equals digest, the TSA's signature verifies (the signature check is
// always on, as in verify_time_stamp), the signer's certificate chains to ca (at the current
// time) with the timeStamping extended key usage and matches the token's ESS certificate id, and
// a TSA name in the token, if any, names the signer. tsa_certificate, when given, is offered as
// the signer's certificate for tokens that do not carry it; it is never trusted by itself (it
// must chain to ca like any other). Errors: bad_request "not_ts_token" (not one DER token, or
// trailing bytes), payload_too_large "too_large"; unprocessable "imprint_mismatch" (a token over
// other data or with another digest algorithm) or "time_stamp_invalid" (signature, chain or
// usage).
core::Result<VerifiedTimeStamp> verify_time_stamp_token(
    std::string_view token_der, const core::Sha256& digest, const Certificate& ca,
    const Certificate* tsa_certificate = nullptr);

}  // namespace procura::signing
