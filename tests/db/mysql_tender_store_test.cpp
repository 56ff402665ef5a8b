#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <latch>
#include <limits>
#include <memory>
#include <set>
#include <thread>

#include "core/hash.hpp"
#include "tender/mysql_store.hpp"
#include "tests/support/test_db.hpp"
#include "tests/tender/store_contract.hpp"

namespace {

using namespace procura::tender;
using namespace procura::tender::contract;
using procura::core::ErrorKind;
using procura::core::Status;
namespace testing = procura::testing;

// A MySQLTenderStore over its own fresh, migrated database; owns the pool the store uses.
class OwnedMySQLTenderStore final : public TenderStore {
public:
    OwnedMySQLTenderStore() : pool_(testing::open_fresh_migrated_pool("tender")), store_(*pool_) {}

    Status in_transaction(const std::function<Status(TenderTransaction&)>& fn) override {
        return store_.in_transaction(fn);
    }
    procura::core::Result<std::optional<Tender>> find(TenderId id) override {
        return store_.find(id);
    }
    procura::core::Result<std::vector<TenderSummary>> list(const TenderListQuery& q) override {
        return store_.list(q);
    }
    procura::core::Result<std::optional<DocumentContent>> read_document(
        TenderId tender, DocumentId document) override {
        return store_.read_document(tender, document);
    }
    procura::core::Result<std::vector<procura::core::StoredAuditEvent>> audit_trail(
        std::string_view entity_type, std::int64_t entity_id) override {
        return store_.audit_trail(entity_type, entity_id);
    }

    procura::db::ConnectionPool& pool() { return *pool_; }

private:
    std::unique_ptr<procura::db::ConnectionPool> pool_;
    MySQLTenderStore store_;
};

std::unique_ptr<TenderStore> make_mysql_tender_store() {
    return std::make_unique<OwnedMySQLTenderStore>();
}

std::int64_t count(OwnedMySQLTenderStore& store, const std::string& table) {
    return testing::query_int64(store.pool(), "SELECT COUNT(*) FROM " + table);
}

// The number of tenders whose lot_count or total_budget_minor (migration 0002) differ from
// what their tender_lots rows say, computed the way the list query computed them before 0002.
std::int64_t tenders_with_stale_lot_totals(OwnedMySQLTenderStore& store) {
    return testing::query_int64(
        store.pool(),
        "SELECT COUNT(*) FROM tenders t WHERE "
        "t.lot_count <> (SELECT COUNT(*) FROM tender_lots l WHERE l.tender_id = t.id) OR "
        "t.total_budget_minor <> (SELECT CAST(COALESCE(SUM(l.budget_minor), 0) AS SIGNED) "
        "FROM tender_lots l WHERE l.tender_id = t.id)");
}

std::int64_t lot_count_column(OwnedMySQLTenderStore& store, TenderId id) {
    return testing::query_int64(store.pool(),
                                "SELECT lot_count FROM tenders WHERE id = " + std::to_string(id));
}

std::int64_t total_budget_column(OwnedMySQLTenderStore& store, TenderId id) {
    return testing::query_int64(
        store.pool(), "SELECT total_budget_minor FROM tenders WHERE id = " + std::to_string(id));
}

// Replaces the lots of tender id in one transaction; `fail_after` makes the function return
// an error after the update, so that the transaction rolls back.
Status replace_lots(OwnedMySQLTenderStore& store, TenderId id, std::vector<Lot> lots,
                    bool fail_after = false) {
    return store.in_transaction([&](TenderTransaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto t, tx.load_for_update(id));
        t.version += 1;
        t.lots = lots;
        const Status updated = tx.update_tender(t);
        if (!updated || !fail_after) return updated;
        return procura::core::conflict("test_failure", "rolled back");
    });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_tender_store_contract)
PROCURA_TENDER_STORE_CONTRACT_TESTS(make_mysql_tender_store())
BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(mysql_tender_store)

