#include "web/rate_limit.hpp"

#include <algorithm>
#include <vector>

namespace procura::web {

namespace {

// IPv6 clients usually hold a whole /64: they are limited by their first four groups, so that
// a new address per request does not bring a new bucket. IPv4 addresses count one by one.
std::string client_key(std::string_view address) {
    if (address.find(':') == std::string_view::npos) return std::string(address);
    if (address.substr(0, 7) == "::ffff:") return std::string(address.substr(7));  // v4-mapped
    std::string key;
    int groups = 0;
    std::size_t start = 0;
    while (groups < 4 && start <= address.size()) {
        const std::size_t end = address.find(':', start);
        const std::string_view group = address.substr(
            start, end == std::string_view::npos ? address.size() - start : end - start);
        if (group.empty() && end != std::string_view::npos && start != 0) break;  // "::"
        key.append(group);
        key += ':';
        ++groups;
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return key + "/64";
}

}  // namespace

bool RateLimiter::allow(std::string_view address, std::int64_t now_ms) {
    if (!enabled()) return true;
    const std::string key = client_key(address);
    const double burst = std::max(options_.burst, 1.0);
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
        if (buckets_.size() >= options_.clients_max) shrink(now_ms);
        it = buckets_.emplace(key, Bucket{burst, now_ms}).first;
    }
    Bucket& bucket = it->second;
    const double elapsed_s =
        static_cast<double>(std::max<std::int64_t>(0, now_ms - bucket.updated_ms)) / 1000.0;
    bucket.tokens = std::min(burst, bucket.tokens + elapsed_s * options_.rate_per_second);
    bucket.updated_ms = std::max(bucket.updated_ms, now_ms);
    if (bucket.tokens < 1.0) return false;
    bucket.tokens -= 1.0;
    return true;
}

std::size_t RateLimiter::clients() {
    std::lock_guard lock(mutex_);
    return buckets_.size();
}

void RateLimiter::shrink(std::int64_t now_ms) {
    // Refill every bucket to now, then forget the fuller half: the clients that have been
    // quiet longest. A forgotten client comes back with a full bucket, which is what a refill
    // would have given it anyway for all but the last burst/rate seconds.
    const double burst = std::max(options_.burst, 1.0);
    std::vector<std::pair<double, std::string>> fullness;
    fullness.reserve(buckets_.size());
    for (const auto& [key, bucket] : buckets_) {
        const double elapsed_s =
            static_cast<double>(std::max<std::int64_t>(0, now_ms - bucket.updated_ms)) / 1000.0;
        fullness.emplace_back(std::min(burst, bucket.tokens + elapsed_s * options_.rate_per_second),
                              key);
    }
    const auto half = fullness.begin() + static_cast<std::ptrdiff_t>(fullness.size() / 2);
    std::nth_element(fullness.begin(), half, fullness.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (auto it = fullness.begin(); it != half + 1 && it != fullness.end(); ++it) {
        buckets_.erase(it->second);
    }
}

}  // namespace procura::web
