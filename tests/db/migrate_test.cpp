#include "db/migrate.hpp"

#include <barrier>
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/hash.hpp"
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

// The statements of a migration file, cut the way db/migrate.cpp cuts them: at each ';' that
// ends a line, with whole-line comments dropped.
std::vector<std::string> statements_of(std::string_view sql) {
    std::vector<std::string> statements;
    std::string current;
    while (!sql.empty()) {
        const std::size_t eol = sql.find('\n');
        const std::string_view line = trim(sql.substr(0, eol));
        sql = eol == std::string_view::npos ? std::string_view{} : sql.substr(eol + 1);
        if (line.substr(0, 2) == "--") continue;
        if (!line.empty() && line.back() == ';') {
            current.append(line.substr(0, line.size() - 1));
            statements.push_back(current);
            current.clear();
        } else {
            current.append(line).push_back('\n');
        }
    }
    return statements;
}

// Applies migration `version` alone, recording it as db::migrate would, so that a test can
// write rows under an older schema before migrating the rest.
void apply_only(db::ConnectionPool& pool, int version) {
    for (const auto& m : db::embedded_migrations()) {
        if (m.version != version) continue;
        for (const std::string& statement : statements_of(m.sql)) {
            testing::execute_sql(pool, statement);
        }
        testing::execute_sql(pool, "INSERT INTO schema_migrations VALUES (" +
                                       std::to_string(version) + ", '" + m.name + "', '" +
                                       procura::core::sha256_hex(m.sql) + "', 1)");
        return;
    }
    throw std::runtime_error("no embedded migration " + std::to_string(version));
}

// Inserts a minimal tender row with the columns of schema version 1.
void insert_v1_tender(db::ConnectionPool& pool, std::int64_t id) {
    testing::execute_sql(pool,
                         "INSERT INTO tenders (id, version, state, title, description, "
                         "buyer_name, buyer_id, currency, price_weight, technical_weight, "
                         "bid_security_minor, threshold_k, created_by, created_at_ms, "
                         "updated_at_ms, cancel_reason) VALUES (" +
                             std::to_string(id) +
                             ", 1, 'draft', 'T', 'D', 'B', 'B1', 'EUR', 0, 0, 0, 1, 1, 1, 1, '')");
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

BOOST_AUTO_TEST_CASE(lot_totals_migration_back_fills_tenders_written_under_version_1) {
    auto pool = testing::open_pool(testing::create_fresh_database("migrate"));
    apply_only(*pool, 1);
    insert_v1_tender(*pool, 1);  // three lots
    insert_v1_tender(*pool, 2);  // no lots
    insert_v1_tender(*pool, 3);  // one lot
    testing::execute_sql(*pool,
                         "INSERT INTO tender_lots (tender_id, number, title, budget_minor) VALUES "
                         "(1, 1, 'a', 100), (1, 2, 'b', 2500), (1, 3, 'c', 7), "
                         "(3, 1, 'a', 9000000000000)");

    auto migrated = db::migrate(*pool);
    BOOST_REQUIRE_MESSAGE(migrated.ok(), (migrated.ok() ? "" : migrated.error().message));
    BOOST_TEST(migrated->front() == 2);

    const auto column = [&](const char* name, int id) {
        return testing::query_int64(*pool, std::string("SELECT ") + name +
                                               " FROM tenders WHERE id = " + std::to_string(id));
    };
    BOOST_TEST(column("lot_count", 1) == 3);
    BOOST_TEST(column("total_budget_minor", 1) == 2607);
    BOOST_TEST(column("lot_count", 2) == 0);
    BOOST_TEST(column("total_budget_minor", 2) == 0);
    BOOST_TEST(column("lot_count", 3) == 1);
    BOOST_TEST(column("total_budget_minor", 3) == 9'000'000'000'000);
}

BOOST_AUTO_TEST_CASE(stable_lot_numbers_migration_back_fills_positions_and_highest_numbers) {
    auto pool = testing::open_pool(testing::create_fresh_database("migrate"));
    for (const auto& m : db::embedded_migrations()) {
        if (m.version < 13) apply_only(*pool, m.version);
    }
    // 1: lots 1, 2 (renumbered by place, as before 0013) after an amendment that published
    // four. 2: lot 1, and a bid on a lot 5 an amendment removed. 3: no lots.
    for (int id = 1; id <= 3; ++id) insert_v1_tender(*pool, id);
    testing::execute_sql(*pool,
                         "INSERT INTO tender_lots (tender_id, number, title, budget_minor) VALUES "
                         "(1, 1, 'a', 1), (1, 2, 'b', 2), (2, 1, 'a', 1)");
    testing::execute_sql(
        *pool,
        "INSERT INTO tender_amendments (tender_id, number, at_ms, by_user, rationale, "
        "changes_json, tender_version) VALUES (1, 1, 1, 1, 'r', "
        "'{\"lots\":[{\"number\":1},{\"number\":2},{\"number\":3},{\"number\":4}]}', 2), "
        "(1, 2, 2, 1, 'r', '{\"lots\":[{\"number\":1},{\"number\":2}]}', 3), "
        "(2, 1, 1, 1, 'r', '{\"description\":\"d\"}', 2)");
    testing::execute_sql(*pool,
                         "INSERT INTO users (id, username, role, password_hash, created_at_ms) "
                         "VALUES (7, 'supplier', 'supplier', 'x', 1)");
    testing::execute_sql(
        *pool,
        "INSERT INTO bids (tender_id, supplier_id, lot_id, version, body, sha256, received_at_ms, "
        "timestamp_token, log_seq, state, security_transfer_key) VALUES (2, 7, 5, 1, 'b', '" +
            std::string(64, 'a') + "', 1, 't', 1, 'active', 'bs:2:a')");

    auto migrated = db::migrate(*pool);
    BOOST_REQUIRE_MESSAGE(migrated.ok(), (migrated.ok() ? "" : migrated.error().message));
    BOOST_TEST(migrated->back() >= 13);  // later migrations run too

    const auto number_max = [&](int id) {
        return testing::query_int64(
            *pool, "SELECT lot_number_max FROM tenders WHERE id = " + std::to_string(id));
    };
    BOOST_TEST(number_max(1) == 4);
    BOOST_TEST(number_max(2) == 5);
    BOOST_TEST(number_max(3) == 0);
    BOOST_TEST(testing::query_int64(
                   *pool, "SELECT COUNT(*) FROM tender_lots WHERE position <> number") == 0);
    BOOST_TEST(testing::query_int64(*pool, "SELECT COUNT(*) FROM tender_lots") == 3);
}

BOOST_AUTO_TEST_SUITE_END()
