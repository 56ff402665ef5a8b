#include "db/audit_sql.hpp"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_db.hpp"

using procura::core::AuditEvent;
using procura::core::ErrorKind;
using procura::core::Sha256;
using procura::core::Status;
using procura::core::StoredAuditEvent;
namespace db = procura::db;
namespace testing = procura::testing;

namespace {

AuditEvent event(std::string type, std::int64_t id, std::int64_t version,
                 std::string payload = "{}") {
    return AuditEvent{
        1'800'000'000'000 + version, 7, type + ".changed", std::move(type), id, version,
        std::move(payload)};
}

Status append(db::ConnectionPool& pool, const AuditEvent& e) {
    return db::run_transaction(pool, "test.append", [&](db::Transaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto stored, db::append_audit_event(tx, e));
        return {};
    });
}

std::vector<StoredAuditEvent> all_events(db::ConnectionPool& pool) {
    std::vector<StoredAuditEvent> out;
    std::int64_t after = 0;
    for (;;) {
        auto page = db::read_audit_events(pool, after, 50);
        BOOST_REQUIRE(page.ok());
        if (page->empty()) return out;
        after = page->back().seq;
        out.insert(out.end(), page->begin(), page->end());
    }
}

// How many INSERT ... SELECT statements tx's connection has run so far.
procura::core::Result<std::int64_t> inserts_selected(db::Transaction& tx) {
    return tx.attempt("test.status", [](sql::Connection& c) -> procura::core::Result<std::int64_t> {
        std::unique_ptr<sql::Statement> s(c.createStatement());
        std::unique_ptr<sql::ResultSet> rows(
            s->executeQuery("SHOW SESSION STATUS LIKE 'Com_insert_select'"));
        if (!rows->next()) {
            return procura::core::internal("no_status", "no status row");
        }
        return static_cast<std::int64_t>(std::stoll(rows->getString(2).asStdString()));
    });
}

// Checks seq 1..n without gaps, each prev_hash the previous hash, each hash recomputed, and
// the head pointing at the last event.
void verify_chain(db::ConnectionPool& pool, std::size_t expected_count) {
    const auto events = all_events(pool);
    BOOST_REQUIRE_EQUAL(events.size(), expected_count);
    Sha256 prev{};
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        BOOST_TEST_CONTEXT("event " << i + 1) {
            BOOST_TEST(e.seq == static_cast<std::int64_t>(i + 1));
            BOOST_TEST((e.prev_hash == prev));
            BOOST_TEST((e.hash == procura::core::chain_hash(prev, e.seq, e.event)));
        }
        prev = e.hash;
    }
    BOOST_TEST(testing::query_int64(pool, "SELECT seq FROM audit_head WHERE id = 1") ==
               static_cast<std::int64_t>(expected_count));
    BOOST_TEST(testing::query_int64(pool, "SELECT COUNT(*) FROM audit_head") == 1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_sql)

BOOST_AUTO_TEST_CASE(first_event_chains_from_zero_and_the_next_from_it) {
    auto pool = testing::open_fresh_migrated_pool("audit");
    StoredAuditEvent first;
    StoredAuditEvent second;
    const Status s = db::run_transaction(*pool, "test", [&](db::Transaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(
            auto a, db::append_audit_event(tx, event("tender", 1, 1, "{\"title\":\"道路\"}")));
        PROCURA_TRY_ASSIGN(auto b, db::append_audit_event(tx, event("tender", 1, 2)));
        first = a;
        second = b;
        return {};
    });
    BOOST_REQUIRE(s.ok());
    BOOST_TEST(first.seq == 1);
    BOOST_TEST((first.prev_hash == Sha256{}));
    BOOST_TEST((first.hash == procura::core::chain_hash(Sha256{}, 1, first.event)));
    BOOST_TEST(second.seq == 2);
    BOOST_TEST((second.prev_hash == first.hash));

    auto trail = db::read_audit_trail(*pool, "tender", 1);
    BOOST_REQUIRE(trail.ok());
    BOOST_REQUIRE_EQUAL(trail->size(), 2u);
    BOOST_TEST((*trail)[0].event.payload_json == "{\"title\":\"道路\"}");
    BOOST_TEST(((*trail)[0].hash == first.hash));
    BOOST_TEST(((*trail)[1].hash == second.hash));
    verify_chain(*pool, 2);
}

