// The one place where Connector/C++ exceptions (sql::SQLException) become core::Error values.
// Deadlocks and lock-wait time-outs become a conflict with code "retry", which the retry
// helpers in db/transaction.hpp consume; lost or refused connections become unavailable;
// duplicate keys a conflict; a missing referenced row not_found; anything else internal.
// Messages made here are safe to show to API users: they never contain SQL text, data values
// or credentials. The server's own words go to the log (spdlog) together with the operation.
#pragma once

#include <cppconn/exception.h>

#include <exception>
#include <string_view>

#include "core/result.hpp"

namespace procura::db {

// Error codes produced here, so that callers can branch without repeating string literals.
inline constexpr std::string_view error_code_retry = "retry";
inline constexpr std::string_view error_code_busy = "db_busy";
inline constexpr std::string_view error_code_unavailable = "db_unavailable";
inline constexpr std::string_view error_code_duplicate = "duplicate";
inline constexpr std::string_view error_code_missing_reference = "missing_reference";
inline constexpr std::string_view error_code_referenced = "still_referenced";
inline constexpr std::string_view error_code_internal = "db_error";

enum class SQLErrorClass {
    retry,              // deadlock (1213) or lock wait timeout (1205): the transaction may rerun
    connection,         // the connection is gone or was refused: it must not be reused
    duplicate_key,      // a unique or primary key already holds the value (1062)
    missing_reference,  // a foreign key names a row that does not exist (1452)
    still_referenced,   // a row cannot be deleted or changed while others refer to it (1451)
    other,              // anything else: a bug or an unexpected server condition
};

// Classifies e by its MySQL error number, SQLSTATE and exception type. Pure; thread-safe.
SQLErrorClass classify(const sql::SQLException& e);

// Logs e (error number, SQLSTATE, the server's message) under operation and returns the Error
// for its class. operation is a short label chosen by the programmer such as
// "tender.insert_tender"; it goes to the log only. Thread-safe.
core::Error to_error(const sql::SQLException& e, std::string_view operation);

// Logs an unexpected non-SQL exception thrown while talking to the database and returns an
// internal error. Thread-safe.
core::Error to_error(const std::exception& e, std::string_view operation);

// The unavailable error returned when retries are exhausted. Logs operation and attempts.
core::Error busy_error(std::string_view operation, int attempts);

// True for the conflict "retry" errors made by to_error.
bool is_retry(const core::Error& error);

}  // namespace procura::db
