#include "auth/password.hpp"

#include <argon2.h>

#include <algorithm>
#include <atomic>
#include <semaphore>
#include <thread>

#include "core/hash.hpp"

namespace procura::auth {
namespace {

constexpr std::uint32_t time_cost = 3;
constexpr std::uint32_t memory_cost_kib = 64 * 1024;
constexpr std::uint32_t parallelism = 1;
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;

// At most one Argon2 computation per core at a time, whatever the number of request workers:
// each takes memory_cost_kib, so 32 workers logging in at once would otherwise need 2 GiB, and
// more than one per core only makes each slower. The others wait their turn.
std::size_t slots_count() { return std::max(2U, std::thread::hardware_concurrency()); }

std::counting_semaphore<>& slots() {
    static std::counting_semaphore<> s(static_cast<std::ptrdiff_t>(slots_count()));
    return s;
}

std::atomic<std::size_t> running{0};
std::atomic<std::size_t> peak{0};

class HashingSlot {
public:
    HashingSlot() {
        slots().acquire();
        const std::size_t now = running.fetch_add(1) + 1;
        std::size_t seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
    }
    ~HashingSlot() {
        running.fetch_sub(1);
        slots().release();
    }
    HashingSlot(const HashingSlot&) = delete;
    HashingSlot& operator=(const HashingSlot&) = delete;
};

}  // namespace

core::Result<std::string> hash_password(const std::string& password) {
    const std::string salt = core::random_bytes(salt_bytes);
    const std::size_t encoded_len = argon2_encodedlen(time_cost, memory_cost_kib, parallelism,
                                                      salt_bytes, hash_bytes, Argon2_id);
    std::string encoded(encoded_len, '\0');
    const HashingSlot slot;
    const int rc = argon2id_hash_encoded(time_cost, memory_cost_kib, parallelism, password.data(),
                                         password.size(), salt.data(), salt.size(), hash_bytes,
                                         encoded.data(), encoded.size());
    if (rc != ARGON2_OK) {
        return core::internal("password_hash_failed",
                              std::string("Argon2id failed: ") + argon2_error_message(rc));
    }
    encoded.resize(encoded.find('\0'));
    return encoded;
}

bool verify_password(const std::string& encoded_hash, const std::string& password) {
    const HashingSlot slot;
    return argon2id_verify(encoded_hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::size_t password_hashing_slots() { return slots_count(); }

std::size_t password_hashing_peak() { return peak.load(); }

}  // namespace procura::auth
