// The audit log's background work in `procura serve`: a thread that, every interval while
// events arrive, lets the sequencer turn new audit events into leaves and sign a head
// (LogSequencer::step), and every self_check_period recomputes every leaf from the event rows
// (self_check), logging what it finds and publishing it in LogHealth for /metrics. A sequencer
// that cannot be opened, or a step that fails, is retried at the next interval; a head moved by
// another server sharing the database is followed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "ledger/log.hpp"

namespace procura::ledger {

class LogWorker {
public:
    // Starts the thread. store, clock and health must outlive the worker.
    LogWorker(LogStore& store, HeadSigner signer, const core::Clock& clock, LogHealth& health,
              std::chrono::milliseconds interval, std::chrono::seconds self_check_period);
    // Stops the thread (it finishes its current step) and joins it.
    ~LogWorker();
    LogWorker(const LogWorker&) = delete;
    LogWorker& operator=(const LogWorker&) = delete;

private:
    void run();
    // One sequencer step; opens the sequencer first if it is not open yet.
    void step(std::unique_ptr<LogSequencer>& sequencer);
    void check();

    LogStore& store_;
    HeadSigner signer_;
    const core::Clock& clock_;
    LogHealth& health_;
    std::chrono::milliseconds interval_;
    std::chrono::seconds self_check_period_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;  // last: started once everything above is set
};

}  // namespace procura::ledger
