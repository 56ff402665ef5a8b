// The storage port of the suppliers module. Implemented by MySQLSupplierStore (MariaDB) and by
// FakeSupplierStore (tests); the same contract tests run against both
// (tests/suppliers/store_contract.hpp).
//
// Why the store writes the login user too: a registration must create the supplier's user and
// its supplier record together or not at all, and an approval must activate the user and
// approve the record together. Two calls to two stores cannot be one transaction, so the
// supplier store does both in one call; its MariaDB adapter writes the users table through
// auth's shared SQL helpers (auth/mysql_user_sql.hpp), which auth's own store uses too, so
// the users table's SQL and its username_taken rule still live in auth alone.
//
// Contract:
// - register_supplier inserts the user and the supplier with their audit events, all or
//   nothing. A registration number is registered once across all suppliers and all time
//   (conflict "registration_number_taken", field "registration_number", checked first), and a
//   username once (conflict "username_taken", field "username"), even when requests race.
// - approve and reject are one-way, from pending only: otherwise conflict
//   "supplier_not_pending"; an unknown id is not_found "supplier_not_found". approve also
//   activates the supplier's user, in the same transaction. reject leaves the user inactive.
// - Audit events commit with their change; a refused change leaves no event.
// - Store failures are unavailable/internal errors, never exceptions. Thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "auth/model.hpp"
#include "core/audit.hpp"
#include "core/result.hpp"
#include "suppliers/model.hpp"

namespace procura::suppliers {

struct RegisteredIds {
    SupplierId supplier_id = 0;
    core::UserId user_id = 0;
};

class SupplierStore {
public:
    virtual ~SupplierStore() = default;

    // Inserts user (user.id ignored) and s (s.id, s.user_id, s.review ignored; s.user_id
    // becomes the new user's id). user_event's entity_id becomes the new user id and
    // supplier_event's the new supplier id.
    virtual core::Result<RegisteredIds> register_supplier(
        const auth::User& user, const Supplier& s, const core::AuditEvent& user_event,
        const core::AuditEvent& supplier_event) = 0;

    virtual core::Result<std::optional<Supplier>> find(SupplierId id) = 0;
    virtual core::Result<std::optional<Supplier>> find_by_user(core::UserId user) = 0;

    // Up to limit suppliers with id > after_id, ascending id; only those in status if given.
    virtual core::Result<std::vector<Supplier>> list(std::optional<SupplierStatus> status,
                                                     SupplierId after_id, std::size_t limit) = 0;

    // pending -> approved with review (its reason ignored), and the user active. Appends
    // supplier_event and user_event (both as given).
    virtual core::Status approve(SupplierId id, const Review& review,
                                 const core::AuditEvent& supplier_event,
                                 const core::AuditEvent& user_event) = 0;

    // pending -> rejected with review (its reason stored). Appends supplier_event.
    virtual core::Status reject(SupplierId id, const Review& review,
                                const core::AuditEvent& supplier_event) = 0;
};

}  // namespace procura::suppliers
