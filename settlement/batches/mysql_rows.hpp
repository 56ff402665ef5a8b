// Column readers and the corruption error that the MariaDB batch store's files share
// (mysql_store.cpp, mysql_candidates.cpp). Adapter-private: nothing else includes it.
#pragma once

#include <cppconn/resultset.h>

#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "db/mysql_error.hpp"

namespace procura::settlement::batches {

// The internal error for a stored value this code cannot read.
inline core::Error corrupt(const std::string& what) {
    return core::internal(std::string(db::error_code_internal), "stored " + what + " is corrupt");
}

// The column as text, empty when it is NULL.
inline std::string text(const sql::ResultSet& rows, int column) {
    return rows.isNull(column) ? std::string() : rows.getString(column).asStdString();
}

// The column as an integer, 0 when it is NULL.
inline std::int64_t int_or_zero(const sql::ResultSet& rows, int column) {
    return rows.isNull(column) ? 0 : rows.getInt64(column);
}

}  // namespace procura::settlement::batches
