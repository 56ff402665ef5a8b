#include "db/pool.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "db/connection.hpp"
#include "db/mysql_error.hpp"

namespace procura::db {
namespace {

// A connection idle for longer than this is pinged before it is handed out, so that
// connections killed while idle (server restart, wait_timeout) are replaced instead of
// failing the request that happens to get them. Busy pools never pay for the ping.
constexpr std::chrono::milliseconds idle_validate_after{1000};

// How long a transaction waits for a row lock before failing with 1205 (then retried).
// Shorter than MariaDB's 50-second default, so that a stuck transaction surfaces quickly.
constexpr int lock_wait_timeout_s = 10;

// Session settings for every connection: strict SQL (invalid data is an error, never silently
// truncated), UTC, and READ COMMITTED so that reads after a row lock see the latest commits.
// Snapshot reads ask for REPEATABLE READ per transaction (db/transaction.cpp).
std::string session_setup_sql() {
    return "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
           "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00', "
           "innodb_lock_wait_timeout = " +
           std::to_string(lock_wait_timeout_s);
}

sql::mysql::MySQL_Driver* driver() {
    static std::once_flag once;
    static sql::mysql::MySQL_Driver* instance = nullptr;
    // get_driver_instance initialises the client library, which is not thread-safe.
    std::call_once(once, [] { instance = sql::mysql::get_mysql_driver_instance(); });
    return instance;
}

// The client library keeps per-thread state: every thread that touches a connection must call
// threadInit() first and threadEnd() before it exits. One guard per thread does both.
struct ThreadGuard {
    ThreadGuard() { driver()->threadInit(); }
    ~ThreadGuard() { driver()->threadEnd(); }
    ThreadGuard(const ThreadGuard&) = delete;
    ThreadGuard& operator=(const ThreadGuard&) = delete;
};

void ensure_thread_init() {
    thread_local ThreadGuard guard;
    (void)guard;
}

template <class Rep, class Period>
int whole_seconds(std::chrono::duration<Rep, Period> d) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    return s < 1 ? 1 : static_cast<int>(s);
}

}  // namespace

struct ConnectionPool::Impl {
    struct Idle {
        std::unique_ptr<sql::Connection> connection;
        StatementCache statements;  // declared after connection: destroyed before it
        std::chrono::steady_clock::time_point since;
    };

    ConnectionConfig config;
    PoolOptions options;

    std::mutex mutex;
    std::condition_variable returned;
    std::vector<Idle> idle;       // most recently returned last (reused first: warm caches)
    std::size_t empty_slots = 0;  // slots whose connection was discarded; reconnect on demand
    std::size_t checked_out = 0;

    // Opens and configures one connection. Thread-safe (no shared state touched).
    core::Result<std::unique_ptr<sql::Connection>> connect() const;
    // Puts a connection with its statements (or an empty slot) back and wakes one waiter.
    void give_back(std::unique_ptr<sql::Connection> connection, StatementCache statements);
};

