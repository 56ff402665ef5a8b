// A fixed-size pool of MariaDB connections (MySQL Connector/C++ 1.1). Connections are handed
// out one thread at a time; acquiring waits at most acquire_timeout and then fails with an
// unavailable error, so a saturated database turns into 503s, not a pile-up. The pool calls
// the driver's threadInit()/threadEnd() for each thread that uses it. This header does not
// include Connector/C++; adapters include db/connection.hpp for the raw connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include "core/result.hpp"
#include "db/url.hpp"

namespace procura::db {

struct PoolOptions {
    std::size_t size = 8;
    std::chrono::milliseconds acquire_timeout{5000};
    std::chrono::seconds connect_timeout{5};
    std::chrono::seconds read_timeout{30};
};

class PooledConnection;  // defined in db/connection.hpp

class ConnectionPool {
public:
    // Connects size connections (failing fast with an unavailable error if the server cannot
    // be reached). Thread-safe after construction.
    static core::Result<std::unique_ptr<ConnectionPool>> open(const ConnectionConfig& config,
                                                              const PoolOptions& options);
    ~ConnectionPool();
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    // Runs "SELECT 1" on a pooled connection: ok if the database answers.
    core::Status ping();

    // A connection for exclusive use until the returned handle is destroyed. Reconnects a
    // broken connection once before failing.
    core::Result<PooledConnection> acquire();

    struct Impl;

private:
    explicit ConnectionPool(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    friend class PooledConnection;
};

}  // namespace procura::db
