#include "db/transaction.hpp"

#include <cppconn/statement.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <random>
#include <thread>

namespace procura::db {
namespace detail {

void sleep_before_retry(const RetryPolicy& policy, int attempt) {
    const int doublings = std::clamp(attempt - 1, 0, 20);
    const std::chrono::milliseconds base = std::min<std::chrono::milliseconds>(
        policy.backoff_initial * (1LL << doublings), policy.backoff_max);
    thread_local std::minstd_rand jitter(std::random_device{}());
    // Sleep somewhere between half and all of the base delay.
    const auto half = base.count() / 2;
    std::uniform_int_distribution<long long> pick(half, std::max<long long>(half, base.count()));
    std::this_thread::sleep_for(std::chrono::milliseconds(pick(jitter)));
}

core::Error exception_error(PooledConnection& connection, const sql::SQLException& e,
                            std::string_view operation) {
    if (classify(e) == SQLErrorClass::connection) connection.mark_broken();
    return to_error(e, operation);
}

}  // namespace detail

namespace {

void begin(sql::Connection& connection, TransactionMode mode) {
    switch (mode) {
        case TransactionMode::read_write: {
            // START TRANSACTION leaves the session's autocommit on: the transaction ends at
            // COMMIT or ROLLBACK, and nothing needs restoring afterwards (one round trip fewer
            // per transaction than SET autocommit = 0 ... SET autocommit = 1).
            std::unique_ptr<sql::Statement> statement(connection.createStatement());
            statement->execute("START TRANSACTION");
            return;
        }
        case TransactionMode::read_only_snapshot: {
            std::unique_ptr<sql::Statement> statement(connection.createStatement());
            // Applies to the next transaction only; the session stays READ COMMITTED.
            statement->execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            statement->execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            return;
        }
    }
}

// Ends the transaction (commit or rollback). Throws sql::SQLException from the server or the
// connection. Sent as statements: Connector/C++ 1.1's Connection::commit() and rollback()
// discard the client library's error, so a COMMIT that failed (the connection lost, a Galera
// certification failure) would pass for a success and a receipt be given for nothing stored.
void finish(sql::Connection& connection, TransactionMode, bool commit) {
    std::unique_ptr<sql::Statement> statement(connection.createStatement());
    statement->execute(commit ? "COMMIT" : "ROLLBACK");
}

// Rolls back after a failure; a failing rollback means the connection is unusable.
void roll_back_quietly(PooledConnection& connection, TransactionMode mode,
                       std::string_view operation) {
    if (connection.broken()) return;
    try {
        finish(connection.get(), mode, false);
        connection.set_transaction_open(false);
    } catch (const sql::SQLException& e) {
        spdlog::warn("db: rollback after a failed {} failed too: {}", operation, e.what());
        connection.mark_broken();
    }
}

core::Status run_once(PooledConnection& connection, std::string_view operation,
                      const std::function<core::Status(Transaction&)>& fn, TransactionMode mode,
                      Transaction& tx) {
    try {
        connection.set_transaction_open(true);
        begin(connection.get(), mode);
    } catch (const sql::SQLException& e) {
        core::Error error = detail::exception_error(connection, e, operation);
        roll_back_quietly(connection, mode, operation);
        return error;
    }

    core::Status status;
    try {
        status = fn(tx);
    } catch (const sql::SQLException& e) {
        // fn should use tx.attempt, but a statement run outside it must not escape either.
        tx.fail(detail::exception_error(connection, e, operation));
    } catch (const std::exception& e) {
        tx.fail(to_error(e, operation));
    }
    // A failed statement overrides an ok result (the function may have ignored it), and a
    // deadlock overrides whatever the function made of it, so that it is retried. Otherwise
    // the function's own error wins: adapters may translate a generic failure such as
    // "duplicate" into their domain's words ("username_taken").
    if (tx.failure() && (status.ok() || is_retry(*tx.failure()))) status = *tx.failure();
    if (!status) {
        roll_back_quietly(connection, mode, operation);
        return status;
    }

    try {
        finish(connection.get(), mode, true);
        connection.set_transaction_open(false);
    } catch (const sql::SQLException& e) {
        core::Error error = detail::exception_error(connection, e, operation);
        roll_back_quietly(connection, mode, operation);
        return error;
    }
    return {};
}

}  // namespace

core::Status run_transaction(ConnectionPool& pool, std::string_view operation,
                             const std::function<core::Status(Transaction&)>& fn,
                             const TransactionOptions& options) {
    PROCURA_TRY_ASSIGN(auto acquired, pool.acquire());
    PooledConnection connection = std::move(acquired);
    for (int attempt = 1;; ++attempt) {
        Transaction tx(connection);
        core::Status status = run_once(connection, operation, fn, options.mode, tx);
        if (status || !is_retry(status.error())) return status;
        if (connection.broken()) return status;
        if (attempt >= options.retry.attempts_max) return busy_error(operation, attempt);
        spdlog::debug("db: {} hit a deadlock or lock time-out; rerunning (attempt {})", operation,
                      attempt + 1);
        detail::sleep_before_retry(options.retry, attempt);
    }
}

}  // namespace procura::db
