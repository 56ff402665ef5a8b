// A token-bucket rate limit per client key (the peer's IP address): each key may make `rate`
// requests per second on average, in bursts of up to `burst`. Buckets of clients that have
// gone quiet are forgotten, and the number of buckets is bounded, so a flood of distinct
// addresses cannot exhaust memory: when the table is full, the fullest (idlest) half is
// dropped, which only ever lets a forgotten client start again with a full bucket.
// Behind a reverse proxy every client shares the proxy's address; the limit then applies to
// all of them together. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace procura::web {

struct RateLimitOptions {
    double rate_per_second = 0;  // 0 disables the limit
    double burst = 0;            // bucket size; at least 1 when enabled
    std::size_t clients_max = 100'000;
};

class RateLimiter {
public:
    explicit RateLimiter(RateLimitOptions options) : options_(options) {}

    // Takes one token from the bucket of the client at address (IPv4: the address; IPv6: its
    // /64, the first four groups) at now_ms; false if the bucket is empty.
    bool allow(std::string_view address, std::int64_t now_ms);

    bool enabled() const { return options_.rate_per_second > 0; }
    // How many clients have a bucket now (at most clients_max).
    std::size_t clients();

private:
    struct Bucket {
        double tokens = 0;
        std::int64_t updated_ms = 0;
    };
    void shrink(std::int64_t now_ms);

    RateLimitOptions options_;
    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace procura::web
