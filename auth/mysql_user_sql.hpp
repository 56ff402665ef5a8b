// The SQL of the users table, as functions that run inside a transaction the caller owns:
// MySQLUserStore uses them for its own transactions, and other adapters whose change must
// create or activate a user in the same transaction (a supplier's registration and approval,
// suppliers/mysql_store.cpp) use them too, so that the users table is written in one place.
// For MySQL adapters only (exposes db::Transaction and so Connector/C++ types).
#pragma once

#include <optional>
#include <string>

#include "auth/model.hpp"
#include "core/result.hpp"
#include "db/transaction.hpp"

namespace procura::auth {

// Inserts the row of u (u.id ignored) inside tx and returns its id. A duplicate username is a
// conflict "username_taken" (field "username"); other failures are the database's. Appends no
// audit event: the caller does, in the same transaction. Any failure marks tx failed.
core::Result<core::UserId> insert_user_row(db::Transaction& tx, const User& u);

// Sets the user's active flag inside tx and raises its version. not_found "user_not_found" if there
// is no such user (tx is then marked failed). Appends no audit event.
core::Status set_user_active_row(db::Transaction& tx, core::UserId id, bool active);

// Inserts the reset code's row inside tx (reset.user_id must exist). Appends no audit event.
core::Status insert_reset_row(db::Transaction& tx, const PasswordReset& reset);

// The reset code's row by its hash, locked FOR UPDATE until tx ends; nullopt if unknown.
core::Result<std::optional<PasswordReset>> lock_reset_row(db::Transaction& tx,
                                                          const std::string& code_hash_hex);

}  // namespace procura::auth
