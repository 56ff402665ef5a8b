#include "core/hash.hpp"

#include <boost/test/unit_test.hpp>

using namespace procura::core;

BOOST_AUTO_TEST_SUITE(hashing)

BOOST_AUTO_TEST_CASE(sha256_matches_known_vectors) {
    BOOST_TEST(sha256_hex("") ==
               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    BOOST_TEST(sha256_hex("abc") ==
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_CASE(a_sha256_hex_is_64_lower_case_hex_digits) {
    BOOST_TEST(is_sha256_hex(sha256_hex("abc")));
    BOOST_TEST(!is_sha256_hex(""));
    BOOST_TEST(!is_sha256_hex(sha256_hex("abc").substr(1)));
    BOOST_TEST(!is_sha256_hex(sha256_hex("abc") + "0"));
    std::string upper = sha256_hex("");
    upper[0] = 'E';
    BOOST_TEST(!is_sha256_hex(upper));
    BOOST_TEST(!is_sha256_hex(std::string(63, 'a') + "'"));
}

BOOST_AUTO_TEST_CASE(random_bytes_have_the_asked_length_and_differ) {
    BOOST_TEST(random_bytes(32).size() == 32u);
    BOOST_TEST(random_bytes(32) != random_bytes(32));
}

BOOST_AUTO_TEST_CASE(base64url_follows_rfc4648_without_padding) {
    BOOST_TEST(base64url_encode("") == "");
    BOOST_TEST(base64url_encode("f") == "Zg");
    BOOST_TEST(base64url_encode("fo") == "Zm8");
    BOOST_TEST(base64url_encode("foo") == "Zm9v");
    BOOST_TEST(base64url_encode("foobar") == "Zm9vYmFy");
    BOOST_TEST(base64url_encode("\xfb\xff") == "-_8");
    BOOST_TEST(base64url_encode(random_bytes(32)).size() == 43u);
}

BOOST_AUTO_TEST_SUITE_END()
