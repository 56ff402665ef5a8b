#include "tests/pki/fake_store.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/pki/store_contract.hpp"

namespace {

procura::pki::contract::StoreUnderTest fake_subject() {
    auto store = std::make_shared<procura::pki::FakeCertificateStore>();
    return {store, store.get(), 1, 2};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fake_certificate_store)
PROCURA_CERTIFICATE_STORE_CONTRACT_TESTS(fake_subject())
BOOST_AUTO_TEST_SUITE_END()
