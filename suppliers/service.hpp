// The supplier registry: public self-registration of an organisation with its login user,
// review of the registration by an officer or an administrator, and reads for the supplier
// itself and for staff. A registered supplier's user exists from the start but is inactive,
// so it cannot log in (auth::AuthService::login) until the registration is approved; a
// rejected supplier's user stays inactive. Every change appends an audit event in the same
// transaction (the store's contract). No HTTP here: the web layer maps JSON to these calls and
// error kinds to statuses. Thread-safe: no mutable state.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "auth/service.hpp"
#include "core/clock.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"
#include "suppliers/model.hpp"
#include "suppliers/store.hpp"

namespace procura::suppliers {

class SupplierService {
public:
    // store, auth and clock must outlive the service. auth only checks and hashes the login
    // user's credentials (AuthService::prepare_user); the store writes the user.
    SupplierService(SupplierStore& store, auth::AuthService& auth, const core::Clock& clock,
                    SupplierLimits limits);

    // Public: no caller. Creates the supplier (status pending) and its user (role supplier,
    // inactive) in one transaction, and returns the supplier as stored (normalised).
    // Errors, all 422 naming the field (suppliers/rules.hpp): "missing_field",
    // "field_too_long", "invalid_field", "bad_country", "bad_email", "bad_phone",
    // "bad_iban" (field "bank_account.iban"), "bad_bic" (field "bank_account.bic");
    // "invalid_username" (field "username"), "weak_password" (field "password"). 409
    // "registration_number_taken" (field "registration_number"), "username_taken" (field
    // "username"). Nothing is stored on any error.
    core::Result<Supplier> register_supplier(const SupplierRegistration& registration);

    // An officer or an administrator (403 "forbidden" otherwise): the supplier becomes
    // approved (review.by = caller, review.at_ms = now) and its user active. 404
    // "supplier_not_found"; 409 "supplier_not_pending".
    core::Result<Supplier> approve(const core::Caller& caller, SupplierId id);

    // An officer or an administrator (403 "forbidden" otherwise): the supplier becomes
    // rejected with the reason (trimmed; 422 "missing_field" or "field_too_long", field
    // "reason"); its user stays inactive. 404 "supplier_not_found"; 409 "supplier_not_pending".
    core::Result<Supplier> reject(const core::Caller& caller, SupplierId id,
                                  const std::string& reason);

    // The supplier's own user, an officer, an administrator or an auditor. Staff get 404
    // "supplier_not_found" for an unknown id; anyone else gets 403 "forbidden" for any id
    // that is not their own, so ids cannot be probed.
    core::Result<Supplier> get(const core::Caller& caller, SupplierId id);

    // The supplier whose login user is user: that user itself or staff as for get. 404
    // "supplier_not_found" (staff, or the user itself when it is no supplier); 403 otherwise.
    core::Result<Supplier> find_by_user(const core::Caller& caller, core::UserId user);

    // Officers, administrators and auditors (403 "forbidden" otherwise): up to limit suppliers
    // (clamped to 1..limits.suppliers_per_page_max) with id > after_id, ascending id, only
    // those in status if given. The next page starts after the last id returned.
    core::Result<std::vector<Supplier>> list(const core::Caller& caller,
                                             std::optional<SupplierStatus> status,
                                             SupplierId after_id, std::size_t limit);

private:
    core::Result<Supplier> load(SupplierId id);

    SupplierStore& store_;
    auth::AuthService& auth_;
    const core::Clock& clock_;
    SupplierLimits limits_;
};

}  // namespace procura::suppliers
