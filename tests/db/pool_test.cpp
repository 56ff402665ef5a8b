#include "db/pool.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "db/connection.hpp"
#include "db/transaction.hpp"
#include "db/url.hpp"
#include "tests/support/test_db.hpp"

using procura::core::ErrorKind;
namespace db = procura::db;
namespace testing = procura::testing;

namespace {

using Clock = std::chrono::steady_clock;

db::ConnectionConfig fixture_config() {
    auto config = db::parse_url(testing::test_db_url().value());
    BOOST_REQUIRE(config.ok());
    return *config;
}

std::int64_t connection_id(sql::Connection& c) {
    std::unique_ptr<sql::Statement> s(c.createStatement());
    std::unique_ptr<sql::ResultSet> rows(s->executeQuery("SELECT CONNECTION_ID()"));
    rows->next();
    return rows->getInt64(1);
}

procura::core::Result<std::int64_t> pooled_connection_id(db::ConnectionPool& pool) {
    return db::with_connection(pool, "test.connection_id",
                               [](sql::Connection& c) { return connection_id(c); });
}

void kill_connection(std::int64_t id) {
    auto admin = testing::open_pool(testing::test_db_url().value(), 1);
    testing::execute_sql(*admin, "KILL " + std::to_string(id));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pool)

BOOST_AUTO_TEST_CASE(ping_answers_on_a_live_server) {
    auto pool = testing::open_pool(testing::test_db_url().value(), 2);
    BOOST_TEST(pool->ping().ok());
}

BOOST_AUTO_TEST_CASE(unreachable_server_fails_fast_with_unavailable) {
    db::ConnectionConfig config = fixture_config();
    config.host = "127.0.0.1";
    config.port = 1;  // nothing listens on port 1: the connection is refused at once
    db::PoolOptions options;
    options.connect_timeout = std::chrono::seconds(2);
    const auto start = Clock::now();
    auto pool = db::ConnectionPool::open(config, options);
    BOOST_REQUIRE(!pool.ok());
    BOOST_TEST((pool.error().kind == ErrorKind::unavailable));
    BOOST_TEST((Clock::now() - start < std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_CASE(wrong_password_is_unavailable_and_not_echoed) {
    db::ConnectionConfig config = fixture_config();
    config.password = "wrong-password-hunter2";
    auto pool = db::ConnectionPool::open(config, db::PoolOptions{});
    BOOST_REQUIRE(!pool.ok());
    BOOST_TEST((pool.error().kind == ErrorKind::unavailable));
    BOOST_TEST(pool.error().message.find("hunter2") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(unix_socket_connections_work) {
    // scripts/test-db.sh puts the socket path next to the URL file.
    const std::filesystem::path url_file = std::getenv(testing::test_db_url_file_variable);
    std::ifstream in(url_file.parent_path() / "socket");
    std::string socket;
    if (!(in >> socket)) {
        BOOST_TEST_MESSAGE("no socket file next to the URL file; nothing to test");
        return;
    }
    db::ConnectionConfig config = fixture_config();
    config.socket = socket;
    config.host = "localhost";
    auto pool = db::ConnectionPool::open(config, db::PoolOptions{1});
    BOOST_REQUIRE_MESSAGE(pool.ok(), (pool.ok() ? "" : pool.error().message));
    BOOST_TEST((*pool)->ping().ok());
}

BOOST_AUTO_TEST_CASE(acquire_times_out_when_every_connection_is_in_use) {
    db::PoolOptions options;
    options.size = 1;
    options.acquire_timeout = std::chrono::milliseconds(200);
    auto opened = db::ConnectionPool::open(fixture_config(), options);
    BOOST_REQUIRE(opened.ok());
    db::ConnectionPool& pool = **opened;

    std::optional<db::PooledConnection> held;
    {
        auto first = pool.acquire();
        BOOST_REQUIRE(first.ok());
        held.emplace(std::move(first).value());
    }
    const auto start = Clock::now();
    auto second = pool.acquire();
    BOOST_REQUIRE(!second.ok());
    BOOST_TEST((second.error().kind == ErrorKind::unavailable));
    BOOST_TEST((Clock::now() - start >= std::chrono::milliseconds(150)));

    // A connection returned while someone waits is handed to the waiter.
    std::thread releaser([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        held.reset();
    });
    auto third = pool.acquire();
    releaser.join();
    BOOST_TEST(third.ok());
}

BOOST_AUTO_TEST_CASE(broken_connection_fails_once_and_is_replaced) {
    db::PoolOptions options;
    options.size = 1;
    auto opened = db::ConnectionPool::open(fixture_config(), options);
    BOOST_REQUIRE(opened.ok());
    db::ConnectionPool& pool = **opened;

    auto before = pooled_connection_id(pool);
    BOOST_REQUIRE(before.ok());
    kill_connection(*before);

    // Used at once (not idle long enough to be checked), the dead connection fails the call
    // with unavailable and is discarded.
    auto failed = pooled_connection_id(pool);
    BOOST_REQUIRE(!failed.ok());
    BOOST_TEST((failed.error().kind == ErrorKind::unavailable));

    auto after = pooled_connection_id(pool);
    BOOST_REQUIRE(after.ok());
    BOOST_TEST(*after != *before);
}

BOOST_AUTO_TEST_CASE(connection_killed_while_idle_is_replaced_before_use) {
    db::PoolOptions options;
    options.size = 1;
    auto opened = db::ConnectionPool::open(fixture_config(), options);
    BOOST_REQUIRE(opened.ok());
    db::ConnectionPool& pool = **opened;

    auto before = pooled_connection_id(pool);
    BOOST_REQUIRE(before.ok());
    kill_connection(*before);
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));

    auto after = pooled_connection_id(pool);
    BOOST_REQUIRE_MESSAGE(after.ok(), (after.ok() ? "" : after.error().message));
    BOOST_TEST(*after != *before);
}

BOOST_AUTO_TEST_CASE(many_threads_share_a_small_pool) {
    auto pool = testing::open_pool(testing::test_db_url().value(), 3);
    std::mutex mutex;
    std::set<std::int64_t> ids;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 30; ++i) {
                auto id = pooled_connection_id(*pool);
                if (!id) {
                    ++failures;
                    continue;
                }
                std::lock_guard lock(mutex);
                ids.insert(*id);
            }
        });
    }
    for (auto& thread : threads) thread.join();
    BOOST_TEST(failures.load() == 0);
    BOOST_TEST(ids.size() <= 3u);
}