BOOST_AUTO_TEST_CASE(concurrent_load_for_update_is_serialised) {
    OwnedMySQLTenderStore store;
    const TenderId id = insert(store, sample_tender());
    std::latch first_holds_lock(1);
    std::int64_t seen_by_second = 0;
    std::chrono::steady_clock::duration second_waited{};

    std::thread first([&] {
        bool signalled = false;
        const Status s = store.in_transaction([&](TenderTransaction& tx) -> Status {
            PROCURA_TRY_ASSIGN(auto t, tx.load_for_update(id));
            if (!signalled) {
                signalled = true;
                first_holds_lock.count_down();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(400));
            t.version += 1;
            t.title = "first";
            return tx.update_tender(t);
        });
        BOOST_TEST(s.ok());
    });
    std::thread second([&] {
        first_holds_lock.wait();
        const auto start = std::chrono::steady_clock::now();
        const Status s = store.in_transaction([&](TenderTransaction& tx) -> Status {
            PROCURA_TRY_ASSIGN(auto t, tx.load_for_update(id));
            second_waited = std::chrono::steady_clock::now() - start;
            seen_by_second = t.version;
            BOOST_TEST(t.title == "first");
            t.version += 1;
            t.title = "second";
            return tx.update_tender(t);
        });
        BOOST_TEST(s.ok());
    });
    first.join();
    second.join();
    BOOST_TEST(seen_by_second == 2);
    BOOST_TEST((second_waited >= std::chrono::milliseconds(250)));
    auto found = store.find(id);
    BOOST_REQUIRE(found.ok() && found->has_value());
    BOOST_TEST((*found)->version == 3);
    BOOST_TEST((*found)->title == "second");
}

BOOST_AUTO_TEST_CASE(versions_of_several_tenders_come_in_one_read) {
    OwnedMySQLTenderStore store;
    const TenderId first = insert(store, sample_tender());
    const TenderId second = insert(store, sample_tender());
    const Status s = store.in_transaction([&](TenderTransaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto t, tx.load_for_update(second));
        t.version += 1;
        return tx.update_tender(t);
    });
    BOOST_REQUIRE(s.ok());
    auto versions = store.find_versions({first, second, second + 1000});
    BOOST_REQUIRE(versions.ok());
    BOOST_TEST(versions->size() == 2U);  // the unknown id has none
    BOOST_TEST(versions->at(first) == 1);
    BOOST_TEST(versions->at(second) == 2);
    auto none = store.find_versions({});
    BOOST_REQUIRE(none.ok());
    BOOST_TEST(none->empty());
}

BOOST_AUTO_TEST_CASE(failing_function_leaves_no_tender_lots_document_or_audit_event) {
    OwnedMySQLTenderStore store;
    const Status s = store.in_transaction([&](TenderTransaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto id, tx.insert_tender(sample_tender()));
        DocumentMeta meta{0, "Spec", "spec.pdf", "application/pdf", 4, "00", t0_ms, 11};
        PROCURA_TRY(tx.insert_document(id, meta, "data"));
        Amendment a;
        a.number = 1;
        PROCURA_TRY(tx.insert_amendment(id, a));
        Question q;
        q.tender_id = id;
        q.text = "?";
        PROCURA_TRY(tx.insert_question(q));
        PROCURA_TRY(tx.append_audit(event_for(id, 1, "tender.drafted")));
        return procura::core::unprocessable("later_rule", "refused");
    });
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST(s.error().code == "later_rule");
    for (const char* table : {"tenders", "tender_lots", "tender_committee", "tender_documents",
                              "tender_amendments", "tender_questions", "audit_events"}) {
        BOOST_TEST_CONTEXT("table " << table) { BOOST_TEST(count(store, table) == 0); }
    }
    BOOST_TEST(testing::query_int64(store.pool(), "SELECT seq FROM audit_head") == 0);
}

BOOST_AUTO_TEST_CASE(failed_write_rolls_back_even_when_the_function_ignores_it) {
    OwnedMySQLTenderStore store;
    const Status s = store.in_transaction([&](TenderTransaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto id, tx.insert_tender(sample_tender()));
        Tender ghost = sample_tender();
        ghost.id = id + 1000;
        (void)tx.update_tender(ghost);  // not_found, ignored
        return {};
    });
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST((s.error().kind == ErrorKind::not_found));
    BOOST_TEST(count(store, "tenders") == 0);
}

