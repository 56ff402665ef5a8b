// Deletes expired sessions from the user store every few minutes, on a thread of its own, for
// as long as it lives (`procura serve`). Expired sessions are refused by authentication
// anyway; the sweep only keeps the table small.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "auth/store.hpp"
#include "core/clock.hpp"

namespace procura::auth {

class SessionSweeper {
public:
    // Starts the thread. store and clock must outlive the sweeper.
    SessionSweeper(UserStore& store, const core::Clock& clock,
                   std::chrono::minutes period = std::chrono::minutes(5));
    // Stops the thread and joins it.
    ~SessionSweeper();
    SessionSweeper(const SessionSweeper&) = delete;
    SessionSweeper& operator=(const SessionSweeper&) = delete;

private:
    void run();

    UserStore& store_;
    const core::Clock& clock_;
    std::chrono::minutes period_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;  // last: started once everything above is set
};

}  // namespace procura::auth
