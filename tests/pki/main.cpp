#define BOOST_TEST_MODULE pki_tests
#include <boost/test/unit_test.hpp>
