#include "suppliers/mysql_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>
#include <string>

#include "auth/mysql_user_sql.hpp"
#include "db/audit_sql.hpp"
#include "db/transaction.hpp"

namespace procura::suppliers {
namespace {
using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

constexpr const char* columns =
    "id, user_id, organisation_name, registration_number, street, postal_code, city, country, "
    "contact_name, contact_email, contact_phone, iban, bic, status, registered_at_ms, "
    "reviewed_by, reviewed_at_ms, rejection_reason";

core::Error registration_number_taken(const std::string& number) {
    return core::conflict("registration_number_taken",
                          "the registration number " + number + " is already registered",
                          "registration_number");
}

core::Error supplier_not_found(SupplierId id) {
    return core::not_found("supplier_not_found", "no supplier " + std::to_string(id));
}

core::Result<Supplier> read_supplier(const sql::ResultSet& rows) {
    Supplier s;
    s.id = rows.getInt64(1);
    s.user_id = rows.getInt64(2);
    s.organisation_name = rows.getString(3).asStdString();
    s.registration_number = rows.getString(4).asStdString();
    s.address.street = rows.getString(5).asStdString();
    s.address.postal_code = rows.getString(6).asStdString();
    s.address.city = rows.getString(7).asStdString();
    s.address.country = rows.getString(8).asStdString();
    s.contact.name = rows.getString(9).asStdString();
    s.contact.email = rows.getString(10).asStdString();
    s.contact.phone = rows.getString(11).asStdString();
    s.bank_account.iban = rows.getString(12).asStdString();
    s.bank_account.bic = rows.getString(13).asStdString();
    const auto status = parse_supplier_status(rows.getString(14).asStdString());
    if (!status) {
        return core::internal(std::string(db::error_code_internal),
                              "stored supplier " + std::to_string(s.id) + " has an unknown status");
    }
    s.status = *status;
    s.registered_at_ms = rows.getInt64(15);
    if (!rows.isNull(16)) {
        s.review = Review{rows.getInt64(16), rows.getInt64(17),
                          rows.isNull(18) ? std::string() : rows.getString(18).asStdString()};
    }
    return s;
}

core::Result<std::vector<Supplier>> read_all(sql::PreparedStatement& s) {
    Rows rows(s.executeQuery());
    std::vector<Supplier> out;
    while (rows->next()) {
        PROCURA_TRY_ASSIGN(auto supplier, read_supplier(*rows));
        out.push_back(std::move(supplier));
    }
    return out;
}

core::Result<std::optional<Supplier>> find_one(db::ConnectionPool& pool, const char* operation,
                                               const char* where, std::int64_t key) {
    using Found = std::optional<Supplier>;
    return db::with_connection(pool, operation, [&](sql::Connection& c) -> core::Result<Found> {
        Statement s(c.prepareStatement(std::string("SELECT ") + columns + " FROM suppliers WHERE " +
                                       where));
        s->setInt64(1, key);
        Rows rows(s->executeQuery());
        if (!rows->next()) return Found{};
        PROCURA_TRY_ASSIGN(auto supplier, read_supplier(*rows));
        return Found{std::move(supplier)};
    });
}

}  // namespace

MySQLSupplierStore::MySQLSupplierStore(db::ConnectionPool& pool) : pool_(pool) {}

core::Result<RegisteredIds> MySQLSupplierStore::register_supplier(
    const auth::User& user, const Supplier& s, const core::AuditEvent& user_event,
    const core::AuditEvent& supplier_event) {
    RegisteredIds ids;
    PROCURA_TRY(
        db::run_transaction(pool_, "suppliers.register", [&](db::Transaction& tx) -> core::Status {
            // The registration number first, so that a registration colliding on both it and
            // the username is told about the number, as the fake store does. The unique key
            // still decides races (below).
            auto taken = tx.attempt("suppliers.register.check", [&](sql::Connection& c) {
                Statement q(
                    c.prepareStatement("SELECT id FROM suppliers WHERE registration_number = ?"));
                q->setString(1, s.registration_number);
                return Rows(q->executeQuery())->next();
            });
            if (!taken) return taken.error();
            if (*taken) return registration_number_taken(s.registration_number);

            PROCURA_TRY_ASSIGN(auto user_id, auth::insert_user_row(tx, user));
            ids.user_id = user_id;

            auto inserted = tx.attempt("suppliers.register", [&](sql::Connection& c) {
                Statement q(c.prepareStatement(
                    "INSERT INTO suppliers (user_id, organisation_name, registration_number, "
                    "street, postal_code, city, country, contact_name, contact_email, "
                    "contact_phone, iban, bic, status, registered_at_ms) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)"));
                q->setInt64(1, ids.user_id);
                q->setString(2, s.organisation_name);
                q->setString(3, s.registration_number);
                q->setString(4, s.address.street);
                q->setString(5, s.address.postal_code);
                q->setString(6, s.address.city);
                q->setString(7, s.address.country);
                q->setString(8, s.contact.name);
                q->setString(9, s.contact.email);
                q->setString(10, s.contact.phone);
                q->setString(11, s.bank_account.iban);
                q->setString(12, s.bank_account.bic);
                q->setInt64(13, s.registered_at_ms);
                q->executeUpdate();
                std::unique_ptr<sql::Statement> last(c.createStatement());
                Rows rows(last->executeQuery("SELECT LAST_INSERT_ID()"));
                rows->next();
                return rows->getInt64(1);
            });
            if (!inserted) {
                // The user row is new, so suppliers_user cannot collide: a duplicate is a
                // registration number another request registered at the same moment.
                if (inserted.error().code == db::error_code_duplicate) {
                    return registration_number_taken(s.registration_number);
                }
                return inserted.error();
            }
            ids.supplier_id = *inserted;

            core::AuditEvent for_user = user_event;
            for_user.entity_id = ids.user_id;
            core::AuditEvent for_supplier = supplier_event;
            for_supplier.entity_id = ids.supplier_id;
            PROCURA_TRY_ASSIGN(auto appended,
                               db::append_audit_events(tx, {for_user, for_supplier}));
            return {};
        }));
    return ids;
}

core::Result<std::optional<Supplier>> MySQLSupplierStore::find(SupplierId id) {
    return find_one(pool_, "suppliers.find", "id = ?", id);
}

core::Result<std::optional<Supplier>> MySQLSupplierStore::find_by_user(core::UserId user) {
    return find_one(pool_, "suppliers.find_by_user", "user_id = ?", user);
}

core::Result<std::vector<Supplier>> MySQLSupplierStore::list(std::optional<SupplierStatus> status,
                                                             SupplierId after_id,
                                                             std::size_t limit) {
    return db::with_connection(pool_, "suppliers.list", [&](sql::Connection& c) {
        std::string query = std::string("SELECT ") + columns + " FROM suppliers WHERE id > ?";
        if (status) query += " AND status = ?";
        query += " ORDER BY id LIMIT ?";
        Statement s(c.prepareStatement(query));
        unsigned index = 1;
        s->setInt64(index++, after_id);
        if (status) s->setString(index++, std::string(to_string(*status)));
        s->setInt64(index, static_cast<std::int64_t>(limit));
        return read_all(*s);
    });
}

core::Status MySQLSupplierStore::approve(SupplierId id, const Review& review,
                                         const core::AuditEvent& supplier_event,
                                         const core::AuditEvent& user_event) {
    return move_from_pending(id, SupplierStatus::approved, review, {supplier_event, user_event});
}

core::Status MySQLSupplierStore::reject(SupplierId id, const Review& review,
                                        const core::AuditEvent& supplier_event) {
    return move_from_pending(id, SupplierStatus::rejected, review, {supplier_event});
}

core::Status MySQLSupplierStore::move_from_pending(SupplierId id, SupplierStatus to,
                                                   const Review& review,
                                                   const std::vector<core::AuditEvent>& events) {
    return db::run_transaction(pool_, "suppliers.review", [&](db::Transaction& tx) -> core::Status {
        struct Current {
            bool found = false;
            std::string status;
            core::UserId user_id = 0;
        };
        PROCURA_TRY_ASSIGN(
            auto current, tx.attempt("suppliers.review.lock", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "SELECT status, user_id FROM suppliers WHERE id = ? FOR UPDATE"));
                s->setInt64(1, id);
                Rows rows(s->executeQuery());
                Current out;
                if (rows->next()) out = {true, rows->getString(1).asStdString(), rows->getInt64(2)};
                return out;
            }));
        if (!current.found) return supplier_not_found(id);
        if (current.status != to_string(SupplierStatus::pending)) {
            return core::conflict("supplier_not_pending", "supplier " + std::to_string(id) +
                                                              " is already " + current.status);
        }
        PROCURA_TRY(tx.attempt("suppliers.review", [&](sql::Connection& c) {
            Statement s(c.prepareStatement(
                "UPDATE suppliers SET status = ?, reviewed_by = ?, reviewed_at_ms = ?, "
                "rejection_reason = ? WHERE id = ? AND status = 'pending'"));
            s->setString(1, std::string(to_string(to)));
            s->setInt64(2, review.by);
            s->setInt64(3, review.at_ms);
            if (to == SupplierStatus::rejected) {
                s->setString(4, review.reason);
            } else {
                s->setNull(4, sql::DataType::VARCHAR);
            }
            s->setInt64(5, id);
            s->executeUpdate();
        }));
        if (to == SupplierStatus::approved) {
            PROCURA_TRY(auth::set_user_active_row(tx, current.user_id, true));
        }
        PROCURA_TRY_ASSIGN(auto appended, db::append_audit_events(tx, events));
        return {};
    });
}

}  // namespace procura::suppliers
