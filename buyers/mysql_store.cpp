#include "buyers/mysql_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <memory>
#include <string>

#include "db/audit_sql.hpp"
#include "db/transaction.hpp"

namespace procura::buyers {
namespace {
using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

constexpr const char* columns =
    "id, identifier, legal_name, address, version, created_by, created_at_ms, updated_at_ms";

core::Error buyer_not_found(std::string_view identifier) {
    return core::not_found("buyer_not_found", "no buyer " + std::string(identifier));
}

Buyer read_buyer(const sql::ResultSet& rows) {
    Buyer b;
    b.id = rows.getInt64(1);
    b.identifier = rows.getString(2).asStdString();
    b.legal_name = rows.getString(3).asStdString();
    b.address = rows.getString(4).asStdString();
    b.version = rows.getInt64(5);
    b.created_by = rows.getInt64(6);
    b.created_at_ms = rows.getInt64(7);
    b.updated_at_ms = rows.getInt64(8);
    return b;
}

// The buyer with identifier and its officers, read on c (FOR UPDATE when lock), or nullopt.
std::optional<Buyer> read_one(sql::Connection& c, std::string_view identifier, bool lock) {
    Statement s(c.prepareStatement(std::string("SELECT ") + columns +
                                   " FROM buyers WHERE identifier = ?" +
                                   (lock ? " FOR UPDATE" : "")));
    s->setString(1, std::string(identifier));
    Rows rows(s->executeQuery());
    if (!rows->next()) return std::nullopt;
    Buyer b = read_buyer(*rows);
    Statement o(c.prepareStatement(
        "SELECT user_id FROM buyer_officers WHERE buyer_id = ? ORDER BY user_id"));
    o->setInt64(1, b.id);
    Rows officers(o->executeQuery());
    while (officers->next()) b.officers.push_back(officers->getInt64(1));
    return b;
}

core::AuditEvent stamped(core::AuditEvent event, const Buyer& b) {
    event.entity_id = b.id;
    event.entity_version = b.version;
    return event;
}

}  // namespace

MySQLBuyerStore::MySQLBuyerStore(db::ConnectionPool& pool) : pool_(pool) {}

core::Result<Buyer> MySQLBuyerStore::insert(const Buyer& b, const core::AuditEvent& event) {
    Buyer stored = b;
    stored.version = 1;
    stored.officers.clear();
    PROCURA_TRY(
        db::run_transaction(pool_, "buyers.insert", [&](db::Transaction& tx) -> core::Status {
            auto inserted = tx.attempt("buyers.insert", [&](sql::Connection& c) {
                Statement q(c.prepareStatement(
                    "INSERT INTO buyers (identifier, legal_name, address, version, created_by, "
                    "created_at_ms, updated_at_ms) VALUES (?, ?, ?, 1, ?, ?, ?)"));
                q->setString(1, stored.identifier);
                q->setString(2, stored.legal_name);
                q->setString(3, stored.address);
                q->setInt64(4, stored.created_by);
                q->setInt64(5, stored.created_at_ms);
                q->setInt64(6, stored.updated_at_ms);
                q->executeUpdate();
                std::unique_ptr<sql::Statement> last(c.createStatement());
                Rows rows(last->executeQuery("SELECT LAST_INSERT_ID()"));
                rows->next();
                return rows->getInt64(1);
            });
            if (!inserted) {
                if (inserted.error().code == db::error_code_duplicate) {
                    return core::conflict(
                        "buyer_exists", "a buyer with identifier " + stored.identifier + " exists",
                        "identifier");
                }
                return inserted.error();
            }
            stored.id = *inserted;
            PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, stamped(event, stored)));
            return {};
        }));
    return stored;
}

core::Result<Buyer> MySQLBuyerStore::change(
    const char* operation, std::string_view identifier, std::int64_t expected_version,
    std::int64_t at_ms, const core::AuditEvent& event,
    const std::function<core::Status(db::Transaction&, Buyer&)>& write) {
    Buyer after;
    PROCURA_TRY(db::run_transaction(pool_, operation, [&](db::Transaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto locked, tx.attempt(operation, [&](sql::Connection& c) {
            return read_one(c, identifier, true);
        }));
        if (!locked) return buyer_not_found(identifier);
        if (locked->version != expected_version) {
            return core::conflict("stale_version",
                                  "buyer " + locked->identifier + " is at version " +
                                      std::to_string(locked->version) + ", not " +
                                      std::to_string(expected_version),
                                  "version");
        }
        after = *locked;
        PROCURA_TRY(write(tx, after));
        after.version += 1;
        after.updated_at_ms = at_ms;
        PROCURA_TRY(tx.attempt(operation, [&](sql::Connection& c) {
            Statement s(c.prepareStatement(
                "UPDATE buyers SET version = version + 1, updated_at_ms = ? WHERE id = ?"));
            s->setInt64(1, at_ms);
            s->setInt64(2, after.id);
            s->executeUpdate();
        }));
        PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, stamped(event, after)));
        return {};
    }));
    return after;
}

