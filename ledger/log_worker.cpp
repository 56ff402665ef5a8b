#include "ledger/log_worker.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace procura::ledger {

LogWorker::LogWorker(LogStore& store, HeadSigner signer, const core::Clock& clock,
                     LogHealth& health, std::chrono::milliseconds interval,
                     std::chrono::seconds self_check_period)
    : store_(store),
      signer_(std::move(signer)),
      clock_(clock),
      health_(health),
      interval_(interval),
      self_check_period_(self_check_period),
      thread_([this] { run(); }) {}

LogWorker::~LogWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void LogWorker::run() {
    std::unique_ptr<LogSequencer> sequencer;
    auto next_check = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        step(sequencer);
        if (std::chrono::steady_clock::now() >= next_check) {
            check();
            next_check = std::chrono::steady_clock::now() + self_check_period_;
        }
        lock.lock();
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
    }
}

void LogWorker::step(std::unique_ptr<LogSequencer>& sequencer) {
    if (!sequencer) {
        auto opened = LogSequencer::open(store_, signer_, clock_);
        if (!opened) {
            spdlog::error("audit log: cannot open the sequencer: {}", opened.error().message);
            return;
        }
        sequencer = std::move(*opened);
    }
    auto head = sequencer->step();
    if (!head && head.error().code == "log_head_moved") {
        // Another server sharing the database signed first; this one follows it.
        spdlog::debug("audit log: {}", head.error().message);
    } else if (!head) {
        spdlog::warn("audit log: {}", head.error().message);
    } else if (*head) {
        health_.tree_size = (*head)->tree_size;
        health_.head_timestamp_ms = (*head)->timestamp_ms;
    } else if (sequencer->head()) {
        health_.tree_size = sequencer->head()->tree_size;
    }
}

void LogWorker::check() {
    auto report = self_check(store_);
    ++health_.self_checks;
    if (!report) {
        spdlog::warn("audit log self-check could not run: {}", report.error().message);
        return;
    }
    if (report->problems.empty()) {
        health_.last_self_check_ok = 1;
        spdlog::info("audit log self-check: {} leaves match their event rows",
                     report->leaves_checked);
        return;
    }
    health_.last_self_check_ok = 0;
    ++health_.self_check_failures;
    for (const std::string& problem : report->problems) {
        spdlog::error("audit log self-check: {}", problem);
    }
}

}  // namespace procura::ledger
