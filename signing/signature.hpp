// CMS SignedData: signing with a platform or user key, and verification of signatures made by
// suppliers and officers (by our own code or by the stock `openssl cms -sign`). Verification
// checks, in this order, each with its own error code: the structure ("not_cms",
// "not_signed_data", "one_signer_required", "missing_content"), the signer's certificate chain
// to the platform CA at a given instant, which is the receipt time rather than now
// ("untrusted_certificate", "certificate_not_valid_at_time"), revocation
// ("certificate_revoked"), the expected signer ("wrong_signer"), the digest ("weak_digest",
// SHA-256 or stronger only), the key ("weak_key": EC P-256 or RSA >= 2048), and the signature
// itself ("bad_signature"). Content is bounded ("too_large").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/identity.hpp"
#include "core/result.hpp"
#include "signing/keys.hpp"

namespace procura::signing {

enum class Attachment { attached, detached };

// DER CMS SignedData over content with SHA-256, carrying the signer's certificate. Detached
// signatures leave the content out (the verifier must be given it).
core::Result<std::string> sign(std::string_view content, const Certificate& signer,
                               const PrivateKey& key, Attachment attachment);

struct VerifyOptions {
    std::int64_t at_ms = 0;  // the instant the certificate must be valid at (receipt time)
    std::optional<core::UserId> expected_user;  // the signer must be this user, when given
    // Answers whether the certificate with this serial (upper-case hex) was revoked at or
    // before at_ms. Absent: no certificate is treated as revoked.
    std::function<bool(const std::string& serial_hex, std::int64_t at_ms)> is_revoked;
    std::size_t content_bytes_max = 16 * 1024 * 1024;
    std::size_t signature_bytes_max = 32 * 1024 * 1024;
};

struct VerifiedSignature {
    std::optional<core::UserId> signer_user;  // the UID in the signer's subject
    std::string signer_subject;
    std::string signer_serial_hex;
    std::string content;  // the signed bytes (the detached content when it was given)
};

// Verifies against one trust anchor, the platform CA. Thread-safe: verify() keeps no state.
class SignatureVerifier {
public:
    explicit SignatureVerifier(Certificate ca) : ca_(std::move(ca)) {}

    // detached_content must be given for a detached signature and absent for an attached one.
    core::Result<VerifiedSignature> verify(std::string_view der,
                                           std::optional<std::string_view> detached_content,
                                           const VerifyOptions& options) const;

private:
    Certificate ca_;
};

}  // namespace procura::signing
