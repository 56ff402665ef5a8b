#include "web/public_cache.hpp"

#include <boost/test/unit_test.hpp>

namespace procura::web {
namespace {

using namespace std::chrono_literals;

Response body(std::string text) {
    Response r;
    r.body = std::move(text);
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(public_cache)

BOOST_AUTO_TEST_CASE(a_stored_response_is_found_until_the_ttl) {
    PublicCache cache(1000ms, 10);
    cache.store("/a", body("A"), 5000, 1'000'000, cache.generation());
    BOOST_REQUIRE(cache.find("/a", 5000).has_value());
    BOOST_TEST(cache.find("/a", 5999)->body == "A");
    BOOST_TEST(!cache.find("/a", 6000).has_value());
    BOOST_TEST(!cache.find("/b", 5000).has_value());
}

BOOST_AUTO_TEST_CASE(an_entry_ends_at_its_own_deadline_when_that_comes_first) {
    PublicCache cache(1000ms, 10);
    cache.store("/a", body("A"), 5000, 5300, cache.generation());
    BOOST_TEST(cache.find("/a", 5299).has_value());
    BOOST_TEST(!cache.find("/a", 5300).has_value());
}

BOOST_AUTO_TEST_CASE(an_already_stale_response_is_not_stored) {
    PublicCache cache(1000ms, 10);
    cache.store("/a", body("A"), 5000, 5000, cache.generation());
    BOOST_TEST(cache.size() == 0u);
}

BOOST_AUTO_TEST_CASE(invalidate_empties_and_refuses_older_responses) {
    PublicCache cache(1000ms, 10);
    const std::uint64_t before = cache.generation();
    cache.store("/a", body("A"), 0, 1'000'000, before);
    cache.invalidate();
    BOOST_TEST(!cache.find("/a", 1).has_value());
    // A response computed before the change arrives after it: it must not be kept.
    cache.store("/a", body("old"), 1, 1'000'000, before);
    BOOST_TEST(!cache.find("/a", 2).has_value());
    cache.store("/a", body("new"), 1, 1'000'000, cache.generation());
    BOOST_TEST(cache.find("/a", 2)->body == "new");
}

BOOST_AUTO_TEST_CASE(a_full_cache_makes_room) {
    PublicCache cache(1000ms, 2);
    cache.store("/a", body("A"), 0, 100, cache.generation());
    cache.store("/b", body("B"), 0, 1'000'000, cache.generation());
    cache.store("/c", body("C"), 200, 1'000'000, cache.generation());  // /a has expired
    BOOST_TEST(cache.size() == 2u);
    BOOST_TEST(cache.find("/b", 200).has_value());
    BOOST_TEST(cache.find("/c", 200).has_value());
    cache.store("/d", body("D"), 300, 1'000'000, cache.generation());  // all live: start afresh
    BOOST_TEST(cache.size() <= 2u);
    BOOST_TEST(cache.find("/d", 300).has_value());
}

BOOST_AUTO_TEST_CASE(zero_ttl_disables_the_cache) {
    PublicCache cache(0ms, 10);
    BOOST_TEST(!cache.enabled());
    cache.store("/a", body("A"), 0, 1'000'000, cache.generation());
    BOOST_TEST(!cache.find("/a", 0).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace procura::web