BOOST_AUTO_TEST_CASE(children_of_a_missing_tender_are_not_found) {
    OwnedMySQLTenderStore store;
    const Status s = store.in_transaction([&](TenderTransaction& tx) -> Status {
        Amendment a;
        a.number = 1;
        return tx.insert_amendment(999, a);
    });
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST((s.error().kind == ErrorKind::not_found));
    BOOST_TEST(s.error().code == "tender_not_found");
}

BOOST_AUTO_TEST_CASE(large_binary_document_round_trips_exactly) {
    OwnedMySQLTenderStore store;
    const TenderId id = insert(store, sample_tender());
    const std::string bytes = procura::core::random_bytes(3 * 1024 * 1024 + 7);
    DocumentId doc = 0;
    const Status s = store.in_transaction([&](TenderTransaction& tx) -> Status {
        DocumentMeta meta{0,
                          "Drawings",
                          "drawings.bin",
                          "application/octet-stream",
                          static_cast<std::int64_t>(bytes.size()),
                          procura::core::sha256_hex(bytes),
                          t0_ms,
                          11};
        PROCURA_TRY_ASSIGN(auto r, tx.insert_document(id, meta, bytes));
        doc = r;
        return {};
    });
    BOOST_REQUIRE(s.ok());
    auto content = store.read_document(id, doc);
    BOOST_REQUIRE(content.ok() && content->has_value());
    BOOST_TEST((*content)->bytes.size() == bytes.size());
    BOOST_TEST(((*content)->bytes == bytes));
    BOOST_TEST((*content)->meta.sha256_hex == procura::core::sha256_hex(bytes));
    auto found = store.find(id);
    BOOST_REQUIRE(found.ok() && found->has_value());
    BOOST_REQUIRE_EQUAL((*found)->documents.size(), 1u);
    BOOST_TEST((*found)->documents[0].size_bytes == static_cast<std::int64_t>(bytes.size()));
}

BOOST_AUTO_TEST_CASE(title_search_treats_backslash_percent_and_underscore_literally) {
    OwnedMySQLTenderStore store;
    const std::int64_t e = t0_ms + day_ms;
    const std::int64_t s = t0_ms + 20 * day_ms;
    const TenderId path = insert_published(store, "Share C:\\docs\\x_y", e, s);
    const TenderId plain = insert_published(store, "Share Cdocsxy", e, s);
    TenderListQuery q;
    q.now_ms = t0_ms;
    for (const char* needle : {"C:\\docs", "\\x_y", "\\", "s\\x"}) {
        q.title_contains = needle;
        BOOST_TEST_CONTEXT("needle " << needle) {
            BOOST_TEST((list_ids(store, q) == std::vector<TenderId>{path}));
        }
    }
    q.title_contains = "share";
    BOOST_TEST((list_ids(store, q) == std::vector<TenderId>{plain, path}));
}

BOOST_AUTO_TEST_CASE(paging_through_many_tenders_visits_each_once) {
    OwnedMySQLTenderStore store;
    std::set<TenderId> inserted;
    for (int i = 0; i < 23; ++i) {
        Tender t = sample_tender("T" + std::to_string(i));
        if (i % 3 == 0) t.lots.clear();
        inserted.insert(insert(store, t));
    }
    std::set<TenderId> seen;
    TenderListQuery q;
    q.draft_buyers = {"XE-123456"};
    q.limit = 5;
    q.now_ms = t0_ms;
    for (;;) {
        auto rows = store.list(q);
        BOOST_REQUIRE(rows.ok());
        const bool more = rows->size() > q.limit;
        if (more) rows->pop_back();
        for (std::size_t i = 0; i < rows->size(); ++i) {
            const auto& r = (*rows)[i];
            BOOST_TEST(seen.insert(r.id).second);
            if (i > 0) BOOST_TEST((*rows)[i - 1].id > r.id);
            BOOST_TEST((r.lot_count == 0 || r.lot_count == 2));
            BOOST_TEST(r.total_budget_minor == (r.lot_count == 0 ? 0 : 150'000'00 + 99'999'99));
        }
        if (!more) break;
        q.before_id = rows->back().id;
    }
    BOOST_TEST((seen == inserted));
}

