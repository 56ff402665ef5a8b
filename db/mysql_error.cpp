#include "db/mysql_error.hpp"

#include <spdlog/spdlog.h>

#include <string>

namespace procura::db {
namespace {

// MySQL / MariaDB server error numbers (mysqld_error.h) and client error numbers (errmsg.h),
// spelled out here so that this file needs neither header.
constexpr int er_dbaccess_denied = 1044;
constexpr int er_access_denied = 1045;
constexpr int er_bad_db = 1049;
constexpr int er_con_count = 1040;
constexpr int er_server_shutdown = 1053;
constexpr int er_unknown_com = 1047;  // Galera: "WSREP has not yet prepared node for use"
constexpr int er_dup_entry = 1062;
constexpr int er_net_read_interrupted = 1159;
constexpr int er_net_write_interrupted = 1161;
constexpr int er_lock_wait_timeout = 1205;
constexpr int er_lock_deadlock = 1213;
constexpr int er_row_is_referenced = 1451;
constexpr int er_no_referenced_row = 1452;
constexpr int er_row_is_referenced_old = 1217;
constexpr int er_no_referenced_row_old = 1216;
constexpr int er_dup_entry_with_key_name = 1586;
constexpr int er_connection_killed = 1927;
constexpr int er_client_interaction_timeout = 4031;
constexpr int cr_socket_create_error = 2001;
constexpr int cr_connection_error = 2002;
constexpr int cr_conn_host_error = 2003;
constexpr int cr_unknown_host = 2005;
constexpr int cr_server_gone_error = 2006;
constexpr int cr_server_lost = 2013;
constexpr int cr_ssl_connection_error = 2026;
constexpr int cr_server_lost_extended = 2055;

bool is_connection_error_number(int code) {
    switch (code) {
        case er_dbaccess_denied:
        case er_access_denied:
        case er_bad_db:
        case er_con_count:
        case er_server_shutdown:
        case er_unknown_com:
        case er_net_read_interrupted:
        case er_net_write_interrupted:
        case er_connection_killed:
        case er_client_interaction_timeout:
        case cr_socket_create_error:
        case cr_connection_error:
        case cr_conn_host_error:
        case cr_unknown_host:
        case cr_server_gone_error:
        case cr_server_lost:
        case cr_ssl_connection_error:
        case cr_server_lost_extended:
            return true;
        default:
            return false;
    }
}

std::string_view class_name(SQLErrorClass c) {
    switch (c) {
        case SQLErrorClass::retry:
            return "retry";
        case SQLErrorClass::connection:
            return "connection";
        case SQLErrorClass::duplicate_key:
            return "duplicate_key";
        case SQLErrorClass::missing_reference:
            return "missing_reference";
        case SQLErrorClass::still_referenced:
            return "still_referenced";
        case SQLErrorClass::other:
            return "other";
    }
    PROCURA_ASSERT(false);
    return {};
}

}  // namespace

SQLErrorClass classify(const sql::SQLException& e) {
    const int code = e.getErrorCode();
    if (code == er_lock_deadlock || code == er_lock_wait_timeout) return SQLErrorClass::retry;
    if (code == er_dup_entry || code == er_dup_entry_with_key_name) {
        return SQLErrorClass::duplicate_key;
    }
    if (code == er_no_referenced_row || code == er_no_referenced_row_old) {
        return SQLErrorClass::missing_reference;
    }
    if (code == er_row_is_referenced || code == er_row_is_referenced_old) {
        return SQLErrorClass::still_referenced;
    }
    if (is_connection_error_number(code)) return SQLErrorClass::connection;
    // SQLSTATE class 08 is "connection exception" whatever the vendor code.
    if (e.getSQLState().rfind("08", 0) == 0) return SQLErrorClass::connection;
    // Connector/C++ throws InvalidInstanceException (error number 0) when a connection or
    // statement has already been closed, typically after the server went away.
    if (dynamic_cast<const sql::InvalidInstanceException*>(&e) != nullptr) {
        return SQLErrorClass::connection;
    }
    return SQLErrorClass::other;
}

core::Error to_error(const sql::SQLException& e, std::string_view operation) {
    const SQLErrorClass c = classify(e);
    const auto log_level = [c] {
        switch (c) {
            case SQLErrorClass::retry:
                return spdlog::level::debug;
            case SQLErrorClass::duplicate_key:
            case SQLErrorClass::missing_reference:
            case SQLErrorClass::still_referenced:
                return spdlog::level::info;
            case SQLErrorClass::connection:
                return spdlog::level::warn;
            case SQLErrorClass::other:
                return spdlog::level::err;
        }
        return spdlog::level::err;
    }();
    spdlog::log(log_level, "db: {} failed ({}): MySQL error {} (SQLSTATE {}): {}", operation,
                class_name(c), e.getErrorCode(), e.getSQLState(), e.what());
    using core::ErrorKind;
    switch (c) {
        case SQLErrorClass::retry:
            return core::conflict(std::string(error_code_retry),
                                  "the database detected a conflicting concurrent change");
        case SQLErrorClass::connection:
            return core::unavailable(std::string(error_code_unavailable),
                                     "the database is unavailable; please try again later");
        case SQLErrorClass::duplicate_key:
            return core::conflict(std::string(error_code_duplicate),
                                  "a record with the same key already exists");
        case SQLErrorClass::missing_reference:
            return core::not_found(std::string(error_code_missing_reference),
                                   "a referenced record does not exist");
        case SQLErrorClass::still_referenced:
            return core::conflict(std::string(error_code_referenced),
                                  "the record is still referenced by other records");
        case SQLErrorClass::other:
            break;
    }
    return core::internal(std::string(error_code_internal), "internal database error");
}

core::Error to_error(const std::exception& e, std::string_view operation) {
    spdlog::error("db: {} failed with an unexpected exception: {}", operation, e.what());
    return core::internal(std::string(error_code_internal), "internal database error");
}

core::Error busy_error(std::string_view operation, int attempts) {
    spdlog::warn("db: {} still conflicted after {} attempts; giving up", operation, attempts);
    return core::unavailable(std::string(error_code_busy),
                             "the database is busy; please try again");
}

bool is_retry(const core::Error& error) {
    return error.kind == core::ErrorKind::conflict && error.code == error_code_retry;
}

}  // namespace procura::db
