// CMS SignedData: signing with a platform or user key, and verification of signatures made by
// suppliers and officers (by our own code or by the stock `openssl cms -sign`). Verification
// checks, in this order, each with its own error code: the structure ("not_cms",
// "not_signed_data", "one_signer_required", "missing_content", "ambiguous_signer" when more
// than one carried certificate matches the signer), the signer's certificate chain
// to the platform CA at a given instant, which is the receipt time rather than now
// ("untrusted_certificate", "certificate_not_valid_at_time"), revocation
// ("certificate_revoked"), the expected signer ("wrong_signer"), the digest ("weak_digest",
// SHA-256 or stronger only), the key ("weak_key": EC P-256 or RSA >= 2048), and the signature
// itself ("bad_signature"). Content is bounded ("too_large"). A verifier remembers the
// certificate chains it has verified (a bounded cache), so that repeated signatures by the same
// signer cost about one signature check; the cache changes no result and no error code.
//
// A signature need not carry its signer's certificate (`openssl cms -sign -nocerts`): the
// platform issued every user's certificate, so VerifyOptions::find_certificate can supply it.
// Such a signature goes through the same checks in the same order with the same codes as one
// that carries the certificate (a certificate found but not issued by the platform CA is
// "untrusted_certificate"); one whose signer's certificate cannot be found is refused with
// "unknown_signer", which takes the place of the chain check's codes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/identity.hpp"
#include "core/result.hpp"
#include "signing/keys.hpp"

namespace procura::signing {

enum class Attachment { attached, detached };

// Whether a signature carries the signer's certificate (the default) or leaves it out, as
// `openssl cms -sign -nocerts` does; the verifier then needs VerifyOptions::find_certificate.
enum class SignerCertificate { carried, left_out };

// DER CMS SignedData over content with SHA-256, carrying the signer's certificate unless told
// otherwise. Detached signatures leave the content out (the verifier must be given it).
core::Result<std::string> sign(std::string_view content, const Certificate& signer,
                               const PrivateKey& key, Attachment attachment,
                               SignerCertificate certificate = SignerCertificate::carried);

struct VerifyOptions {
    std::int64_t at_ms = 0;  // the instant the certificate must be valid at (receipt time)
    std::optional<core::UserId> expected_user;  // the signer must be this user, when given
    // Answers whether the certificate with this serial (upper-case hex) was revoked at or
    // before at_ms. Absent: no certificate is treated as revoked.
    std::function<bool(const std::string& serial_hex, std::int64_t at_ms)> is_revoked;
    // Finds the PEM certificate the platform CA issued with this serial (upper-case hex, as
    // is_revoked gets it), for signatures that do not carry their signer's certificate; nullopt
    // when there is none. Asked only for such signatures whose signer is identified by issuer
    // and serial number (not by key identifier), and only when the verifier does not already
    // hold that certificate (see SignatureVerifier). Absent: such signatures are refused as
    // before, with "untrusted_certificate". Not found, unreadable or not the certificate the
    // signature names: "unknown_signer".
    std::function<std::optional<std::string>(const std::string& serial_hex)> find_certificate;
    std::size_t content_bytes_max = 16 * 1024 * 1024;
    std::size_t signature_bytes_max = 32 * 1024 * 1024;
};

struct VerifiedSignature {
    std::optional<core::UserId> signer_user;  // the UID in the signer's subject
    std::string signer_subject;
    std::string signer_serial_hex;
    std::string content;  // the signed bytes (the detached content when it was given)
};

struct ChainCacheStats {
    std::uint64_t hits = 0;    // verifications that reused a verified chain
    std::uint64_t misses = 0;  // full chain verifications (successful or not)
    std::size_t entries = 0;   // chains held now
    // The cache of looked-up signer certificates (signatures without their certificate).
    std::uint64_t certificate_hits = 0;    // certificates taken from the cache
    std::uint64_t certificate_misses = 0;  // certificates asked of find_certificate
    std::size_t certificate_entries = 0;   // certificates held now
};

// Verifies against one trust anchor, the platform CA. Thread-safe: verify() may be called from
// many threads at once on one verifier (the HTTP workers share it). Movable, not copyable.
//
// Verified chains are cached, keyed by SHA-256 over the DER of the signer's certificate and of
// every other certificate the signature carries (the candidates for intermediates). An entry
// holds what the chain verification established: the validity window of the verified path (the
// intersection of the notBefore/notAfter of every certificate on it, shrunk by one second at
// each end so the boundary seconds always take the full verification, which decides them
// exactly), and the signer's subject, serial, user id and key-strength verdict. Only successful
// chain verifications are cached. A cached chain is used only when at_ms falls inside its
// window; otherwise the chain is verified in full again, so refusals keep their exact error.
// Revocation, the expected signer, the digest and the signature itself are checked on every
// call. At most chain_cache_entries_max chains are held (the oldest goes first); 0 disables the
// cache.
//
// Signer certificates obtained through VerifyOptions::find_certificate are parsed once (with
// their public key) and kept, keyed by the issuer name and serial number the signature names,
// but only after a chain verification from them to the CA succeeded (so only certificates the
// CA issued are kept, and an issuer and serial name at most one of them); later signatures by
// the same signer reuse the parsed certificate without asking find_certificate again. The
// chain, its validity at at_ms, revocation and everything after are still checked on every
// call as above. At most certificate_cache_entries_max are held (the oldest goes first); 0
// disables this cache (find_certificate is then asked on every call).
class SignatureVerifier {
public:
    static constexpr std::size_t chain_cache_entries_default = 10'000;
    static constexpr std::size_t certificate_cache_entries_default = 10'000;

    explicit SignatureVerifier(
        Certificate ca, std::size_t chain_cache_entries_max = chain_cache_entries_default,
        std::size_t certificate_cache_entries_max = certificate_cache_entries_default);
    ~SignatureVerifier();
    SignatureVerifier(SignatureVerifier&&) noexcept;
    SignatureVerifier& operator=(SignatureVerifier&&) noexcept;

    // detached_content must be given for a detached signature and absent for an attached one.
    // Must not be called on a moved-from verifier.
    core::Result<VerifiedSignature> verify(std::string_view der,
                                           std::optional<std::string_view> detached_content,
                                           const VerifyOptions& options) const;

    // Counters since construction, for tests, benchmarks and metrics. Thread-safe.
    ChainCacheStats cache_stats() const;

private:
    struct ChainCache;
    struct CertificateCache;
    // The steps of verify(), defined in signature.cpp, where the OpenSSL types they pass live.
    friend struct VerifySteps;
    Certificate ca_;
    std::unique_ptr<ChainCache> cache_;
    std::unique_ptr<CertificateCache> certificates_;
};

}  // namespace procura::signing
