#include "auth/mysql_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <functional>
#include <memory>

#include "auth/mysql_user_sql.hpp"
#include "auth/rules.hpp"
#include "core/hash.hpp"
#include "db/audit_sql.hpp"
#include "db/transaction.hpp"

namespace procura::auth {
namespace {
using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

constexpr const char* user_columns =
    "id, username, role, password_hash, active, created_at_ms, version";

core::Error user_not_found(core::UserId id) {
    return core::not_found("user_not_found", "no user " + std::to_string(id));
}

// Reads user_columns starting at column `first`.
core::Result<User> read_user(const sql::ResultSet& rows, unsigned first) {
    User u;
    u.id = rows.getInt64(first);
    u.username = rows.getString(first + 1).asStdString();
    const auto role = core::parse_role(rows.getString(first + 2).asStdString());
    if (!role) {
        return core::internal(std::string(db::error_code_internal),
                              "stored user " + std::to_string(u.id) + " has an unknown role");
    }
    u.role = *role;
    u.password_hash = rows.getString(first + 3).asStdString();
    u.active = rows.getBoolean(first + 4);
    u.created_at_ms = rows.getInt64(first + 5);
    u.version = rows.getInt64(first + 6);
    return u;
}

core::Result<std::optional<User>> find_one_user(
    db::ConnectionPool& pool, const char* operation, const char* where,
    const std::function<void(sql::PreparedStatement&)>& bind) {
    return db::with_connection(
        pool, operation, [&](sql::Connection& c) -> core::Result<std::optional<User>> {
            Statement s(c.prepareStatement(std::string("SELECT ") + user_columns +
                                           " FROM users WHERE " + where));
            bind(*s);
            Rows rows(s->executeQuery());
            if (!rows->next()) return std::optional<User>{};
            PROCURA_TRY_ASSIGN(auto user, read_user(*rows, 1));
            return std::optional<User>{std::move(user)};
        });
}

}  // namespace

MySQLUserStore::MySQLUserStore(db::ConnectionPool& pool) : pool_(pool) {}

core::Result<core::UserId> MySQLUserStore::insert_user(const User& u,
                                                       const core::AuditEvent& audit) {
    core::UserId new_id = 0;
    PROCURA_TRY(
        db::run_transaction(pool_, "auth.insert_user", [&](db::Transaction& tx) -> core::Status {
            PROCURA_TRY_ASSIGN(new_id, insert_user_row(tx, u));
            core::AuditEvent event = audit;
            event.entity_id = new_id;
            event.entity_version = 1;
            PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, event));
            return {};
        }));
    return new_id;
}

core::Result<core::UserId> MySQLUserStore::insert_user_with_reset(
    const User& u, const core::AuditEvent& audit, const PasswordReset& reset,
    const core::AuditEvent& reset_audit) {
    core::UserId new_id = 0;
    PROCURA_TRY(db::run_transaction(
        pool_, "auth.insert_user_with_reset", [&](db::Transaction& tx) -> core::Status {
            PROCURA_TRY_ASSIGN(new_id, insert_user_row(tx, u));
            PasswordReset stored = reset;
            stored.user_id = new_id;
            PROCURA_TRY(insert_reset_row(tx, stored));
            std::vector<core::AuditEvent> events{audit, reset_audit};
            for (core::AuditEvent& event : events) {
                event.entity_id = new_id;
                event.entity_version = 1;
            }
            PROCURA_TRY_ASSIGN(auto appended, db::append_audit_events(tx, events));
            return {};
        }));
    return new_id;
}

core::Result<std::optional<User>> MySQLUserStore::find_user_by_name(const std::string& username) {
    return find_one_user(pool_, "auth.find_user_by_name", "username = ?",
                         [&](sql::PreparedStatement& s) { s.setString(1, username); });
}

core::Result<std::optional<User>> MySQLUserStore::find_user(core::UserId id) {
    return find_one_user(pool_, "auth.find_user", "id = ?",
                         [&](sql::PreparedStatement& s) { s.setInt64(1, id); });
}

