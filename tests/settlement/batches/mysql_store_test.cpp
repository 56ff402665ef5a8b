// MySQLBatchStore against a real MariaDB (label db): the BatchStore contract
// (store_contract.hpp, also run on the fake, where the store's own refusal of a posted batch's
// cancellation is checked); and the service over the MariaDB stores: racing preparations never
// take one item twice, a deposit whose bid was never stored is refunded once the tender is
// opened, and executing a batch twice, or twice at once, posts each transfer once.
#include "money/mysql_store.hpp"

#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "bidding/bid_security.hpp"
#include "db/audit_sql.hpp"
#include "settlement/batches/mysql_store.hpp"
#include "settlement/batches/service.hpp"
#include "tests/settlement/batches/store_contract.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace procura::settlement::batches;
namespace contract = procura::settlement::batches::contract;
using procura::core::Caller;
using procura::core::Role;
namespace testing = procura::testing;

const Caller alice{1, Role::finance, "alice"};
const Caller bob{2, Role::finance, "bob"};

struct Database {
    std::unique_ptr<procura::db::ConnectionPool> pool;
    procura::core::SystemClock clock;
    MySQLBatchStore store;
    procura::money::MySQLMoneyStore money;
    BatchService service;

    explicit Database(std::unique_ptr<procura::db::ConnectionPool> p)
        : pool(std::move(p)),
          store(*pool),
          money(*pool),
          service(store, money, clock, PROCURA_PAIN001_XSD) {}

    // One approved supplier with a signed contract of `milestones` accepted milestones.
    void fill(int milestones) {
        auto& p = *pool;
        testing::execute_sql(p,
                             "INSERT INTO users (username, role, password_hash, created_at_ms) "
                             "VALUES ('s1', 'supplier', 'x', 0)");
        const auto supplier = testing::query_int64(p, "SELECT id FROM users WHERE username='s1'");
        const std::string s = std::to_string(supplier);
        testing::execute_sql(
            p,
            "INSERT INTO suppliers (user_id, organisation_name, registration_number, street, "
            "postal_code, city, country, contact_name, contact_email, contact_phone, iban, "
            "bic, status, registered_at_ms) VALUES (" +
                s +
                ", 'Supplier One', 'R1', 'S', '1', 'C', 'GB', 'N', 'a@b.c', '+441234567', "
                "'GB82WEST12345698765432', '', 'approved', 0)");
        testing::execute_sql(
            p,
            "INSERT INTO tenders (version, state, title, description, buyer_name, buyer_id, "
            "currency, price_weight, technical_weight, bid_security_minor, threshold_k, "
            "created_by, created_at_ms, updated_at_ms, cancel_reason) VALUES (1, "
            "'published', 'T', 'D', 'Town', 'TOWN-1', 'EUR', 100, 0, 0, 1, 0, 0, 0, '')");
        testing::execute_sql(
            p,
            "INSERT INTO bids (tender_id, supplier_id, lot_id, version, body, sha256, "
            "received_at_ms, timestamp_token, log_seq, security_transfer_key, state) VALUES "
            "(1, " +
                s + ", 1, 1, 'b', REPEAT('a', 64), 0, '', 0, '" +
                procura::bidding::bid_security_transfer_id(1, std::string(64, 'a')) +
                "', 'active')");
        testing::execute_sql(
            p,
            "INSERT INTO awards (tender_id, lot_id, bid_id, supplier_id, value_minor, "
            "currency, awarded_rank, skip_reason, state, awarded_by, awarded_at_ms, "
            "standstill_ends_at_ms, decided_by, decided_at_ms) VALUES (1, 1, 1, " +
                s + ", 1000000, 'EUR', 1, '', 'signed', 0, 1, 2, 0, 3)");
        testing::execute_sql(
            p,
            "INSERT INTO contracts (award_id, tender_id, lot_id, supplier_id, value_minor, "
            "currency, signed_by, signed_at_ms) VALUES (1, 1, 1, " +
                s + ", 1000000, 'EUR', 0, 3)");
        for (int m = 1; m <= milestones; ++m) {
            testing::execute_sql(
                p,
                "INSERT INTO contract_milestones (contract_id, number, title, amount_minor, "
                "currency, state, accepted_by, accepted_at_ms) VALUES (1, " +
                    std::to_string(m) + ", 'M', " + std::to_string(1000 + m) +
                    ", 'EUR', 'accepted', 0, " + std::to_string(10 + m) + ")");
        }
        BuyerAccount a;
        a.buyer_id = "TOWN-1";
        a.name = "Town of Example";
        a.iban = "DE89370400440532013000";
        BOOST_REQUIRE(service.set_buyer_account(alice, a).ok());
    }
};

