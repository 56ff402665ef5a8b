#define BOOST_TEST_MODULE money_tests
#include <boost/test/unit_test.hpp>
