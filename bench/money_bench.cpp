// Benchmark of the money ledger against MariaDB: transfers posted per second through
// LedgerService::create_transfers in linked batches of 1,000 (each batch one all-or-nothing
// group: accounts locked, transfers and balances written, one audit event per transfer
// chained), beside the same-run baseline of a raw multi-row INSERT of the same rows into a
// plain table (1,000 rows per transaction, its statement prepared once per connection and
// reused, as the ledger reuses its own). Rounds alternate between
// the two so that a noisy neighbour hits both alike; the medians are compared.
//
//   money_bench DB_URL [ROUNDS] [BATCHES_PER_ROUND]     (defaults 5 and 20)
//
// The database must be empty or hold only earlier runs of this benchmark; it is migrated.
// Not a test: bench/money_bench.sh starts a private server and runs it.
// size-exempt: main: a benchmark's main is its script (set-up, the timed runs beside their
// baseline, the report) in the order docs/benchmarks.md describes it; kept whole so that what
// is timed, and what is not, reads top to bottom.
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/migrate.hpp"
#include "db/pool.hpp"
#include "db/transaction.hpp"
#include "db/url.hpp"
#include "money/mysql_store.hpp"
#include "money/service.hpp"

namespace {

using namespace procura;

constexpr std::size_t batch_size = 1000;
constexpr int accounts_count = 100;

[[noreturn]] void die(const std::string& what, const core::Error& e) {
    std::fprintf(stderr, "money_bench: %s: %s\n", what.c_str(), e.message.c_str());
    std::exit(1);
}

std::vector<money::Transfer> make_batch(const std::vector<std::int64_t>& accounts, int round,
                                        int batch, std::mt19937& random) {
    std::uniform_int_distribution<std::size_t> pick(0, accounts.size() - 1);
    std::uniform_int_distribution<std::int64_t> amount(1, 100'000);
    std::vector<money::Transfer> out;
    out.reserve(batch_size);
    for (std::size_t i = 0; i < batch_size; ++i) {
        money::Transfer t;
        t.id = "bench-" + std::to_string(round) + "-" + std::to_string(batch) + "-" +
               std::to_string(i);
        const std::size_t d = pick(random);
        std::size_t c = pick(random);
        if (c == d) c = (c + 1) % accounts.size();
        t.debit_account_id = accounts[d];
        t.credit_account_id = accounts[c];
        t.amount_minor = amount(random);
        t.currency = "EUR";
        t.code = 1;
        t.reference = "invoice " + std::to_string(i);
        t.batch_id = "bench-" + std::to_string(round) + "-" + std::to_string(batch);
        t.linked = i + 1 < batch_size;
        out.push_back(std::move(t));
    }
    return out;
}

// The same rows, raw: one 1,000-row INSERT per transaction into table: bench_raw_transfers
// (the same columns and no other index than its primary key) or bench_shape_transfers
// (CREATE TABLE ... LIKE money_transfers: the same unique keys and indexes, no foreign keys).
void insert_raw(db::ConnectionPool& pool, const std::vector<money::Transfer>& batch,
                std::int64_t at_ms, const std::string& table) {
    std::string sql =
        "INSERT INTO " + table +
        " (transfer_key, kind, debit_account_id, "
        "credit_account_id, amount_minor, currency, pending_key, code, reference, batch_id, "
        "created_at_ms) VALUES ";
    for (std::size_t i = 0; i < batch.size(); ++i) {
        sql += (i == 0 ? "" : ", ");
        sql += "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }
    const core::Status s = db::run_transaction(pool, "bench.raw", [&](db::Transaction& tx) {
        return tx.attempt("bench.raw", [&](sql::Connection&) {
            sql::PreparedStatement& insert = tx.prepared(sql);
            unsigned int p = 1;
            for (const money::Transfer& t : batch) {
                insert.setString(p++, t.id);
                insert.setString(p++, "single");
                insert.setInt64(p++, t.debit_account_id);
                insert.setInt64(p++, t.credit_account_id);
                insert.setInt64(p++, t.amount_minor);
                insert.setString(p++, t.currency);
                insert.setNull(p++, sql::DataType::VARCHAR);
                insert.setInt(p++, t.code);
                insert.setString(p++, t.reference);
                insert.setString(p++, t.batch_id);
                insert.setInt64(p++, at_ms);
            }
            insert.executeUpdate();
        });
    });
    if (!s) die("raw insert", s.error());
}

// The second baseline: every row the ledger writes, raw. In one transaction, the 1,000
// transfer rows as insert_raw writes them and the 1,000 audit rows of the same transfers (the
// same payload JSON the ledger logs, hashes as hex through UNHEX as the ledger sends them) into
// a copy of audit_events with its indexes, but no chain, no head lock, no account locks or
// balances.
void insert_raw_with_audit(db::ConnectionPool& pool, const std::vector<money::Transfer>& batch,
                           std::int64_t at_ms, std::int64_t& next_seq) {
    std::string transfers_sql =
        "INSERT INTO bench_raw_transfers (transfer_key, kind, debit_account_id, "
        "credit_account_id, amount_minor, currency, pending_key, code, reference, batch_id, "
        "created_at_ms) VALUES ";
    std::string audit_sql =
        "INSERT INTO bench_raw_audit (seq, at_ms, actor_user_id, action, entity_type, "
        "entity_id, entity_version, payload_json, prev_hash, hash) VALUES ";
    for (std::size_t i = 0; i < batch.size(); ++i) {
        transfers_sql += (i == 0 ? "" : ", ");
        transfers_sql += "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        audit_sql += (i == 0 ? "" : ", ");
        audit_sql += "(?, ?, ?, ?, ?, ?, ?, ?, UNHEX(?), UNHEX(?))";
    }
    const std::string hash_hex(64, 'a');
    const core::Status s = db::run_transaction(pool, "bench.raw_all", [&](db::Transaction& tx) {
        return tx.attempt("bench.raw_all", [&](sql::Connection&) {
            sql::PreparedStatement& transfers = tx.prepared(transfers_sql);
            unsigned int p = 1;
            for (const money::Transfer& t : batch) {
                transfers.setString(p++, t.id);
                transfers.setString(p++, "single");
                transfers.setInt64(p++, t.debit_account_id);
                transfers.setInt64(p++, t.credit_account_id);
                transfers.setInt64(p++, t.amount_minor);
                transfers.setString(p++, t.currency);
                transfers.setNull(p++, sql::DataType::VARCHAR);
                transfers.setInt(p++, t.code);
                transfers.setString(p++, t.reference);
                transfers.setString(p++, t.batch_id);
                transfers.setInt64(p++, at_ms);
            }
            transfers.executeUpdate();
            sql::PreparedStatement& audit = tx.prepared(audit_sql);
            p = 1;
            for (const money::Transfer& t : batch) {
                money::Transfer logged = t;
                logged.at_ms = at_ms;
                const core::AuditEvent e = money::transfer_audit_event(logged, 0);
                audit.setInt64(p++, next_seq++);
                audit.setInt64(p++, e.at_ms);
                audit.setInt64(p++, e.actor_user_id);
                audit.setString(p++, e.action);
                audit.setString(p++, e.entity_type);
                audit.setInt64(p++, next_seq);
                audit.setInt64(p++, e.entity_version);
                audit.setString(p++, e.payload_json);
                audit.setString(p++, hash_hex);
                audit.setString(p++, hash_hex);
            }
            audit.executeUpdate();
        });
    });
    if (!s) die("raw insert with audit", s.error());
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: money_bench DB_URL [ROUNDS] [BATCHES_PER_ROUND]\n");
        return 2;
    }
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
    const int batches = argc > 3 ? std::atoi(argv[3]) : 20;
    auto config = db::parse_url(argv[1]);
    if (!config) die("database URL", config.error());
    db::PoolOptions options;
    options.size = 2;
    auto pool = db::ConnectionPool::open(*config, options);
    if (!pool) die("open", pool.error());
    auto migrated = db::migrate(**pool);
    if (!migrated) die("migrate", migrated.error());
    const core::Status created = db::with_connection(**pool, "bench.setup", [](sql::Connection& c) {
        std::unique_ptr<sql::Statement> s(c.createStatement());
        s->execute(
            "CREATE TABLE IF NOT EXISTS bench_raw_transfers (id BIGINT NOT NULL AUTO_INCREMENT, "
            "transfer_key VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, "
            "kind VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, "
            "debit_account_id BIGINT NOT NULL, credit_account_id BIGINT NOT NULL, "
            "amount_minor BIGINT NOT NULL, currency CHAR(3) CHARACTER SET ascii NOT NULL, "
            "pending_key VARCHAR(64) CHARACTER SET ascii NULL, code INT NOT NULL, "
            "reference VARCHAR(128) NOT NULL, batch_id VARCHAR(64) CHARACTER SET ascii NOT NULL, "
            "created_at_ms BIGINT NOT NULL, PRIMARY KEY (id)) ENGINE = InnoDB "
            "DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin");
        s->execute("TRUNCATE TABLE bench_raw_transfers");
        s->execute("CREATE TABLE IF NOT EXISTS bench_shape_transfers LIKE money_transfers");
        s->execute("TRUNCATE TABLE bench_shape_transfers");
        s->execute("CREATE TABLE IF NOT EXISTS bench_raw_audit LIKE audit_events");
        s->execute("TRUNCATE TABLE bench_raw_audit");
    });
    if (!created) die("setup", created.error());

    core::SystemClock clock;
    money::MySQLMoneyStore store(**pool);
    money::LedgerService service(store, clock);
    // Each run opens its own accounts and uses its own transfer ids.
    const std::int64_t run = clock.now_ms();
    const std::string run_tag = std::to_string(run);
    std::vector<std::int64_t> accounts;
    for (int i = 0; i < accounts_count; ++i) {
        money::Account spec;
        spec.owner = money::OwnerKind::supplier;
        spec.owner_id = run * 1000 + i;
        spec.currency = "EUR";
        auto a = service.open_account(0, spec);
        if (!a) die("open account", a.error());
        accounts.push_back(a->id);
    }
    std::mt19937 random(42);

    std::vector<double> ledger_rates;
    std::vector<double> raw_rates;
    std::vector<double> shape_rates;
    std::vector<double> raw_all_rates;
    std::int64_t raw_seq = 1;
    using Clock = std::chrono::steady_clock;
    for (int round = -1; round < rounds; ++round) {  // round -1 warms up both paths
        std::vector<std::vector<money::Transfer>> work;
        for (int b = 0; b < batches; ++b) {
            work.push_back(make_batch(accounts, round, b, random));
            for (auto& t : work.back()) t.id = run_tag + "-" + t.id;
        }
        auto started = Clock::now();
        for (const auto& batch : work) {
            insert_raw(**pool, batch, clock.now_ms(), "bench_raw_transfers");
        }
        const double raw_s = std::chrono::duration<double>(Clock::now() - started).count();
        started = Clock::now();
        for (const auto& batch : work) {
            insert_raw(**pool, batch, clock.now_ms(), "bench_shape_transfers");
        }
        const double shape_s = std::chrono::duration<double>(Clock::now() - started).count();
        started = Clock::now();
        for (const auto& batch : work)
            insert_raw_with_audit(**pool, batch, clock.now_ms(), raw_seq);
        const double raw_all_s = std::chrono::duration<double>(Clock::now() - started).count();
        started = Clock::now();
        for (const auto& batch : work) {
            auto r = service.create_transfers(0, batch);
            if (!r) die("create_transfers", r.error());
            if ((*r)[0].status != money::TransferStatus::created) {
                die("create_transfers", r->front().error.value_or(core::Error{}));
            }
        }
        const double ledger_s = std::chrono::duration<double>(Clock::now() - started).count();
        const double n = static_cast<double>(batches) * batch_size;
        if (round >= 0) {
            raw_rates.push_back(n / raw_s);
            shape_rates.push_back(n / shape_s);
            raw_all_rates.push_back(n / raw_all_s);
            ledger_rates.push_back(n / ledger_s);
            std::printf(
                "round %d: raw %.0f rows/s, raw same shape %.0f rows/s, raw with audit "
                "rows %.0f transfers/s, ledger %.0f transfers/s (%.1f%% / %.1f%% / "
                "%.1f%%)\n",
                round + 1, n / raw_s, n / shape_s, n / raw_all_s, n / ledger_s,
                100.0 * raw_s / ledger_s, 100.0 * shape_s / ledger_s, 100.0 * raw_all_s / ledger_s);
        }
    }
    auto report = service.check();
    if (!report) die("check", report.error());
    if (!report->ok()) {
        std::fprintf(stderr, "money_bench: ledger invariants violated: %s\n",
                     report->violations.front().c_str());
        return 1;
    }
    const double raw = median(raw_rates);
    const double raw_all = median(raw_all_rates);
    const double shape = median(shape_rates);
    const double ledger = median(ledger_rates);
    std::printf("batches of %zu, %d batches per round, %d rounds, %d accounts\n", batch_size,
                batches, rounds, accounts_count);
    std::printf("raw multi-row INSERT (median): %.0f rows/s\n", raw);
    std::printf("raw INSERT into a table LIKE money_transfers (median): %.0f rows/s\n", shape);
    std::printf("raw INSERT of transfer and audit rows (median): %.0f transfers/s\n", raw_all);
    std::printf("ledger linked batches (median): %.0f transfers/s\n", ledger);
    std::printf("ledger / raw with audit rows = %.1f%%\n", 100.0 * ledger / raw_all);
    std::printf("ledger / raw into the same table shape = %.1f%%\n", 100.0 * ledger / shape);
    std::printf("ledger / raw = %.1f%% (target >= 50%%); invariants hold over %lld transfers\n",
                100.0 * ledger / raw, static_cast<long long>(report->transfer_count));
    return 0;
}
