#define BOOST_TEST_MODULE buyers_tests
#include <boost/test/unit_test.hpp>
