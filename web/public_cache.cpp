#include "web/public_cache.hpp"

#include <algorithm>

namespace procura::web {

PublicCache::PublicCache(std::chrono::milliseconds ttl, std::size_t entries_max)
    : ttl_ms_(std::max<std::int64_t>(0, ttl.count())), entries_max_(entries_max) {}

std::uint64_t PublicCache::generation() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return generation_;
}

std::optional<Response> PublicCache::find(std::string_view key, std::int64_t now_ms) const {
    if (!enabled()) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = entries_.find(std::string(key));
    if (it == entries_.end() || now_ms >= it->second.valid_until_ms) return std::nullopt;
    return it->second.response;
}

void PublicCache::store(std::string key, const Response& response, std::int64_t now_ms,
                        std::int64_t valid_until_ms, std::uint64_t generation) {
    if (!enabled()) return;
    const std::int64_t until = std::min(valid_until_ms, now_ms + ttl_ms_);
    if (until <= now_ms) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (generation != generation_) return;
    if (entries_.size() >= entries_max_ && entries_.find(key) == entries_.end()) {
        std::erase_if(entries_,
                      [now_ms](const auto& item) { return now_ms >= item.second.valid_until_ms; });
        // Still full of live entries: start afresh rather than track recency.
        if (entries_.size() >= entries_max_) entries_.clear();
    }
    entries_.insert_or_assign(std::move(key), Entry{response, until});
}

void PublicCache::invalidate() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++generation_;
    entries_.clear();
}

std::size_t PublicCache::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
}

}  // namespace procura::web
