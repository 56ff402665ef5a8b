#include "core/money.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

using procura::core::is_iso4217_currency;

BOOST_AUTO_TEST_SUITE(money)

BOOST_DATA_TEST_CASE(active_codes_are_currencies,
                     boost::unit_test::data::make({"EUR", "CNY", "USD", "UAH", "JPY", "XXX"}),
                     code) {
    BOOST_TEST(is_iso4217_currency(code));
}

BOOST_DATA_TEST_CASE(anything_else_is_not,
                     boost::unit_test::data::make({"", "eur", "EURO", "EU", "ABC", "DEM", "E1R"}),
                     code) {
    BOOST_TEST(!is_iso4217_currency(code));
}

BOOST_AUTO_TEST_SUITE_END()