// The contract's world: a fresh database with the contract's finance users and suppliers (with
// approved registrations), whose tenders, bids, awards, contracts and milestones are rows as
// bidding and awards write them, and whose deposits are held in MariaDB's ledger.
class MySQLBatchWorld final : public contract::BatchWorld {
public:
    MySQLBatchWorld() {
        for (procura::core::UserId id : {contract::alice, contract::bob, contract::supplier_a,
                                         contract::supplier_b, contract::supplier_c}) {
            const bool supplier = id >= contract::supplier_a;
            const std::string uid = std::to_string(id);
            sql("INSERT INTO users (id, username, role, password_hash, created_at_ms) VALUES (" +
                uid + ", 'u" + uid + "', '" + (supplier ? "supplier" : "finance") + "', 'x', 0)");
            if (!supplier) continue;
            sql("INSERT INTO suppliers (user_id, organisation_name, registration_number, street, "
                "postal_code, city, country, contact_name, contact_email, contact_phone, iban, "
                "bic, status, registered_at_ms) VALUES (" +
                uid + ", '" + contract::supplier_name(id) + "', 'R" + uid +
                "', 'S', '1', 'C', 'GB', 'N', 'a@b.c', '+441234567', '" + contract::supplier_iban +
                "', '', 'approved', 0)");
        }
    }

    BatchStore& store() override { return store_; }
    procura::money::MoneyStore& money() override { return money_; }

