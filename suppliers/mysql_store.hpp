// MySQLSupplierStore: the MariaDB adapter of the supplier store port (suppliers/store.hpp), over
// the suppliers table of db/migrations/0006_suppliers.sql and the users table, which it writes
// only through auth's shared SQL (auth/mysql_user_sql.hpp) so that a registration (user and
// supplier rows) and an approval (supplier row and the user's active flag) each commit in one
// transaction with their audit events. This header includes no Connector/C++ header.
#pragma once

#include "db/pool.hpp"
#include "suppliers/store.hpp"

namespace procura::suppliers {

class MySQLSupplierStore final : public SupplierStore {
public:
    // pool must outlive the store. The schema must be migrated (db::migrate).
    explicit MySQLSupplierStore(db::ConnectionPool& pool);

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

private:
    // Moves a pending supplier to `to` with review; on approval also activates its user.
    core::Status move_from_pending(SupplierId id, SupplierStatus to, const Review& review,
                                   const std::vector<core::AuditEvent>& events);

    db::ConnectionPool& pool_;
};

}  // namespace procura::suppliers
