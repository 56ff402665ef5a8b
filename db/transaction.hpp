// Running work on pooled connections with the error handling done once: run_transaction runs a
// function inside one database transaction (commit on success; rollback on an error result, a
// failed statement or an exception) and reruns it after deadlocks with growing back-off;
// with_connection does the same for single autocommit statements. Connector/C++ exceptions
// never leave these helpers: statements run inside Transaction::attempt or with_connection,
// which turn them into core::Error through db/mysql_error.hpp.
// For the db module and the MySQL adapters only (exposes Connector/C++ types).
#pragma once

#include <cppconn/connection.h>
#include <cppconn/exception.h>

#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/result.hpp"
#include "db/connection.hpp"
#include "db/mysql_error.hpp"
#include "db/pool.hpp"

namespace procura::db {

// How often and how patiently a deadlocked transaction is rerun. The back-off doubles from
// backoff_initial up to backoff_max, with random jitter so that the losers of one deadlock do
// not collide again in lock-step.
struct RetryPolicy {
    int attempts_max = 5;
    std::chrono::milliseconds backoff_initial{4};
    std::chrono::milliseconds backoff_max{200};
};

enum class TransactionMode {
    // READ COMMITTED, START TRANSACTION ... COMMIT (autocommit stays on, so after the server
    // itself ended a transaction, after a deadlock for example, a further statement would
    // commit on its own: an attempt stops at its first failure, and the whole transaction is
    // rerun). Locking reads (FOR UPDATE) see the latest commits.
    read_write,
    // START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY at REPEATABLE READ: several
    // SELECTs see one instant, as if they were one statement. Writes fail.
    read_only_snapshot,
};

struct TransactionOptions {
    TransactionMode mode = TransactionMode::read_write;
    RetryPolicy retry;
};

namespace detail {

// What Transaction::attempt and with_connection return for a body returning R: Status for
// void, Result<T> for Result<T> (passed through), Result<R> otherwise.
template <class R>
struct attempt_result {
    using type = core::Result<R>;
};
template <>
struct attempt_result<void> {
    using type = core::Status;
};
template <class T>
struct attempt_result<core::Result<T>> {
    using type = core::Result<T>;
};
template <class F>
using attempt_result_t = typename attempt_result<std::invoke_result_t<F&, sql::Connection&>>::type;

// Sleeps before attempt number `attempt` + 1 (attempt counts from 1).
void sleep_before_retry(const RetryPolicy& policy, int attempt);

// Maps e, marking connection broken when the connection can no longer be trusted.
core::Error exception_error(PooledConnection& connection, const sql::SQLException& e,
                            std::string_view operation);

template <class F>
attempt_result_t<F> invoke_body(F& body, sql::Connection& connection) {
    using R = std::invoke_result_t<F&, sql::Connection&>;
    if constexpr (std::is_void_v<R>) {
        body(connection);
        return core::Status{};
    } else {
        return body(connection);
    }
}

}  // namespace detail

class Transaction;

// Runs fn in a transaction on a pooled connection. Commits if fn returns ok and no statement
// failed; otherwise rolls back and returns fn's error (or, if fn returned ok or the failure
// is a deadlock, the transaction's first failure). If the failure is
// a deadlock or lock-wait time-out (or the commit itself reports one, as Galera does), fn is
// run again from the start after a back-off, up to options.retry.attempts_max times in all;
// then an unavailable "db_busy" error is returned. fn must therefore be safe to rerun: it
// should recompute everything from what it reads inside the transaction. Connection failures
// are not retried (the commit's outcome may be unknown). Thread-safe.
core::Status run_transaction(ConnectionPool& pool, std::string_view operation,
                             const std::function<core::Status(Transaction&)>& fn,
                             const TransactionOptions& options = {});

// One open transaction, handed to the function given to run_transaction. Not thread-safe; it
// lives only for the duration of that call.
class Transaction {
public:
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    // Runs body(connection), which may throw sql::SQLException. Returns body's value (a body
    // returning core::Result<T> passes through as is), or the mapped error of an exception.
    // An exception also marks the transaction failed: later attempts return that error
    // without running, and run_transaction rolls back and returns it even if the function
    // ignores it. An error that body itself returns does not mark the transaction failed;
    // call fail() for that. operation labels the log lines.
    template <class F>
    detail::attempt_result_t<F> attempt(std::string_view operation, F&& body) {
        if (failure_) return *failure_;
        try {
            return detail::invoke_body(body, connection_.get());
        } catch (const sql::SQLException& e) {
            failure_ = detail::exception_error(connection_, e, operation);
        } catch (const std::exception& e) {
            failure_ = to_error(e, operation);
        }
        connection_.clear_prepared();
        return *failure_;
    }

