#define BOOST_TEST_MODULE awards_tests
#include <boost/test/unit_test.hpp>
