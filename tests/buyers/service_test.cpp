#include "buyers/service.hpp"

#include <boost/test/unit_test.hpp>

#include "auth/service.hpp"
#include "tests/auth/fake_user_store.hpp"
#include "tests/buyers/fake_store.hpp"
#include "tests/support/require_error.hpp"

using namespace procura;
using namespace procura::buyers;
using core::ErrorKind;
using core::Role;
using procura::testing::require_error;

namespace {

struct World {
    core::ManualClock clock{1'000'000};
    auth::FakeUserStore users;
    auth::AuthService directory{users, clock, auth::AuthLimits{}};
    FakeBuyerStore store;
    BuyerService service{store, directory, clock, BuyerLimits{}};
    core::Caller admin = add("admin.one", Role::admin);
    core::Caller officer = add("officer.one", Role::officer);
    core::Caller auditor = add("auditor.one", Role::auditor);
    core::Caller supplier = add("supplier.one", Role::supplier);

    core::Caller add(const std::string& name, Role role) {
        auth::User u;
        u.username = name;
        u.role = role;
        u.password_hash = "unused";
        auto id = users.insert_user(u, core::AuditEvent{});
        PROCURA_ASSERT(id.ok());
        return core::Caller{*id, role, name};
    }

    Buyer created(const std::string& identifier) {
        auto b = service.create(admin, BuyerInput{identifier, " Ministry of Works ", "1 Road"});
        BOOST_REQUIRE(b.ok());
        return *b;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(buyer_service)

BOOST_AUTO_TEST_CASE(only_administrators_change_buyers_and_a_refusal_writes_nothing) {
    World w;
    const Buyer b = w.created("GB-MOW");
    BOOST_TEST(b.legal_name == "Ministry of Works");
    const std::size_t events = w.store.audit_events().size();
    for (const core::Caller& c : {w.officer, w.auditor, w.supplier}) {
        require_error(w.service.create(c, BuyerInput{"GB-X", "X", "Y"}), ErrorKind::forbidden,
                      "forbidden");
        require_error(w.service.update(c, "GB-MOW", 1, BuyerInput{"", "X", "Y"}),
                      ErrorKind::forbidden, "forbidden");
        require_error(w.service.add_officer(c, "GB-MOW", 1, c.user_id), ErrorKind::forbidden,
                      "forbidden");
        require_error(w.service.remove_officer(c, "GB-MOW", 1, c.user_id), ErrorKind::forbidden,
                      "forbidden");
    }
    BOOST_TEST(w.store.audit_events().size() == events);
    auto is = w.service.is_officer_of(w.officer.user_id, "GB-MOW");
    BOOST_REQUIRE(is.ok());
    BOOST_TEST(!*is);
}

BOOST_AUTO_TEST_CASE(fields_are_checked_and_named) {
    World w;
    require_error(w.service.create(w.admin, BuyerInput{"has space", "X", "Y"}),
                  ErrorKind::unprocessable, "invalid_field", "identifier");
    require_error(w.service.create(w.admin, BuyerInput{"G", "X", "Y"}), ErrorKind::unprocessable,
                  "invalid_field", "identifier");
    require_error(w.service.create(w.admin, BuyerInput{"GB-1", "  ", "Y"}),
                  ErrorKind::unprocessable, "missing_field", "legal_name");
    require_error(w.service.create(w.admin, BuyerInput{"GB-1", "X", "a\nb"}),
                  ErrorKind::unprocessable, "invalid_field", "address");
    BOOST_TEST(w.store.audit_events().empty());
}

BOOST_AUTO_TEST_CASE(members_are_active_officers_and_are_shown_to_staff_only) {
    World w;
    const Buyer b = w.created("GB-MOW");
    require_error(w.service.add_officer(w.admin, "GB-MOW", 1, w.supplier.user_id),
                  ErrorKind::unprocessable, "not_an_officer", "user_id");
    require_error(w.service.add_officer(w.admin, "GB-MOW", 1, 999), ErrorKind::unprocessable,
                  "not_an_officer", "user_id");
    auto added = w.service.add_officer(w.admin, "GB-MOW", b.version, w.officer.user_id);
    BOOST_REQUIRE(added.ok());
    BOOST_TEST((added->officers == std::vector<core::UserId>{w.officer.user_id}));
    auto is = w.service.is_officer_of(w.officer.user_id, "GB-MOW");
    BOOST_REQUIRE(is.ok());
    BOOST_TEST(*is);
    const auto events = w.store.audit_events();
    BOOST_TEST(events.back().action == "buyer.officer_added");
    BOOST_TEST(events.back().entity_type == "buyer");
    BOOST_TEST(events.back().entity_version == 2);

    auto seen_by_public = w.service.get(std::nullopt, "GB-MOW");
    BOOST_REQUIRE(seen_by_public.ok());
    BOOST_TEST(seen_by_public->officers.empty());
    auto seen_by_supplier = w.service.get(w.supplier, "GB-MOW");
    BOOST_REQUIRE(seen_by_supplier.ok());
    BOOST_TEST(seen_by_supplier->officers.empty());
    auto seen_by_auditor = w.service.get(w.auditor, "GB-MOW");
    BOOST_REQUIRE(seen_by_auditor.ok());
    BOOST_TEST(seen_by_auditor->officers.size() == 1u);
    require_error(w.service.get(std::nullopt, "GB-NONE"), ErrorKind::not_found, "buyer_not_found");
    auto name = w.service.legal_name("GB-MOW");
    BOOST_REQUIRE(name.ok() && name->has_value());
    BOOST_TEST(**name == "Ministry of Works");

    auto removed = w.service.remove_officer(w.admin, "GB-MOW", 2, w.officer.user_id);
    BOOST_REQUIRE(removed.ok());
    is = w.service.is_officer_of(w.officer.user_id, "GB-MOW");
    BOOST_REQUIRE(is.ok());
    BOOST_TEST(!*is);
}

BOOST_AUTO_TEST_SUITE_END()
