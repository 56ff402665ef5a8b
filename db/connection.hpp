// PooledConnection: exclusive use of one Connector/C++ connection from a db::ConnectionPool,
// returned to the pool when the handle is destroyed. Only the db module and the MySQL
// adapters include this header, because it exposes <cppconn/connection.h>.
// A handle must not outlive its pool, and must be used by one thread at a time (it may move
// between threads, as Connector/C++ connections may).
#pragma once

#include <cppconn/connection.h>

#include <memory>

#include "db/pool.hpp"

namespace procura::db {

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

    // Tells the pool not to reuse this connection, for example after the server went away.
    void mark_broken() { broken_ = true; }
    bool broken() const { return broken_; }

    // Records whether a transaction may be open on the connection (autocommit off or an
    // explicit START TRANSACTION). db/transaction.cpp keeps this up to date; the pool uses it
    // to roll back before reuse.
    void set_transaction_open(bool open) { transaction_open_ = open; }

private:
    friend class ConnectionPool;
    PooledConnection(ConnectionPool::Impl* pool, std::unique_ptr<sql::Connection> connection);
    void release();

    ConnectionPool::Impl* pool_ = nullptr;
    std::unique_ptr<sql::Connection> connection_;
    bool broken_ = false;
    bool transaction_open_ = false;
};

}  // namespace procura::db