core::Result<std::unique_ptr<sql::Connection>> ConnectionPool::Impl::connect() const {
    ensure_thread_init();
    sql::ConnectOptionsMap properties;
    if (!config.socket.empty()) {
        properties["hostName"] = sql::SQLString("unix://" + config.socket);
    } else if (config.host.find(':') != std::string::npos) {
        properties["hostName"] =
            sql::SQLString("tcp://[" + config.host + "]:" + std::to_string(config.port));
    } else {
        properties["hostName"] =
            sql::SQLString("tcp://" + config.host + ":" + std::to_string(config.port));
    }
    properties["userName"] = sql::SQLString(config.user);
    properties["password"] = sql::SQLString(config.password);
    properties["schema"] = sql::SQLString(config.database);
    properties["OPT_CONNECT_TIMEOUT"] = whole_seconds(options.connect_timeout);
    properties["OPT_READ_TIMEOUT"] = whole_seconds(options.read_timeout);
    properties["OPT_WRITE_TIMEOUT"] = whole_seconds(options.read_timeout);
    // A silent reconnect would lose session settings and any open transaction.
    properties["OPT_RECONNECT"] = false;
    properties["CLIENT_MULTI_STATEMENTS"] = false;
    // UPDATE reports matched rows, so "no such row" and "row unchanged" can be told apart.
    properties["CLIENT_FOUND_ROWS"] = true;
    properties["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    try {
        std::unique_ptr<sql::Connection> connection(driver()->connect(properties));
        connection->setTransactionIsolation(sql::TRANSACTION_READ_COMMITTED);
        std::unique_ptr<sql::Statement> statement(connection->createStatement());
        statement->execute(session_setup_sql());
        return connection;
    } catch (const sql::SQLException& e) {
        core::Error error = to_error(e, "db.connect");
        // Whatever went wrong while connecting, the service cannot use the database.
        if (error.kind != core::ErrorKind::unavailable) {
            error = core::unavailable(std::string(error_code_unavailable),
                                      "the database is unavailable; please try again later");
        }
        return error;
    }
}

void ConnectionPool::Impl::give_back(std::unique_ptr<sql::Connection> connection,
                                     StatementCache statements) {
    PROCURA_ASSERT(connection || statements.size() == 0);
    {
        std::lock_guard lock(mutex);
        PROCURA_ASSERT(checked_out > 0);
        --checked_out;
        if (connection) {
            idle.push_back(Idle{std::move(connection), std::move(statements),
                                std::chrono::steady_clock::now()});
        } else {
            ++empty_slots;
        }
    }
    returned.notify_one();
}

core::Result<std::unique_ptr<ConnectionPool>> ConnectionPool::open(const ConnectionConfig& config,
                                                                   const PoolOptions& options) {
    PROCURA_ASSERT(options.size >= 1);
    auto impl = std::make_unique<Impl>();
    impl->config = config;
    impl->options = options;
    impl->idle.reserve(options.size);
    for (std::size_t i = 0; i < options.size; ++i) {
        PROCURA_TRY_ASSIGN(auto connection, impl->connect());
        impl->idle.push_back(
            Impl::Idle{std::move(connection), StatementCache{}, std::chrono::steady_clock::now()});
    }
    spdlog::debug("db: pool of {} connections to {}:{}/{} open", options.size, config.host,
                  config.port, config.database);
    return std::unique_ptr<ConnectionPool>(new ConnectionPool(std::move(impl)));
}

