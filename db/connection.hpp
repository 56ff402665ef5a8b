// PooledConnection: exclusive use of one Connector/C++ connection from a db::ConnectionPool,
// returned to the pool when the handle is destroyed. Only the db module and the MySQL
// adapters include this header, because it exposes <cppconn/connection.h>.
// A handle must not outlive its pool, and must be used by one thread at a time (it may move
// between threads, as Connector/C++ connections may).
#pragma once

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include "db/pool.hpp"

namespace procura::db {

// The server-side prepared statements of one connection, keyed by their SQL text, so that a
// hot query is prepared once per connection instead of once per use (prepare, execute and
// close become execute alone). At most statements_max are kept; a miss when full closes them
// all and starts again, which is simple and enough while the hot set is small. The cache
// travels with its connection through the pool and is emptied whenever the connection is
// discarded. Not thread-safe: it belongs to whoever holds the connection.
class StatementCache {
public:
    static constexpr std::size_t statements_max = 128;

    // The statement for sql on connection, prepared on a miss. Valid until evict(sql),
    // clear() or the next get() that misses (a miss on a full cache closes every statement),
    // so use one reference at a time. Throws sql::SQLException if preparing fails.
    sql::PreparedStatement& get(sql::Connection& connection, const std::string& sql);
    void evict(const std::string& sql) { statements_.erase(sql); }
    void clear() { statements_.clear(); }
    std::size_t size() const { return statements_.size(); }

private:
    std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;
};

class PooledConnection {
public:
    PooledConnection(PooledConnection&& other) noexcept;
    PooledConnection& operator=(PooledConnection&& other) noexcept;
    PooledConnection(const PooledConnection&) = delete;
    PooledConnection& operator=(const PooledConnection&) = delete;

    // Returns the connection to its pool. If a transaction was left open (see
    // set_transaction_open) it is rolled back and autocommit restored first; a connection
    // marked broken, or one whose clean-up fails, is closed and replaced on a later acquire.
    ~PooledConnection();

    // The raw connection. Precondition: the handle was not moved from.
    sql::Connection& get();
    sql::Connection& operator*() { return get(); }
    sql::Connection* operator->() { return &get(); }

    // This connection's cached prepared statement for sql (see StatementCache): prepared on
    // first use, then reused by every later holder of the connection. The caller must set
    // every parameter before executing and destroy its result sets before releasing the
    // handle. Valid until evict_prepared(sql), the handle is released or the next prepared()
    // call that misses (StatementCache::get): use one reference at a time. Throws
    // sql::SQLException if preparing fails. Precondition: the handle was not moved from.
    sql::PreparedStatement& prepared(const std::string& sql);

    // Drops sql's cached statement, for example because a use of it failed.
    void evict_prepared(const std::string& sql) { statements_.evict(sql); }
    // Drops every cached statement, for example after a failed transaction attempt.
    void clear_prepared() { statements_.clear(); }

    // Tells the pool not to reuse this connection, for example after the server went away.
    void mark_broken() { broken_ = true; }
    bool broken() const { return broken_; }

    // Records whether a transaction may be open on the connection (autocommit off or an
    // explicit START TRANSACTION). db/transaction.cpp keeps this up to date; the pool uses it
    // to roll back before reuse.
    void set_transaction_open(bool open) { transaction_open_ = open; }

private:
    friend class ConnectionPool;
    PooledConnection(ConnectionPool::Impl* pool, std::unique_ptr<sql::Connection> connection,
                     StatementCache statements);
    void release();

    ConnectionPool::Impl* pool_ = nullptr;
    std::unique_ptr<sql::Connection> connection_;
    StatementCache statements_;  // statements of connection_; emptied before it is reset
    bool broken_ = false;
    bool transaction_open_ = false;
};

}  // namespace procura::db
