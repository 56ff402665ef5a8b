// FakeSupplierStore: an in-memory SupplierStore honouring the port's contract
// (suppliers/store.hpp), for service tests. Users live in a FakeUserStore it is given, as the
// MariaDB adapter writes the users table of auth: so a test can log in through AuthService
// over the same users. A change checks everything before it writes anything, which is how
// this fake keeps the all-or-nothing rule across the two stores.
#pragma once

#include <mutex>
#include <vector>

#include "suppliers/store.hpp"
#include "tests/auth/fake_user_store.hpp"

namespace procura::suppliers {

class FakeSupplierStore final : public SupplierStore {
public:
    // users must outlive the store.
    explicit FakeSupplierStore(auth::FakeUserStore& users);

    core::Result<RegisteredIds> register_supplier(const auth::User& user, const Supplier& s,
                                                  const core::AuditEvent& user_event,
                                                  const core::AuditEvent& supplier_event) override;
    core::Result<std::optional<Supplier>> find(SupplierId id) override;
    core::Result<std::optional<Supplier>> find_by_user(core::UserId user) override;
    core::Result<std::vector<Supplier>> list(std::optional<SupplierStatus> status,
                                             SupplierId after_id, std::size_t limit) override;
    core::Status approve(SupplierId id, const Review& review,
                         const core::AuditEvent& supplier_event,
                         const core::AuditEvent& user_event) override;
    core::Status reject(SupplierId id, const Review& review,
                        const core::AuditEvent& supplier_event) override;

    // Test inspection: the supplier events appended (user events go to the FakeUserStore).
    std::vector<core::AuditEvent> audit_events();
    std::size_t size();

private:
    // The pending supplier with id, or the contract's error. Requires mutex_.
    core::Result<Supplier*> pending_locked(SupplierId id);

    auth::FakeUserStore& users_;
    std::mutex mutex_;
    std::vector<Supplier> rows_;  // ascending id
    std::vector<core::AuditEvent> audit_;
};

}  // namespace procura::suppliers