ConnectionPool::ConnectionPool(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ConnectionPool::~ConnectionPool() {
    // A handle outliving its pool would later write into freed memory: that is a bug.
    PROCURA_ASSERT(impl_->checked_out == 0);
    ensure_thread_init();
    impl_->idle.clear();
}

core::Result<PooledConnection> ConnectionPool::acquire() {
    ensure_thread_init();
    std::unique_ptr<sql::Connection> connection;
    StatementCache statements;
    std::chrono::steady_clock::time_point idle_since;
    {
        std::unique_lock lock(impl_->mutex);
        const bool got = impl_->returned.wait_for(lock, impl_->options.acquire_timeout, [&] {
            return !impl_->idle.empty() || impl_->empty_slots > 0;
        });
        if (!got) {
            spdlog::warn("db: no pooled connection free within {} ms ({} in use)",
                         impl_->options.acquire_timeout.count(), impl_->checked_out);
            return core::unavailable(std::string(error_code_busy),
                                     "the database is busy; please try again");
        }
        if (!impl_->idle.empty()) {
            connection = std::move(impl_->idle.back().connection);
            statements = std::move(impl_->idle.back().statements);
            idle_since = impl_->idle.back().since;
            impl_->idle.pop_back();
        } else {
            --impl_->empty_slots;
        }
        ++impl_->checked_out;
    }

    if (connection && std::chrono::steady_clock::now() - idle_since >= idle_validate_after) {
        bool valid = false;
        try {
            valid = !connection->isClosed() && connection->isValid();
        } catch (const sql::SQLException& e) {
            spdlog::info("db: idle connection failed its check: {}", e.what());
        }
        if (!valid) {
            spdlog::info("db: replacing a broken idle connection");
            statements.clear();
            connection.reset();
        }
    }
    if (!connection) {
        auto fresh = impl_->connect();
        if (!fresh) {
            impl_->give_back(nullptr, StatementCache{});
            return fresh.error();
        }
        connection = std::move(fresh).value();
    }
    return PooledConnection(impl_.get(), std::move(connection), std::move(statements));
}

core::Status ConnectionPool::ping() {
    PROCURA_TRY_ASSIGN(auto acquired, acquire());
    PooledConnection connection = std::move(acquired);
    try {
        std::unique_ptr<sql::Statement> statement(connection->createStatement());
        std::unique_ptr<sql::ResultSet> rows(statement->executeQuery("SELECT 1"));
        if (!rows->next() || rows->getInt(1) != 1) {
            return core::internal(std::string(error_code_internal),
                                  "the database answered SELECT 1 unexpectedly");
        }
        return {};
    } catch (const sql::SQLException& e) {
        core::Error error = to_error(e, "db.ping");
        if (classify(e) == SQLErrorClass::connection) connection.mark_broken();
        return error;
    }
}

sql::PreparedStatement& StatementCache::get(sql::Connection& connection, const std::string& sql) {
    auto found = statements_.find(sql);
    if (found != statements_.end()) return *found->second;
    if (statements_.size() >= statements_max) statements_.clear();
    std::unique_ptr<sql::PreparedStatement> statement(connection.prepareStatement(sql));
    return *statements_.emplace(sql, std::move(statement)).first->second;
}

PooledConnection::PooledConnection(ConnectionPool::Impl* pool,
                                   std::unique_ptr<sql::Connection> connection,
                                   StatementCache statements)
    : pool_(pool), connection_(std::move(connection)), statements_(std::move(statements)) {}

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      connection_(std::move(other.connection_)),
      statements_(std::exchange(other.statements_, StatementCache{})),
      broken_(std::exchange(other.broken_, false)),
      transaction_open_(std::exchange(other.transaction_open_, false)) {}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
    if (this != &other) {
        release();
        pool_ = std::exchange(other.pool_, nullptr);
        connection_ = std::move(other.connection_);
        statements_ = std::exchange(other.statements_, StatementCache{});
        broken_ = std::exchange(other.broken_, false);
        transaction_open_ = std::exchange(other.transaction_open_, false);
    }
    return *this;
}

PooledConnection::~PooledConnection() { release(); }

sql::Connection& PooledConnection::get() {
    PROCURA_ASSERT(connection_ != nullptr);
    return *connection_;
}

sql::PreparedStatement& PooledConnection::prepared(const std::string& sql) {
    PROCURA_ASSERT(connection_ != nullptr);
    return statements_.get(*connection_, sql);
}

void PooledConnection::release() {
    if (pool_ == nullptr) return;
    ensure_thread_init();
    if (connection_ && !broken_ && transaction_open_) {
        // Whoever held the connection left a transaction open (an early return or an
        // exception): undo it, so the next user starts clean.
        try {
            // As a statement: Connection::rollback() would hide a failure (db/transaction.cpp).
            std::unique_ptr<sql::Statement> statement(connection_->createStatement());
            statement->execute("ROLLBACK");
            connection_->setAutoCommit(true);  // in case a holder turned it off by hand
        } catch (const sql::SQLException& e) {
            spdlog::warn("db: could not reset a returned connection; discarding it: {}", e.what());
            broken_ = true;
        }
    }
    if (broken_) {
        statements_.clear();
        connection_.reset();
    }
    pool_->give_back(std::move(connection_), std::move(statements_));
    statements_.clear();
    pool_ = nullptr;
    broken_ = false;
    transaction_open_ = false;
}

}  // namespace procura::db