BOOST_AUTO_TEST_CASE(returned_connection_with_an_open_transaction_is_rolled_back) {
    auto pool = testing::open_pool(testing::create_fresh_database("pool"), 1);
    testing::execute_sql(*pool, "CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB");
    {
        auto acquired = pool->acquire();
        BOOST_REQUIRE(acquired.ok());
        db::PooledConnection connection = std::move(acquired).value();
        connection->setAutoCommit(false);
        connection.set_transaction_open(true);
        std::unique_ptr<sql::Statement> s(connection->createStatement());
        s->execute("INSERT INTO t VALUES (1)");
        // Returned without commit.
    }
    BOOST_TEST(testing::query_int64(*pool, "SELECT COUNT(*) FROM t") == 0);
    BOOST_TEST(testing::query_int64(*pool, "SELECT @@autocommit") == 1);
}

BOOST_AUTO_TEST_CASE(moved_handle_returns_its_connection_once) {
    auto pool = testing::open_pool(testing::test_db_url().value(), 1);
    {
        auto acquired = pool->acquire();
        BOOST_REQUIRE(acquired.ok());
        db::PooledConnection a = std::move(acquired).value();
        db::PooledConnection b = std::move(a);
        db::PooledConnection c = std::move(b);
        BOOST_TEST(connection_id(c.get()) > 0);
    }
    BOOST_TEST(pool->ping().ok());
}

BOOST_AUTO_TEST_CASE(prepared_statement_is_reused_with_its_connection_and_dropped_with_it) {
    auto pool = testing::open_pool(testing::test_db_url().value(), 1);
    const std::string sql = "SELECT CONNECTION_ID() + ?";
    const auto run = [&](std::int64_t add) {
        return db::with_prepared(*pool, "test.prepared", sql,
                                 [&](sql::PreparedStatement& s) -> std::int64_t {
                                     s.setInt64(1, add);
                                     std::unique_ptr<sql::ResultSet> rows(s.executeQuery());
                                     rows->next();
                                     return rows->getInt64(1) - add;
                                 });
    };
    const sql::PreparedStatement* first = nullptr;
    {
        auto acquired = pool->acquire();
        BOOST_REQUIRE(acquired.ok());
        first = &acquired->prepared(sql);
    }
    {
        auto acquired = pool->acquire();
        BOOST_REQUIRE(acquired.ok());
        BOOST_TEST(&acquired->prepared(sql) == first);  // the same statement, not re-prepared
    }
    auto before = run(1);
    BOOST_REQUIRE(before.ok());
    BOOST_TEST(*run(1000) == *before);  // parameters are bound afresh on every use

    // A killed connection fails once, is discarded with its statements, and the next use
    // prepares the statement on the new connection.
    kill_connection(*before);
    auto failed = run(1);
    BOOST_REQUIRE(!failed.ok());
    BOOST_TEST((failed.error().kind == ErrorKind::unavailable));
    auto after = run(1);
    BOOST_REQUIRE(after.ok());
    BOOST_TEST(*after != *before);
}

BOOST_AUTO_TEST_CASE(statement_cache_is_bounded_and_starts_again_when_full) {
    auto pool = testing::open_pool(testing::test_db_url().value(), 1);
    auto acquired = pool->acquire();
    BOOST_REQUIRE(acquired.ok());
    db::PooledConnection& c = *acquired;
    const auto prepares = [&] {
        std::unique_ptr<sql::Statement> s(c->createStatement());
        std::unique_ptr<sql::ResultSet> rows(
            s->executeQuery("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
                            "WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'"));
        rows->next();
        return rows->getInt64(1);
    };
    const std::int64_t start = prepares();
    for (std::size_t i = 0; i < db::StatementCache::statements_max; ++i) {
        c.prepared("SELECT " + std::to_string(i));
    }
    c.prepared("SELECT 0");  // cached
    BOOST_TEST(prepares() - start == static_cast<std::int64_t>(db::StatementCache::statements_max));
    c.prepared("SELECT 'one too many'");  // the cache is full: emptied, then this one
    c.prepared("SELECT 0");               // prepared again
    BOOST_TEST(prepares() - start ==
               static_cast<std::int64_t>(db::StatementCache::statements_max + 2));
}

BOOST_AUTO_TEST_SUITE_END()
