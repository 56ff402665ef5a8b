// Suppliers: the organisations that bid, as they registered themselves, and where the review of
// their registration stands. A supplier is one organisation with one login user (role supplier);
// the user stays inactive until an officer or an administrator approves the registration.
// Value types only; std-only includes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/identity.hpp"

namespace procura::suppliers {

using SupplierId = std::int64_t;

// pending -> approved or pending -> rejected; both are final.
enum class SupplierStatus { pending, approved, rejected };

// "pending", "approved", "rejected".
std::string_view to_string(SupplierStatus status);
// nullopt for anything but those three names in lower case.
std::optional<SupplierStatus> parse_supplier_status(std::string_view text);

struct Address {
    std::string street;  // street and number, possibly several lines joined by the client
    std::string postal_code;
    std::string city;
    std::string country;  // ISO 3166-1 alpha-2, upper case
};

struct Contact {
    std::string name;
    std::string email;
    std::string phone;  // digits with an optional leading '+', as normalised by rules
};

struct BankAccount {
    std::string iban;  // electronic format: upper case, no spaces
    std::string bic;   // upper case, 8 or 11 characters
};

// What the public registration form sends. The service normalises and validates it
// (suppliers/rules.hpp); username and password become the supplier's login user.
struct SupplierRegistration {
    std::string organisation_name;
    std::string registration_number;  // the national business register's number
    Address address;
    Contact contact;
    BankAccount bank_account;
    std::string username;
    std::string password;
};

// The decision on a registration: who approved or rejected it, and when. A rejection carries
// its reason; an approval none.
struct Review {
    core::UserId by = 0;
    std::int64_t at_ms = 0;
    std::string reason;
};

struct Supplier {
    SupplierId id = 0;         // the row's number; the audit events' entity id
    core::UserId user_id = 0;  // the supplier's login user
    std::string organisation_name;
    std::string registration_number;  // normalised: trimmed, upper case; unique
    Address address;
    Contact contact;
    BankAccount bank_account;
    SupplierStatus status = SupplierStatus::pending;
    std::int64_t registered_at_ms = 0;
    std::optional<Review> review;  // set once approved or rejected
};

struct SupplierLimits {
    std::size_t organisation_name_bytes_max = 200;
    std::size_t registration_number_bytes_max = 64;
    std::size_t street_bytes_max = 200;
    std::size_t postal_code_bytes_max = 16;
    std::size_t city_bytes_max = 100;
    std::size_t contact_name_bytes_max = 200;
    std::size_t email_bytes_max = 254;
    std::size_t rejection_reason_bytes_max = 1000;
    std::size_t suppliers_per_page_max = 100;
};

}  // namespace procura::suppliers
