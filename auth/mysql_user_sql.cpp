#include "auth/mysql_user_sql.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>

namespace procura::auth {
namespace {

using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

}  // namespace

core::Result<core::UserId> insert_user_row(db::Transaction& tx, const User& u) {
    auto inserted = tx.attempt("auth.insert_user", [&](sql::Connection& c) {
        Statement s(c.prepareStatement(
            "INSERT INTO users (username, role, password_hash, active, created_at_ms) "
            "VALUES (?, ?, ?, ?, ?)"));
        s->setString(1, u.username);
        s->setString(2, std::string(core::to_string(u.role)));
        s->setString(3, u.password_hash);
        s->setBoolean(4, u.active);
        s->setInt64(5, u.created_at_ms);
        s->executeUpdate();
        std::unique_ptr<sql::Statement> last(c.createStatement());
        Rows rows(last->executeQuery("SELECT LAST_INSERT_ID()"));
        rows->next();
        return rows->getInt64(1);
    });
    if (!inserted) {
        // users_username is the table's only unique key besides the id.
        if (inserted.error().code == db::error_code_duplicate) {
            return core::conflict("username_taken", "the username " + u.username + " is taken",
                                  "username");
        }
        return inserted.error();
    }
    return *inserted;
}

core::Status set_user_active_row(db::Transaction& tx, core::UserId id, bool active) {
    PROCURA_TRY_ASSIGN(auto matched, tx.attempt("auth.set_active", [&](sql::Connection& c) {
        Statement s(
            c.prepareStatement("UPDATE users SET active = ?, version = version + 1 WHERE id = ?"));
        s->setBoolean(1, active);
        s->setInt64(2, id);
        // CLIENT_FOUND_ROWS: matched rows, so setting the same value again is not "missing".
        return s->executeUpdate();
    }));
    if (matched == 0) {
        core::Error missing = core::not_found("user_not_found", "no user " + std::to_string(id));
        tx.fail(missing);
        return missing;
    }
    return {};
}

core::Status insert_reset_row(db::Transaction& tx, const PasswordReset& reset) {
    return tx.attempt("auth.insert_reset", [&](sql::Connection& c) {
        Statement s(c.prepareStatement(
            "INSERT INTO password_resets (code_hash, user_id, created_at_ms, expires_at_ms, "
            "used_at_ms) VALUES (?, ?, ?, ?, NULL)"));
        s->setString(1, reset.code_hash_hex);
        s->setInt64(2, reset.user_id);
        s->setInt64(3, reset.created_at_ms);
        s->setInt64(4, reset.expires_at_ms);
        s->executeUpdate();
    });
}

core::Result<std::optional<PasswordReset>> lock_reset_row(db::Transaction& tx,
                                                          const std::string& code_hash_hex) {
    return tx.attempt("auth.lock_reset", [&](sql::Connection& c) -> std::optional<PasswordReset> {
        Statement s(c.prepareStatement(
            "SELECT code_hash, user_id, created_at_ms, expires_at_ms, used_at_ms "
            "FROM password_resets WHERE code_hash = ? FOR UPDATE"));
        s->setString(1, code_hash_hex);
        Rows rows(s->executeQuery());
        if (!rows->next()) return std::nullopt;
        PasswordReset reset;
        reset.code_hash_hex = rows->getString(1).asStdString();
        reset.user_id = rows->getInt64(2);
        reset.created_at_ms = rows->getInt64(3);
        reset.expires_at_ms = rows->getInt64(4);
        if (!rows->isNull(5)) reset.used_at_ms = rows->getInt64(5);
        return reset;
    });
}

}  // namespace procura::auth