BOOST_AUTO_TEST_CASE(many_lots_and_committee_members_round_trip_in_order) {
    OwnedMySQLTenderStore store;
    Tender t = sample_tender();
    t.lots.clear();
    t.committee.clear();
    for (int i = 1; i <= 1200; ++i) t.lots.push_back(Lot{i, "Lot " + std::to_string(i), i});
    for (int i = 0; i < 30; ++i) t.committee.push_back(100 - i);
    const TenderId id = insert(store, t);
    auto found = store.find(id);
    BOOST_REQUIRE(found.ok() && found->has_value());
    BOOST_REQUIRE_EQUAL((*found)->lots.size(), 1200u);
    BOOST_TEST((*found)->lots[1199].title == "Lot 1200");
    BOOST_TEST(((*found)->committee == t.committee));
}

BOOST_AUTO_TEST_CASE(lot_totals_columns_equal_the_lots_through_insert_and_update) {
    OwnedMySQLTenderStore store;
    const TenderId two = insert(store, sample_tender("two lots"));
    Tender empty = sample_tender("no lots");
    empty.lots.clear();
    const TenderId none = insert(store, empty);
    BOOST_TEST(lot_count_column(store, two) == 2);
    BOOST_TEST(lot_count_column(store, none) == 0);
    BOOST_TEST(tenders_with_stale_lot_totals(store) == 0);

    BOOST_REQUIRE(replace_lots(store, two, {{1, "a", 5}, {2, "b", 6}, {3, "c", 7}}).ok());
    BOOST_REQUIRE(replace_lots(store, none, {{1, "only", 42}}).ok());
    BOOST_TEST(lot_count_column(store, two) == 3);
    BOOST_TEST(lot_count_column(store, none) == 1);
    BOOST_TEST(tenders_with_stale_lot_totals(store) == 0);

    // A rolled-back update leaves the lots and their totals as they were.
    BOOST_TEST(!replace_lots(store, two, {}, true).ok());
    BOOST_TEST(lot_count_column(store, two) == 3);
    BOOST_TEST(tenders_with_stale_lot_totals(store) == 0);

    BOOST_REQUIRE(replace_lots(store, two, {}).ok());
    BOOST_TEST(lot_count_column(store, two) == 0);
    BOOST_TEST(tenders_with_stale_lot_totals(store) == 0);

    TenderListQuery q;
    q.draft_buyers = {"XE-123456"};
    q.now_ms = t0_ms;
    auto rows = store.list(q);
    BOOST_REQUIRE(rows.ok());
    BOOST_REQUIRE_EQUAL(rows->size(), 2u);
    BOOST_TEST((*rows)[0].id == none);
    BOOST_TEST((*rows)[0].lot_count == 1);
    BOOST_TEST((*rows)[0].total_budget_minor == 42);
    BOOST_TEST((*rows)[1].lot_count == 0);
    BOOST_TEST((*rows)[1].total_budget_minor == 0);
}

BOOST_AUTO_TEST_CASE(lot_budget_total_beyond_int64_is_clamped_like_the_server_cast) {
    OwnedMySQLTenderStore store;
    Tender t = sample_tender();
    const std::int64_t max = std::numeric_limits<std::int64_t>::max();
    t.lots = {{1, "a", max}, {2, "b", max}, {3, "c", -max}};
    const TenderId exact = insert(store, t);  // the exact sum fits: max
    t.lots = {{1, "a", max}, {2, "b", 1}};
    const TenderId over = insert(store, t);
    BOOST_TEST(total_budget_column(store, exact) == max);
    BOOST_TEST(total_budget_column(store, over) == max);
    BOOST_TEST(tenders_with_stale_lot_totals(store) == 0);
}

BOOST_AUTO_TEST_CASE(store_failures_are_errors_not_exceptions) {
    OwnedMySQLTenderStore store;
    const TenderId id = insert(store, sample_tender());
    testing::execute_sql(store.pool(), "DROP TABLE tender_questions");
    auto found = store.find(id);
    BOOST_REQUIRE(!found.ok());
    BOOST_TEST((found.error().kind == ErrorKind::internal));
    const Status s = store.in_transaction([&](TenderTransaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto t, tx.load_for_update(id));
        return {};
    });
    BOOST_TEST(!s.ok());
    TenderListQuery q;
    q.draft_buyers = {"XE-123456"};
    BOOST_TEST(store.list(q).ok());  // the list does not touch the dropped table
}

BOOST_AUTO_TEST_SUITE_END()