BOOST_AUTO_TEST_CASE(trail_holds_only_the_entity_in_seq_order) {
    auto pool = testing::open_fresh_migrated_pool("audit");
    BOOST_REQUIRE(append(*pool, event("tender", 1, 1)).ok());
    BOOST_REQUIRE(append(*pool, event("user", 1, 1)).ok());
    BOOST_REQUIRE(append(*pool, event("tender", 2, 1)).ok());
    BOOST_REQUIRE(append(*pool, event("tender", 1, 2)).ok());
    auto trail = db::read_audit_trail(*pool, "tender", 1);
    BOOST_REQUIRE(trail.ok());
    BOOST_REQUIRE_EQUAL(trail->size(), 2u);
    BOOST_TEST((*trail)[0].seq == 1);
    BOOST_TEST((*trail)[1].seq == 4);
    BOOST_TEST((*trail)[1].event.entity_version == 2);
    auto none = db::read_audit_trail(*pool, "tender", 3);
    BOOST_REQUIRE(none.ok());
    BOOST_TEST(none->empty());
    verify_chain(*pool, 4);
}

BOOST_AUTO_TEST_CASE(rolled_back_append_leaves_no_gap) {
    auto pool = testing::open_fresh_migrated_pool("audit");
    BOOST_REQUIRE(append(*pool, event("tender", 1, 1)).ok());
    const Status failed = db::run_transaction(*pool, "test", [](db::Transaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto stored, db::append_audit_event(tx, event("tender", 1, 2)));
        BOOST_TEST(stored.seq == 2);
        return procura::core::conflict("abort", "on purpose");
    });
    BOOST_REQUIRE(!failed.ok());
    BOOST_REQUIRE(append(*pool, event("tender", 1, 3)).ok());
    const auto events = all_events(*pool);
    BOOST_REQUIRE_EQUAL(events.size(), 2u);
    BOOST_TEST(events[1].seq == 2);
    BOOST_TEST(events[1].event.entity_version == 3);
    verify_chain(*pool, 2);
}

