#include "suppliers/service.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/json_text.hpp"
#include "suppliers/rules.hpp"

namespace procura::suppliers {
namespace {
using core::Role;

bool may_review(Role role) { return role == Role::officer || role == Role::admin; }

bool is_staff(Role role) {
    return role == Role::officer || role == Role::admin || role == Role::auditor;
}

core::Error supplier_not_found(SupplierId id) {
    return core::not_found("supplier_not_found", "no supplier " + std::to_string(id));
}

core::Error not_pending(const Supplier& s) {
    return core::conflict(
        "supplier_not_pending",
        "supplier " + std::to_string(s.id) + " is already " + std::string(to_string(s.status)));
}

}  // namespace

SupplierService::SupplierService(SupplierStore& store, auth::AuthService& auth,
                                 const core::Clock& clock, SupplierLimits limits)
    : store_(store), auth_(auth), clock_(clock), limits_(limits) {}

core::Result<Supplier> SupplierService::register_supplier(
    const SupplierRegistration& registration) {
    PROCURA_TRY_ASSIGN(auto normalised, rules::normalise_registration(registration, limits_));
    const SupplierRegistration& r = normalised;
    // Last among the checks: hashing the password is the expensive part.
    PROCURA_TRY_ASSIGN(auto user,
                       auth_.prepare_user(r.username, Role::supplier, r.password, false));

    Supplier s;
    s.organisation_name = r.organisation_name;
    s.registration_number = r.registration_number;
    s.address = r.address;
    s.contact = r.contact;
    s.bank_account = r.bank_account;
    s.status = SupplierStatus::pending;
    s.registered_at_ms = user.created_at_ms;
    // A public registration has no acting user yet: actor 0, the username in the payload.
    const core::AuditEvent user_event{
        s.registered_at_ms,
        0,
        "user.added",
        "user",
        0,
        1,
        core::compact_json({{"role", "supplier"}, {"active", false}, {"username", user.username}})};
    const core::AuditEvent supplier_event{
        s.registered_at_ms,
        0,
        "supplier.registered",
        "supplier",
        0,
        1,
        core::compact_json({{"organisation_name", s.organisation_name},
                            {"registration_number", s.registration_number},
                            {"username", user.username}})};
    PROCURA_TRY_ASSIGN(auto ids, store_.register_supplier(user, s, user_event, supplier_event));
    s.id = ids.supplier_id;
    s.user_id = ids.user_id;
    return s;
}

core::Result<Supplier> SupplierService::approve(const core::Caller& caller, SupplierId id) {
    if (!may_review(caller.role)) {
        return core::forbidden("forbidden",
                               "only an officer or an administrator may approve a supplier");
    }
    PROCURA_TRY_ASSIGN(auto supplier, load(id));
    if (supplier.status != SupplierStatus::pending) return not_pending(supplier);
    const Review review{caller.user_id, clock_.now_ms(), {}};
    const core::AuditEvent supplier_event{review.at_ms,
                                          caller.user_id,
                                          "supplier.approved",
                                          "supplier",
                                          id,
                                          2,
                                          core::compact_json({{"user_id", supplier.user_id}})};
    const core::AuditEvent user_event{review.at_ms,
                                      caller.user_id,
                                      "user.activated",
                                      "user",
                                      supplier.user_id,
                                      0,
                                      core::compact_json({{"supplier_id", id}})};
    PROCURA_TRY(store_.approve(id, review, supplier_event, user_event));
    supplier.status = SupplierStatus::approved;
    supplier.review = review;
    return supplier;
}

core::Result<Supplier> SupplierService::reject(const core::Caller& caller, SupplierId id,
                                               const std::string& reason) {
    if (!may_review(caller.role)) {
        return core::forbidden("forbidden",
                               "only an officer or an administrator may reject a supplier");
    }
    std::string_view trimmed = reason;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\n' ||
                                trimmed.front() == '\t' || trimmed.front() == '\r')) {
        trimmed.remove_prefix(1);
    }
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\n' ||
                                trimmed.back() == '\t' || trimmed.back() == '\r')) {
        trimmed.remove_suffix(1);
    }
    if (trimmed.empty()) {
        return core::unprocessable("missing_field", "a rejection needs a reason", "reason");
    }
    if (trimmed.size() > limits_.rejection_reason_bytes_max) {
        return core::unprocessable(
            "field_too_long",
            "reason exceeds " + std::to_string(limits_.rejection_reason_bytes_max) + " bytes",
            "reason");
    }
    PROCURA_TRY_ASSIGN(auto supplier, load(id));
    if (supplier.status != SupplierStatus::pending) return not_pending(supplier);
    const Review review{caller.user_id, clock_.now_ms(), std::string(trimmed)};
    const core::AuditEvent supplier_event{
        review.at_ms,
        caller.user_id,
        "supplier.rejected",
        "supplier",
        id,
        2,
        core::compact_json({{"user_id", supplier.user_id}, {"reason", review.reason}})};
    PROCURA_TRY(store_.reject(id, review, supplier_event));
    supplier.status = SupplierStatus::rejected;
    supplier.review = review;
    return supplier;
}

core::Result<Supplier> SupplierService::get(const core::Caller& caller, SupplierId id) {
    if (is_staff(caller.role)) return load(id);
    PROCURA_TRY_ASSIGN(auto found, store_.find(id));
    if (!found || found->user_id != caller.user_id) {
        return core::forbidden("forbidden", "a supplier may read only its own registration");
    }
    return std::move(*found);
}

core::Result<Supplier> SupplierService::find_by_user(const core::Caller& caller,
                                                     core::UserId user) {
    if (!is_staff(caller.role) && caller.user_id != user) {
        return core::forbidden("forbidden", "a supplier may read only its own registration");
    }
    PROCURA_TRY_ASSIGN(auto found, store_.find_by_user(user));
    if (!found) {
        return core::not_found("supplier_not_found",
                               "user " + std::to_string(user) + " is no registered supplier");
    }
    return std::move(*found);
}

core::Result<std::vector<Supplier>> SupplierService::list(const core::Caller& caller,
                                                          std::optional<SupplierStatus> status,
                                                          SupplierId after_id, std::size_t limit) {
    if (!is_staff(caller.role)) {
        return core::forbidden("forbidden",
                               "only officers, administrators and auditors may list suppliers");
    }
    const std::size_t page =
        std::clamp<std::size_t>(limit, 1, std::max<std::size_t>(1, limits_.suppliers_per_page_max));
    return store_.list(status, after_id, page);
}

core::Result<Supplier> SupplierService::load(SupplierId id) {
    PROCURA_TRY_ASSIGN(auto found, store_.find(id));
    if (!found) return supplier_not_found(id);
    return std::move(*found);
}

}  // namespace procura::suppliers
