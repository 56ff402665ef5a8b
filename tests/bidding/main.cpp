#define BOOST_TEST_MODULE bidding_tests
#include <boost/test/unit_test.hpp>
