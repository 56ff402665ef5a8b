// The clock port. Everything that time decides (deadlines, token expiry, derived tender status)
// asks a Clock, never the system directly, so tests can set the time to the millisecond.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace procura::core {

class Clock {
public:
    virtual ~Clock() = default;
    // Milliseconds since the Unix epoch, UTC. Thread-safe.
    virtual std::int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
public:
    std::int64_t now_ms() const override {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
public:
    explicit ManualClock(std::int64_t now_ms) : now_ms_(now_ms) {}
    std::int64_t now_ms() const override { return now_ms_.load(); }
    void set_ms(std::int64_t now_ms) { now_ms_.store(now_ms); }
    void advance_ms(std::int64_t delta_ms) { now_ms_.fetch_add(delta_ms); }

private:
    std::atomic<std::int64_t> now_ms_;
};

inline constexpr std::int64_t ms_per_second = 1000;
inline constexpr std::int64_t ms_per_day = 24LL * 60 * 60 * ms_per_second;

}  // namespace procura::core
