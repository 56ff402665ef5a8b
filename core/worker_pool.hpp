// WorkerPool: a fixed set of threads that run jobs handed to them by other threads, first come,
// first served, each caller waiting for its own job. Made for CPU-bound work done on behalf of
// many request threads that otherwise mostly wait (bidding's signature check and time stamp,
// next to 64 request workers): with one pool thread per core the jobs run one after another on
// each core, so a job finishes as soon as its own work is done instead of sharing the cores
// with every other request in flight, and the work stays on a few threads with warm caches.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace procura::core {

class WorkerPool {
public:
    // Starts threads threads (one if 0). Throws std::system_error if a thread cannot be
    // started (the ones started are joined first).
    explicit WorkerPool(std::size_t threads);
    // Runs the jobs already queued, then joins the threads. No run() may start meanwhile.
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Runs job on one of the pool's threads and returns once it has run; an exception job
    // throws is rethrown here. Called from one of the pool's own threads, job runs at once on
    // that thread (waiting for another would risk waiting forever).
    void run(const std::function<void()>& job);

    std::size_t size() const { return threads_.size(); }

private:
    struct Job;  // a caller's job, on the caller's stack while it waits
    void work();

    std::mutex mutex_;
    std::condition_variable queued_;  // a job was queued, or stopping_
    std::deque<Job*> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace procura::core