core::Result<std::vector<User>> MySQLUserStore::list_users() {
    return db::with_connection(
        pool_, "auth.list_users", [&](sql::Connection& c) -> core::Result<std::vector<User>> {
            Statement s(c.prepareStatement(std::string("SELECT ") + user_columns +
                                           " FROM users ORDER BY id"));
            Rows rows(s->executeQuery());
            std::vector<User> users;
            while (rows->next()) {
                PROCURA_TRY_ASSIGN(auto user, read_user(*rows, 1));
                users.push_back(std::move(user));
            }
            return users;
        });
}

core::Result<std::vector<User>> MySQLUserStore::list_users_after(core::UserId after_id,
                                                                 std::size_t limit) {
    return db::with_connection(
        pool_, "auth.list_users_after", [&](sql::Connection& c) -> core::Result<std::vector<User>> {
            Statement s(c.prepareStatement(std::string("SELECT ") + user_columns +
                                           " FROM users WHERE id > ? ORDER BY id LIMIT ?"));
            s->setInt64(1, after_id);
            s->setInt64(2, static_cast<std::int64_t>(limit));
            Rows rows(s->executeQuery());
            std::vector<User> users;
            while (rows->next()) {
                PROCURA_TRY_ASSIGN(auto user, read_user(*rows, 1));
                users.push_back(std::move(user));
            }
            return users;
        });
}

namespace {

// The user's row, locked FOR UPDATE until tx ends. not_found "user_not_found" (tx marked failed)
// if there is none.
core::Result<User> lock_user(db::Transaction& tx, core::UserId id) {
    auto locked = tx.attempt("auth.lock_user", [&](sql::Connection& c) -> core::Result<User> {
        Statement s(c.prepareStatement(std::string("SELECT ") + user_columns +
                                       " FROM users WHERE id = ? FOR UPDATE"));
        s->setInt64(1, id);
        Rows rows(s->executeQuery());
        if (!rows->next()) return user_not_found(id);
        return read_user(*rows, 1);
    });
    if (!locked) tx.fail(locked.error());
    return locked;
}

// Refuses (and fails tx) a change of user, locked by lock_user, to (active, role) that would
// leave no active admin. The other active admins' rows are locked too, so two admins cannot
// each remove the other at once: the second waits for the first and then counts again.
core::Status check_admin_remains(db::Transaction& tx, const User& user, bool active,
                                 core::Role role) {
    if (!(user.active && user.role == core::Role::admin)) return {};
    PROCURA_TRY_ASSIGN(auto others, tx.attempt("auth.lock_admins", [&](sql::Connection& c) {
        Statement s(c.prepareStatement(
            "SELECT id FROM users WHERE role = 'admin' AND active = TRUE AND id <> ? "
            "FOR UPDATE"));
        s->setInt64(1, user.id);
        Rows rows(s->executeQuery());
        std::int64_t count = 0;
        while (rows->next()) ++count;
        return count;
    }));
    auto kept = rules::keeps_an_active_admin(user, active, role, others);
    if (!kept) tx.fail(kept.error());
    return kept;
}

// Runs one statement binding the user id as its only parameter (sessions, codes, version).
core::Status run_for_user(db::Transaction& tx, const char* operation, const char* statement,
                          core::UserId id) {
    return tx.attempt(operation, [&](sql::Connection& c) {
        Statement s(c.prepareStatement(statement));
        s->setInt64(1, id);
        s->executeUpdate();
    });
}

core::Status end_sessions(db::Transaction& tx, core::UserId id) {
    return run_for_user(tx, "auth.end_sessions", "DELETE FROM sessions WHERE user_id = ?", id);
}

// Appends audit for user's change to its next version.
core::Status append_user_event(db::Transaction& tx, const User& user,
                               const core::AuditEvent& audit) {
    core::AuditEvent event = audit;
    event.entity_id = user.id;
    event.entity_version = user.version + 1;
    PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, event));
    return {};
}

}  // namespace

