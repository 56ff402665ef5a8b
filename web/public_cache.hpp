// A short-lived cache of the anonymous public notice board (GET /api/v1/tenders and
// GET /api/v1/tenders/{id} without a token), so that many members of the public reading the
// same pages cost one database query per page per time-to-live, not one per reader.
// Staleness is bounded three ways: an entry lives at most ttl; never past the next instant at
// which a status it shows changes (a deadline), so derived statuses are always exact; and any
// successful change made through this server empties the cache at once. Changes made by
// another `procura serve` process on the same database show after at most ttl. Responses for
// callers with a token (officers see drafts) are never cached. Thread-safe; Beast-free.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "web/http_message.hpp"

namespace procura::web {

class PublicCache {
public:
    // ttl 0 disables the cache. At most entries_max responses are kept.
    PublicCache(std::chrono::milliseconds ttl, std::size_t entries_max);

    bool enabled() const { return ttl_ms_ > 0; }

    // The current generation; read it before computing a response that may be stored.
    std::uint64_t generation() const;

    // The response stored under key, if it is still valid at now_ms.
    std::optional<Response> find(std::string_view key, std::int64_t now_ms) const;

    // Stores response under key until min(valid_until_ms, now_ms + ttl), unless invalidate()
    // was called after generation was read (the response may predate that change).
    void store(std::string key, const Response& response, std::int64_t now_ms,
               std::int64_t valid_until_ms, std::uint64_t generation);

    // Drops every entry; responses computed before this call will not be stored.
    void invalidate();

    std::size_t size() const;

private:
    struct Entry {
        Response response;
        std::int64_t valid_until_ms = 0;
    };

    const std::int64_t ttl_ms_;
    const std::size_t entries_max_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    std::uint64_t generation_ = 0;
};

}  // namespace procura::web
