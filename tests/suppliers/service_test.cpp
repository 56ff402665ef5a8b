#include "suppliers/service.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/auth/fake_user_store.hpp"
#include "tests/suppliers/fake_store.hpp"
#include "tests/support/require_error.hpp"

using namespace procura;
using namespace procura::suppliers;
using core::ErrorKind;
using core::Role;
namespace data = boost::unit_test::data;

namespace {

using procura::testing::require_error;

constexpr std::int64_t t0 = 1'800'000'000'000;

struct World {
    core::ManualClock clock{t0};
    auth::FakeUserStore users;
    auth::AuthService auth{users, clock, auth::AuthLimits{}};
    FakeSupplierStore store{users};
    SupplierService service{store, auth, clock, SupplierLimits{}};

    core::Caller staff(Role role) {
        const std::string name = "staff-" + std::string(core::to_string(role));
        auto existing = users.find_user_by_name(name);
        BOOST_REQUIRE(existing.ok());
        if (existing->has_value()) return core::Caller{(*existing)->id, role, name};
        auto u = auth.add_user(name, role, "a staff passphrase", 0);
        BOOST_REQUIRE(u.ok());
        return core::Caller{u->id, role, name};
    }

    // Nothing stored: no supplier, no user (but staff), no event.
    void require_unchanged(std::size_t users_before, std::size_t events_before) {
        BOOST_TEST(store.size() == 0u);
        BOOST_TEST(store.audit_events().empty());
        auto listed = users.list_users();
        BOOST_REQUIRE(listed.ok());
        BOOST_TEST(listed->size() == users_before);
        BOOST_TEST(users.audit_events().size() == events_before);
    }
};

SupplierRegistration registration(const std::string& username = "mueller",
                                  const std::string& number = "HRB 12345 B") {
    SupplierRegistration r;
    r.organisation_name = "Müller Bau GmbH";
    r.registration_number = number;
    r.address = {"Hauptstraße 1", "10115", "Berlin", "DE"};
    r.contact = {"Anna Müller", "anna@mueller-bau.example", "+49 30 12345678"};
    r.bank_account = {"DE89 3704 0044 0532 0130 00", "COBADEFFXXX"};
    r.username = username;
    r.password = "a long passphrase";
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(supplier_service)

BOOST_AUTO_TEST_CASE(registration_creates_a_pending_supplier_and_an_inactive_user) {
    World w;
    auto s = w.service.register_supplier(registration());
    BOOST_REQUIRE(s.ok());
    BOOST_TEST(s->id > 0);
    BOOST_TEST(((s->status == SupplierStatus::pending)));
    BOOST_TEST(s->registration_number == "HRB 12345 B");
    BOOST_TEST(s->bank_account.iban == "DE89370400440532013000");
    BOOST_TEST(s->contact.phone == "+493012345678");
    BOOST_TEST(s->registered_at_ms == t0);
    BOOST_TEST(!s->review.has_value());
    auto user = w.users.find_user(s->user_id);
    BOOST_REQUIRE(user.ok() && user->has_value());
    BOOST_TEST((*user)->username == "mueller");
    BOOST_TEST((((*user)->role == Role::supplier)));
    BOOST_TEST(!(*user)->active);
    BOOST_TEST((*user)->password_hash.find("a long passphrase") == std::string::npos);
    const auto supplier_events = w.store.audit_events();
    BOOST_REQUIRE_EQUAL(supplier_events.size(), 1u);
    BOOST_TEST(supplier_events[0].action == "supplier.registered");
    BOOST_TEST(supplier_events[0].entity_type == "supplier");
    BOOST_TEST(supplier_events[0].entity_id == s->id);
    BOOST_TEST(supplier_events[0].payload_json.find("HRB 12345 B") != std::string::npos);
    const auto user_events = w.users.audit_events();
    BOOST_REQUIRE_EQUAL(user_events.size(), 1u);
    BOOST_TEST(user_events[0].action == "user.added");
    BOOST_TEST(user_events[0].entity_id == s->user_id);
}

BOOST_AUTO_TEST_CASE(inactive_supplier_cannot_log_in_until_approved) {
    World w;
    auto s = w.service.register_supplier(registration());
    BOOST_REQUIRE(s.ok());
    auto refused = w.auth.login("mueller", "a long passphrase");
    require_error(refused, ErrorKind::unauthenticated, "invalid_credentials");
    // The same answer as a wrong password: an inactive account cannot be told apart.
    auto wrong = w.auth.login("mueller", "not the passphrase");
    BOOST_REQUIRE(!wrong.ok());
    BOOST_TEST(refused.error().message == wrong.error().message);
    BOOST_TEST(w.users.sessions().empty());
    auto role = w.auth.role_of(s->user_id);
    BOOST_REQUIRE(role.ok());
    BOOST_TEST(!role->has_value());

    w.clock.advance_ms(60'000);
    auto approved = w.service.approve(w.staff(Role::officer), s->id);
    BOOST_REQUIRE(approved.ok());
    auto login = w.auth.login("mueller", "a long passphrase");
    BOOST_REQUIRE(login.ok());
    BOOST_TEST(((login->role == Role::supplier)));
    BOOST_TEST(login->user_id == s->user_id);
    auto caller = w.auth.authenticate(login->token);
    BOOST_REQUIRE(caller.ok());
    BOOST_TEST(caller->user_id == s->user_id);
}

BOOST_AUTO_TEST_CASE(approval_records_who_and_when_and_audits_both_changes) {
    World w;
    auto s = w.service.register_supplier(registration());
    BOOST_REQUIRE(s.ok());
    const core::Caller admin = w.staff(Role::admin);
    w.clock.set_ms(t0 + 3'600'000);
    auto approved = w.service.approve(admin, s->id);
    BOOST_REQUIRE(approved.ok());
    BOOST_TEST(((approved->status == SupplierStatus::approved)));
    BOOST_REQUIRE(approved->review.has_value());
    BOOST_TEST(approved->review->by == admin.user_id);
    BOOST_TEST(approved->review->at_ms == t0 + 3'600'000);
    auto stored = w.service.get(admin, s->id);
    BOOST_REQUIRE(stored.ok());
    BOOST_TEST(((stored->status == SupplierStatus::approved)));
    BOOST_TEST(stored->review->by == admin.user_id);
    const auto supplier_events = w.store.audit_events();
    BOOST_REQUIRE_EQUAL(supplier_events.size(), 2u);
    BOOST_TEST(supplier_events[1].action == "supplier.approved");
    BOOST_TEST(supplier_events[1].actor_user_id == admin.user_id);
    BOOST_TEST(supplier_events[1].entity_id == s->id);
    const auto user_events = w.users.audit_events();
    BOOST_TEST(user_events.back().action == "user.activated");
    BOOST_TEST(user_events.back().entity_id == s->user_id);
}

BOOST_AUTO_TEST_CASE(only_officers_and_admins_review) {
    World w;
    auto s = w.service.register_supplier(registration());
    BOOST_REQUIRE(s.ok());
    for (Role role : {Role::supplier, Role::finance, Role::auditor}) {
        BOOST_TEST_CONTEXT(core::to_string(role)) {
            const core::Caller caller = w.staff(role);
            require_error(w.service.approve(caller, s->id), ErrorKind::forbidden, "forbidden");
            require_error(w.service.reject(caller, s->id, "no"), ErrorKind::forbidden, "forbidden");
        }
    }
    // The supplier itself cannot approve its own registration either.
    const core::Caller self{s->user_id, Role::supplier, "mueller"};
    require_error(w.service.approve(self, s->id), ErrorKind::forbidden, "forbidden");
    auto still = w.store.find(s->id);
    BOOST_REQUIRE(still.ok() && still->has_value());
    BOOST_TEST((((*still)->status == SupplierStatus::pending)));
    BOOST_TEST(!(*w.users.find_user(s->user_id))->active);
    BOOST_TEST(w.service.approve(w.staff(Role::officer), s->id).ok());
}

BOOST_AUTO_TEST_CASE(review_happens_once) {
    World w;
    auto a = w.service.register_supplier(registration("first", "HRB 1"));
    auto b = w.service.register_supplier(registration("second", "HRB 2"));
    BOOST_REQUIRE(a.ok() && b.ok());
    const core::Caller officer = w.staff(Role::officer);
    BOOST_REQUIRE(w.service.approve(officer, a->id).ok());
    require_error(w.service.approve(officer, a->id), ErrorKind::conflict, "supplier_not_pending");
    require_error(w.service.reject(officer, a->id, "changed my mind"), ErrorKind::conflict,
                  "supplier_not_pending");
    BOOST_REQUIRE(w.service.reject(officer, b->id, "not in the business register").ok());
    require_error(w.service.approve(officer, b->id), ErrorKind::conflict, "supplier_not_pending");
    require_error(w.service.approve(officer, 999), ErrorKind::not_found, "supplier_not_found");
    require_error(w.service.reject(officer, 999, "x"), ErrorKind::not_found, "supplier_not_found");
}

BOOST_AUTO_TEST_CASE(rejection_keeps_the_user_inactive_and_records_the_reason) {
    World w;
    auto s = w.service.register_supplier(registration());
    BOOST_REQUIRE(s.ok());
    const core::Caller officer = w.staff(Role::officer);
    require_error(w.service.reject(officer, s->id, "  \n "), ErrorKind::unprocessable,
                  "missing_field");
    auto too_long = w.service.reject(officer, s->id, std::string(1001, 'x'));
    require_error(too_long, ErrorKind::unprocessable, "field_too_long");
    BOOST_TEST(too_long.error().field == "reason");
    auto rejected = w.service.reject(officer, s->id, "  not in the business register ");
    BOOST_REQUIRE(rejected.ok());
    BOOST_TEST(((rejected->status == SupplierStatus::rejected)));
    BOOST_TEST(rejected->review->reason == "not in the business register");
    BOOST_TEST(rejected->review->by == officer.user_id);
    BOOST_TEST(!(*w.users.find_user(s->user_id))->active);
    require_error(w.auth.login("mueller", "a long passphrase"), ErrorKind::unauthenticated,
                  "invalid_credentials");
    BOOST_TEST(w.store.audit_events().back().action == "supplier.rejected");
}

BOOST_AUTO_TEST_CASE(duplicates_are_conflicts_that_change_nothing) {
    World w;
    BOOST_REQUIRE(w.service.register_supplier(registration("mueller", "HRB 12345 B")).ok());
    const std::size_t supplier_events = w.store.audit_events().size();
    const std::size_t user_events = w.users.audit_events().size();
    // The same number typed differently is the same number.
    auto number = w.service.register_supplier(registration("other", "  hrb 12345 b "));
    require_error(number, ErrorKind::conflict, "registration_number_taken");
    BOOST_TEST(number.error().field == "registration_number");
    auto name = w.service.register_supplier(registration("mueller", "HRB 99"));
    require_error(name, ErrorKind::conflict, "username_taken");
    BOOST_TEST(name.error().field == "username");
    BOOST_TEST(w.store.size() == 1u);
    BOOST_TEST(w.users.list_users()->size() == 1u);
    BOOST_TEST(w.store.audit_events().size() == supplier_events);
    BOOST_TEST(w.users.audit_events().size() == user_events);
}

struct Spoiled {
    const char* name;
    void (*spoil)(SupplierRegistration&);
    const char* field;
    const char* code;
};

std::ostream& operator<<(std::ostream& out, const Spoiled& s) { return out << s.name; }

const Spoiled spoiled[] = {
    {"no organisation", [](SupplierRegistration& r) { r.organisation_name = ""; },
     "organisation_name", "missing_field"},
    {"no registration number", [](SupplierRegistration& r) { r.registration_number = " "; },
     "registration_number", "missing_field"},
    {"no street", [](SupplierRegistration& r) { r.address.street = ""; }, "address.street",
     "missing_field"},
    {"no postal code", [](SupplierRegistration& r) { r.address.postal_code = ""; },
     "address.postal_code", "missing_field"},
    {"no city", [](SupplierRegistration& r) { r.address.city = ""; }, "address.city",
     "missing_field"},
    {"bad country", [](SupplierRegistration& r) { r.address.country = "Germany"; },
     "address.country", "bad_country"},
    {"no contact name", [](SupplierRegistration& r) { r.contact.name = ""; }, "contact.name",
     "missing_field"},
    {"bad email", [](SupplierRegistration& r) { r.contact.email = "anna"; }, "contact.email",
     "bad_email"},
    {"bad phone", [](SupplierRegistration& r) { r.contact.phone = "call me"; }, "contact.phone",
     "bad_phone"},
    {"iban checksum",
     [](SupplierRegistration& r) { r.bank_account.iban = "GB82WEST12345698765433"; },
     "bank_account.iban", "bad_iban"},
    {"iban length", [](SupplierRegistration& r) { r.bank_account.iban = "DE5137040044053201300"; },
     "bank_account.iban", "bad_iban"},
    {"iban country", [](SupplierRegistration& r) { r.bank_account.iban = "US781234567890"; },
     "bank_account.iban", "bad_iban"},
    {"no iban", [](SupplierRegistration& r) { r.bank_account.iban = ""; }, "bank_account.iban",
     "missing_field"},
    {"bad bic", [](SupplierRegistration& r) { r.bank_account.bic = "COBADE"; }, "bank_account.bic",
     "bad_bic"},
    {"bad username", [](SupplierRegistration& r) { r.username = "Müller GmbH"; }, "username",
     "invalid_username"},
    {"short password", [](SupplierRegistration& r) { r.password = "short"; }, "password",
     "weak_password"},
};

BOOST_DATA_TEST_CASE(each_validation_failure_names_its_field_and_changes_nothing,
                     data::make(spoiled), c) {
    World w;
    SupplierRegistration r = registration();
    c.spoil(r);
    auto result = w.service.register_supplier(r);
    require_error(result, ErrorKind::unprocessable, c.code);
    BOOST_TEST(result.error().field == c.field);
    w.require_unchanged(0, 0);
}

BOOST_AUTO_TEST_CASE(a_supplier_reads_only_its_own_registration) {
    World w;
    auto a = w.service.register_supplier(registration("first", "HRB 1"));
    auto b = w.service.register_supplier(registration("second", "HRB 2"));
    BOOST_REQUIRE(a.ok() && b.ok());
    const core::Caller first{a->user_id, Role::supplier, "first"};
    auto own = w.service.get(first, a->id);
    BOOST_REQUIRE(own.ok());
    BOOST_TEST(own->registration_number == "HRB 1");
    require_error(w.service.get(first, b->id), ErrorKind::forbidden, "forbidden");
    // An unknown id looks the same as someone else's.
    require_error(w.service.get(first, 999), ErrorKind::forbidden, "forbidden");
    auto by_user = w.service.find_by_user(first, a->user_id);
    BOOST_REQUIRE(by_user.ok());
    BOOST_TEST(by_user->id == a->id);
    require_error(w.service.find_by_user(first, b->user_id), ErrorKind::forbidden, "forbidden");
    require_error(w.service.list(first, std::nullopt, 0, 10), ErrorKind::forbidden, "forbidden");
    const core::Caller finance = w.staff(Role::finance);
    require_error(w.service.get(finance, a->id), ErrorKind::forbidden, "forbidden");
    require_error(w.service.list(finance, std::nullopt, 0, 10), ErrorKind::forbidden, "forbidden");
}

BOOST_AUTO_TEST_CASE(staff_read_and_list_with_a_status_filter) {
    World w;
    std::vector<Supplier> registered;
    for (int i = 0; i < 3; ++i) {
        auto s = w.service.register_supplier(
            registration("supplier" + std::to_string(i), "HRB 7" + std::to_string(i)));
        BOOST_REQUIRE(s.ok());
        registered.push_back(*s);
    }
    BOOST_REQUIRE(w.service.approve(w.staff(Role::officer), registered[1].id).ok());
    for (Role role : {Role::officer, Role::admin, Role::auditor}) {
        BOOST_TEST_CONTEXT(core::to_string(role)) {
            const core::Caller caller = w.staff(role);
            BOOST_TEST(w.service.get(caller, registered[0].id).ok());
            require_error(w.service.get(caller, 999), ErrorKind::not_found, "supplier_not_found");
            auto by_user = w.service.find_by_user(caller, registered[2].user_id);
            BOOST_REQUIRE(by_user.ok());
            BOOST_TEST(by_user->id == registered[2].id);
            require_error(w.service.find_by_user(caller, caller.user_id), ErrorKind::not_found,
                          "supplier_not_found");
            auto all = w.service.list(caller, std::nullopt, 0, 10);
            BOOST_REQUIRE(all.ok());
            BOOST_TEST(all->size() == 3u);
            auto pending = w.service.list(caller, SupplierStatus::pending, 0, 10);
            BOOST_REQUIRE(pending.ok() && pending->size() == 2u);
            BOOST_TEST((*pending)[0].id == registered[0].id);
            BOOST_TEST((*pending)[1].id == registered[2].id);
            auto approved = w.service.list(caller, SupplierStatus::approved, 0, 10);
            BOOST_REQUIRE(approved.ok() && approved->size() == 1u);
            BOOST_TEST((*approved)[0].id == registered[1].id);
        }
    }
}

BOOST_AUTO_TEST_CASE(list_pages_are_clamped_to_the_limit) {
    World w;
    SupplierLimits limits;
    limits.suppliers_per_page_max = 2;
    SupplierService service{w.store, w.auth, w.clock, limits};
    for (int i = 0; i < 3; ++i) {
        BOOST_REQUIRE(service
                          .register_supplier(
                              registration("page" + std::to_string(i), "HRB 8" + std::to_string(i)))
                          .ok());
    }
    const core::Caller auditor = w.staff(Role::auditor);
    auto big = service.list(auditor, std::nullopt, 0, 1000);
    BOOST_REQUIRE(big.ok());
    BOOST_TEST(big->size() == 2u);
    auto zero = service.list(auditor, std::nullopt, 0, 0);
    BOOST_REQUIRE(zero.ok());
    BOOST_TEST(zero->size() == 1u);
    auto rest = service.list(auditor, std::nullopt, big->back().id, 1000);
    BOOST_REQUIRE(rest.ok());
    BOOST_TEST(rest->size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
