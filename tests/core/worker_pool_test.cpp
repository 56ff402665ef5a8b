#include "core/worker_pool.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace procura::core;

BOOST_AUTO_TEST_SUITE(worker_pool)

BOOST_AUTO_TEST_CASE(every_job_runs_once_on_one_of_the_pools_threads) {
    WorkerPool pool(2);
    BOOST_TEST(pool.size() == 2u);
    constexpr int callers = 8;
    constexpr int jobs_each = 200;
    std::mutex mutex;
    std::set<std::thread::id> callers_ids;
    std::set<std::thread::id> ran_on;
    std::atomic<int> ran{0};
    std::atomic<int> returned_early{0};  // Boost.Test checks belong on the test's thread
    std::vector<std::thread> threads;
    for (int c = 0; c < callers; ++c) {
        threads.emplace_back([&] {
            {
                std::lock_guard lock(mutex);
                callers_ids.insert(std::this_thread::get_id());
            }
            for (int j = 0; j < jobs_each; ++j) {
                int mine = 0;
                pool.run([&] {
                    mine = 1;
                    ++ran;
                    std::lock_guard lock(mutex);
                    ran_on.insert(std::this_thread::get_id());
                });
                // run returns only once the job has run.
                if (mine != 1) ++returned_early;
            }
        });
    }
    for (std::thread& t : threads) t.join();
    BOOST_TEST(returned_early.load() == 0);
    BOOST_TEST(ran.load() == callers * jobs_each);
    BOOST_TEST(ran_on.size() <= 2u);
    BOOST_TEST(ran_on.size() >= 1u);
    for (const std::thread::id& id : ran_on) BOOST_TEST(callers_ids.count(id) == 0u);
}

BOOST_AUTO_TEST_CASE(no_more_jobs_run_at_once_than_the_pool_has_threads) {
    WorkerPool pool(2);
    std::atomic<int> running{0};
    std::atomic<int> most{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < 6; ++c) {
        threads.emplace_back([&] {
            for (int j = 0; j < 10; ++j) {
                pool.run([&] {
                    const int now = ++running;
                    int seen = most.load();
                    while (now > seen && !most.compare_exchange_weak(seen, now)) {
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                    --running;
                });
            }
        });
    }
    for (std::thread& t : threads) t.join();
    // Six callers keep both threads busy; never a third job at once.
    BOOST_TEST(most.load() == 2);
}

BOOST_AUTO_TEST_CASE(an_exception_reaches_the_caller_and_the_pool_goes_on) {
    WorkerPool pool(1);
    BOOST_CHECK_EXCEPTION(
        pool.run([] { throw std::runtime_error("job failed"); }), std::runtime_error,
        [](const std::runtime_error& e) { return e.what() == std::string("job failed"); });
    int after = 0;
    pool.run([&] { after = 7; });
    BOOST_TEST(after == 7);
}

BOOST_AUTO_TEST_CASE(a_job_that_runs_another_on_the_same_pool_does_not_wait_for_itself) {
    WorkerPool pool(1);
    std::thread::id outer;
    std::thread::id inner;
    pool.run([&] {
        outer = std::this_thread::get_id();
        pool.run([&] { inner = std::this_thread::get_id(); });
    });
    BOOST_TEST((inner == outer));
    BOOST_TEST((outer != std::this_thread::get_id()));
}

BOOST_AUTO_TEST_CASE(zero_threads_means_one) {
    WorkerPool pool(0);
    BOOST_TEST(pool.size() == 1u);
    bool ran = false;
    pool.run([&] { ran = true; });
    BOOST_TEST(ran);
}

BOOST_AUTO_TEST_SUITE_END()
