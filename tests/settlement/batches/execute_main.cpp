// The batch_execute_tests executable. Its own main() so that it reports "skipped" (exit code
// 77, CTest SKIP_RETURN_CODE) naming the file when the pain.001.001.09 schema is missing,
// instead of passing without having validated a bank file.
#define BOOST_TEST_MODULE batch_execute_tests
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <iostream>

int main(int argc, char* argv[]) {
    const std::filesystem::path xsd{PROCURA_PAIN001_XSD};
    std::error_code ec;
    if (!std::filesystem::is_regular_file(xsd, ec)) {
        std::cout << "batch_execute_tests: skipped: schema file missing: " << xsd.string()
                  << std::endl;
        return 77;
    }
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
