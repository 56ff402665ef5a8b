#include "auth/password.hpp"

#include <boost/test/unit_test.hpp>

using namespace procura::auth;

BOOST_AUTO_TEST_SUITE(password)

BOOST_AUTO_TEST_CASE(hash_is_argon2id_salted_and_verifies) {
    auto h1 = hash_password("correct horse battery staple");
    auto h2 = hash_password("correct horse battery staple");
    BOOST_REQUIRE(h1.ok() && h2.ok());
    BOOST_TEST(h1->rfind("$argon2id$v=19$m=65536,t=3,p=1$", 0) == 0u);
    BOOST_TEST(*h1 != *h2);
    BOOST_TEST(verify_password(*h1, "correct horse battery staple"));
    BOOST_TEST(!verify_password(*h1, "correct horse battery stapler"));
    BOOST_TEST(!verify_password("not a hash", "anything"));
}

BOOST_AUTO_TEST_SUITE_END()
