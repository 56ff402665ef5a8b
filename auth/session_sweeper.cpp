#include "auth/session_sweeper.hpp"

#include <spdlog/spdlog.h>

namespace procura::auth {

SessionSweeper::SessionSweeper(UserStore& store, const core::Clock& clock,
                               std::chrono::minutes period)
    : store_(store), clock_(clock), period_(period), thread_([this] { run(); }) {}

SessionSweeper::~SessionSweeper() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void SessionSweeper::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        auto removed = store_.delete_expired_sessions(clock_.now_ms());
        if (!removed) {
            spdlog::warn("session sweep failed: {}", removed.error().message);
        } else if (*removed > 0) {
            spdlog::info("removed {} expired sessions", *removed);
        }
        lock.lock();
        wake_.wait_for(lock, period_, [this] { return stopping_; });
    }
}

}  // namespace procura::auth
