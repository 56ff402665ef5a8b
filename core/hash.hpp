// Hashing and randomness used across modules: SHA-256 (documents, audit-event chaining, token
// hashes) and cryptographically secure random bytes (tokens). Implemented with OpenSSL in
// core/openssl_hash.cpp; nothing else in core touches OpenSSL.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace procura::core {

using Sha256 = std::array<std::uint8_t, 32>;

Sha256 sha256(std::string_view bytes);
// Lower-case hex of the SHA-256 of bytes (64 characters).
std::string sha256_hex(std::string_view bytes);
std::string to_hex(std::string_view bytes);
std::string to_hex(const Sha256& digest);
// Whether text is a SHA-256 as sha256_hex and to_hex write it: 64 lower-case hex digits.
bool is_sha256_hex(std::string_view text);

// n bytes from the operating system's CSPRNG. Aborts if the generator fails (a broken platform
// is not a recoverable condition for a system that issues credentials).
std::string random_bytes(std::size_t n);

// Overwrites the bytes of secret with zeros in a way the compiler may not optimise away
// (OPENSSL_cleanse), then empties it. For key shares and keys held in memory.
void secure_wipe(std::string& secret);

// Base64url without padding (RFC 4648 section 5), for tokens and cursors.
std::string base64url_encode(std::string_view bytes);

}  // namespace procura::core
