#define BOOST_TEST_MODULE settlement_tests
#include <boost/test/unit_test.hpp>
