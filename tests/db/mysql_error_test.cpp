#include "db/mysql_error.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

using procura::core::ErrorKind;
using procura::db::classify;
using procura::db::SQLErrorClass;
using procura::db::to_error;

namespace {

sql::SQLException server_error(int code, const std::string& state, const std::string& text) {
    return sql::SQLException(text, state, code);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_error)

BOOST_AUTO_TEST_CASE(deadlock_and_lock_wait_timeout_are_retryable_conflicts) {
    for (int code : {1213, 1205}) {
        const auto e = server_error(code, "40001", "Deadlock found when trying to get lock");
        BOOST_TEST((classify(e) == SQLErrorClass::retry));
        const auto error = to_error(e, "test.op");
        BOOST_TEST((error.kind == ErrorKind::conflict));
        BOOST_TEST(error.code == "retry");
        BOOST_TEST(procura::db::is_retry(error));
    }
}

BOOST_AUTO_TEST_CASE(lost_and_refused_connections_are_unavailable) {
    for (int code : {2002, 2003, 2006, 2013}) {
        const auto e = server_error(code, "HY000", "Lost connection to MySQL server");
        BOOST_TEST((classify(e) == SQLErrorClass::connection));
        const auto error = to_error(e, "test.op");
        BOOST_TEST((error.kind == ErrorKind::unavailable));
        BOOST_TEST(!procura::db::is_retry(error));
    }
    BOOST_TEST((classify(server_error(0, "08S01", "Communication link failure")) ==
                SQLErrorClass::connection));
}

BOOST_AUTO_TEST_CASE(duplicate_key_is_a_conflict) {
    const auto error = to_error(
        server_error(1062, "23000", "Duplicate entry 'bob' for key 'users_username'"), "test.op");
    BOOST_TEST((error.kind == ErrorKind::conflict));
    BOOST_TEST(error.code == "duplicate");
}

BOOST_AUTO_TEST_CASE(missing_foreign_key_target_is_not_found) {
    const auto error =
        to_error(server_error(1452, "23000", "Cannot add or update a child row"), "test.op");
    BOOST_TEST((error.kind == ErrorKind::not_found));
    BOOST_TEST(error.code == "missing_reference");
}

BOOST_AUTO_TEST_CASE(other_errors_are_internal_and_never_leak_sql_or_secrets) {
    const std::string server_text =
        "You have an error in your SQL syntax near 'SELECT password FROM users "
        "WHERE pw = 'hunter2''";
    const auto error = to_error(server_error(1064, "42000", server_text), "test.op");
    BOOST_TEST((error.kind == ErrorKind::internal));
    BOOST_TEST(error.code == "db_error");
    BOOST_TEST(error.message.find("hunter2") == std::string::npos);
    BOOST_TEST(error.message.find("SELECT") == std::string::npos);
    for (int code : {1213, 2006, 1062, 1452, 1451}) {
        const auto mapped = to_error(server_error(code, "HY000", server_text), "test.op");
        BOOST_TEST(mapped.message.find("hunter2") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(exhausted_retries_become_unavailable) {
    const auto error = procura::db::busy_error("test.op", 5);
    BOOST_TEST((error.kind == ErrorKind::unavailable));
    BOOST_TEST(error.code == "db_busy");
}

BOOST_AUTO_TEST_SUITE_END()
