// Keys and certificates of the platform PKI: EC P-256 key generation, private keys as encrypted
// PKCS#8 PEM (AES-256; never stored in clear), the platform root CA, certificates issued from
// users' PKCS#10 requests, and the time-stamping certificate. Everything goes through OpenSSL
// 3's EVP and X509 APIs; no hand-written ASN.1. This header includes no OpenSSL header, so
// other modules may hold keys and certificates without seeing OpenSSL.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/identity.hpp"
#include "core/result.hpp"

struct evp_pkey_st;
struct x509_st;

namespace procura::signing {

class PrivateKey {
public:
    // A fresh EC P-256 key from the system's CSPRNG.
    static core::Result<PrivateKey> generate_ec_p256();
    // Reads an encrypted PKCS#8 PEM ("BEGIN ENCRYPTED PRIVATE KEY"). Errors: bad_request
    // "not_encrypted_key" for any other PEM (a key in clear is refused), unauthenticated
    // "wrong_passphrase" when it cannot be decrypted.
    static core::Result<PrivateKey> from_encrypted_pem(std::string_view pem,
                                                       std::string_view passphrase);

    // Encrypted PKCS#8 PEM with AES-256-CBC and a PBKDF2-derived key. The passphrase must not
    // be empty (bad_request "empty_passphrase").
    core::Result<std::string> to_encrypted_pem(std::string_view passphrase) const;
    // The public half as SubjectPublicKeyInfo PEM.
    std::string public_key_pem() const;

    evp_pkey_st* get() const { return key_.get(); }

    // Takes ownership of an EVP_PKEY (used inside signing/).
    static PrivateKey adopt(evp_pkey_st* key);

private:
    using Handle = std::unique_ptr<evp_pkey_st, void (*)(evp_pkey_st*)>;
    explicit PrivateKey(Handle key) : key_(std::move(key)) {}
    Handle key_;
};

class Certificate {
public:
    // Parses one PEM certificate; bad_request "bad_certificate" otherwise.
    static core::Result<Certificate> from_pem(std::string_view pem);

    std::string to_pem() const;
    // The subject as an RFC 2253 string, e.g. "UID=42,CN=olga,O=Procura".
    std::string subject() const;
    // The serial number in upper-case hex.
    std::string serial_hex() const;
    std::int64_t not_before_ms() const;
    std::int64_t not_after_ms() const;
    // The user id in the subject's UID attribute, if any.
    std::optional<core::UserId> user_id() const;
    // True if key is the private half of this certificate's public key.
    bool matches(const PrivateKey& key) const;
    // SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex: names the key, whatever
    // certificate carries it.
    std::string public_key_sha256_hex() const;

    x509_st* get() const { return cert_.get(); }

    // Takes ownership of an X509 (used by the issuing functions).
    static Certificate adopt(x509_st* cert);

private:
    using Handle = std::unique_ptr<x509_st, void (*)(x509_st*)>;
    explicit Certificate(Handle cert) : cert_(std::move(cert)) {}
    Handle cert_;
};

// Validity and naming of a certificate to issue. Times are milliseconds since the epoch.
struct Validity {
    std::int64_t not_before_ms = 0;
    std::int64_t not_after_ms = 0;
};

// A positive 127-bit random serial number in hex; unique without coordination.
std::string random_serial_hex();

// A self-signed root CA certificate for key: CA:TRUE (critical), keyCertSign and cRLSign
// (critical), subject and authority key identifiers, SHA-256. common_name names the platform.
core::Result<Certificate> make_root_ca(const PrivateKey& key, const std::string& common_name,
                                       const Validity& validity);

// The time-stamping authority's certificate, issued by the CA: extendedKeyUsage timeStamping
// (critical, as RFC 3161 requires), digitalSignature, CA:FALSE.
core::Result<Certificate> issue_tsa_certificate(const Certificate& ca, const PrivateKey& ca_key,
                                                const PrivateKey& tsa_key,
                                                const std::string& common_name,
                                                const Validity& validity);

// A certificate for a key the platform generated itself (a tender's opening key): subject
// O=Procura, CN=common_name; keyAgreement only (critical), CA:FALSE.
core::Result<Certificate> issue_for_key(const Certificate& ca, const PrivateKey& ca_key,
                                        const PrivateKey& key, const std::string& common_name,
                                        const Validity& validity);

// A user's certificate from a PKCS#10 request (PEM). The request's self-signature must verify
// and its key must be EC P-256 or RSA of at least 2048 bits; the request's own subject is
// ignored: the subject becomes O=Procura, CN=username, UID=user id. Key usage is
// digitalSignature plus keyAgreement (EC) or keyEncipherment (RSA), so that the same
// certificate signs bids and receives sealed opening-key shares. Errors (bad_request, field
// "csr"): "bad_csr" (not a PEM request), "csr_signature_invalid", "weak_key".
core::Result<Certificate> issue_from_csr(const Certificate& ca, const PrivateKey& ca_key,
                                         std::string_view csr_pem, core::UserId user,
                                         const std::string& username, const Validity& validity);

}  // namespace procura::signing