core::Result<User> MySQLUserStore::set_role(core::UserId id, core::Role role,
                                            std::optional<std::int64_t> expected_version,
                                            const core::AuditEvent& audit) {
    User changed;
    PROCURA_TRY(
        db::run_transaction(pool_, "auth.set_role", [&](db::Transaction& tx) -> core::Status {
            PROCURA_TRY_ASSIGN(changed, lock_user(tx, id));
            if (expected_version) PROCURA_TRY(rules::check_version(changed, *expected_version));
            PROCURA_TRY(check_admin_remains(tx, changed, changed.active, role));
            PROCURA_TRY(tx.attempt("auth.set_role", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "UPDATE users SET role = ?, version = version + 1 WHERE id = ?"));
                s->setString(1, std::string(core::to_string(role)));
                s->setInt64(2, id);
                s->executeUpdate();
            }));
            PROCURA_TRY(end_sessions(tx, id));
            PROCURA_TRY(append_user_event(tx, changed, audit));
            changed.role = role;
            ++changed.version;
            return {};
        }));
    return changed;
}

core::Result<User> MySQLUserStore::set_active(core::UserId id, bool active,
                                              const core::AuditEvent& audit) {
    User changed;
    PROCURA_TRY(
        db::run_transaction(pool_, "auth.set_active", [&](db::Transaction& tx) -> core::Status {
            PROCURA_TRY_ASSIGN(changed, lock_user(tx, id));
            PROCURA_TRY(check_admin_remains(tx, changed, active, changed.role));
            PROCURA_TRY(set_user_active_row(tx, id, active));
            if (!active) {
                PROCURA_TRY(end_sessions(tx, id));
                PROCURA_TRY(run_for_user(
                    tx, "auth.void_resets",
                    "DELETE FROM password_resets WHERE user_id = ? AND used_at_ms IS NULL", id));
            }
            PROCURA_TRY(append_user_event(tx, changed, audit));
            changed.active = active;
            ++changed.version;
            return {};
        }));
    return changed;
}

core::Status MySQLUserStore::insert_password_reset(const PasswordReset& reset,
                                                   const core::AuditEvent& audit) {
    return db::run_transaction(
        pool_, "auth.insert_password_reset", [&](db::Transaction& tx) -> core::Status {
            PROCURA_TRY_ASSIGN(auto user, lock_user(tx, reset.user_id));
            if (!user.active) {
                return core::conflict("user_inactive",
                                      "user " + user.username + " is inactive; activate it first");
            }
            PROCURA_TRY(run_for_user(
                tx, "auth.void_resets",
                "DELETE FROM password_resets WHERE user_id = ? AND used_at_ms IS NULL", user.id));
            PROCURA_TRY(insert_reset_row(tx, reset));
            // The user's row is not changed: the event names the version it was issued at.
            core::AuditEvent event = audit;
            event.entity_id = user.id;
            event.entity_version = user.version;
            PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, event));
            return {};
        });
}

core::Result<core::UserId> MySQLUserStore::use_password_reset(const std::string& code_hash_hex,
                                                              std::int64_t now_ms,
                                                              const std::string& password_hash,
                                                              const core::AuditEvent& audit) {
    core::UserId user_id = 0;
    PROCURA_TRY(db::run_transaction(
        pool_, "auth.use_password_reset", [&](db::Transaction& tx) -> core::Status {
            PROCURA_TRY_ASSIGN(auto reset, lock_reset_row(tx, code_hash_hex));
            if (!reset) {
                return core::bad_request("invalid_reset_code", "no such reset code", "code");
            }
            PROCURA_TRY(rules::check_password_reset(*reset, now_ms));
            PROCURA_TRY_ASSIGN(auto user, lock_user(tx, reset->user_id));
            PROCURA_TRY(tx.attempt("auth.set_password", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "UPDATE users SET password_hash = ?, version = version + 1 WHERE id = ?"));
                s->setString(1, password_hash);
                s->setInt64(2, user.id);
                s->executeUpdate();
                Statement used(c.prepareStatement(
                    "UPDATE password_resets SET used_at_ms = ? WHERE code_hash = ?"));
                used->setInt64(1, now_ms);
                used->setString(2, code_hash_hex);
                used->executeUpdate();
            }));
            PROCURA_TRY(end_sessions(tx, user.id));
            core::AuditEvent event = audit;
            event.actor_user_id = user.id;
            PROCURA_TRY(append_user_event(tx, user, event));
            user_id = user.id;
            return {};
        }));
    return user_id;
}

