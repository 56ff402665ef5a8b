// The pain001_tests executable. Its own main() so that it can report "skipped" (exit code 77,
// CTest SKIP_RETURN_CODE) when the pain.001.001.09 schema is not where the build said it would
// be (${PROCURA_SHARED_DIR}/schemas/iso20022/), instead of passing without having validated.
#define BOOST_TEST_MODULE pain001_tests
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <iostream>

int main(int argc, char* argv[]) {
    const std::filesystem::path xsd{PROCURA_PAIN001_XSD};
    std::error_code ec;
    if (!std::filesystem::is_regular_file(xsd, ec)) {
        std::cout << "pain001_tests: skipped: schema file missing: " << xsd.string() << std::endl;
        return 77;
    }
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
