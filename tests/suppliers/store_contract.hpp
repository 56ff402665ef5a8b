// The SupplierStore contract (suppliers/store.hpp) as Boost.Test cases, run against every
// implementation: PROCURA_SUPPLIER_STORE_CONTRACT_TESTS(make_subject) expands to test cases in
// the current suite; make_subject yields a StoreUnderTest over a fresh store with no suppliers,
// the user store its users live in, and one existing officer to review with.
#pragma once

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "auth/store.hpp"
#include "suppliers/store.hpp"

namespace procura::suppliers::contract {

struct StoreUnderTest {
    std::shared_ptr<void> owner;  // keeps whatever the stores need alive (a pool, say)
    SupplierStore* store = nullptr;
    auth::UserStore* users = nullptr;
    core::UserId reviewer = 0;
};

inline constexpr std::int64_t t0 = 1'800'000'000'000;

inline auth::User login_user(const std::string& username) {
    auth::User u;
    u.username = username;
    u.role = core::Role::supplier;
    u.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
    u.active = false;
    u.created_at_ms = t0;
    return u;
}

inline Supplier sample(const std::string& registration_number) {
    Supplier s;
    s.organisation_name = "Müller Bau GmbH " + registration_number;
    s.registration_number = registration_number;
    s.address = {"Hauptstraße 1", "10115", "Berlin", "DE"};
    s.contact = {"Anna Müller", "anna@mueller-bau.example", "+493012345678"};
    s.bank_account = {"DE89370400440532013000", "COBADEFFXXX"};
    s.registered_at_ms = t0;
    return s;
}

inline core::AuditEvent event(std::string action, std::string entity_type = "supplier") {
    return core::AuditEvent{t0, 0, std::move(action), std::move(entity_type), 0, 1, "{}"};
}

template <class T>
void require_store_error(const core::Result<T>& r, core::ErrorKind kind, const std::string& code) {
    BOOST_REQUIRE_MESSAGE(!r.ok(), "expected " + code);
    BOOST_TEST((r.error().kind == kind));
    BOOST_TEST(r.error().code == code);
}

inline core::Result<RegisteredIds> register_one(const StoreUnderTest& s,
                                                const std::string& username,
                                                const std::string& number) {
    return s.store->register_supplier(login_user(username), sample(number),
                                      event("user.added", "user"), event("supplier.registered"));
}

inline std::size_t user_count(const StoreUnderTest& s) {
    auto users = s.users->list_users();
    BOOST_REQUIRE(users.ok());
    return users->size();
}

inline void registered_supplier_reads_back_with_an_inactive_user(const StoreUnderTest& s) {
    auto ids = register_one(s, "mueller", "HRB 12345");
    BOOST_REQUIRE(ids.ok());
    auto found = s.store->find(ids->supplier_id);
    BOOST_REQUIRE(found.ok() && found->has_value());
    const Supplier& got = **found;
    const Supplier expected = sample("HRB 12345");
    BOOST_TEST(got.id == ids->supplier_id);
    BOOST_TEST(got.user_id == ids->user_id);
    BOOST_TEST(got.organisation_name == expected.organisation_name);
    BOOST_TEST(got.registration_number == expected.registration_number);
    BOOST_TEST(got.address.street == expected.address.street);
    BOOST_TEST(got.address.postal_code == expected.address.postal_code);
    BOOST_TEST(got.address.city == expected.address.city);
    BOOST_TEST(got.address.country == expected.address.country);
    BOOST_TEST(got.contact.name == expected.contact.name);
    BOOST_TEST(got.contact.email == expected.contact.email);
    BOOST_TEST(got.contact.phone == expected.contact.phone);
    BOOST_TEST(got.bank_account.iban == expected.bank_account.iban);
    BOOST_TEST(got.bank_account.bic == expected.bank_account.bic);
    BOOST_TEST((got.status == SupplierStatus::pending));
    BOOST_TEST(got.registered_at_ms == t0);
    BOOST_TEST(!got.review.has_value());
    auto by_user = s.store->find_by_user(ids->user_id);
    BOOST_REQUIRE(by_user.ok() && by_user->has_value());
    BOOST_TEST((*by_user)->id == ids->supplier_id);
    auto user = s.users->find_user(ids->user_id);
    BOOST_REQUIRE(user.ok() && user->has_value());
    BOOST_TEST((*user)->username == "mueller");
    BOOST_TEST(((*user)->role == core::Role::supplier));
    BOOST_TEST(!(*user)->active);
    auto missing = s.store->find(ids->supplier_id + 100);
    BOOST_REQUIRE(missing.ok());
    BOOST_TEST(!missing->has_value());
    auto no_supplier = s.store->find_by_user(s.reviewer);
    BOOST_REQUIRE(no_supplier.ok());
    BOOST_TEST(!no_supplier->has_value());
}

inline void a_registration_number_is_registered_once_and_creates_no_user_twice(
    const StoreUnderTest& s) {
    BOOST_REQUIRE(register_one(s, "first", "HRB 1").ok());
    const std::size_t users_before = user_count(s);
    require_store_error(register_one(s, "second", "HRB 1"), core::ErrorKind::conflict,
                        "registration_number_taken");
    // Both taken: the registration number is named.
    require_store_error(register_one(s, "first", "HRB 1"), core::ErrorKind::conflict,
                        "registration_number_taken");
    BOOST_TEST(user_count(s) == users_before);
    auto second = s.users->find_user_by_name("second");
    BOOST_REQUIRE(second.ok());
    BOOST_TEST(!second->has_value());
}

inline void a_taken_username_creates_no_supplier(const StoreUnderTest& s) {
    BOOST_REQUIRE(register_one(s, "taken", "HRB 2").ok());
    require_store_error(register_one(s, "taken", "HRB 3"), core::ErrorKind::conflict,
                        "username_taken");
    auto listed = s.store->list(std::nullopt, 0, 10);
    BOOST_REQUIRE(listed.ok());
    BOOST_TEST(listed->size() == 1u);
    // The number of the refused registration is still free.
    BOOST_TEST(register_one(s, "other", "HRB 3").ok());
}

inline void approval_activates_the_user_once(const StoreUnderTest& s) {
    auto ids = register_one(s, "approved", "HRB 4");
    BOOST_REQUIRE(ids.ok());
    const Review review{s.reviewer, t0 + 60'000, {}};
    BOOST_REQUIRE(s.store
                      ->approve(ids->supplier_id, review, event("supplier.approved"),
                                event("user.activated", "user"))
                      .ok());
    auto found = s.store->find(ids->supplier_id);
    BOOST_REQUIRE(found.ok() && found->has_value());
    BOOST_TEST(((*found)->status == SupplierStatus::approved));
    BOOST_REQUIRE((*found)->review.has_value());
    BOOST_TEST((*found)->review->by == s.reviewer);
    BOOST_TEST((*found)->review->at_ms == t0 + 60'000);
    BOOST_TEST((*found)->review->reason.empty());
    auto user = s.users->find_user(ids->user_id);
    BOOST_REQUIRE(user.ok() && user->has_value());
    BOOST_TEST((*user)->active);
    require_store_error(s.store->approve(ids->supplier_id, review, event("supplier.approved"),
                                         event("user.activated", "user")),
                        core::ErrorKind::conflict, "supplier_not_pending");
    require_store_error(
        s.store->reject(ids->supplier_id, {s.reviewer, t0, "late"}, event("supplier.rejected")),
        core::ErrorKind::conflict, "supplier_not_pending");
    require_store_error(s.store->approve(ids->supplier_id + 100, review, event("supplier.approved"),
                                         event("user.activated", "user")),
                        core::ErrorKind::not_found, "supplier_not_found");
}

inline void rejection_is_final_and_keeps_the_user_inactive(const StoreUnderTest& s) {
    auto ids = register_one(s, "rejected", "HRB 5");
    BOOST_REQUIRE(ids.ok());
    BOOST_REQUIRE(s.store
                      ->reject(ids->supplier_id, {s.reviewer, t0 + 5, "no such company"},
                               event("supplier.rejected"))
                      .ok());
    auto found = s.store->find(ids->supplier_id);
    BOOST_REQUIRE(found.ok() && found->has_value());
    BOOST_TEST(((*found)->status == SupplierStatus::rejected));
    BOOST_REQUIRE((*found)->review.has_value());
    BOOST_TEST((*found)->review->reason == "no such company");
    BOOST_TEST((*found)->review->by == s.reviewer);
    require_store_error(
        s.store->approve(ids->supplier_id, {s.reviewer, t0 + 6, {}}, event("supplier.approved"),
                         event("user.activated", "user")),
        core::ErrorKind::conflict, "supplier_not_pending");
    auto user = s.users->find_user(ids->user_id);
    BOOST_REQUIRE(user.ok() && user->has_value());
    BOOST_TEST(!(*user)->active);
    require_store_error(
        s.store->reject(ids->supplier_id + 100, {s.reviewer, t0, "x"}, event("supplier.rejected")),
        core::ErrorKind::not_found, "supplier_not_found");
}

inline void list_filters_by_status_and_pages_in_id_order(const StoreUnderTest& s) {
    std::vector<SupplierId> ids;
    for (int i = 0; i < 5; ++i) {
        auto r = register_one(s, "lister" + std::to_string(i), "HRB 60" + std::to_string(i));
        BOOST_REQUIRE(r.ok());
        ids.push_back(r->supplier_id);
    }
    BOOST_REQUIRE(s.store
                      ->approve(ids[1], {s.reviewer, t0, {}}, event("supplier.approved"),
                                event("user.activated", "user"))
                      .ok());
    BOOST_REQUIRE(s.store
                      ->approve(ids[3], {s.reviewer, t0, {}}, event("supplier.approved"),
                                event("user.activated", "user"))
                      .ok());
    BOOST_REQUIRE(
        s.store->reject(ids[4], {s.reviewer, t0, "duplicate"}, event("supplier.rejected")).ok());
    auto all = s.store->list(std::nullopt, 0, 10);
    BOOST_REQUIRE(all.ok() && all->size() == 5u);
    for (std::size_t i = 0; i < 5; ++i) BOOST_TEST((*all)[i].id == ids[i]);
    auto first_page = s.store->list(std::nullopt, 0, 2);
    BOOST_REQUIRE(first_page.ok() && first_page->size() == 2u);
    auto second_page = s.store->list(std::nullopt, first_page->back().id, 2);
    BOOST_REQUIRE(second_page.ok() && second_page->size() == 2u);
    BOOST_TEST((*second_page)[0].id == ids[2]);
    auto approved = s.store->list(SupplierStatus::approved, 0, 10);
    BOOST_REQUIRE(approved.ok() && approved->size() == 2u);
    BOOST_TEST((*approved)[0].id == ids[1]);
    BOOST_TEST((*approved)[1].id == ids[3]);
    auto pending = s.store->list(SupplierStatus::pending, ids[0], 10);
    BOOST_REQUIRE(pending.ok() && pending->size() == 1u);
    BOOST_TEST((*pending)[0].id == ids[2]);
    auto rejected = s.store->list(SupplierStatus::rejected, 0, 10);
    BOOST_REQUIRE(rejected.ok() && rejected->size() == 1u);
    BOOST_TEST((*rejected)[0].review->reason == "duplicate");
}

}  // namespace procura::suppliers::contract

#define PROCURA_SUPPLIER_STORE_CONTRACT_CASE(name, make_subject)               \
    BOOST_AUTO_TEST_CASE(name) {                                               \
        const procura::suppliers::contract::StoreUnderTest s = (make_subject); \
        procura::suppliers::contract::name(s);                                 \
    }

#define PROCURA_SUPPLIER_STORE_CONTRACT_TESTS(make_subject)                                    \
    PROCURA_SUPPLIER_STORE_CONTRACT_CASE(registered_supplier_reads_back_with_an_inactive_user, \
                                         make_subject)                                         \
    PROCURA_SUPPLIER_STORE_CONTRACT_CASE(                                                      \
        a_registration_number_is_registered_once_and_creates_no_user_twice, make_subject)      \
    PROCURA_SUPPLIER_STORE_CONTRACT_CASE(a_taken_username_creates_no_supplier, make_subject)   \
    PROCURA_SUPPLIER_STORE_CONTRACT_CASE(approval_activates_the_user_once, make_subject)       \
    PROCURA_SUPPLIER_STORE_CONTRACT_CASE(rejection_is_final_and_keeps_the_user_inactive,       \
                                         make_subject)                                         \
    PROCURA_SUPPLIER_STORE_CONTRACT_CASE(list_filters_by_status_and_pages_in_id_order, make_subject)
