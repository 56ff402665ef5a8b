// The batch_db_tests executable. Its own main() so that it reports "skipped" (exit code 77) to
// CTest when no test database is available, instead of failing every case, and, given its own
// option --requires-schema (removed before Boost.Test reads the rest), also when the pain.001
// XSD that the selected cases' bank files are validated against is missing, naming the file.
#define BOOST_TEST_MODULE batch_db_tests
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

#include "tests/support/test_db.hpp"

int main(int argc, char* argv[]) {
    std::vector<char*> args;
    bool requires_schema = false;
    for (int i = 0; i < argc; ++i) {
        if (i > 0 && std::strcmp(argv[i], "--requires-schema") == 0) {
            requires_schema = true;
        } else {
            args.push_back(argv[i]);
        }
    }
    std::error_code ec;
    if (requires_schema && !std::filesystem::is_regular_file(PROCURA_PAIN001_XSD, ec)) {
        std::cout << "batch_db_tests: skipped: schema file missing: " << PROCURA_PAIN001_XSD
                  << std::endl;
        return procura::testing::skip_return_code;
    }
    if (!procura::testing::test_db_url()) return procura::testing::skip_return_code;
    return boost::unit_test::unit_test_main(&init_unit_test, static_cast<int>(args.size()),
                                            args.data());
}
