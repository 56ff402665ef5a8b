#include "tests/suppliers/fake_store.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/suppliers/store_contract.hpp"

namespace {

using namespace procura;

struct FakeSubject {
    auth::FakeUserStore users;
    suppliers::FakeSupplierStore store{users};
};

suppliers::contract::StoreUnderTest fake_subject() {
    auto owned = std::make_shared<FakeSubject>();
    auth::User officer = suppliers::contract::login_user("olga.officer");
    officer.role = core::Role::officer;
    officer.active = true;
    auto reviewer = owned->users.insert_user(officer, core::AuditEvent{});
    BOOST_REQUIRE(reviewer.ok());
    return {owned, &owned->store, &owned->users, *reviewer};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fake_supplier_store)
PROCURA_SUPPLIER_STORE_CONTRACT_TESTS(fake_subject())
BOOST_AUTO_TEST_SUITE_END()
