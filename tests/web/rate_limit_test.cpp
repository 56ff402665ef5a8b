#include "web/rate_limit.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

#include "web/error_mapping.hpp"

namespace {

using procura::web::RateLimiter;
using procura::web::RateLimitOptions;

constexpr std::int64_t t0 = 1'800'000'000'000;

BOOST_AUTO_TEST_SUITE(rate_limit)

BOOST_AUTO_TEST_CASE(a_burst_then_the_rate) {
    RateLimiter limiter(RateLimitOptions{2, 3});
    for (int i = 0; i < 3; ++i) BOOST_TEST(limiter.allow("10.0.0.1", t0));
    BOOST_TEST(!limiter.allow("10.0.0.1", t0));
    BOOST_TEST(!limiter.allow("10.0.0.1", t0 + 499));  // 0.998 tokens
    BOOST_TEST(limiter.allow("10.0.0.1", t0 + 500));   // one token at 2/s
    BOOST_TEST(!limiter.allow("10.0.0.1", t0 + 500));
    // A long pause refills to the burst, not beyond it.
    for (int i = 0; i < 3; ++i) BOOST_TEST(limiter.allow("10.0.0.1", t0 + 60'000));
    BOOST_TEST(!limiter.allow("10.0.0.1", t0 + 60'000));
}

BOOST_AUTO_TEST_CASE(clients_have_their_own_buckets) {
    RateLimiter limiter(RateLimitOptions{1, 1});
    BOOST_TEST(limiter.allow("10.0.0.1", t0));
    BOOST_TEST(!limiter.allow("10.0.0.1", t0));
    BOOST_TEST(limiter.allow("10.0.0.2", t0));
    BOOST_TEST(limiter.allow("::1", t0));
}

BOOST_AUTO_TEST_CASE(zero_rate_means_no_limit) {
    RateLimiter limiter(RateLimitOptions{0, 0});
    BOOST_TEST(!limiter.enabled());
    for (int i = 0; i < 1000; ++i) BOOST_TEST(limiter.allow("10.0.0.1", t0));
}

BOOST_AUTO_TEST_CASE(a_clock_going_backwards_gives_nothing_back) {
    RateLimiter limiter(RateLimitOptions{1, 1});
    BOOST_TEST(limiter.allow("a", t0));
    BOOST_TEST(!limiter.allow("a", t0 - 10'000));
    BOOST_TEST(!limiter.allow("a", t0 + 999));
    BOOST_TEST(limiter.allow("a", t0 + 1000));
}

BOOST_AUTO_TEST_CASE(the_table_stays_bounded_and_the_quietest_are_forgotten) {
    RateLimiter limiter(RateLimitOptions{1, 1, 100});
    BOOST_TEST(limiter.allow("busy", t0 + 10'000));
    BOOST_TEST(!limiter.allow("busy", t0 + 10'000));
    // 99 clients seen long ago (their buckets have refilled), then a flood of newcomers at the
    // busy client's instant: every newcomer gets its burst and the table never passes 100.
    for (int i = 0; i < 99; ++i) BOOST_TEST(limiter.allow("old-" + std::to_string(i), t0));
    BOOST_TEST(limiter.clients() == 100u);
    BOOST_TEST_REQUIRE(limiter.allow("new-0", t0 + 10'000));
    BOOST_TEST(limiter.clients() <= 100u);
    // The full buckets went first, so the busy client is still remembered, and still limited.
    BOOST_TEST(!limiter.allow("busy", t0 + 10'000));
    for (int i = 1; i < 10'000; ++i) {
        BOOST_TEST_REQUIRE(limiter.allow("new-" + std::to_string(i), t0 + 10'000));
        BOOST_TEST_REQUIRE(limiter.clients() <= 100u);
    }
}

BOOST_AUTO_TEST_CASE(concurrent_clients_never_get_more_than_the_burst) {
    RateLimiter limiter(RateLimitOptions{1, 50});
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 100; ++i) {
                if (limiter.allow("shared", t0)) allowed.fetch_add(1);
            }
        });
    }
    for (std::thread& t : threads) t.join();
    BOOST_TEST(allowed.load() == 50);
}

BOOST_AUTO_TEST_CASE(rate_limited_is_429_with_retry_after) {
    const auto response = procura::web::error_response(procura::core::make_error(
        procura::core::ErrorKind::too_many_requests, "rate_limited", "slow down"));
    BOOST_TEST(response.status == 429u);
    bool retry_after = false;
    for (const auto& [name, value] : response.headers) {
        if (name == "Retry-After" && value == "1") retry_after = true;
    }
    BOOST_TEST(retry_after);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace

namespace {

BOOST_AUTO_TEST_SUITE(rate_limit_ipv6)

BOOST_AUTO_TEST_CASE(one_bucket_per_ipv6_slash_64) {
    RateLimiter limiter(RateLimitOptions{1, 1});
    BOOST_TEST(limiter.allow("2001:db8:1:2:aaaa::1", t0));
    BOOST_TEST(!limiter.allow("2001:db8:1:2:bbbb::2", t0));  // same /64
    BOOST_TEST(limiter.allow("2001:db8:1:3::1", t0));        // another /64
    BOOST_TEST(limiter.allow("::ffff:10.0.0.9", t0));
    BOOST_TEST(!limiter.allow("10.0.0.9", t0));  // v4-mapped is the v4 client
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
