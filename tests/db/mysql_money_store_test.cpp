#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "db/audit_sql.hpp"
#include "db/transaction.hpp"
#include "money/mysql_store.hpp"
#include "tests/money/store_contract.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace procura::money;
using namespace procura::money::contract;
namespace testing = procura::testing;

struct MySQLSubject {
    std::unique_ptr<procura::db::ConnectionPool> pool;
    std::unique_ptr<MySQLMoneyStore> store;
};

StoreUnderTest mysql_subject(std::size_t pool_size = 4) {
    auto owned = std::make_shared<MySQLSubject>();
    owned->pool = testing::open_fresh_migrated_pool("money", pool_size);
    owned->store = std::make_unique<MySQLMoneyStore>(*owned->pool);
    return {owned, owned->store.get()};
}

procura::db::ConnectionPool& pool_of(const StoreUnderTest& s) {
    return *std::static_pointer_cast<MySQLSubject>(s.owner)->pool;
}

bool has_violation(const InvariantReport& report, const std::string& text) {
    for (const std::string& v : report.violations) {
        if (v.find(text) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_money_store)

PROCURA_MONEY_STORE_CONTRACT_TESTS(mysql_subject())

BOOST_AUTO_TEST_CASE(each_transfer_has_its_audit_event_in_the_chain) {
    Ledger l(mysql_subject());
    const auto r =
        l.submit({single("t1", l.buyer, l.wallet, 10), single("t2", l.buyer, l.wallet, 0),
                  pending("p1", l.wallet, l.platform, 4)});
    for (std::size_t i : {0u, 2u}) {
        auto trail = procura::db::read_audit_trail(pool_of(l.subject), "transfer", r[i].row_id);
        BOOST_REQUIRE(trail.ok());
        BOOST_REQUIRE_EQUAL(trail->size(), 1u);
        BOOST_TEST((*trail)[0].event.actor_user_id == actor);
    }
    // Four accounts and two transfers; the refused one left nothing.
    BOOST_TEST(testing::query_int64(pool_of(l.subject), "SELECT COUNT(*) FROM audit_events") == 6);
    BOOST_TEST(testing::query_int64(pool_of(l.subject), "SELECT seq FROM audit_head") == 6);
}

// Lists of ids are padded to a power of two with the last id repeated (one cached statement per
// size class): batches over 6 accounts and re-sent batches of 5 and of 1,025 ids (beyond the
// cached sizes) lock, read and count each row once.
BOOST_AUTO_TEST_CASE(padded_id_lists_lock_and_read_each_row_once) {
    Ledger l(mysql_subject());
    std::vector<std::int64_t> suppliers;
    for (int i = 0; i < 5; ++i) {
        suppliers.push_back(l.open(account_spec(OwnerKind::supplier, 40 + i)));
    }
    std::vector<Transfer> first;
    for (int i = 0; i < 5; ++i) {
        first.push_back(single("pad" + std::to_string(i), l.buyer, suppliers[i], 10 + i));
    }
    for (const TransferResult& r : l.submit(first)) {
        BOOST_TEST((r.status == TransferStatus::created));
    }
    // Three of them again with two new ones: the careful path reads 5 ids (8 slots).
    std::vector<Transfer> again(first.begin(), first.begin() + 3);
    again.push_back(single("pad5", l.buyer, suppliers[0], 100));
    again.push_back(single("pad6", l.buyer, suppliers[4], 200));
    const auto results = l.submit(again);
    for (std::size_t i = 0; i < results.size(); ++i) {
        BOOST_TEST(
            (results[i].status == (i < 3 ? TransferStatus::exists : TransferStatus::created)));
    }
    BOOST_TEST(l.balances(suppliers[0]).credits_posted == 10 + 100);
    BOOST_TEST(l.balances(suppliers[4]).credits_posted == 14 + 200);
    BOOST_TEST(l.balances(l.buyer).debits_posted == 10 + 11 + 12 + 13 + 14 + 100 + 200);
    // 1,025 transfers, then the same 1,025 again: every one exists, nothing moves twice.
    std::vector<Transfer> many;
    for (int i = 0; i < 1025; ++i) {
        many.push_back(single("many" + std::to_string(i), l.buyer, suppliers[i % 5], 1));
    }
    for (const TransferResult& r : l.submit(many)) {
        BOOST_TEST((r.status == TransferStatus::created));
    }
    for (const TransferResult& r : l.submit(many)) {
        BOOST_TEST((r.status == TransferStatus::exists));
    }
    BOOST_TEST(l.balances(suppliers[1]).credits_posted == 11 + 205);
    BOOST_TEST(l.balances(l.buyer).debits_posted == 360 + 1025);
    l.require_invariants();
}

namespace {

// A guard over a test table, as settlement's guards are over theirs: the row must be 'open',
// and stays locked for the rest of the posting's transaction. A missing table makes its
// statement fail, which must roll the batch back like any other failure.
class OpenRowGuard final : public PostingGuard {
public:
    OpenRowGuard(std::string table, std::int64_t row_id)
        : table_(std::move(table)), row_id_(row_id) {}

    procura::core::Status check(PostingTransaction& transaction) const override {
        auto* posting = dynamic_cast<MySQLPostingTransaction*>(&transaction);
        if (posting == nullptr) return procura::core::internal("wrong_store", "not MariaDB");
        sql::PreparedStatement& s = posting->transaction().prepared("SELECT state FROM " + table_ +
                                                                    " WHERE id = ? FOR UPDATE");
        s.setInt64(1, row_id_);
        std::unique_ptr<sql::ResultSet> row(s.executeQuery());
        if (row->next() && row->getString(1).asStdString() == "open") return {};
        return procura::core::conflict("row_closed", "closed");
    }

private:
    std::string table_;
    std::int64_t row_id_;
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_guarded_batch_commits_only_while_its_guard_holds) {
    Ledger l(mysql_subject());
    auto& pool = pool_of(l.subject);
    testing::execute_sql(pool,
                         "CREATE TABLE guard_rows (id BIGINT PRIMARY KEY, state "
                         "VARCHAR(16) NOT NULL) ENGINE=InnoDB");
    testing::execute_sql(pool, "INSERT INTO guard_rows VALUES (1, 'open')");
    const OpenRowGuard guard("guard_rows", 1);
    auto ok = l.service->create_transfers(actor, {single("g1", l.buyer, l.wallet, 5)}, &guard);
    BOOST_REQUIRE(ok.ok());
    BOOST_TEST(((*ok)[0].status == TransferStatus::created));

    testing::execute_sql(pool, "UPDATE guard_rows SET state = 'closed' WHERE id = 1");
    const auto transfers = [&] {
        return testing::query_int64(pool, "SELECT COUNT(*) FROM money_transfers");
    };
    const auto events = [&] { return testing::query_int64(pool, "SELECT seq FROM audit_head"); };
    const auto before = std::pair(transfers(), events());
    auto refused = l.service->create_transfers(actor, {single("g2", l.buyer, l.wallet, 5)}, &guard);
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.error().code == "row_closed");
    const OpenRowGuard missing_row("guard_rows", 2);  // no such row: it does not hold either
    refused =
        l.service->create_transfers(actor, {single("g2", l.buyer, l.wallet, 5)}, &missing_row);
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.error().code == "row_closed");
    const OpenRowGuard broken("no_such_table", 1);  // its statement fails: nothing is written
    refused = l.service->create_transfers(actor, {single("g2", l.buyer, l.wallet, 5)}, &broken);
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST((refused.error().kind == procura::core::ErrorKind::internal));
    BOOST_TEST((std::pair(transfers(), events()) == before));
    BOOST_TEST(testing::query_int64(pool, "SELECT COUNT(*) FROM guard_rows") == 1);
}

// Rows written behind the service's back, as a bug or a hand-made fix would: the check names
// each broken invariant.
BOOST_AUTO_TEST_CASE(invariant_check_catches_rows_corrupted_in_sql) {
    Ledger l(mysql_subject());
    l.submit({single("t1", l.buyer, l.wallet, 100)});
    l.require_invariants();
    auto& pool = pool_of(l.subject);

    // A transfer inserted directly: no audit event, balances not moved.
    testing::execute_sql(pool,
                         "INSERT INTO money_transfers (transfer_key, kind, debit_account_id, "
                         "credit_account_id, amount_minor, currency, code, reference, batch_id, "
                         "created_at_ms) VALUES ('forged', 'single', " +
                             std::to_string(l.wallet) + ", " + std::to_string(l.platform) +
                             ", 500, 'EUR', 0, '', '', 0)");
    auto report = l.service->check();
    BOOST_REQUIRE(report.ok());
    BOOST_TEST(!report->ok());
    BOOST_TEST(has_violation(*report, "1 transfer(s) without an audit event"));
    BOOST_TEST(has_violation(*report, "account " + std::to_string(l.wallet) + " (EUR): stored"));
    // The balances, moved by hand to match the forged row, break the wallet's flag instead.
    testing::execute_sql(pool, "UPDATE money_accounts SET debits_posted = 500 WHERE id = " +
                                   std::to_string(l.wallet));
    testing::execute_sql(pool, "UPDATE money_accounts SET credits_posted = 500 WHERE id = " +
                                   std::to_string(l.platform));
    report = l.service->check();
    BOOST_REQUIRE(report.ok());
    BOOST_TEST(has_violation(*report, "is below zero: its debits exceed its credits"));
    BOOST_TEST(!has_violation(*report, "differ from its transfers"));
    // One side of a transfer changed: debits and credits no longer balance.
    testing::execute_sql(pool, "UPDATE money_accounts SET credits_posted = 501 WHERE id = " +
                                   std::to_string(l.platform));
    report = l.service->check();
    BOOST_REQUIRE(report.ok());
    BOOST_TEST(has_violation(*report, "EUR: posted debits 600 != posted credits 601"));
    for (const std::string& v : report->violations) BOOST_TEST_MESSAGE(v);
}

// 8 threads each post 10,000 transfers, in batches of 250 (one linked group per batch), at
// random between 12 shared accounts, so batches collide on the account locks all the time.
// No update may be lost: every account ends at exactly the sums the threads posted to it.
BOOST_AUTO_TEST_CASE(concurrent_batches_lose_no_update) {
    constexpr int threads_count = 8;
    constexpr int transfers_per_thread = 10'000;
    constexpr int batch_size = 250;
    constexpr int accounts_count = 12;
    Ledger l(mysql_subject(threads_count));
    std::vector<std::int64_t> accounts;
    for (int i = 0; i < accounts_count; ++i) {
        accounts.push_back(l.open(account_spec(OwnerKind::supplier, 100 + i)));
    }
    std::vector<std::vector<std::int64_t>> debits(threads_count,
                                                  std::vector<std::int64_t>(accounts_count));
    std::vector<std::vector<std::int64_t>> credits = debits;
    std::atomic<int> failures{0};
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < threads_count; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 random(static_cast<unsigned>(t + 1));
            std::uniform_int_distribution<int> pick(0, accounts_count - 1);
            std::uniform_int_distribution<std::int64_t> amount(1, 1000);
            for (int b = 0; b < transfers_per_thread / batch_size; ++b) {
                std::vector<Transfer> batch;
                std::vector<std::pair<int, int>> sides;
                for (int i = 0; i < batch_size; ++i) {
                    const int d = pick(random);
                    const int c = (d + 1 + pick(random) % (accounts_count - 1)) % accounts_count;
                    batch.push_back(single(
                        "c" + std::to_string(t) + "-" + std::to_string(b) + "-" + std::to_string(i),
                        accounts[static_cast<std::size_t>(d)],
                        accounts[static_cast<std::size_t>(c)], amount(random), "EUR",
                        i + 1 < batch_size));
                    sides.emplace_back(d, c);
                }
                auto r = l.service->create_transfers(actor, batch);
                if (!r.ok()) {
                    BOOST_TEST_MESSAGE("batch failed: " << r.error().message);
                    ++failures;
                    continue;
                }
                for (std::size_t i = 0; i < batch.size(); ++i) {
                    if ((*r)[i].status != TransferStatus::created) {
                        ++failures;
                        continue;
                    }
                    debits[static_cast<std::size_t>(t)][static_cast<std::size_t>(sides[i].first)] +=
                        batch[i].amount_minor;
                    credits[static_cast<std::size_t>(t)]
                           [static_cast<std::size_t>(sides[i].second)] += batch[i].amount_minor;
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    const auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    BOOST_TEST_MESSAGE("posted " << threads_count * transfers_per_thread << " transfers in "
                                 << seconds << " s");
    BOOST_TEST(failures.load() == 0);
    for (std::size_t a = 0; a < accounts.size(); ++a) {
        std::int64_t d = 0;
        std::int64_t c = 0;
        for (int t = 0; t < threads_count; ++t) {
            d += debits[static_cast<std::size_t>(t)][a];
            c += credits[static_cast<std::size_t>(t)][a];
        }
        BOOST_TEST((l.balances(accounts[a]) == posted(d, c)));
    }
    auto& pool = pool_of(l.subject);
    BOOST_TEST(testing::query_int64(pool, "SELECT COUNT(*) FROM money_transfers") ==
               threads_count * transfers_per_thread);
    BOOST_TEST(testing::query_int64(pool, "SELECT seq FROM audit_head") ==
               threads_count * transfers_per_thread + accounts_count + 4);
    l.require_invariants();
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(mysql_money_store_races)

// Six batches race, each with one transfer id of its own and one id in common: the common id
// is stored once and every other batch reports it as "exists".
BOOST_AUTO_TEST_CASE(racing_batches_store_a_transfer_id_once) {
    constexpr int writers = 6;
    Ledger l(mysql_subject(writers));
    std::atomic<int> ready{0};
    std::atomic<int> created{0};
    std::atomic<int> exists{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < writers; ++i) {
        threads.emplace_back([&, i] {
            ready.fetch_add(1);
            while (ready.load() < writers) std::this_thread::yield();
            auto r = l.service->create_transfers(
                actor, {single("shared", l.buyer, l.platform, 10),
                        single("own-" + std::to_string(i), l.buyer, l.platform, 1)});
            if (!r.ok()) return;
            if ((*r)[0].status == TransferStatus::created) ++created;
            if ((*r)[0].status == TransferStatus::exists) ++exists;
        });
    }
    for (auto& t : threads) t.join();
    BOOST_TEST(created.load() == 1);
    BOOST_TEST(exists.load() == writers - 1);
    BOOST_TEST((l.balances(l.platform) == posted(0, 10 + writers)));
    l.require_invariants();
}

BOOST_AUTO_TEST_SUITE_END()
