#include "tests/suppliers/fake_store.hpp"

namespace procura::suppliers {

FakeSupplierStore::FakeSupplierStore(auth::FakeUserStore& users) : users_(users) {}

core::Result<RegisteredIds> FakeSupplierStore::register_supplier(
    const auth::User& user, const Supplier& s, const core::AuditEvent& user_event,
    const core::AuditEvent& supplier_event) {
    std::lock_guard lock(mutex_);
    for (const Supplier& existing : rows_) {
        if (existing.registration_number == s.registration_number) {
            return core::conflict(
                "registration_number_taken",
                "the registration number " + s.registration_number + " is already registered",
                "registration_number");
        }
    }
    // The last check (username_taken) is the user store's, and the user is its only write
    // that can fail: after it nothing can.
    PROCURA_TRY_ASSIGN(auto user_id, users_.insert_user(user, user_event));
    Supplier row = s;
    row.id = rows_.empty() ? 1 : rows_.back().id + 1;
    row.user_id = user_id;
    row.status = SupplierStatus::pending;
    row.review.reset();
    rows_.push_back(row);
    core::AuditEvent event = supplier_event;
    event.entity_id = row.id;
    audit_.push_back(event);
    return RegisteredIds{row.id, row.user_id};
}

core::Result<std::optional<Supplier>> FakeSupplierStore::find(SupplierId id) {
    std::lock_guard lock(mutex_);
    for (const Supplier& s : rows_) {
        if (s.id == id) return std::optional<Supplier>{s};
    }
    return std::optional<Supplier>{};
}

core::Result<std::optional<Supplier>> FakeSupplierStore::find_by_user(core::UserId user) {
    std::lock_guard lock(mutex_);
    for (const Supplier& s : rows_) {
        if (s.user_id == user) return std::optional<Supplier>{s};
    }
    return std::optional<Supplier>{};
}

core::Result<std::vector<Supplier>> FakeSupplierStore::list(std::optional<SupplierStatus> status,
                                                            SupplierId after_id,
                                                            std::size_t limit) {
    std::lock_guard lock(mutex_);
    std::vector<Supplier> out;
    for (const Supplier& s : rows_) {
        if (out.size() >= limit) break;
        if (s.id > after_id && (!status || s.status == *status)) out.push_back(s);
    }
    return out;
}

core::Result<Supplier*> FakeSupplierStore::pending_locked(SupplierId id) {
    for (Supplier& s : rows_) {
        if (s.id != id) continue;
        if (s.status != SupplierStatus::pending) {
            return core::conflict("supplier_not_pending", "supplier " + std::to_string(id) +
                                                              " is already " +
                                                              std::string(to_string(s.status)));
        }
        return &s;
    }
    return core::not_found("supplier_not_found", "no supplier " + std::to_string(id));
}

core::Status FakeSupplierStore::approve(SupplierId id, const Review& review,
                                        const core::AuditEvent& supplier_event,
                                        const core::AuditEvent& user_event) {
    std::lock_guard lock(mutex_);
    PROCURA_TRY_ASSIGN(auto row, pending_locked(id));
    PROCURA_TRY(users_.set_active(row->user_id, true, user_event));
    row->status = SupplierStatus::approved;
    row->review = Review{review.by, review.at_ms, {}};
    audit_.push_back(supplier_event);
    return {};
}

core::Status FakeSupplierStore::reject(SupplierId id, const Review& review,
                                       const core::AuditEvent& supplier_event) {
    std::lock_guard lock(mutex_);
    PROCURA_TRY_ASSIGN(auto row, pending_locked(id));
    row->status = SupplierStatus::rejected;
    row->review = review;
    audit_.push_back(supplier_event);
    return {};
}

std::vector<core::AuditEvent> FakeSupplierStore::audit_events() {
    std::lock_guard lock(mutex_);
    return audit_;
}

std::size_t FakeSupplierStore::size() {
    std::lock_guard lock(mutex_);
    return rows_.size();
}

}  // namespace procura::suppliers
