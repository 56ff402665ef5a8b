// FaultySupplierStore: the supplier store port (suppliers/store.hpp) forwarded to a wrapped
// store through a FaultPlan (fault_injection.hpp). One header per port, so that a test compiles
// only the ports it wraps. Thread-safe as the wrapped store is.
#pragma once

#include <type_traits>

#include "suppliers/store.hpp"
#include "tests/support/fault_injection.hpp"

namespace procura::testing {

class FaultySupplierStore final : public suppliers::SupplierStore {
public:
    // inner and plan must outlive this.
    FaultySupplierStore(suppliers::SupplierStore& inner, FaultPlan& plan)
        : inner_(inner), plan_(plan) {}

    core::Result<suppliers::RegisteredIds> register_supplier(
        const auth::User& user, const suppliers::Supplier& s, const core::AuditEvent& user_event,
        const core::AuditEvent& supplier_event) override {
        return plan_.call("register_supplier", [&] {
            return inner_.register_supplier(user, s, user_event, supplier_event);
        });
    }
    core::Result<std::optional<suppliers::Supplier>> find(suppliers::SupplierId id) override {
        return plan_.call("find", [&] { return inner_.find(id); });
    }
    core::Result<std::optional<suppliers::Supplier>> find_by_user(core::UserId user) override {
        return plan_.call("find_by_user", [&] { return inner_.find_by_user(user); });
    }
    core::Result<std::vector<suppliers::Supplier>> list(
        std::optional<suppliers::SupplierStatus> status, suppliers::SupplierId after_id,
        std::size_t limit) override {
        return plan_.call("list", [&] { return inner_.list(status, after_id, limit); });
    }
    core::Status approve(suppliers::SupplierId id, const suppliers::Review& review,
                         const core::AuditEvent& supplier_event,
                         const core::AuditEvent& user_event) override {
        return plan_.call("approve",
                          [&] { return inner_.approve(id, review, supplier_event, user_event); });
    }
    core::Status reject(suppliers::SupplierId id, const suppliers::Review& review,
                        const core::AuditEvent& supplier_event) override {
        return plan_.call("reject", [&] { return inner_.reject(id, review, supplier_event); });
    }

private:
    suppliers::SupplierStore& inner_;
    FaultPlan& plan_;
};

static_assert(!std::is_abstract_v<FaultySupplierStore>);

}  // namespace procura::testing
