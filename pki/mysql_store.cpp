#include "pki/mysql_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <functional>
#include <memory>

#include "db/audit_sql.hpp"
#include "db/transaction.hpp"

namespace procura::pki {
namespace {
using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

constexpr const char* columns =
    "id, serial_hex, user_id, subject, spki_sha256, pem, not_before_ms, not_after_ms, "
    "issued_at_ms, revoked_at_ms, revocation_reason, revoked_by";

core::Error certificate_active(core::UserId user) {
    return core::conflict("certificate_active",
                          "user " + std::to_string(user) +
                              " already holds an active certificate; revoke it first "
                              "(reason superseded)",
                          "csr");
}

core::Error key_already_registered() {
    return core::conflict("key_already_registered",
                          "this public key is already registered; make a new key pair", "csr");
}

core::Result<UserCertificate> read_certificate(const sql::ResultSet& rows) {
    UserCertificate c;
    c.id = rows.getInt64(1);
    c.serial_hex = rows.getString(2).asStdString();
    c.user_id = rows.getInt64(3);
    c.subject = rows.getString(4).asStdString();
    c.key_sha256 = rows.getString(5).asStdString();
    c.pem = rows.getString(6).asStdString();
    c.not_before_ms = rows.getInt64(7);
    c.not_after_ms = rows.getInt64(8);
    c.issued_at_ms = rows.getInt64(9);
    if (!rows.isNull(10)) {
        const auto reason = parse_revocation_reason(rows.getString(11).asStdString());
        if (!reason) {
            return core::internal(
                std::string(db::error_code_internal),
                "stored certificate " + c.serial_hex + " has an unknown revocation reason");
        }
        c.revocation = Revocation{rows.getInt64(10), *reason, rows.getInt64(12)};
    }
    return c;
}

core::Result<std::vector<UserCertificate>> read_rows(sql::ResultSet& rows) {
    std::vector<UserCertificate> out;
    while (rows.next()) {
        PROCURA_TRY_ASSIGN(auto c, read_certificate(rows));
        out.push_back(std::move(c));
    }
    return out;
}

core::Result<std::vector<UserCertificate>> read_all(sql::PreparedStatement& s) {
    Rows rows(s.executeQuery());
    return read_rows(*rows);
}

}  // namespace

MySQLCertificateStore::MySQLCertificateStore(db::ConnectionPool& pool) : pool_(pool) {}

core::Result<std::int64_t> MySQLCertificateStore::insert(const UserCertificate& c,
                                                         const core::AuditEvent& audit) {
    std::int64_t new_id = 0;
    PROCURA_TRY(db::run_transaction(pool_, "pki.insert", [&](db::Transaction& tx) -> core::Status {
        // Lock the user's row: one user's registrations are serialised, so the checks
        // below see the winner of a race, and their answers name the right rule.
        auto checked = tx.attempt("pki.insert.check", [&](sql::Connection& conn) -> core::Status {
            Statement user(conn.prepareStatement("SELECT id FROM users WHERE id = ? FOR UPDATE"));
            user->setInt64(1, c.user_id);
            if (!Rows(user->executeQuery())->next()) {
                return core::not_found("user_not_found", "no user " + std::to_string(c.user_id));
            }
            Statement active(
                conn.prepareStatement("SELECT id FROM user_certificates WHERE active_user_id = ?"));
            active->setInt64(1, c.user_id);
            if (Rows(active->executeQuery())->next()) return certificate_active(c.user_id);
            Statement key(
                conn.prepareStatement("SELECT id FROM user_certificates WHERE spki_sha256 = ?"));
            key->setString(1, c.key_sha256);
            if (Rows(key->executeQuery())->next()) return key_already_registered();
            return {};
        });
        if (!checked) return checked.error();
        auto inserted = tx.attempt("pki.insert", [&](sql::Connection& conn) {
            Statement s(conn.prepareStatement(
                "INSERT INTO user_certificates (serial_hex, user_id, subject, spki_sha256, "
                "pem, not_before_ms, not_after_ms, issued_at_ms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
            s->setString(1, c.serial_hex);
            s->setInt64(2, c.user_id);
            s->setString(3, c.subject);
            s->setString(4, c.key_sha256);
            s->setString(5, c.pem);
            s->setInt64(6, c.not_before_ms);
            s->setInt64(7, c.not_after_ms);
            s->setInt64(8, c.issued_at_ms);
            s->executeUpdate();
            std::unique_ptr<sql::Statement> last(conn.createStatement());
            Rows rows(last->executeQuery("SELECT LAST_INSERT_ID()"));
            rows->next();
            return rows->getInt64(1);
        });
        if (!inserted) {
            // The user's row lock rules out a second active certificate, so a duplicate
            // here is a key another user registered at the same moment.
            if (inserted.error().code == db::error_code_duplicate) {
                return key_already_registered();
            }
            return inserted.error();
        }
        new_id = *inserted;
        core::AuditEvent event = audit;
        event.entity_id = new_id;
        PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, event));
        return {};
    }));
    return new_id;
}

core::Result<std::optional<UserCertificate>> MySQLCertificateStore::find(
    const std::string& serial_hex) {
    using Found = std::optional<UserCertificate>;
    // Every bid's signature check asks this (revocation), so it runs on the connection's
    // cached statement.
    return db::with_prepared(
        pool_, "pki.find",
        std::string("SELECT ") + columns + " FROM user_certificates WHERE serial_hex = ?",
        [&](sql::PreparedStatement& s) -> core::Result<Found> {
            s.setString(1, serial_hex);
            Rows rows(s.executeQuery());
            if (!rows->next()) return Found{};
            PROCURA_TRY_ASSIGN(auto certificate, read_certificate(*rows));
            return Found{std::move(certificate)};
        });
}

core::Result<std::vector<UserCertificate>> MySQLCertificateStore::find_many(
    const std::vector<std::string>& serials_hex) {
    if (serials_hex.empty()) return std::vector<UserCertificate>{};
    // Serials are hex digits only (checked), so the list is written into the statement's text:
    // one round trip for a whole group of bids' signers.
    // Stored upper-case in an ascii_bin column: input of any case is normalised, so that it
    // matches.
    std::string list;
    for (const std::string& serial_hex : serials_hex) {
        PROCURA_TRY_ASSIGN(auto serial, normalise_serial(serial_hex));
        list += (list.empty() ? "'" : ", '") + serial + "'";
    }
    return db::with_connection(pool_, "pki.find_many", [&](sql::Connection& c) {
        std::unique_ptr<sql::Statement> s(c.createStatement());
        Rows rows(s->executeQuery(std::string("SELECT ") + columns +
                                  " FROM user_certificates WHERE serial_hex IN (" + list + ")"));
        return read_rows(*rows);
    });
}

core::Result<std::vector<UserCertificate>> MySQLCertificateStore::list_for_user(core::UserId user) {
    return db::with_connection(pool_, "pki.list_for_user", [&](sql::Connection& c) {
        Statement s(c.prepareStatement(std::string("SELECT ") + columns +
                                       " FROM user_certificates WHERE user_id = ? "
                                       "ORDER BY id DESC"));
        s->setInt64(1, user);
        return read_all(*s);
    });
}

core::Result<std::vector<UserCertificate>> MySQLCertificateStore::list_revoked(
    std::int64_t now_ms) {
    return db::with_connection(pool_, "pki.list_revoked", [&](sql::Connection& c) {
        Statement s(c.prepareStatement(
            std::string("SELECT ") + columns +
            " FROM user_certificates WHERE revoked_at_ms IS NOT NULL AND not_after_ms > ? "
            "ORDER BY revoked_at_ms, id"));
        s->setInt64(1, now_ms);
        return read_all(*s);
    });
}

core::Status MySQLCertificateStore::revoke(const std::string& serial_hex,
                                           const Revocation& revocation,
                                           const core::AuditEvent& audit) {
    return db::run_transaction(pool_, "pki.revoke", [&](db::Transaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(
            auto state, tx.attempt("pki.revoke.lock", [&](sql::Connection& c) -> core::Result<int> {
                Statement s(c.prepareStatement(
                    "SELECT revoked_at_ms FROM user_certificates WHERE serial_hex = ? FOR UPDATE"));
                s->setString(1, serial_hex);
                Rows rows(s->executeQuery());
                if (!rows->next()) return 0;     // absent
                return rows->isNull(1) ? 1 : 2;  // unrevoked : revoked
            }));
        if (state == 0) {
            return core::not_found("certificate_not_found",
                                   "no certificate with serial " + serial_hex, "serial");
        }
        if (state == 2) {
            return core::conflict("already_revoked",
                                  "the certificate " + serial_hex + " is already revoked",
                                  "serial");
        }
        PROCURA_TRY(tx.attempt("pki.revoke", [&](sql::Connection& c) {
            Statement s(c.prepareStatement(
                "UPDATE user_certificates SET revoked_at_ms = ?, revocation_reason = ?, "
                "revoked_by = ? WHERE serial_hex = ? AND revoked_at_ms IS NULL"));
            s->setInt64(1, revocation.at_ms);
            s->setString(2, std::string(to_string(revocation.reason)));
            s->setInt64(3, revocation.by);
            s->setString(4, serial_hex);
            s->executeUpdate();
        }));
        PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, audit));
        return {};
    });
}

}  // namespace procura::pki
