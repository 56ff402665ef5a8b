#define BOOST_TEST_MODULE suppliers_tests
#include <boost/test/unit_test.hpp>