    // For use inside attempt: the connection's cached prepared statement for sql
    // (PooledConnection::prepared), for a statement that transactions run again and again,
    // such as the full-size chunk of execute_in_chunks. The caller sets every parameter and
    // destroys the statement's result set before the next call: the reference is valid only
    // until the next prepared() call that misses (StatementCache::get). Throws
    // sql::SQLException if preparing fails. An attempt that throws empties the connection's
    // cache, so a statement left in an unknown state is never reused.
    sql::PreparedStatement& prepared(const std::string& sql) { return connection_.prepared(sql); }

    // Marks the transaction failed with error (for example an UPDATE that matched no row):
    // it will be rolled back and error returned by run_transaction. The first failure wins.
    void fail(core::Error error) {
        if (!failure_) failure_ = std::move(error);
    }

    // The first failure recorded by attempt or fail, if any.
    const std::optional<core::Error>& failure() const { return failure_; }

private:
    friend core::Status run_transaction(ConnectionPool&, std::string_view,
                                        const std::function<core::Status(Transaction&)>&,
                                        const TransactionOptions&);
    explicit Transaction(PooledConnection& connection) : connection_(connection) {}

    PooledConnection& connection_;
    std::optional<core::Error> failure_;
};

// Runs body(connection) on a pooled connection in autocommit mode, for single statements whose
// own atomicity suffices. Returns what body returns (see Transaction::attempt) or the mapped
// error of an exception; reruns body after a deadlock as run_transaction does. Thread-safe.
template <class F>
detail::attempt_result_t<F> with_connection(ConnectionPool& pool, std::string_view operation,
                                            F&& body, const RetryPolicy& retry = {}) {
    PROCURA_TRY_ASSIGN(auto acquired, pool.acquire());
    PooledConnection connection = std::move(acquired);
    for (int attempt = 1;; ++attempt) {
        std::optional<core::Error> error;
        try {
            return detail::invoke_body(body, connection.get());
        } catch (const sql::SQLException& e) {
            error = detail::exception_error(connection, e, operation);
        } catch (const std::exception& e) {
            error = to_error(e, operation);
        }
        if (!is_retry(*error)) return *error;
        if (attempt >= retry.attempts_max) return busy_error(operation, attempt);
        detail::sleep_before_retry(retry, attempt);
    }
}

// Like with_connection, for a body that runs one statement: body receives the connection's
// cached prepared statement for sql (PooledConnection::prepared), so that a hot query skips
// preparing and closing it on every use. body must set every parameter and destroy its result
// set before returning. A statement whose use throws is evicted from the cache (and the
// connection discarded if it is broken) before the error is returned or body rerun.
// Thread-safe.
template <class F>
typename detail::attempt_result<std::invoke_result_t<F&, sql::PreparedStatement&>>::type
with_prepared(ConnectionPool& pool, std::string_view operation, const std::string& sql, F&& body,
              const RetryPolicy& retry = {}) {
    using R = std::invoke_result_t<F&, sql::PreparedStatement&>;
    PROCURA_TRY_ASSIGN(auto acquired, pool.acquire());
    PooledConnection connection = std::move(acquired);
    for (int attempt = 1;; ++attempt) {
        std::optional<core::Error> error;
        try {
            sql::PreparedStatement& statement = connection.prepared(sql);
            if constexpr (std::is_void_v<R>) {
                body(statement);
                return core::Status{};
            } else {
                return body(statement);
            }
        } catch (const sql::SQLException& e) {
            error = detail::exception_error(connection, e, operation);
        } catch (const std::exception& e) {
            error = to_error(e, operation);
        }
        connection.evict_prepared(sql);
        if (!is_retry(*error)) return *error;
        if (attempt >= retry.attempts_max) return busy_error(operation, attempt);
        detail::sleep_before_retry(retry, attempt);
    }
}

}  // namespace procura::db
