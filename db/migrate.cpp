#include "db/migrate.hpp"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.hpp"
#include "db/connection.hpp"
#include "db/mysql_error.hpp"

// How a migration file becomes statements: the file is cut at every ';' that ends a line
// (trailing blanks allowed), and whole-line comments ("-- ...") are dropped. There is no SQL
// tokenizer here on purpose, so our migration files follow one rule, stated at the top of
// each: no ';' inside string literals or comments, and each statement's ';' ends its line.
// Statements are sent one by one (the connection does not allow multi-statements).
//
// MariaDB commits DDL implicitly, so a migration is not atomic: if statement k fails, the
// statements before it stay applied and the version is not recorded. Write migrations so that
// a failure is visible and repairable by hand (small steps, one concern per file).

namespace procura::db {
namespace {

// Each GET_LOCK call waits at most this long on the server, well under any client read
// time-out; the loop below keeps asking until lock_wait_total has passed.
constexpr int lock_poll_s = 1;
constexpr std::chrono::seconds lock_wait_total{300};

std::string_view trim(std::string_view s) {
    const auto is_blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

std::vector<std::string> split_statements(std::string_view sql) {
    std::vector<std::string> statements;
    std::string current;
    const auto flush = [&] {
        if (!trim(current).empty()) statements.emplace_back(trim(current));
        current.clear();
    };
    std::size_t pos = 0;
    while (pos < sql.size()) {
        const std::size_t eol = sql.find('\n', pos);
        const std::size_t end = eol == std::string_view::npos ? sql.size() : eol;
        const std::string_view line = sql.substr(pos, end - pos);
        pos = eol == std::string_view::npos ? sql.size() : eol + 1;
        const std::string_view content = trim(line);
        if (content.substr(0, 2) == "--") continue;
        if (!content.empty() && content.back() == ';') {
            // Keep the line's indentation, drop the ';' and anything after it on the line.
            const std::size_t semicolon = line.rfind(';');
            current.append(line.substr(0, semicolon));
            flush();
        } else {
            current.append(line);
            current.push_back('\n');
        }
    }
    flush();
    return statements;
}

std::string label(const Migration& m) {
    char version[16];
    std::snprintf(version, sizeof version, "%04d", m.version);
    return std::string(version) + "_" + m.name;
}

core::Error migration_error(std::string code, std::string message) {
    spdlog::error("db: migrate: {}", message);
    return core::internal(std::move(code), std::move(message));
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct AppliedMigration {
    std::string name;
    std::string checksum;
};

// The lock is named after the database, so that migrations of different databases on one
// server (for example parallel test databases) do not wait for each other.
constexpr const char* lock_name_sql = "CONCAT('procura.migrate.', MD5(DATABASE()))";

// Holds the server-side migration lock of a connection; releases it on destruction.
class MigrationLock {
public:
    explicit MigrationLock(sql::Connection& c) : c_(c) {}
    MigrationLock(const MigrationLock&) = delete;
    MigrationLock& operator=(const MigrationLock&) = delete;

    // Waits for the lock. Returns false after lock_wait_total. Throws sql::SQLException.
    bool acquire() {
        std::unique_ptr<sql::PreparedStatement> get(
            c_.prepareStatement(std::string("SELECT GET_LOCK(") + lock_name_sql + ", ?)"));
        get->setInt(1, lock_poll_s);
        const auto deadline = std::chrono::steady_clock::now() + lock_wait_total;
        while (std::chrono::steady_clock::now() < deadline) {
            std::unique_ptr<sql::ResultSet> row(get->executeQuery());
            if (row->next() && !row->isNull(1) && row->getInt(1) == 1) {
                held_ = true;
                return true;
            }
        }
        return false;
    }

    ~MigrationLock() {
        if (!held_) return;
        try {
            std::unique_ptr<sql::Statement> release(c_.createStatement());
            std::unique_ptr<sql::ResultSet> row(
                release->executeQuery(std::string("SELECT RELEASE_LOCK(") + lock_name_sql + ")"));
        } catch (const sql::SQLException& e) {
            // The server drops the lock with the session anyway.
            spdlog::warn("db: migrate: could not release the migration lock: {}", e.what());
        }
    }

private:
    sql::Connection& c_;
    bool held_ = false;
};

std::map<int, AppliedMigration> read_applied(sql::Connection& c) {
    std::map<int, AppliedMigration> applied;
    std::unique_ptr<sql::Statement> statement(c.createStatement());
    std::unique_ptr<sql::ResultSet> exists(statement->executeQuery(
        "SELECT COUNT(*) FROM information_schema.tables "
        "WHERE table_schema = DATABASE() AND table_name = 'schema_migrations'"));
    if (!exists->next() || exists->getInt64(1) == 0) return applied;
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(
        "SELECT version, name, checksum FROM schema_migrations ORDER BY version"));
    while (rows->next()) {
        applied[rows->getInt(1)] =
            AppliedMigration{rows->getString(2).asStdString(), rows->getString(3).asStdString()};
    }
    return applied;
}

// Applies pending migrations on c, which holds the migration lock. Throws sql::SQLException.
core::Result<std::vector<int>> apply_pending(sql::Connection& c) {
    const std::map<int, AppliedMigration> applied = read_applied(c);
    const std::vector<Migration>& migrations = embedded_migrations();

    for (const auto& [version, record] : applied) {
        bool known = false;
        for (const Migration& m : migrations) known = known || m.version == version;
        if (!known) {
            // A newer binary has migrated this database. Old and new processes may overlap
            // during a rolling upgrade, so this is a warning, not a refusal.
            spdlog::warn("db: migrate: database has migration {} ({}) unknown to this binary",
                         version, record.name);
        }
    }
    for (const Migration& m : migrations) {
        auto it = applied.find(m.version);
        if (it != applied.end() && it->second.checksum != core::sha256_hex(m.sql)) {
            return migration_error("migration_checksum_mismatch",
                                   "migration " + label(m) +
                                       " was applied from a different file (checksum "
                                       "mismatch); restore the original file and add a new "
                                       "migration instead");
        }
    }

    std::vector<int> applied_now;
    for (const Migration& m : migrations) {
        if (applied.count(m.version) != 0) continue;
        const std::vector<std::string> statements = split_statements(m.sql);
        std::unique_ptr<sql::Statement> statement(c.createStatement());
        for (std::size_t i = 0; i < statements.size(); ++i) {
            try {
                statement->execute(statements[i]);
            } catch (const sql::SQLException& e) {
                if (classify(e) == SQLErrorClass::connection) throw;
                spdlog::error("db: migrate: {} statement {} failed: MySQL error {}: {}", label(m),
                              i + 1, e.getErrorCode(), e.what());
                return migration_error("migration_failed", "migration " + label(m) +
                                                               " failed at statement " +
                                                               std::to_string(i + 1) + " of " +
                                                               std::to_string(statements.size()));
            }
        }
        std::unique_ptr<sql::PreparedStatement> record(c.prepareStatement(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at_ms) "
            "VALUES (?, ?, ?, ?)"));
        record->setInt(1, m.version);
        record->setString(2, m.name);
        record->setString(3, core::sha256_hex(m.sql));
        record->setInt64(4, now_ms());
        record->executeUpdate();
        spdlog::info("db: migrate: applied {} ({} statements)", label(m), statements.size());
        applied_now.push_back(m.version);
    }
    return applied_now;
}

}  // namespace

core::Result<std::vector<int>> migrate(ConnectionPool& pool) {
    const std::vector<Migration>& migrations = embedded_migrations();
    for (std::size_t i = 1; i < migrations.size(); ++i) {
        // The generator sorts and rejects duplicate versions; a violation is a build bug.
        PROCURA_ASSERT(migrations[i - 1].version < migrations[i].version);
    }

    PROCURA_TRY_ASSIGN(auto acquired, pool.acquire());
    PooledConnection connection = std::move(acquired);
    try {
        MigrationLock lock(connection.get());
        if (!lock.acquire()) {
            spdlog::error("db: migrate: another process held the migration lock for {} s",
                          lock_wait_total.count());
            return core::unavailable("migration_lock_timeout",
                                     "another process is migrating the database; try again");
        }
        return apply_pending(connection.get());
    } catch (const sql::SQLException& e) {
        if (classify(e) == SQLErrorClass::connection) connection.mark_broken();
        return to_error(e, "db.migrate");
    }
}

}  // namespace procura::db
