#include "db/transaction.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <atomic>
#include <barrier>
#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <thread>

#include "db/multi_row.hpp"
#include "tests/support/test_db.hpp"

using procura::core::ErrorKind;
using procura::core::Status;
namespace db = procura::db;
namespace testing = procura::testing;

namespace {

std::unique_ptr<db::ConnectionPool> pool_with_table(std::size_t size = 4) {
    auto pool = testing::open_pool(testing::create_fresh_database("tx"), size);
    testing::execute_sql(*pool,
                         "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
    return pool;
}

void insert_row(sql::Connection& c, int id, int v = 0) {
    std::unique_ptr<sql::PreparedStatement> s(c.prepareStatement("INSERT INTO t VALUES (?, ?)"));
    s->setInt(1, id);
    s->setInt(2, v);
    s->executeUpdate();
}

std::int64_t count_rows(db::ConnectionPool& pool) {
    return testing::query_int64(pool, "SELECT COUNT(*) FROM t");
}

// Statements this session has prepared so far.
std::int64_t prepares(sql::Connection& c) {
    std::unique_ptr<sql::Statement> s(c.createStatement());
    std::unique_ptr<sql::ResultSet> rows(
        s->executeQuery("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
                        "WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'"));
    rows->next();
    return rows->getInt64(1);
}

// Inserts rows [first, first + count) into t in chunks of at most rows_max inside tx, with the
// cached statements; returns how many statements the session prepared meanwhile.
std::int64_t insert_in_chunks(db::Transaction& tx, int first, int count, std::size_t rows_max = 3) {
    std::int64_t prepared = -1;
    const Status s = tx.attempt("chunks", [&](sql::Connection& c) {
        const std::int64_t before = prepares(c);
        db::execute_in_chunks(tx, c, {"INSERT INTO t (id, v) VALUES", "(?, ?)", ""},
                              static_cast<std::size_t>(count), rows_max,
                              [&](sql::PreparedStatement& st, std::size_t begin, std::size_t end) {
                                  unsigned int p = 1;
                                  for (std::size_t i = begin; i < end; ++i) {
                                      st.setInt(p++, first + static_cast<int>(i));
                                      st.setInt(p++, static_cast<int>(i));
                                  }
                              });
        prepared = prepares(c) - before;
    });
    return s.ok() ? prepared : -1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(transaction)

BOOST_AUTO_TEST_CASE(success_commits_every_write) {
    auto pool = pool_with_table();
    const Status s = db::run_transaction(*pool, "test", [](db::Transaction& tx) -> Status {
        PROCURA_TRY(tx.attempt("insert 1", [](sql::Connection& c) { insert_row(c, 1); }));
        return tx.attempt("insert 2", [](sql::Connection& c) { insert_row(c, 2); });
    });
    BOOST_REQUIRE(s.ok());
    BOOST_TEST(count_rows(*pool) == 2);
    BOOST_TEST(testing::query_int64(*pool, "SELECT @@autocommit") == 1);
}

BOOST_AUTO_TEST_CASE(error_result_rolls_back) {
    auto pool = pool_with_table();
    const Status s = db::run_transaction(*pool, "test", [](db::Transaction& tx) -> Status {
        PROCURA_TRY(tx.attempt("insert", [](sql::Connection& c) { insert_row(c, 1); }));
        return procura::core::unprocessable("nope", "on purpose");
    });
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST(s.error().code == "nope");
    BOOST_TEST(count_rows(*pool) == 0);
}

BOOST_AUTO_TEST_CASE(failed_statement_rolls_back_even_when_the_function_ignores_it) {
    auto pool = pool_with_table();
    bool second_ran = false;
    const Status s = db::run_transaction(*pool, "test", [&](db::Transaction& tx) -> Status {
        PROCURA_TRY(tx.attempt("insert", [](sql::Connection& c) { insert_row(c, 1); }));
        auto duplicate = tx.attempt("duplicate", [](sql::Connection& c) { insert_row(c, 1); });
        BOOST_TEST(!duplicate.ok());
        // Once failed, the transaction refuses further statements.
        auto later = tx.attempt("later", [&](sql::Connection& c) {
            second_ran = true;
            insert_row(c, 2);
        });
        BOOST_TEST(!later.ok());
        return {};  // ignores the failures
    });
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST((s.error().kind == ErrorKind::conflict));
    BOOST_TEST(s.error().code == "duplicate");
    BOOST_TEST(!second_ran);
    BOOST_TEST(count_rows(*pool) == 0);
}

BOOST_AUTO_TEST_CASE(exception_from_the_function_rolls_back_and_becomes_an_error) {
    auto pool = pool_with_table();
    const Status s = db::run_transaction(*pool, "test", [](db::Transaction& tx) -> Status {
        PROCURA_TRY(tx.attempt("insert", [](sql::Connection& c) { insert_row(c, 1); }));
        throw std::runtime_error("unexpected");
    });
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST((s.error().kind == ErrorKind::internal));
    BOOST_TEST(count_rows(*pool) == 0);
}

BOOST_AUTO_TEST_CASE(deadlock_is_retried_until_both_transactions_commit) {
    auto pool = pool_with_table();
    testing::execute_sql(*pool, "INSERT INTO t VALUES (1, 0), (2, 0)");
    std::barrier both_hold_one_lock(2);
    std::atomic<int> attempts{0};
    const auto crossing = [&](int first, int second) {
        return [&, first, second] {
            int my_attempt = 0;
            return db::run_transaction(*pool, "test.crossing", [&](db::Transaction& tx) -> Status {
                ++attempts;
                ++my_attempt;
                const auto lock = [&](int id) {
                    return tx.attempt("lock", [id](sql::Connection& c) {
                        std::unique_ptr<sql::PreparedStatement> s(
                            c.prepareStatement("UPDATE t SET v = v + 1 WHERE id = ?"));
                        s->setInt(1, id);
                        s->executeUpdate();
                    });
                };
                PROCURA_TRY(lock(first));
                if (my_attempt == 1) both_hold_one_lock.arrive_and_wait();
                return lock(second);
            });
        };
    };
    Status a_status;
    Status b_status;
    std::thread a([&] { a_status = crossing(1, 2)(); });
    std::thread b([&] { b_status = crossing(2, 1)(); });
    a.join();
    b.join();
    BOOST_TEST(a_status.ok());
    BOOST_TEST(b_status.ok());
    BOOST_TEST(attempts.load() >= 3);  // one of them was chosen as the deadlock victim
    BOOST_TEST(testing::query_int64(*pool, "SELECT SUM(v) FROM t") == 4);
}

BOOST_AUTO_TEST_CASE(retries_are_bounded_and_end_unavailable) {
    auto pool = pool_with_table();
    int calls = 0;
    db::TransactionOptions options;
    options.retry.attempts_max = 3;
    options.retry.backoff_initial = std::chrono::milliseconds(1);
    const Status s = db::run_transaction(
        *pool, "test",
        [&](db::Transaction&) -> Status {
            ++calls;
            return db::to_error(sql::SQLException("Deadlock found", "40001", 1213), "test");
        },
        options);
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST((s.error().kind == ErrorKind::unavailable));
    BOOST_TEST(calls == 3);
}

BOOST_AUTO_TEST_CASE(snapshot_reads_see_one_instant_and_read_write_sees_latest) {
    auto pool = pool_with_table(3);
    const auto count_in = [&](db::TransactionMode mode) {
        std::int64_t first = -1;
        std::int64_t second = -1;
        const auto count = [](sql::Connection& c) {
            std::unique_ptr<sql::Statement> s(c.createStatement());
            std::unique_ptr<sql::ResultSet> rows(s->executeQuery("SELECT COUNT(*) FROM t"));
            rows->next();
            return static_cast<std::int64_t>(rows->getInt64(1));
        };
        const Status s = db::run_transaction(
            *pool, "test.snapshot",
            [&](db::Transaction& tx) -> Status {
                PROCURA_TRY_ASSIGN(auto a, tx.attempt("count", count));
                first = a;
                // Another connection commits a row in between.
                static int next_id = 100;
                testing::execute_sql(*pool,
                                     "INSERT INTO t VALUES (" + std::to_string(next_id++) + ", 0)");
                PROCURA_TRY_ASSIGN(auto b, tx.attempt("count", count));
                second = b;
                return {};
            },
            db::TransactionOptions{mode, {}});
        BOOST_REQUIRE(s.ok());
        return std::pair{first, second};
    };
    const auto snapshot = count_in(db::TransactionMode::read_only_snapshot);
    BOOST_TEST(snapshot.first == snapshot.second);
    const auto latest = count_in(db::TransactionMode::read_write);
    BOOST_TEST(latest.second == latest.first + 1);
}

BOOST_AUTO_TEST_CASE(snapshot_transactions_refuse_writes) {
    auto pool = pool_with_table();
    const Status s = db::run_transaction(
        *pool, "test",
        [](db::Transaction& tx) -> Status {
            return tx.attempt("insert", [](sql::Connection& c) { insert_row(c, 1); });
        },
        db::TransactionOptions{db::TransactionMode::read_only_snapshot, {}});
    BOOST_TEST(!s.ok());
    BOOST_TEST(count_rows(*pool) == 0);
}

BOOST_AUTO_TEST_CASE(chunked_inserts_reuse_cached_statements_until_an_attempt_fails) {
    auto pool = pool_with_table(1);
    std::int64_t first = 0, second = 0;
    // 7 rows in chunks of 3: two full chunks and one single row, all three cacheable.
    BOOST_REQUIRE(db::run_transaction(*pool, "test", [&](db::Transaction& tx) -> Status {
                      first = insert_in_chunks(tx, 1, 7);
                      return {};
                  }).ok());
    BOOST_REQUIRE(db::run_transaction(*pool, "test", [&](db::Transaction& tx) -> Status {
                      second = insert_in_chunks(tx, 101, 7);
                      return {};
                  }).ok());
    BOOST_TEST(first == 2);   // the 3-row and the 1-row statement, prepared once each
    BOOST_TEST(second == 0);  // both reused by the next transaction on the connection
    BOOST_TEST(count_rows(*pool) == 14);
    BOOST_TEST(testing::query_int64(*pool, "SELECT SUM(v) FROM t") ==
               2 * (0 + 1 + 2 + 3 + 4 + 5 + 6));

    // A duplicate key fails the attempt: everything rolls back and the cache is emptied, so
    // the next transaction prepares its statements again.
    const Status failed = db::run_transaction(*pool, "test", [&](db::Transaction& tx) -> Status {
        (void)insert_in_chunks(tx, 201, 3);
        (void)insert_in_chunks(tx, 1, 3);  // id 1 exists
        return {};
    });
    BOOST_TEST(!failed.ok());
    BOOST_TEST(count_rows(*pool) == 14);
    std::int64_t third = 0;
    BOOST_REQUIRE(db::run_transaction(*pool, "test", [&](db::Transaction& tx) -> Status {
                      third = insert_in_chunks(tx, 301, 3);
                      return {};
                  }).ok());
    BOOST_TEST(third == 1);
    BOOST_TEST(count_rows(*pool) == 17);
}

BOOST_AUTO_TEST_CASE(a_rest_runs_in_cached_chunks_of_powers_of_two) {
    auto pool = pool_with_table(1);  // one connection, so one statement cache
    const auto run = [&](int first, int count) {
        std::int64_t prepared = -1;
        BOOST_REQUIRE(db::run_transaction(*pool, "test", [&](db::Transaction& tx) -> Status {
                          prepared = insert_in_chunks(tx, first, count, 8);
                          return {};
                      }).ok());
        return prepared;
    };
    BOOST_TEST(run(1, 21) == 3);    // 8 + 8, then 4 + 1: the 8-, 4- and 1-row statements
    BOOST_TEST(run(101, 13) == 0);  // 8 + 4 + 1, all cached
    BOOST_TEST(run(201, 7) == 1);   // 4 + 2 + 1: only the 2-row statement is new
    BOOST_TEST(run(301, 15) == 0);  // 8 + 4 + 2 + 1
    BOOST_TEST(count_rows(*pool) == 21 + 13 + 7 + 15);
    BOOST_TEST(testing::query_int64(*pool, "SELECT COUNT(*) FROM t WHERE id BETWEEN 1 AND 21") ==
               21);
    BOOST_TEST(testing::query_int64(*pool, "SELECT SUM(v) FROM t WHERE id BETWEEN 301 AND 315") ==
               14 * 15 / 2);
}

// Connector/C++'s Connection::commit() hides a failed COMMIT; the transaction must not.
BOOST_AUTO_TEST_CASE(a_commit_on_a_killed_session_is_not_reported_as_done) {
    auto pool = pool_with_table(2);  // one for the transaction, one to kill it from
    int bodies = 0;
    const Status s = db::run_transaction(*pool, "test", [&](db::Transaction& tx) -> Status {
        ++bodies;
        std::int64_t id = 0;
        PROCURA_TRY(tx.attempt("insert", [&](sql::Connection& c) {
            insert_row(c, 1);
            std::unique_ptr<sql::Statement> q(c.createStatement());
            std::unique_ptr<sql::ResultSet> rows(q->executeQuery("SELECT CONNECTION_ID()"));
            rows->next();
            id = rows->getInt64(1);
        }));
        if (bodies == 1) testing::execute_sql(*pool, "KILL " + std::to_string(id));
        return {};
    });
    // Either the lost commit is an error and nothing is stored, or it was noticed and the
    // transaction rerun on a new connection; never "done" with nothing stored.
    if (s.ok()) {
        BOOST_TEST(bodies == 2);
        BOOST_TEST(count_rows(*pool) == 1);
    } else {
        BOOST_TEST(count_rows(*pool) == 0);
    }
    BOOST_TEST(!(s.ok() && count_rows(*pool) == 0));
}

BOOST_AUTO_TEST_CASE(with_connection_turns_exceptions_into_errors) {
    auto pool = pool_with_table();
    auto missing = db::with_connection(*pool, "test", [](sql::Connection& c) {
        std::unique_ptr<sql::Statement> s(c.createStatement());
        s->execute("SELECT * FROM no_such_table");
    });
    BOOST_REQUIRE(!missing.ok());
    BOOST_TEST((missing.error().kind == ErrorKind::internal));
    BOOST_TEST(missing.error().message.find("no_such_table") == std::string::npos);
    // The connection is still fine afterwards.
    BOOST_TEST(pool->ping().ok());
}

BOOST_AUTO_TEST_SUITE_END()