BOOST_AUTO_TEST_CASE(concurrent_appends_keep_the_chain_valid) {
    constexpr int threads_count = 6;
    constexpr int events_per_thread = 25;
    auto pool = testing::open_fresh_migrated_pool("audit", threads_count);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < threads_count; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 1; i <= events_per_thread; ++i) {
                if (!append(*pool, event("tender", t, i, "{\"i\":" + std::to_string(i) + "}"))) {
                    ++failures;
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    BOOST_TEST(failures.load() == 0);
    verify_chain(*pool, threads_count * events_per_thread);
    // Each writer's own events keep their order.
    for (int t = 0; t < threads_count; ++t) {
        auto trail = db::read_audit_trail(*pool, "tender", t);
        BOOST_REQUIRE(trail.ok());
        BOOST_REQUIRE_EQUAL(trail->size(), static_cast<std::size_t>(events_per_thread));
        for (int i = 0; i < events_per_thread; ++i) {
            BOOST_TEST((*trail)[static_cast<std::size_t>(i)].event.entity_version == i + 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(event_bytes_read_back_are_the_bytes_hashed) {
    auto pool = testing::open_fresh_migrated_pool("audit");
    // Trailing blanks, control characters, non-ASCII text: all must survive exactly.
    const AuditEvent tricky{
        1, 0, "x.y ", "thing", -5, 0, "{\"s\":\"a\\u0000 b\\n\",\"z\":\"é\"}  "};
    BOOST_REQUIRE(append(*pool, tricky).ok());
    auto trail = db::read_audit_trail(*pool, "thing", -5);
    BOOST_REQUIRE(trail.ok() && trail->size() == 1);
    const auto& e = (*trail)[0];
    BOOST_TEST(e.event.action == tricky.action);
    BOOST_TEST(e.event.payload_json == tricky.payload_json);
    BOOST_TEST((e.hash == procura::core::chain_hash(Sha256{}, 1, tricky)));
}

BOOST_AUTO_TEST_CASE(batch_append_makes_the_same_chain_as_single_appends) {
    // More events than one multi-row INSERT holds, after one single append.
    std::vector<AuditEvent> events;
    for (int i = 1; i <= 1234; ++i) {
        events.push_back(event(i % 3 == 0 ? "transfer" : "account", i, 1,
                               "{\"i\":" + std::to_string(i) + ",\"s\":\"é\"}"));
    }
    auto singles = testing::open_fresh_migrated_pool("audit");
    auto batched = testing::open_fresh_migrated_pool("audit");
    BOOST_REQUIRE(append(*singles, event("tender", 1, 1)).ok());
    BOOST_REQUIRE(append(*batched, event("tender", 1, 1)).ok());
    for (const AuditEvent& e : events) BOOST_REQUIRE(append(*singles, e).ok());
    std::vector<StoredAuditEvent> returned;
    const Status s = db::run_transaction(*batched, "test", [&](db::Transaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto stored, db::append_audit_events(tx, events));
        returned = stored;
        return {};
    });
    BOOST_REQUIRE(s.ok());
    BOOST_REQUIRE_EQUAL(returned.size(), events.size());
    BOOST_TEST(returned.front().seq == 2);
    BOOST_TEST(returned.back().seq == 1235);
    verify_chain(*batched, events.size() + 1);
    const auto a = all_events(*singles);
    const auto b = all_events(*batched);
    BOOST_REQUIRE_EQUAL(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        BOOST_TEST_CONTEXT("event " << i + 1) {
            BOOST_TEST(a[i].seq == b[i].seq);
            BOOST_TEST((a[i].hash == b[i].hash));
            BOOST_TEST((a[i].prev_hash == b[i].prev_hash));
            BOOST_TEST(a[i].event.payload_json == b[i].event.payload_json);
        }
    }
    BOOST_TEST((returned.back().hash == b.back().hash));
    // A single append after a batch continues the same chain.
    BOOST_REQUIRE(append(*batched, event("tender", 1, 2)).ok());
    verify_chain(*batched, events.size() + 2);
}

BOOST_AUTO_TEST_CASE(batch_rows_of_any_text_and_size_are_stored_exactly) {
    // The rows travel as JSON: quotes, backslashes, control characters, 4-byte UTF-8, trailing
    // blanks and the int64 extremes must come back as they were hashed. Payloads of 2 MiB make
    // the chunks stop at the byte bound (3 + 2 + 1 events: three statements), so that each
    // stays under max_allowed_packet.
    auto pool = testing::open_fresh_migrated_pool("audit");
    std::vector<AuditEvent> events;
    events.push_back(AuditEvent{
        std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min(),
        "q\"uote\\d \t ", "ent\x01ity \xF0\x9F\x98\x80", std::numeric_limits<std::int64_t>::min(),
        std::numeric_limits<std::int64_t>::max(),
        "{\"s\":\"\\\"\u00e9\\u0000\\n\xF0\x9F\x8F\x9B\"}\n\x7f "});
    for (int i = 0; i < 5; ++i) {
        std::string big(2 * 1024 * 1024, 'a' + static_cast<char>(i));
        events.push_back(event("document", i, 1, "{\"text\":\"" + big + "\"}"));
    }
    std::int64_t statements = -1;
    const Status s = db::run_transaction(*pool, "test", [&](db::Transaction& tx) -> Status {
        auto before = inserts_selected(tx);
        PROCURA_TRY_ASSIGN(auto stored, db::append_audit_events(tx, events));
        auto after = inserts_selected(tx);
        if (!before || !after) return before ? after.error() : before.error();
        statements = *after - *before;
        return {};
    });
    BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.error().message));
    BOOST_TEST(statements == 3);
    verify_chain(*pool, events.size());
    const auto back = all_events(*pool);
    BOOST_REQUIRE_EQUAL(back.size(), events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        BOOST_TEST_CONTEXT("event " << i + 1) {
            BOOST_TEST(back[i].event.at_ms == events[i].at_ms);
            BOOST_TEST(back[i].event.actor_user_id == events[i].actor_user_id);
            BOOST_TEST(back[i].event.action == events[i].action);
            BOOST_TEST(back[i].event.entity_type == events[i].entity_type);
            BOOST_TEST(back[i].event.entity_id == events[i].entity_id);
            BOOST_TEST(back[i].event.entity_version == events[i].entity_version);
            BOOST_TEST((back[i].event.payload_json == events[i].payload_json));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_batch_with_text_too_long_for_its_column_fails_and_changes_nothing) {
    // Never stored cut short (a row that differs from the bytes hashed would break the chain).
    auto pool = testing::open_fresh_migrated_pool("audit");
    BOOST_REQUIRE(append(*pool, event("tender", 1, 1)).ok());
    AuditEvent long_action = event("tender", 1, 2);
    long_action.action = std::string(129, 'a');                // the column holds 128
    AuditEvent long_type = event(std::string(65, 't'), 1, 3);  // the column holds 64
    for (const AuditEvent& bad : {long_action, long_type}) {
        const Status s = db::run_transaction(*pool, "test", [&](db::Transaction& tx) -> Status {
            PROCURA_TRY_ASSIGN(auto stored,
                               db::append_audit_events(tx, {event("tender", 1, 2), bad}));
            return {};
        });
        BOOST_TEST(!s.ok());
        verify_chain(*pool, 1);
    }
    // At the columns' sizes exactly, they are stored whole.
    long_action.action.pop_back();
    long_type.entity_type.pop_back();
    const Status fits = db::run_transaction(*pool, "test", [&](db::Transaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto stored, db::append_audit_events(tx, {long_action, long_type}));
        return {};
    });
    BOOST_REQUIRE(fits.ok());
    verify_chain(*pool, 3);
    const auto back = all_events(*pool);
    BOOST_TEST(back[1].event.action == long_action.action);
    BOOST_TEST(back[2].event.entity_type == long_type.entity_type);
}

// nlohmann::json's strict dump (it throws on invalid UTF-8) is what refuses these bytes: MariaDB
// itself would store '?' for them with only a warning. The guard must stay.
BOOST_AUTO_TEST_CASE(a_batch_with_text_that_is_not_utf8_changes_nothing) {
    auto pool = testing::open_fresh_migrated_pool("audit");
    BOOST_REQUIRE(append(*pool, event("tender", 1, 1)).ok());
    const Status s = db::run_transaction(*pool, "test", [](db::Transaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(
            auto stored, db::append_audit_events(tx, {event("tender", 1, 2),
                                                      event("tender", 1, 3, "{\"s\":\"\xC3(\"}")}));
        return {};
    });
    BOOST_REQUIRE(!s.ok());
    verify_chain(*pool, 1);
}

BOOST_AUTO_TEST_CASE(rolled_back_batch_append_leaves_no_gap_and_empty_is_a_no_op) {
    auto pool = testing::open_fresh_migrated_pool("audit");
    BOOST_REQUIRE(append(*pool, event("tender", 1, 1)).ok());
    const Status failed = db::run_transaction(*pool, "test", [](db::Transaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto stored, db::append_audit_events(
                                            tx, {event("tender", 1, 2), event("tender", 1, 3)}));
        return procura::core::conflict("abort", "on purpose");
    });
    BOOST_REQUIRE(!failed.ok());
    const Status empty = db::run_transaction(*pool, "test", [](db::Transaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto stored, db::append_audit_events(tx, {}));
        BOOST_TEST(stored.empty());
        return {};
    });
    BOOST_REQUIRE(empty.ok());
    BOOST_REQUIRE(append(*pool, event("tender", 1, 4)).ok());
    verify_chain(*pool, 2);
}

BOOST_AUTO_TEST_CASE(concurrent_batch_and_single_appends_keep_the_chain_valid) {
    constexpr int threads_count = 4;
    constexpr int rounds = 10;
    auto pool = testing::open_fresh_migrated_pool("audit", threads_count);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < threads_count; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 1; i <= rounds; ++i) {
                const Status s =
                    db::run_transaction(*pool, "test", [&](db::Transaction& tx) -> Status {
                        std::vector<AuditEvent> batch;
                        for (int k = 0; k < 7; ++k)
                            batch.push_back(event("transfer", t, i * 10 + k));
                        PROCURA_TRY_ASSIGN(auto stored, db::append_audit_events(tx, batch));
                        return {};
                    });
                if (!s) ++failures;
                if (!append(*pool, event("tender", t, i))) ++failures;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    BOOST_TEST(failures.load() == 0);
    verify_chain(*pool, threads_count * rounds * 8);
}

BOOST_AUTO_TEST_SUITE_END()
