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
        Statement s(c.prepareStatement("UPDATE users SET active = ? WHERE id = ?"));
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

}  // namespace procura::auth
