// The batch_db_tests executable. Its own main() so that it reports "skipped" (exit code 77) to
// CTest when no test database is available, instead of failing every case.
#define BOOST_TEST_MODULE batch_db_tests
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>

#include "tests/support/test_db.hpp"

int main(int argc, char* argv[]) {
    if (!procura::testing::test_db_url()) return procura::testing::skip_return_code;
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
