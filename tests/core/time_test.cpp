#include "core/time.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

using procura::core::format_rfc3339_ms;
using procura::core::parse_rfc3339_ms;

BOOST_AUTO_TEST_SUITE(rfc3339_time)

BOOST_AUTO_TEST_CASE(parses_utc_with_and_without_fraction) {
    BOOST_TEST(*parse_rfc3339_ms("1970-01-01T00:00:00Z") == 0);
    BOOST_TEST(*parse_rfc3339_ms("2027-01-15T08:00:00Z") == 1'800'000'000'000);
    BOOST_TEST(*parse_rfc3339_ms("2026-11-27T10:20:30.123Z") == 1'795'774'830'123);
    BOOST_TEST(*parse_rfc3339_ms("2026-11-27T10:20:30.1Z") == 1'795'774'830'100);
    BOOST_TEST(*parse_rfc3339_ms("2026-11-27T10:20:30.123999Z") == 1'795'774'830'123);
}

BOOST_AUTO_TEST_CASE(applies_offsets) {
    BOOST_TEST(*parse_rfc3339_ms("2026-11-27T18:20:30+08:00") ==
               *parse_rfc3339_ms("2026-11-27T10:20:30Z"));
    BOOST_TEST(*parse_rfc3339_ms("2026-11-27T05:20:30-05:00") ==
               *parse_rfc3339_ms("2026-11-27T10:20:30Z"));
}

BOOST_DATA_TEST_CASE(
    refuses_malformed_or_impossible_times,
    boost::unit_test::data::make({"", "2026-11-27", "2026-11-27T10:20:30", "2026-13-01T00:00:00Z",
                                  "2026-02-29T00:00:00Z", "2026-11-27T24:00:00Z",
                                  "2026-11-27T10:60:00Z", "2026-11-27T10:20:30.Z",
                                  "2026-11-27 10:20:30Z", "2026-11-27T10:20:30Zjunk",
                                  "2026-1-27T10:20:30Z", "2026-11-27T10:20:30+8:00", "tomorrow"}),
    text) {
    BOOST_TEST(!parse_rfc3339_ms(text).has_value());
}

BOOST_AUTO_TEST_CASE(accepts_leap_day_in_leap_year) {
    BOOST_TEST(parse_rfc3339_ms("2028-02-29T00:00:00Z").has_value());
}

BOOST_AUTO_TEST_CASE(formats_and_round_trips) {
    BOOST_TEST(format_rfc3339_ms(0) == "1970-01-01T00:00:00.000Z");
    BOOST_TEST(format_rfc3339_ms(1'795'774'830'123) == "2026-11-27T10:20:30.123Z");
    BOOST_TEST(format_rfc3339_ms(-1) == "1969-12-31T23:59:59.999Z");
    for (std::int64_t ms :
         {0LL, 1LL, 951'782'400'000LL, 1'795'774'830'123LL, 4'102'444'800'000LL}) {
        BOOST_TEST(*parse_rfc3339_ms(format_rfc3339_ms(ms)) == ms);
    }
}

BOOST_AUTO_TEST_SUITE_END()
