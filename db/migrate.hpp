// Versioned schema migrations. The SQL files db/migrations/NNNN_name.sql are compiled into the
// binary; migrate() applies those not yet recorded in the schema_migrations table, in order,
// each exactly once, under a server-side lock (GET_LOCK) so that several `procura serve`
// processes starting together never apply one twice. An applied migration whose file has
// changed since (checksum mismatch) is an error, not silently skipped.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"
#include "db/pool.hpp"

namespace procura::db {

struct Migration {
    int version = 0;
    std::string name;
    std::string sql;
};

// The embedded migrations, ascending version.
const std::vector<Migration>& embedded_migrations();

// Applies pending migrations; returns the versions applied now (empty if none).
core::Result<std::vector<int>> migrate(ConnectionPool& pool);

}  // namespace procura::db
