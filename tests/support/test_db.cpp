#include "tests/support/test_db.hpp"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "core/hash.hpp"
#include "db/migrate.hpp"
#include "db/transaction.hpp"
#include "db/url.hpp"

namespace procura::testing {
namespace {

std::string trim(std::string s) {
    const auto blank = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
    while (!s.empty() && blank(s.back())) s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && blank(s[start])) ++start;
    return s.substr(start);
}

bool is_valid_prefix(const std::string& prefix) {
    if (prefix.empty() || prefix.size() > 40) return false;
    for (char c : prefix) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

// url with its database path segment replaced by database (the query string is kept).
std::string with_database(const std::string& url, const std::string& database) {
    const std::size_t scheme_end = url.find("://");
    const std::size_t path =
        scheme_end == std::string::npos ? std::string::npos : url.find('/', scheme_end + 3);
    if (path == std::string::npos) throw std::runtime_error("test database URL has no path");
    const std::size_t query = url.find('?', path);
    return url.substr(0, path + 1) + database +
           (query == std::string::npos ? std::string() : url.substr(query));
}

}  // namespace

std::optional<std::string> test_db_url() {
    const char* file = std::getenv(test_db_url_file_variable);
    if (file == nullptr || *file == '\0') {
        std::cerr << "SKIPPED: environment variable " << test_db_url_file_variable
                  << " is not set (run through ctest, whose `mariadb` fixture sets it)\n";
        return std::nullopt;
    }
    std::ifstream in(file);
    if (!in) {
        std::cerr << "SKIPPED: test database URL file " << file
                  << " is missing (is the `mariadb` fixture running?)\n";
        return std::nullopt;
    }
    std::stringstream content;
    content << in.rdbuf();
    std::string url = trim(content.str());
    if (url.empty()) {
        std::cerr << "SKIPPED: test database URL file " << file << " is empty\n";
        return std::nullopt;
    }
    return url;
}

std::unique_ptr<db::ConnectionPool> open_pool(const std::string& url, std::size_t size) {
    auto config = db::parse_url(url);
    if (!config) throw std::runtime_error("bad test database URL: " + config.error().message);
    db::PoolOptions options;
    options.size = size;
    auto pool = db::ConnectionPool::open(*config, options);
    if (!pool) {
        throw std::runtime_error("cannot open a pool to the test database: " +
                                 pool.error().message);
    }
    return std::move(pool).value();
}

std::string create_fresh_database(const std::string& prefix) {
    if (!is_valid_prefix(prefix)) {
        throw std::runtime_error("database prefix must be 1..40 of [a-z0-9_]: " + prefix);
    }
    const auto url = test_db_url();
    if (!url) throw std::runtime_error("no test database (see the message above)");
    const std::string name = prefix + "_" + core::to_hex(core::random_bytes(8));
    auto pool = open_pool(*url, 1);
    // Database names cannot be parameters; this one is built only from the checked prefix
    // and hex digits.
    auto created = db::with_connection(*pool, "test.create_database", [&](sql::Connection& c) {
        std::unique_ptr<sql::Statement> s(c.createStatement());
        s->execute("CREATE DATABASE `" + name +
                   "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    });
    if (!created) {
        throw std::runtime_error("cannot create test database " + name + ": " +
                                 created.error().message);
    }
    return with_database(*url, name);
}

std::unique_ptr<db::ConnectionPool> open_fresh_migrated_pool(const std::string& prefix,
                                                             std::size_t size) {
    auto pool = open_pool(create_fresh_database(prefix), size);
    auto applied = db::migrate(*pool);
    if (!applied) throw std::runtime_error("migration failed: " + applied.error().message);
    return pool;
}

void execute_sql(db::ConnectionPool& pool, const std::string& sql) {
    auto done = db::with_connection(pool, "test.execute", [&](sql::Connection& c) {
        std::unique_ptr<sql::Statement> s(c.createStatement());
        s->execute(sql);
    });
    if (!done) throw std::runtime_error("SQL failed: " + sql + ": " + done.error().message);
}

std::int64_t query_int64(db::ConnectionPool& pool, const std::string& sql) {
    auto value = db::with_connection(
        pool, "test.query", [&](sql::Connection& c) -> procura::core::Result<std::int64_t> {
            std::unique_ptr<sql::Statement> s(c.createStatement());
            std::unique_ptr<sql::ResultSet> rows(s->executeQuery(sql));
            if (!rows->next()) {
                return procura::core::make_error(procura::core::ErrorKind::not_found, "no_row",
                                                 "no row");
            }
            return static_cast<std::int64_t>(rows->getInt64(1));
        });
    if (!value) throw std::runtime_error("SQL failed: " + sql + ": " + value.error().message);
    return *value;
}

}  // namespace procura::testing
