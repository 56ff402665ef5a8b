#include "tests/tender/fake_store.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/tender/store_contract.hpp"

BOOST_AUTO_TEST_SUITE(fake_tender_store)
PROCURA_TENDER_STORE_CONTRACT_TESTS(std::make_unique<procura::tender::FakeTenderStore>())
BOOST_AUTO_TEST_SUITE_END()
