#define BOOST_TEST_MODULE tender_tests
#include <boost/test/unit_test.hpp>
