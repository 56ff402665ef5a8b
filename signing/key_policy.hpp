// The platform's key policy, shared by certificate issuance and signature verification: a
// subject key must be EC on P-256, or RSA of at least 2048 bits. Internal to signing/.
#pragma once

#include <openssl/evp.h>

#include <string>

#include "core/result.hpp"

namespace procura::signing {

// ok for EC P-256 or RSA >= 2048 bits; otherwise bad_request "weak_key" naming field.
core::Status check_key_strength(EVP_PKEY* key, const std::string& field);

}  // namespace procura::signing
