#include "db/migrate.hpp"

#include <barrier>
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_db.hpp"

using procura::core::ErrorKind;
namespace db = procura::db;
namespace testing = procura::testing;

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(migrate)

BOOST_AUTO_TEST_CASE(embedded_migrations_are_ascending_and_follow_the_splitting_rule) {
    const auto& migrations = db::embedded_migrations();
    BOOST_REQUIRE(!migrations.empty());
    BOOST_TEST(migrations.front().version == 1);
    BOOST_TEST(migrations.front().name == "initial");
    for (std::size_t i = 1; i < migrations.size(); ++i) {
        BOOST_TEST(migrations[i - 1].version < migrations[i].version);
    }
    // The splitter cuts at a ';' that ends a line, so a ';' anywhere else would break a
    // statement in two.
    for (const auto& m : migrations) {
        std::string_view sql = m.sql;
        std::size_t line_number = 0;
        while (!sql.empty()) {
            ++line_number;
            const std::size_t eol = sql.find('\n');
            const std::string_view line = trim(sql.substr(0, eol));
            sql = eol == std::string_view::npos ? std::string_view{} : sql.substr(eol + 1);
            const std::size_t semicolon = line.find(';');
            BOOST_TEST_CONTEXT("migration " << m.version << " line " << line_number) {
                BOOST_TEST((semicolon == std::string_view::npos ||
                            (semicolon == line.size() - 1 && line.substr(0, 2) != "--")));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(fresh_database_gets_every_migration_once) {
    auto pool = testing::open_pool(testing::create_fresh_database("migrate"));
    auto first = db::migrate(*pool);
    BOOST_REQUIRE_MESSAGE(first.ok(), (first.ok() ? "" : first.error().message));
    std::vector<int> all;
    for (const auto& m : db::embedded_migrations()) all.push_back(m.version);
    BOOST_TEST(*first == all, boost::test_tools::per_element());

    auto second = db::migrate(*pool);
    BOOST_REQUIRE(second.ok());
    BOOST_TEST(second->empty());

    BOOST_TEST(testing::query_int64(*pool, "SELECT COUNT(*) FROM schema_migrations") ==
               static_cast<std::int64_t>(all.size()));
    BOOST_TEST(testing::query_int64(*pool,
                                    "SELECT COUNT(*) FROM schema_migrations WHERE version = 1 AND "
                                    "name = 'initial' AND CHAR_LENGTH(checksum) = 64 AND "
                                    "applied_at_ms > 0") == 1);
    // The audit chain starts at seq 0 with 32 zero bytes.
    BOOST_TEST(testing::query_int64(*pool,
                                    "SELECT COUNT(*) FROM audit_head WHERE id = 1 AND seq = 0 "
                                    "AND hash = UNHEX(REPEAT('00', 32))") == 1);
}

BOOST_AUTO_TEST_CASE(concurrent_migrations_apply_each_version_exactly_once) {
    const std::string url = testing::create_fresh_database("migrate");
    auto pool_a = testing::open_pool(url, 1);
    auto pool_b = testing::open_pool(url, 1);
    std::barrier start(2);
    procura::core::Result<std::vector<int>> a = std::vector<int>{};
    procura::core::Result<std::vector<int>> b = std::vector<int>{};
    std::thread ta([&] {
        start.arrive_and_wait();
        a = db::migrate(*pool_a);
    });
    std::thread tb([&] {
        start.arrive_and_wait();
        b = db::migrate(*pool_b);
    });
    ta.join();
    tb.join();
    BOOST_REQUIRE_MESSAGE(a.ok(), (a.ok() ? "" : a.error().message));
    BOOST_REQUIRE_MESSAGE(b.ok(), (b.ok() ? "" : b.error().message));
    const std::size_t count = db::embedded_migrations().size();
    // One of them applied everything, the other nothing.
    BOOST_TEST(a->size() + b->size() == count);
    BOOST_TEST((a->empty() || b->empty()));
    BOOST_TEST(testing::query_int64(*pool_a, "SELECT COUNT(*) FROM schema_migrations") ==
               static_cast<std::int64_t>(count));
}

BOOST_AUTO_TEST_CASE(changed_migration_file_is_an_error_not_skipped) {
    auto pool = testing::open_pool(testing::create_fresh_database("migrate"));
    BOOST_REQUIRE(db::migrate(*pool).ok());
    testing::execute_sql(*pool,
                         "UPDATE schema_migrations SET checksum = REPEAT('0', 64) "
                         "WHERE version = 1");
    auto again = db::migrate(*pool);
    BOOST_REQUIRE(!again.ok());
    BOOST_TEST(again.error().code == "migration_checksum_mismatch");
    BOOST_TEST(again.error().message.find("0001_initial") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_newer_migration_in_the_database_is_tolerated) {
    auto pool = testing::open_pool(testing::create_fresh_database("migrate"));
    BOOST_REQUIRE(db::migrate(*pool).ok());
    testing::execute_sql(*pool,
                         "INSERT INTO schema_migrations VALUES (9999, 'from_the_future', "
                         "REPEAT('a', 64), 1)");
    auto again = db::migrate(*pool);
    BOOST_REQUIRE(again.ok());
    BOOST_TEST(again->empty());
}

BOOST_AUTO_TEST_SUITE_END()
