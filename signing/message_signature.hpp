// Plain ECDSA P-256 / SHA-256 signatures over a byte string (DER ECDSA-Sig-Value), for the
// audit log's signed tree heads: anyone checks them with the stock
// `openssl dgst -sha256 -verify log.pub.pem -signature sth.sig sth.txt`. And standard base64
// (RFC 4648 section 4, padded), in which such signatures travel in JSON.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "signing/keys.hpp"

namespace procura::signing {

// DER ECDSA signature of SHA-256(message). key must be EC P-256 (bad_request "weak_key").
core::Result<std::string> sign_message(const PrivateKey& key, std::string_view message);

// Checks signature over message with the public key in public_key_pem (SubjectPublicKeyInfo
// PEM, as PrivateKey::public_key_pem writes it). Errors: bad_request "bad_public_key";
// unprocessable "bad_signature".
core::Status verify_message(std::string_view public_key_pem, std::string_view message,
                            std::string_view signature);

std::string base64_encode(std::string_view bytes);
// bad_request "bad_base64" for anything that is not padded standard base64 (no whitespace).
core::Result<std::string> base64_decode(std::string_view text);

}  // namespace procura::signing
