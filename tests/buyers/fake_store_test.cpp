#include "tests/buyers/fake_store.hpp"

#include "tests/buyers/store_contract.hpp"

using namespace procura::buyers;

BOOST_AUTO_TEST_SUITE(fake_buyer_store_contract)

BOOST_AUTO_TEST_CASE(identifiers_are_unique) {
    FakeBuyerStore store;
    contract::identifiers_are_unique(store, [&] { return store.audit_events().size(); });
}

BOOST_AUTO_TEST_CASE(membership_changes_are_versioned) {
    FakeBuyerStore store;
    contract::membership_changes_are_versioned(store, [&] { return store.audit_events().size(); });
}

BOOST_AUTO_TEST_SUITE_END()
