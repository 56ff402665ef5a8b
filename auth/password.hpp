// Password hashing with Argon2id (libargon2). Hashes are self-describing encoded strings, so
// parameters can be raised later without breaking old hashes.
#pragma once

#include <cstddef>
#include <string>

#include "core/result.hpp"

namespace procura::auth {

// Argon2id, t=3, m=64 MiB, p=1, 16-byte random salt. Takes tens of milliseconds by design:
// never call it on an I/O thread.
core::Result<std::string> hash_password(const std::string& password);

// True if password matches the encoded hash; false on mismatch or a malformed hash.
bool verify_password(const std::string& encoded_hash, const std::string& password);

// Both run at most password_hashing_slots() at a time in the process (one per core, at least
// 2), however many threads call them; the others wait. The most that ever ran at once is
// password_hashing_peak() (for tests and diagnostics).
std::size_t password_hashing_slots();
std::size_t password_hashing_peak();

}  // namespace procura::auth