core::Status MySQLUserStore::insert_session(const Session& session) {
    auto inserted = db::with_connection(pool_, "auth.insert_session", [&](sql::Connection& c) {
        Statement s(c.prepareStatement(
            "INSERT INTO sessions (token_hash, user_id, created_at_ms, expires_at_ms) "
            "VALUES (?, ?, ?, ?)"));
        s->setString(1, session.token_hash_hex);
        s->setInt64(2, session.user_id);
        s->setInt64(3, session.created_at_ms);
        s->setInt64(4, session.expires_at_ms);
        s->executeUpdate();
    });
    if (!inserted && inserted.error().code == db::error_code_missing_reference) {
        return user_not_found(session.user_id);
    }
    return inserted;
}

namespace {

// A session with its user, as both session look-ups select them.
constexpr const char* session_select =
    "SELECT s.token_hash, s.user_id, s.created_at_ms, s.expires_at_ms, u.id, "
    "u.username, u.role, u.password_hash, u.active, u.created_at_ms, u.version "
    "FROM sessions s JOIN users u ON u.id = s.user_id WHERE ";

core::Result<std::pair<Session, User>> read_session(const sql::ResultSet& rows) {
    Session session{rows.getString(1).asStdString(), rows.getInt64(2), rows.getInt64(3),
                    rows.getInt64(4)};
    PROCURA_TRY_ASSIGN(auto user, read_user(rows, 5));
    return std::pair{std::move(session), std::move(user)};
}

}  // namespace

core::Result<std::optional<std::pair<Session, User>>> MySQLUserStore::find_session(
    const std::string& token_hash_hex) {
    using Found = std::optional<std::pair<Session, User>>;
    // Every authenticated request runs this: the connection's cached statement saves a prepare
    // and a close each time.
    return db::with_prepared(pool_, "auth.find_session",
                             std::string(session_select) + "s.token_hash = ?",
                             [&](sql::PreparedStatement& s) -> core::Result<Found> {
                                 s.setString(1, token_hash_hex);
                                 Rows rows(s.executeQuery());
                                 if (!rows->next()) return Found{};
                                 PROCURA_TRY_ASSIGN(auto found, read_session(*rows));
                                 return Found{std::move(found)};
                             });
}

core::Result<std::vector<std::pair<Session, User>>> MySQLUserStore::find_sessions(
    const std::vector<std::string>& token_hashes_hex) {
    using Found = std::vector<std::pair<Session, User>>;
    if (token_hashes_hex.empty()) return Found{};
    // The hashes are checked to be lower-case hex, so the list is written into the statement's
    // text: one round trip for a whole group of bids.
    std::string list;
    for (const std::string& hash : token_hashes_hex) {
        if (!core::is_sha256_hex(hash)) {
            return core::bad_request("bad_token_hash", "a token hash is 64 lower-case hex digits");
        }
        list += (list.empty() ? "'" : ", '") + hash + "'";
    }
    return db::with_connection(
        pool_, "auth.find_sessions", [&](sql::Connection& c) -> core::Result<Found> {
            std::unique_ptr<sql::Statement> s(c.createStatement());
            Rows rows(
                s->executeQuery(std::string(session_select) + "s.token_hash IN (" + list + ")"));
            Found out;
            while (rows->next()) {
                PROCURA_TRY_ASSIGN(auto found, read_session(*rows));
                out.push_back(std::move(found));
            }
            return out;
        });
}

core::Status MySQLUserStore::delete_session(const std::string& token_hash_hex) {
    return db::with_connection(pool_, "auth.delete_session", [&](sql::Connection& c) {
        Statement s(c.prepareStatement("DELETE FROM sessions WHERE token_hash = ?"));
        s->setString(1, token_hash_hex);
        s->executeUpdate();
    });
}

core::Result<std::int64_t> MySQLUserStore::delete_expired_sessions(std::int64_t now_ms) {
    return db::with_connection(
        pool_, "auth.delete_expired_sessions", [&](sql::Connection& c) -> std::int64_t {
            Statement s(c.prepareStatement("DELETE FROM sessions WHERE expires_at_ms <= ?"));
            s->setInt64(1, now_ms);
            return s->executeUpdate();
        });
}

}  // namespace procura::auth
