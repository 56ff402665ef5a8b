// Sealed envelopes: DER CMS AuthEnvelopedData (RFC 5083) with AES-256-GCM content encryption,
// whose content key is wrapped for one EC P-256 certificate by ECDH key agreement with a
// SHA-256 KDF. open() is the strict reader: it refuses non-AEAD envelopes, SHA-1 KDFs and RSA
// PKCS#1 v1.5 key transport before touching any key, and bounds the content it returns. This
// header includes no OpenSSL header; functions are thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "signing/keys.hpp"

namespace procura::signing {

// Seals content as DER CMS AuthEnvelopedData: AES-256-GCM content encryption, to one EC P-256
// recipient certificate (ECDH key agreement, KDF forced to SHA-256: OpenSSL's default is SHA-1).
// Errors: bad_request "unsupported_recipient" when the certificate's key is not EC P-256 (an RSA
// certificate would get PKCS#1 v1.5 key transport, which open() refuses); payload_too_large
// "too_large" for content over 2 GiB - 1; internal "seal_failed" on an OpenSSL failure.
core::Result<std::string> seal(std::string_view content, const Certificate& recipient);

// Opens a DER CMS envelope with the recipient's key and certificate and returns the content.
// Refuses, each with its own error code (ErrorKind::unprocessable unless noted): "not_cms"
// (bad_request; not DER CMS, truncated, random bytes, trailing bytes), "not_auth_enveloped" (any
// other CMS type, e.g. plain EnvelopedData with AES-CBC = non-AEAD), "sha1_kdf" (ECDH KDF with
// SHA-1), "rsa_pkcs1_transport" (RSA PKCS#1 v1.5 key transport recipient), "not_for_this_recipient"
// (no recipient info matches the certificate), "decrypt_failed" (tampered GCM tag or ciphertext,
// detached content, or a key that is not the certificate's), "too_large" (payload_too_large:
// content over content_bytes_max). The algorithm checks cover every recipient info, not only
// ours: a content key wrapped weakly for anyone is weak for everyone.
core::Result<std::string> open(std::string_view der, const PrivateKey& key,
                               const Certificate& recipient, std::size_t content_bytes_max);

// Everything open() checks before decrypting, without a key: that der is one AuthEnvelopedData
// with acceptable algorithms, addressed to recipient, whose content is within the limit. The
// same errors as open() except "decrypt_failed" for a bad tag (only decryption can tell).
// Used when a sealed bid is received, long before anyone can decrypt it.
core::Status check_envelope(std::string_view der, const Certificate& recipient,
                            std::size_t content_bytes_max);

}  // namespace procura::signing