core::Result<Buyer> MySQLBuyerStore::update(const Buyer& b, std::int64_t expected_version,
                                            const core::AuditEvent& event) {
    return change("buyers.update", b.identifier, expected_version, b.updated_at_ms, event,
                  [&](db::Transaction& tx, Buyer& locked) -> core::Status {
                      locked.legal_name = b.legal_name;
                      locked.address = b.address;
                      return tx.attempt("buyers.update", [&](sql::Connection& c) {
                          Statement s(c.prepareStatement(
                              "UPDATE buyers SET legal_name = ?, address = ? WHERE id = ?"));
                          s->setString(1, b.legal_name);
                          s->setString(2, b.address);
                          s->setInt64(3, locked.id);
                          s->executeUpdate();
                      });
                  });
}

core::Result<Buyer> MySQLBuyerStore::add_officer(std::string_view identifier,
                                                 std::int64_t expected_version, core::UserId user,
                                                 std::int64_t at_ms,
                                                 const core::AuditEvent& event) {
    return change(
        "buyers.add_officer", identifier, expected_version, at_ms, event,
        [&](db::Transaction& tx, Buyer& locked) -> core::Status {
            for (core::UserId member : locked.officers) {
                if (member == user) {
                    return core::conflict("already_member",
                                          "user " + std::to_string(user) +
                                              " is already an officer of " + locked.identifier,
                                          "user_id");
                }
            }
            locked.officers.insert(
                std::upper_bound(locked.officers.begin(), locked.officers.end(), user), user);
            return tx.attempt("buyers.add_officer", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "INSERT INTO buyer_officers (buyer_id, user_id, added_by, added_at_ms) "
                    "VALUES (?, ?, ?, ?)"));
                s->setInt64(1, locked.id);
                s->setInt64(2, user);
                s->setInt64(3, event.actor_user_id);
                s->setInt64(4, at_ms);
                s->executeUpdate();
            });
        });
}

core::Result<Buyer> MySQLBuyerStore::remove_officer(std::string_view identifier,
                                                    std::int64_t expected_version,
                                                    core::UserId user, std::int64_t at_ms,
                                                    const core::AuditEvent& event) {
    return change(
        "buyers.remove_officer", identifier, expected_version, at_ms, event,
        [&](db::Transaction& tx, Buyer& locked) -> core::Status {
            PROCURA_TRY_ASSIGN(
                auto removed, tx.attempt("buyers.remove_officer", [&](sql::Connection& c) {
                    Statement s(c.prepareStatement(
                        "DELETE FROM buyer_officers WHERE buyer_id = ? AND user_id = ?"));
                    s->setInt64(1, locked.id);
                    s->setInt64(2, user);
                    return s->executeUpdate();
                }));
            if (removed == 0) {
                return core::not_found(
                    "not_member",
                    "user " + std::to_string(user) + " is not an officer of " + locked.identifier,
                    "user_id");
            }
            std::erase(locked.officers, user);
            return {};
        });
}

core::Result<std::optional<Buyer>> MySQLBuyerStore::find(std::string_view identifier) {
    return db::with_connection(pool_, "buyers.find",
                               [&](sql::Connection& c) { return read_one(c, identifier, false); });
}

core::Result<std::vector<Buyer>> MySQLBuyerStore::list(std::int64_t after_id, std::size_t limit) {
    return db::with_connection(pool_, "buyers.list", [&](sql::Connection& c) {
        Statement s(c.prepareStatement(std::string("SELECT ") + columns +
                                       " FROM buyers WHERE id > ? ORDER BY id LIMIT ?"));
        s->setInt64(1, after_id);
        s->setInt64(2, static_cast<std::int64_t>(limit));
        Rows rows(s->executeQuery());
        std::vector<Buyer> out;
        while (rows->next()) out.push_back(read_buyer(*rows));
        if (out.empty()) return out;
        Statement o(c.prepareStatement(
            "SELECT buyer_id, user_id FROM buyer_officers WHERE buyer_id BETWEEN ? AND ? "
            "ORDER BY buyer_id, user_id"));
        o->setInt64(1, out.front().id);
        o->setInt64(2, out.back().id);
        Rows officers(o->executeQuery());
        std::size_t at = 0;
        while (officers->next()) {
            const std::int64_t buyer = officers->getInt64(1);
            while (at < out.size() && out[at].id < buyer) ++at;
            if (at < out.size() && out[at].id == buyer)
                out[at].officers.push_back(officers->getInt64(2));
        }
        return out;
    });
}

core::Result<std::vector<std::string>> MySQLBuyerStore::buyers_of(core::UserId user) {
    return db::with_connection(pool_, "buyers.of_user", [&](sql::Connection& c) {
        Statement s(c.prepareStatement(
            "SELECT b.identifier FROM buyer_officers o JOIN buyers b ON b.id = o.buyer_id "
            "WHERE o.user_id = ? ORDER BY b.identifier"));
        s->setInt64(1, user);
        Rows rows(s->executeQuery());
        std::vector<std::string> out;
        while (rows->next()) out.push_back(rows->getString(1).asStdString());
        return out;
    });
}

}  // namespace procura::buyers
