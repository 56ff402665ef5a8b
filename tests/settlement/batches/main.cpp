// The batch_tests executable: settlement batch rules and the service over in-memory fakes.
#define BOOST_TEST_MODULE batch_tests
#include <boost/test/unit_test.hpp>
