#include "tests/money/fake_store.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/money/store_contract.hpp"

namespace {

procura::money::contract::StoreUnderTest fake_subject() {
    auto store = std::make_shared<procura::money::FakeMoneyStore>();
    return {store, store.get()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fake_money_store)
PROCURA_MONEY_STORE_CONTRACT_TESTS(fake_subject())
BOOST_AUTO_TEST_SUITE_END()
