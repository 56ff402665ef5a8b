#include "auth/password.hpp"

#include <argon2.h>

#include "core/hash.hpp"

namespace procura::auth {
namespace {

constexpr std::uint32_t time_cost = 3;
constexpr std::uint32_t memory_cost_kib = 64 * 1024;
constexpr std::uint32_t parallelism = 1;
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;

}  // namespace

core::Result<std::string> hash_password(const std::string& password) {
    const std::string salt = core::random_bytes(salt_bytes);
    const std::size_t encoded_len = argon2_encodedlen(time_cost, memory_cost_kib, parallelism,
                                                      salt_bytes, hash_bytes, Argon2_id);
    std::string encoded(encoded_len, '\0');
    const int rc = argon2id_hash_encoded(time_cost, memory_cost_kib, parallelism, password.data(),
                                         password.size(), salt.data(), salt.size(), hash_bytes,
                                         encoded.data(), encoded.size());
    if (rc != ARGON2_OK) {
        return core::make_error(core::ErrorKind::internal, "password_hash_failed",
                                std::string("Argon2id failed: ") + argon2_error_message(rc));
    }
    encoded.resize(encoded.find('\0'));
    return encoded;
}

bool verify_password(const std::string& encoded_hash, const std::string& password) {
    return argon2id_verify(encoded_hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace procura::auth