    contract::SignedContract sign_contract(const std::vector<std::int64_t>& amounts) override {
        contract::SignedContract k;
        sql("INSERT INTO tenders (version, state, title, description, buyer_name, buyer_id, "
            "currency, price_weight, technical_weight, bid_security_minor, threshold_k, "
            "created_by, created_at_ms, updated_at_ms, cancel_reason) VALUES (1, 'published', "
            "'T', 'D', 'Town', '" +
            std::string(contract::buyer_id) + "', 'EUR', 100, 0, 0, 1, 0, 0, 0, '')");
        k.tender_id = last("tenders");
        const std::string tid = std::to_string(k.tender_id);
        const std::string a = std::to_string(contract::supplier_a);
        k.bid_id = insert_bid(k.tender_id, 1, contract::supplier_a, "none:" + tid);
        std::int64_t total = 0;
        for (std::int64_t amount : amounts) total += amount;
        sql("INSERT INTO awards (tender_id, lot_id, bid_id, supplier_id, value_minor, currency, "
            "awarded_rank, skip_reason, state, awarded_by, awarded_at_ms, standstill_ends_at_ms, "
            "decided_by, decided_at_ms) VALUES (" +
            tid + ", 1, " + std::to_string(k.bid_id) + ", " + a + ", " + std::to_string(total) +
            ", 'EUR', 1, '', 'signed', 1, " + std::to_string(contract::t0_ms - 1'000) + ", " +
            std::to_string(contract::t0_ms - 600) + ", 1, " +
            std::to_string(contract::t0_ms - 500) + ")");
        k.award_id = last("awards");
        sql("INSERT INTO contracts (award_id, tender_id, lot_id, supplier_id, value_minor, "
            "currency, signed_by, signed_at_ms) VALUES (" +
            std::to_string(k.award_id) + ", " + tid + ", 1, " + a + ", " + std::to_string(total) +
            ", 'EUR', 1, " + std::to_string(contract::t0_ms - 500) + ")");
        k.contract_id = last("contracts");
        for (std::size_t n = 0; n < amounts.size(); ++n) {
            sql("INSERT INTO contract_milestones (contract_id, number, title, amount_minor, "
                "currency, state) VALUES (" +
                std::to_string(k.contract_id) + ", " + std::to_string(n + 1) + ", 'M', " +
                std::to_string(amounts[n]) + ", 'EUR', 'planned')");
            k.milestone_ids.push_back(last("contract_milestones"));
        }
        return k;
    }

    void accept_milestone(std::int64_t milestone_id, std::int64_t at_ms) override {
        sql("UPDATE contract_milestones SET state = 'accepted', accepted_by = 1, "
            "accepted_at_ms = " +
            std::to_string(at_ms) + " WHERE id = " + std::to_string(milestone_id));
    }

    contract::HeldDeposit bid_with_deposit(std::int64_t tender_id, std::int64_t lot_id,
                                           procura::core::UserId supplier,
                                           std::int64_t amount_minor) override {
        const std::int64_t n = ++bids_;
        const std::string pending_id = contract::deposit_id(tender_id, n);
        contract::hold_deposit(money_, tender_id, supplier, pending_id, amount_minor);
        return {insert_bid(tender_id, lot_id, supplier, pending_id, n), pending_id};
    }

    std::vector<procura::core::AuditEvent> audit_events() override {
        auto stored = procura::db::read_audit_events(*pool_, 0, 1'000'000);
        contract::require_ok(stored);
        std::vector<procura::core::AuditEvent> out;
        for (const procura::core::StoredAuditEvent& e : *stored) out.push_back(e.event);
        return out;
    }

private:
    void sql(const std::string& statement) { testing::execute_sql(*pool_, statement); }
    std::int64_t last(const std::string& table) {
        return testing::query_int64(*pool_, "SELECT MAX(id) FROM " + table);
    }
    // An active bid whose deposit is the ledger's transfer key (n: the world's bid number).
    std::int64_t insert_bid(std::int64_t tender_id, std::int64_t lot_id,
                            procura::core::UserId supplier, const std::string& key,
                            std::int64_t n = 0) {
        if (n == 0) n = ++bids_;
        sql("INSERT INTO bids (tender_id, supplier_id, lot_id, version, body, sha256, "
            "received_at_ms, timestamp_token, log_seq, security_transfer_key, state) VALUES (" +
            std::to_string(tender_id) + ", " + std::to_string(supplier) + ", " +
            std::to_string(lot_id) + ", 1, 'b', '" + contract::bid_sha256(n) + "', 0, '', 0, '" +
            key + "', 'active')");
        return last("bids");
    }

    std::unique_ptr<procura::db::ConnectionPool> pool_ =
        testing::open_fresh_migrated_pool("batchstore", 4);
    MySQLBatchStore store_{*pool_};
    procura::money::MySQLMoneyStore money_{*pool_};
    std::int64_t bids_ = 0;
};

std::unique_ptr<contract::BatchWorld> mysql_world() { return std::make_unique<MySQLBatchWorld>(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(batch_mysql_store)

PROCURA_BATCH_STORE_CONTRACT_TESTS(mysql_world())

BOOST_AUTO_TEST_CASE(racing_preparations_never_take_an_item_twice) {
    Database d(testing::open_fresh_migrated_pool("batches", 8));
    d.fill(60);
    constexpr int racers = 4;
    std::vector<std::vector<std::string>> taken(racers);
    std::vector<std::string> refusals(racers);
    std::vector<std::thread> threads;
    for (int r = 0; r < racers; ++r) {
        threads.emplace_back([&, r] {
            MySQLBatchStore store(*d.pool);
            procura::money::MySQLMoneyStore money(*d.pool);
            BatchService service(store, money, d.clock, PROCURA_PAIN001_XSD);
            // Each racer prepares with a cut-off that covers a different prefix.
            auto b = service.prepare(alice, 10 + 30 + 10 * r);
            if (!b) {
                refusals[static_cast<std::size_t>(r)] = b.error().code;
                return;
            }
            for (const Item& i : b->items)
                taken[static_cast<std::size_t>(r)].push_back(i.source_key);
        });
    }
    for (auto& t : threads) t.join();
    std::set<std::string> all;
    std::size_t total = 0;
    for (const auto& keys : taken) {
        total += keys.size();
        all.insert(keys.begin(), keys.end());
    }
    BOOST_TEST(total == all.size());
    BOOST_TEST(total > 0u);
    // A racer either got a batch or found its items taken by the others: never another error.
    for (const std::string& code : refusals) {
        BOOST_TEST((code.empty() || code == "nothing_to_settle" || code == "item_taken"), code);
    }
    BOOST_TEST(testing::query_int64(*d.pool, "SELECT COUNT(*) FROM settlement_items") ==
               static_cast<std::int64_t>(total));
    BOOST_TEST(
        testing::query_int64(*d.pool, "SELECT COUNT(DISTINCT source_key) FROM settlement_items") ==
        static_cast<std::int64_t>(total));
    // What the widest cut-off covers was taken by the racers, except what a racer that gave up
    // after its retries (item_taken) left: a later batch takes exactly that, nothing twice,
    // and then nothing is due.
    {
        MySQLBatchStore store(*d.pool);
        procura::money::MySQLMoneyStore money(*d.pool);
        BatchService service(store, money, d.clock, PROCURA_PAIN001_XSD);
        const bool a_racer_gave_up =
            std::find(refusals.begin(), refusals.end(), "item_taken") != refusals.end();
        auto after = service.prepare(alice, 10 + 30 + 10 * (racers - 1));
        if (after.ok()) {
            BOOST_TEST(a_racer_gave_up);
            for (const Item& i : after->items) BOOST_TEST(all.insert(i.source_key).second);
            after = service.prepare(alice, 10 + 30 + 10 * (racers - 1));
        }
        BOOST_REQUIRE(!after.ok());
        BOOST_TEST(after.error().code == "nothing_to_settle");
    }
}

BOOST_AUTO_TEST_CASE(a_deposit_whose_bid_was_never_stored_is_refunded_once_the_tender_is_opened) {
    Database d(testing::open_fresh_migrated_pool("orphans", 4));
    d.fill(1);
    // Intake held two deposits on tender 1; the bid of one was stored (sha256 'aaaa...'), the
    // other's never was and its release failed.
    procura::money::LedgerService ledger(d.money, d.clock);
    const auto supplier = testing::query_int64(*d.pool, "SELECT id FROM users WHERE username='s1'");
    procura::money::Account from_spec;
    from_spec.owner = procura::money::OwnerKind::supplier;
    from_spec.owner_id = supplier;
    from_spec.currency = "EUR";
    from_spec.kind = procura::money::AccountKind::bid_security;
    procura::money::Account to_spec;
    to_spec.owner = procura::money::OwnerKind::tender_escrow;
    to_spec.owner_id = 1;
    to_spec.currency = "EUR";
    to_spec.kind = procura::money::AccountKind::escrow;
    auto from = ledger.account_for(0, from_spec);
    auto to = ledger.account_for(0, to_spec);
    BOOST_REQUIRE(from.ok() && to.ok());
    std::vector<procura::money::Transfer> holds;
    for (const char* hash :
         {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}) {
        procura::money::Transfer t;
        t.id = procura::bidding::bid_security_transfer_id(1, std::string(hash) + hash);
        t.kind = procura::money::TransferKind::pending;
        t.code = procura::bidding::bid_security_transfer_code;
        t.debit_account_id = from->id;
        t.credit_account_id = to->id;
        t.amount_minor = 500;
        t.currency = "EUR";
        holds.push_back(t);
    }
    BOOST_REQUIRE(ledger.create_transfers(0, holds).ok());
    const auto orphan_items = [&](const Batch& b) {
        return std::count_if(b.items.begin(), b.items.end(), [](const Item& i) {
            return i.source_key == "deposit:bs:1:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        });
    };
    // Before the opening a bid could still be stored with it: it waits.
    auto early = d.service.prepare(alice, 1'000);
    BOOST_REQUIRE(early.ok());
    BOOST_TEST(orphan_items(*early) == 0);
    testing::execute_sql(*d.pool,
                         "INSERT INTO tender_openings (tender_id, opened_at_ms) VALUES (1, 500)");
    auto later = d.service.prepare(alice, 1'000);
    BOOST_REQUIRE(later.ok());
    BOOST_REQUIRE(orphan_items(*later) == 1);
    const auto orphan = std::find_if(later->items.begin(), later->items.end(), [](const Item& i) {
        return i.source_key == "deposit:bs:1:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    });
    BOOST_TEST((orphan->kind == ItemKind::refund));
    BOOST_TEST(orphan->supplier_id == supplier);
    BOOST_TEST(orphan->amount_minor == 500);
    // The stored bid's deposit is no orphan: it followed its bid (awarded and signed here) into
    // the first batch, and only there.
    const auto stored_bid_items = [](const Batch& b) {
        return std::count_if(b.items.begin(), b.items.end(), [](const Item& i) {
            return i.source_key == "deposit:bs:1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" &&
                   i.kind == ItemKind::refund;
        });
    };
    BOOST_TEST(stored_bid_items(*early) == 1);
    BOOST_TEST(stored_bid_items(*later) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

// Execution writes bank files, so this suite needs the pain.001 XSD: CTest runs it as
// batch_db_execute_tests, which batch_db_main.cpp skips (77) when the file is missing.
BOOST_AUTO_TEST_SUITE(batch_mysql_execute)

BOOST_AUTO_TEST_CASE(executing_twice_and_concurrently_posts_once) {
    Database d(testing::open_fresh_migrated_pool("batches", 8));
    d.fill(25);
    auto b = d.service.prepare(alice, 1'000);
    BOOST_REQUIRE(b.ok());
    BOOST_REQUIRE_EQUAL(b->items.size(), 25u);
    BOOST_TEST(d.service.approve(alice, b->id).error().code == "four_eyes");
    BOOST_REQUIRE(d.service.approve(bob, b->id).ok());
    std::vector<std::thread> threads;
    std::atomic<int> succeeded{0};
    for (int r = 0; r < 3; ++r) {
        threads.emplace_back([&] {
            MySQLBatchStore store(*d.pool);
            procura::money::MySQLMoneyStore money(*d.pool);
            BatchService service(store, money, d.clock, PROCURA_PAIN001_XSD);
            if (service.execute(alice, b->id).ok()) ++succeeded;
        });
    }
    for (auto& t : threads) t.join();
    BOOST_TEST(succeeded.load() >= 1);
    auto again = d.service.execute(bob, b->id);
    BOOST_REQUIRE(again.ok());
    BOOST_TEST((again->state == BatchState::executed));
    BOOST_TEST(testing::query_int64(*d.pool, "SELECT COUNT(*) FROM money_transfers") == 25);
    BOOST_TEST(testing::query_int64(*d.pool, "SELECT COUNT(*) FROM settlement_files") == 1);
    BOOST_TEST(testing::query_int64(*d.pool,
                                    "SELECT COUNT(*) FROM audit_events WHERE entity_type = "
                                    "'settlement_file'") == 1);
    auto file = d.service.file(alice, b->id, 1);
    BOOST_REQUIRE(file.ok());
    BOOST_TEST(file->payment_count == 25);
    BOOST_TEST(d.service.prepare(alice, 1'000).error().code == "nothing_to_settle");
    auto check = procura::money::LedgerService(d.money, d.clock).check();
    BOOST_REQUIRE(check.ok());
    BOOST_TEST(check->ok());
}

BOOST_AUTO_TEST_CASE(a_cancellation_racing_an_execution_never_lets_both_win) {
    // Each round cancels at a different moment of a running execution: before, around or
    // after its posting. Either the cancellation wins and nothing is posted, or the posting
    // wins and the cancellation is refused; never a cancelled batch with money moved.
    int cancelled_rounds = 0;
    int posted_rounds = 0;
    for (int round = 0; round < 8; ++round) {
        BOOST_TEST_CONTEXT("round " << round) {
            Database d(testing::open_fresh_migrated_pool("batchrace", 8));
            d.fill(25);
            auto b = d.service.prepare(alice, 1'000);
            BOOST_REQUIRE(b.ok());
            BOOST_REQUIRE(d.service.approve(bob, b->id).ok());
            std::atomic<bool> started{false};
            d.service.set_checkpoint([&](std::string_view name) {
                if (name == "started") started = true;
            });
            std::optional<procura::core::Result<Batch>> executed;
            std::thread executor([&] { executed = d.service.execute(alice, b->id); });
            MySQLBatchStore store(*d.pool);
            procura::money::MySQLMoneyStore money(*d.pool);
            BatchService other(store, money, d.clock, PROCURA_PAIN001_XSD);
            while (!started) std::this_thread::yield();
            std::this_thread::sleep_for(std::chrono::microseconds(400 * round));
            auto cancelled = other.cancel(bob, b->id, "race " + std::to_string(round));
            executor.join();
            const auto transfers = testing::query_int64(
                *d.pool, "SELECT COUNT(*) FROM money_transfers WHERE transfer_key LIKE 'stl:%'");
            const auto in_state = [&](const char* state) {
                return testing::query_int64(
                           *d.pool, "SELECT COUNT(*) FROM settlement_batches WHERE id = " +
                                        std::to_string(b->id) + " AND state = '" + state + "'") ==
                       1;
            };
            BOOST_REQUIRE(executed.has_value());
            if (cancelled.ok()) {
                ++cancelled_rounds;
                BOOST_TEST(in_state("cancelled"));
                BOOST_TEST(transfers == 0);
                BOOST_REQUIRE(!executed->ok());
                BOOST_TEST(executed->error().code == "batch_cancelled");
            } else {
                ++posted_rounds;
                // Posted but not yet finished, or finished already.
                BOOST_TEST((cancelled.error().code == "batch_posted" ||
                            cancelled.error().code == "batch_not_cancellable"));
                BOOST_TEST(transfers == 25);
                BOOST_REQUIRE(executed->ok());
                BOOST_TEST(in_state("executed"));
            }
            auto check = procura::money::LedgerService(d.money, d.clock).check();
            BOOST_REQUIRE(check.ok());
            BOOST_TEST(check->ok());
        }
    }
    BOOST_TEST_MESSAGE("cancellation won " << cancelled_rounds << " rounds, posting "
                                           << posted_rounds);
}

BOOST_AUTO_TEST_CASE(a_posted_but_unfinished_batch_cannot_be_cancelled) {
    Database d(testing::open_fresh_migrated_pool("batchposted", 8));
    d.fill(5);
    auto b = d.service.prepare(alice, 1'000);
    BOOST_REQUIRE(b.ok());
    BOOST_REQUIRE(d.service.approve(bob, b->id).ok());
    d.service.set_checkpoint([](std::string_view name) {
        if (name == "posted") throw std::runtime_error("crash after posting");
    });
    BOOST_CHECK_THROW((void)d.service.execute(alice, b->id), std::runtime_error);
    d.service.set_checkpoint({});
    auto refused = d.service.cancel(bob, b->id, "too late");
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.error().code == "batch_posted");
    auto done = d.service.execute(bob, b->id);
    BOOST_REQUIRE(done.ok());
    BOOST_TEST((done->state == BatchState::executed));
}

BOOST_AUTO_TEST_SUITE_END()
