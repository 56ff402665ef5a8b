#include "tests/auth/fake_user_store.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/auth/store_contract.hpp"

BOOST_AUTO_TEST_SUITE(fake_user_store)
PROCURA_USER_STORE_CONTRACT_TESTS(std::make_unique<procura::auth::FakeUserStore>())
BOOST_AUTO_TEST_SUITE_END()
