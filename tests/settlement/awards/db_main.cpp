// The MariaDB-backed award store tests skip (77) without the `mariadb` CTest fixture.
#define BOOST_TEST_MODULE awards_db_tests
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>

#include "tests/support/test_db.hpp"

int main(int argc, char* argv[]) {
    if (!procura::testing::test_db_url()) return procura::testing::skip_return_code;
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
