// Helpers for tests against a real MariaDB: find the server started by the CTest `mariadb`
// fixture (scripts/test-db.sh) and give each test case its own empty database, so that cases
// never see each other's rows and can run in any order. Test code only: failures throw
// std::runtime_error, which Boost.Test reports as a failed case.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "db/pool.hpp"

namespace procura::testing {

// The exit code by which a test executable tells CTest it was skipped (SKIP_RETURN_CODE).
inline constexpr int skip_return_code = 77;

// The environment variable naming the file that holds the fixture server's URL.
inline constexpr const char* test_db_url_file_variable = "PROCURA_TEST_DB_URL_FILE";

// The URL in the file named by PROCURA_TEST_DB_URL_FILE, trimmed. Returns nullopt, after
// printing to stderr which variable or file is missing, when there is no fixture: the caller
// should then exit with skip_return_code.
std::optional<std::string> test_db_url();

// Creates a uniquely named empty database (prefix, '_', 16 random hex digits) on the fixture's
// server and returns its URL. prefix must be 1..40 characters of [a-z0-9_]. Throws
// std::runtime_error if there is no fixture or the server refuses.
std::string create_fresh_database(const std::string& prefix);

// Opens a pool of `size` connections to url. Throws std::runtime_error on failure.
std::unique_ptr<db::ConnectionPool> open_pool(const std::string& url, std::size_t size = 4);

// create_fresh_database, then db::migrate, then open_pool: a ready, empty schema.
std::unique_ptr<db::ConnectionPool> open_fresh_migrated_pool(const std::string& prefix,
                                                             std::size_t size = 4);

// Runs one SQL statement (no parameters; test code only) on a pooled connection. Throws
// std::runtime_error on failure.
void execute_sql(db::ConnectionPool& pool, const std::string& sql);

// The first column of the first row of a query, as an integer. Throws std::runtime_error on
// failure or when there is no row.
std::int64_t query_int64(db::ConnectionPool& pool, const std::string& sql);

}  // namespace procura::testing
