#define BOOST_TEST_MODULE fault_injection_tests
#include <boost/test/unit_test.hpp>
