#include "auth/password.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <latch>
#include <thread>
#include <vector>

using namespace procura::auth;

BOOST_AUTO_TEST_SUITE(password)

BOOST_AUTO_TEST_CASE(hash_is_argon2id_salted_and_verifies) {
    auto h1 = hash_password("correct horse battery staple");
    auto h2 = hash_password("correct horse battery staple");
    BOOST_REQUIRE(h1.ok() && h2.ok());
    BOOST_TEST(h1->rfind("$argon2id$v=19$m=65536,t=3,p=1$", 0) == 0u);
    BOOST_TEST(*h1 != *h2);
    BOOST_TEST(verify_password(*h1, "correct horse battery staple"));
    BOOST_TEST(!verify_password(*h1, "correct horse battery stapler"));
    BOOST_TEST(!verify_password("not a hash", "anything"));
}

BOOST_AUTO_TEST_CASE(hashing_runs_at_most_one_per_core_at_a_time) {
    auto hash = hash_password("pw");
    BOOST_REQUIRE(hash.ok());
    // More callers than slots, released together: each Argon2 takes tens of milliseconds, so
    // the slots fill up, and no more than their number ever run at once.
    const std::size_t threads = password_hashing_slots() + 4;
    std::latch start(static_cast<std::ptrdiff_t>(threads));
    std::atomic<std::size_t> matched{0};
    std::vector<std::thread> pool;
    for (std::size_t i = 0; i < threads; ++i) {
        pool.emplace_back([&] {
            start.arrive_and_wait();
            if (verify_password(*hash, "pw")) ++matched;
        });
    }
    for (std::thread& t : pool) t.join();
    BOOST_TEST(matched.load() == threads);  // every caller got its turn
    BOOST_TEST(password_hashing_peak() == password_hashing_slots());
}

BOOST_AUTO_TEST_SUITE_END()
