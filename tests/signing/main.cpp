#define BOOST_TEST_MODULE signing_tests
#include <boost/test/unit_test.hpp>
