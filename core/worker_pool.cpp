#include "core/worker_pool.hpp"

#include <exception>

namespace procura::core {

namespace {
// The pool whose thread this is, if any.
thread_local const WorkerPool* current_pool = nullptr;
}  // namespace

struct WorkerPool::Job {
    const std::function<void()>& body;
    std::exception_ptr error;
    bool done = false;
    std::condition_variable finished;  // under mutex_: done
};

WorkerPool::WorkerPool(std::size_t threads) {
    threads_.reserve(threads == 0 ? 1 : threads);
    try {
        for (std::size_t i = 0; i < (threads == 0 ? 1 : threads); ++i) {
            threads_.emplace_back([this] { work(); });
        }
    } catch (...) {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        queued_.notify_all();
        for (std::thread& t : threads_) t.join();
        throw;
    }
}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    queued_.notify_all();
    for (std::thread& t : threads_) t.join();
}

void WorkerPool::run(const std::function<void()>& job) {
    if (current_pool == this) {
        job();
        return;
    }
    Job mine{job, nullptr, false, {}};
    std::unique_lock lock(mutex_);
    queue_.push_back(&mine);
    queued_.notify_one();
    mine.finished.wait(lock, [&] { return mine.done; });
    lock.unlock();
    if (mine.error) std::rethrow_exception(mine.error);
}

void WorkerPool::work() {
    current_pool = this;
    std::unique_lock lock(mutex_);
    for (;;) {
        queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and every queued job has run
        Job* job = queue_.front();
        queue_.pop_front();
        lock.unlock();
        try {
            job->body();
        } catch (...) {
            job->error = std::current_exception();
        }
        lock.lock();
        job->done = true;
        // Notified under the lock: the caller returns (and destroys its Job) only once the
        // lock is released.
        job->finished.notify_one();
    }
}

}  // namespace procura::core
