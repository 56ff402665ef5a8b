// Benchmark of settlement batches against MariaDB: N accepted milestone payments (default
// 1,000,000) prepared, approved and executed as ONE batch through the real BatchService and
// MySQL stores, and, in the same run on the same server, the same-run baseline: a raw
// multi-row INSERT of the same transfer rows (1,000 rows per prepared statement, one
// transaction) into a plain table with the columns of money_transfers. A benchmark, not a test.
//
//   settlement_bench DB_URL XSD_PATH [PAYMENTS] [CONTRACTS]   (defaults 1000000 and 1000)
//
// The fixture is written with SQL, not through the award service: one tender of one buyer,
// CONTRACTS signed awards on as many lots, PAYMENTS / CONTRACTS accepted milestones each,
// 100 approved suppliers with valid IBANs, two finance users. The database must be new (it is
// migrated). Execution is timed by the stages its progress callback reports: "validating"
// (building and XSD-validating the pain.001 files, one per 100,000 payments), "posting" (the
// one linked ledger group: transfers, balances, one audit event each) and "writing" (files,
// report and state). Peak resident memory (getrusage ru_maxrss) is printed after each phase;
// it only grows. bench/settlement_bench.sh starts a private server and runs it.
// size-exempt: main: a benchmark's main is its script (set-up, the timed runs beside their
// baseline, the report) in the order docs/benchmarks.md describes it; kept whole so that what
// is timed, and what is not, reads top to bottom.
// size-exempt: make_fixture: it writes the fixture's tables in foreign-key order, one
// multi-row insert after another, as one script.
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/migrate.hpp"
#include "db/multi_row.hpp"
#include "db/pool.hpp"
#include "db/transaction.hpp"
#include "db/url.hpp"
#include "money/mysql_store.hpp"
#include "settlement/batches/mysql_store.hpp"
#include "settlement/batches/service.hpp"

namespace {

using namespace procura;
using Clock = std::chrono::steady_clock;

constexpr int suppliers_count = 100;
constexpr std::size_t rows_per_insert = 1000;

[[noreturn]] void die(const std::string& what, const core::Error& e) {
    std::fprintf(stderr, "settlement_bench: %s: %s: %s\n", what.c_str(), e.code.c_str(),
                 e.message.c_str());
    std::exit(1);
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU seconds (user + system) this process has used so far.
double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

long peak_rss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

// A German IBAN with the ISO 7064 mod-97 check digits computed for the 18-digit BBAN.
std::string german_iban(long long account) {
    char bban[32];
    std::snprintf(bban, sizeof bban, "37040044%010lld", account % 10'000'000'000LL);
    // BBAN + "DE00" moved to the end, letters as numbers: D = 13, E = 14.
    const std::string digits = std::string(bban) + "131400";
    int rest = 0;
    for (char c : digits) rest = (rest * 10 + (c - '0')) % 97;
    char iban[48];
    std::snprintf(iban, sizeof iban, "DE%02d%s", 98 - rest, bban);
    return iban;
}

void execute_sql(db::ConnectionPool& pool, const std::string& what,
                 const std::vector<std::string>& statements) {
    const core::Status s = db::run_transaction(pool, "bench.fixture", [&](db::Transaction& tx) {
        return tx.attempt("bench.fixture", [&](sql::Connection& c) {
            std::unique_ptr<sql::Statement> st(c.createStatement());
            for (const std::string& sql : statements) st->execute(sql);
        });
    });
    if (!s) die(what, s.error());
}

std::int64_t scalar(db::ConnectionPool& pool, const std::string& sql) {
    std::int64_t value = 0;
    const core::Status s = db::with_connection(pool, "bench.scalar", [&](sql::Connection& c) {
        std::unique_ptr<sql::Statement> st(c.createStatement());
        std::unique_ptr<sql::ResultSet> rows(st->executeQuery(sql));
        if (rows->next()) value = rows->getInt64(1);
    });
    if (!s) die("query", s.error());
    return value;
}

// Multi-row INSERTs of generated value tuples, rows_per_insert at a time, in one transaction.
void insert_rows(db::ConnectionPool& pool, const std::string& head, std::size_t count,
                 const std::function<std::string(std::size_t)>& tuple) {
    std::vector<std::string> statements;
    std::string sql;
    for (std::size_t i = 0; i < count; ++i) {
        if (sql.empty())
            sql = head + " VALUES ";
        else
            sql += ", ";
        sql += tuple(i);
        if ((i + 1) % rows_per_insert == 0 || i + 1 == count) {
            statements.push_back(std::move(sql));
            sql.clear();
        }
    }
    execute_sql(pool, head, statements);
}

struct Fixture {
    core::Caller preparer;
    core::Caller approver;
};

Fixture make_fixture(db::ConnectionPool& pool, std::size_t payments, std::size_t contracts,
                     std::int64_t now_ms) {
    const std::string now = std::to_string(now_ms);
    insert_rows(pool, "INSERT INTO users (username, role, password_hash, active, created_at_ms)",
                suppliers_count + 3, [&](std::size_t i) {
                    std::string name, role;
                    if (i == 0)
                        name = "bench-officer", role = "officer";
                    else if (i == 1)
                        name = "bench-finance-1", role = "finance";
                    else if (i == 2)
                        name = "bench-finance-2", role = "finance";
                    else
                        name = "bench-supplier-" + std::to_string(i - 3), role = "supplier";
                    return "('" + name + "', '" + role + "', 'not-a-login', TRUE, " + now + ")";
                });
    const std::int64_t first_user =
        scalar(pool, "SELECT MIN(id) FROM users WHERE username LIKE 'bench-%'");
    const std::int64_t officer = first_user;
    const std::int64_t supplier0 = first_user + 3;
    insert_rows(pool,
                "INSERT INTO suppliers (user_id, organisation_name, registration_number, street, "
                "postal_code, city, country, contact_name, contact_email, contact_phone, iban, "
                "bic, status, registered_at_ms, reviewed_by, reviewed_at_ms)",
                suppliers_count, [&](std::size_t i) {
                    const std::string n = std::to_string(i);
                    return "(" + std::to_string(supplier0 + static_cast<std::int64_t>(i)) +
                           ", 'Bench Supplier " + n + " GmbH', 'HRB-" + n +
                           "', 'Hauptstrasse 1', '10115', 'Berlin', 'DE', 'Contact " + n +
                           "', 'bench" + n + "@example.org', '+4930123456', '" +
                           german_iban(static_cast<long long>(i) + 1) + "', 'COBADEFFXXX', " +
                           "'approved', " + now + ", " + std::to_string(officer) + ", " + now + ")";
                });
    execute_sql(pool, "tender",
                {"INSERT INTO tenders (version, state, title, description, buyer_name, buyer_id, "
                 "category, currency, evaluation_method, price_weight, technical_weight, "
                 "bid_security_minor, threshold_k, created_by, created_at_ms, updated_at_ms, "
                 "published_at_ms, cancel_reason) VALUES (1, 'published', 'Bench tender', '', "
                 "'Bench City Council', 'BENCH-BUYER', 'works', 'EUR', 'lowest_price', 100, 0, 0, "
                 "1, " +
                     std::to_string(officer) + ", " + now + ", " + now + ", " + now + ", '')",
                 "INSERT INTO buyer_bank_accounts (buyer_id, name, iban, bic, version, updated_by, "
                 "updated_at_ms) VALUES ('BENCH-BUYER', 'Bench City Council', '" +
                     german_iban(9'999'999'999LL) + "', 'COBADEFFXXX', 1, " +
                     std::to_string(officer) + ", " + now + ")"});
    const std::int64_t tender = scalar(pool, "SELECT MAX(id) FROM tenders");
    const std::string t = std::to_string(tender);
    const std::size_t per_contract = payments / contracts;
    const std::int64_t milestone_minor = 1'000'00;
    auto supplier_of = [&](std::size_t lot) {
        return std::to_string(supplier0 + static_cast<std::int64_t>(lot % suppliers_count));
    };
    insert_rows(pool,
                "INSERT INTO bids (tender_id, supplier_id, lot_id, version, body, sha256, "
                "received_at_ms, timestamp_token, log_seq, security_transfer_key, state)",
                contracts, [&](std::size_t i) {
                    char sha[65];
                    std::snprintf(sha, sizeof sha, "%064zx", i + 1);
                    return "(" + t + ", " + supplier_of(i) + ", " + std::to_string(i + 1) +
                           ", 1, 'bench', '" + sha + "', " + now +
                           ", 'bench', 0, 'no-deposit', 'active')";
                });
    const std::int64_t bid0 = scalar(pool, "SELECT MIN(id) FROM bids WHERE tender_id = " + t);
    const std::string value =
        std::to_string(milestone_minor * static_cast<std::int64_t>(per_contract));
    insert_rows(
        pool,
        "INSERT INTO awards (tender_id, lot_id, bid_id, supplier_id, value_minor, currency, "
        "awarded_rank, skip_reason, state, awarded_by, awarded_at_ms, "
        "standstill_ends_at_ms, decided_by, decided_at_ms)",
        contracts, [&](std::size_t i) {
            return "(" + t + ", " + std::to_string(i + 1) + ", " +
                   std::to_string(bid0 + static_cast<std::int64_t>(i)) + ", " + supplier_of(i) +
                   ", " + value + ", 'EUR', 1, '', 'signed', " + std::to_string(officer) + ", " +
                   now + ", " + now + ", " + std::to_string(officer) + ", " + now + ")";
        });
    const std::int64_t award0 = scalar(pool, "SELECT MIN(id) FROM awards WHERE tender_id = " + t);
    insert_rows(pool,
                "INSERT INTO contracts (award_id, tender_id, lot_id, supplier_id, value_minor, "
                "currency, signed_by, signed_at_ms)",
                contracts, [&](std::size_t i) {
                    return "(" + std::to_string(award0 + static_cast<std::int64_t>(i)) + ", " + t +
                           ", " + std::to_string(i + 1) + ", " + supplier_of(i) + ", " + value +
                           ", 'EUR', " + std::to_string(officer) + ", " + now + ")";
                });
    const std::int64_t contract0 =
        scalar(pool, "SELECT MIN(id) FROM contracts WHERE tender_id = " + t);
    insert_rows(
        pool,
        "INSERT INTO contract_milestones (contract_id, number, title, amount_minor, "
        "currency, state, accepted_by, accepted_at_ms)",
        per_contract * contracts, [&](std::size_t i) {
            return "(" + std::to_string(contract0 + static_cast<std::int64_t>(i / per_contract)) +
                   ", " + std::to_string(i % per_contract + 1) + ", 'Milestone " +
                   std::to_string(i % per_contract + 1) + "', " + std::to_string(milestone_minor) +
                   ", 'EUR', 'accepted', " + std::to_string(officer) + ", " + now + ")";
        });
    return Fixture{core::Caller{first_user + 1, core::Role::finance, "bench-finance-1"},
                   core::Caller{first_user + 2, core::Role::finance, "bench-finance-2"}};
}

// A row read back from the database, as strings, and re-inserted raw.
using Row = std::vector<std::string>;

std::vector<Row> read_rows(db::ConnectionPool& pool, const std::string& sql,
                           const std::string& batch_tag, unsigned columns) {
    std::vector<Row> rows;
    const core::Status read = db::with_connection(pool, "bench.read", [&](sql::Connection& c) {
        std::unique_ptr<sql::PreparedStatement> q(c.prepareStatement(sql));
        q->setString(1, batch_tag);
        std::unique_ptr<sql::ResultSet> r(q->executeQuery());
        while (r->next()) {
            Row row;
            row.reserve(columns);
            for (unsigned k = 1; k <= columns; ++k) row.push_back(r->getString(k));
            rows.push_back(std::move(row));
        }
    });
    if (!read) die("read rows", read.error());
    return rows;
}

// Inserts rows with "INSERT INTO <head> VALUES (<tuple>), ..." on c, rows_per_insert rows per
// statement, through the same chunking as the ledger (db::execute_in_chunks).
void insert_chunks(sql::Connection& c, const std::string& head, const std::string& tuple,
                   const std::vector<Row>& rows) {
    db::execute_in_chunks(c, {head + " VALUES", tuple, ""}, rows.size(), rows_per_insert,
                          [&](sql::PreparedStatement& s, std::size_t begin, std::size_t end) {
                              unsigned int p = 1;
                              for (std::size_t i = begin; i < end; ++i) {
                                  for (const std::string& value : rows[i]) s.setString(p++, value);
                              }
                          });
}

// The baselines, each of the batch's rows read back and then inserted raw, rows_per_insert rows
// per prepared statement, all in one transaction as the ledger's linked group is; no account
// is locked, no balance written, no chain computed:
//  - plain: the transfer rows into a table with the columns of money_transfers and only a
//    primary key (the baseline of bench/money_bench);
//  - same_shape: the transfer rows into CREATE TABLE ... LIKE money_transfers (its unique keys
//    and indexes, no foreign keys);
//  - with_audit: same_shape plus their audit event rows into CREATE TABLE ... LIKE
//    audit_events: every row the posting writes.
// Returns the seconds the inserts and the commit took.
enum class Baseline { plain, same_shape, with_audit };

double raw_insert_seconds(db::ConnectionPool& pool, const std::string& batch_tag,
                          Baseline baseline) {
    const bool audit = baseline == Baseline::with_audit;
    const core::Status made =
        db::with_connection(pool, "bench.raw_tables", [&](sql::Connection& c) {
            std::unique_ptr<sql::Statement> st(c.createStatement());
            st->execute("DROP TABLE IF EXISTS bench_raw_transfers");
            if (baseline != Baseline::plain) {
                st->execute("CREATE TABLE bench_raw_transfers LIKE money_transfers");
            } else {
                st->execute(
                    "CREATE TABLE bench_raw_transfers (id BIGINT NOT NULL AUTO_INCREMENT, "
                    "transfer_key VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, "
                    "kind VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, "
                    "debit_account_id BIGINT NOT NULL, credit_account_id BIGINT NOT NULL, "
                    "amount_minor BIGINT NOT NULL, currency CHAR(3) CHARACTER SET ascii NOT NULL, "
                    "pending_key VARCHAR(64) CHARACTER SET ascii NULL, code INT NOT NULL, "
                    "reference VARCHAR(128) NOT NULL, batch_id VARCHAR(64) CHARACTER SET ascii NOT "
                    "NULL, "
                    "created_at_ms BIGINT NOT NULL, PRIMARY KEY (id)) ENGINE = InnoDB "
                    "DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin");
            }
            st->execute("DROP TABLE IF EXISTS bench_raw_audit");
            st->execute("CREATE TABLE bench_raw_audit LIKE audit_events");
        });
    if (!made) die("raw tables", made.error());
    const std::vector<Row> transfers =
        read_rows(pool,
                  "SELECT transfer_key, kind, debit_account_id, credit_account_id, amount_minor, "
                  "currency, code, reference, batch_id, created_at_ms FROM money_transfers "
                  "WHERE batch_id = ? ORDER BY id",
                  batch_tag, 10);
    std::vector<Row> events;
    if (audit) {
        events = read_rows(pool,
                           "SELECT e.seq, e.at_ms, e.actor_user_id, e.action, e.entity_type, "
                           "e.entity_id, e.entity_version, e.payload_json, HEX(e.prev_hash), "
                           "HEX(e.hash) FROM money_transfers t JOIN audit_events e ON "
                           "e.entity_type = 'transfer' AND e.entity_id = t.id "
                           "WHERE t.batch_id = ? ORDER BY e.seq",
                           batch_tag, 10);
        if (events.size() != transfers.size()) {
            std::fprintf(stderr, "settlement_bench: %zu transfers but %zu audit rows\n",
                         transfers.size(), events.size());
            std::exit(1);
        }
    }
    if (transfers.empty()) {
        std::fprintf(stderr, "settlement_bench: no transfers with batch_id %s\n",
                     batch_tag.c_str());
        std::exit(1);
    }
    const auto start = Clock::now();
    const core::Status s = db::run_transaction(pool, "bench.raw", [&](db::Transaction& tx) {
        return tx.attempt("bench.raw", [&](sql::Connection& c) {
            insert_chunks(c,
                          "INSERT INTO bench_raw_transfers (transfer_key, kind, debit_account_id, "
                          "credit_account_id, amount_minor, currency, code, reference, batch_id, "
                          "created_at_ms)",
                          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", transfers);
            if (audit) {
                insert_chunks(c,
                              "INSERT INTO bench_raw_audit (seq, at_ms, actor_user_id, action, "
                              "entity_type, entity_id, entity_version, payload_json, prev_hash, "
                              "hash)",
                              "(?, ?, ?, ?, ?, ?, ?, ?, UNHEX(?), UNHEX(?))", events);
            }
        });
    });
    if (!s) die("raw insert", s.error());
    return seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: settlement_bench DB_URL XSD_PATH [PAYMENTS] [CONTRACTS]\n");
        return 2;
    }
    const std::string xsd = argv[2];
    const std::size_t payments = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1'000'000;
    const std::size_t contracts = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 1'000;
    if (payments == 0 || contracts == 0 || payments % contracts != 0) {
        std::fprintf(stderr,
                     "settlement_bench: PAYMENTS must be a positive multiple of CONTRACTS\n");
        return 2;
    }
    auto config = db::parse_url(argv[1]);
    if (!config) die("database URL", config.error());
    db::PoolOptions options;
    options.size = 4;
    auto pool = db::ConnectionPool::open(*config, options);
    if (!pool) die("open", pool.error());
    auto migrated = db::migrate(**pool);
    if (!migrated) die("migrate", migrated.error());

    core::SystemClock clock;
    auto start = Clock::now();
    const Fixture fixture = make_fixture(**pool, payments, contracts, clock.now_ms() - 1000);
    std::printf("fixture: %zu accepted milestones on %zu contracts written in %.1f s\n", payments,
                contracts, seconds_since(start));

    settlement::batches::MySQLBatchStore store(**pool);
    money::MySQLMoneyStore money_store(**pool);
    settlement::batches::BatchLimits limits;
    limits.items_per_batch_max = payments;
    settlement::batches::BatchService service(store, money_store, clock, xsd, limits);

    start = Clock::now();
    auto prepared = service.prepare(fixture.preparer, clock.now_ms());
    if (!prepared) die("prepare", prepared.error());
    const double prepare_s = seconds_since(start);
    std::printf("prepare: %d items in %.2f s; peak RSS %ld MiB\n", prepared->item_count, prepare_s,
                peak_rss_mib());
    auto approved = service.approve(fixture.approver, prepared->id);
    if (!approved) die("approve", approved.error());

    std::map<std::string, double> stage_s;
    std::map<std::string, double> stage_cpu_s;
    std::string stage;
    auto stage_start = Clock::now();
    double stage_cpu_start = cpu_seconds();
    start = Clock::now();
    auto executed = service.execute(fixture.preparer, prepared->id,
                                    [&](std::string_view name, std::size_t, std::size_t) {
                                        if (name == stage) return;
                                        if (!stage.empty()) {
                                            stage_s[stage] += seconds_since(stage_start);
                                            stage_cpu_s[stage] += cpu_seconds() - stage_cpu_start;
                                        }
                                        stage = std::string(name);
                                        stage_start = Clock::now();
                                        stage_cpu_start = cpu_seconds();
                                    });
    if (!stage.empty()) {
        stage_s[stage] += seconds_since(stage_start);
        stage_cpu_s[stage] += cpu_seconds() - stage_cpu_start;
    }
    if (!executed) die("execute", executed.error());
    const double execute_s = seconds_since(start);
    std::printf("execute: %.2f s in all, %zu bank files; peak RSS %ld MiB\n", execute_s,
                executed->files.size(), peak_rss_mib());
    for (const auto& [name, s] : stage_s) {
        std::printf("  stage %-11s %.2f s (this process's CPU: %.2f s)\n", name.c_str(), s,
                    stage_cpu_s[name]);
    }

    const std::int64_t posted =
        scalar(**pool, "SELECT COUNT(*) FROM money_transfers WHERE code = 2");
    std::printf("ledger: %lld settlement transfers posted\n", static_cast<long long>(posted));
    std::string tag;
    {
        const core::Status s = db::with_connection(**pool, "bench.tag", [&](sql::Connection& c) {
            std::unique_ptr<sql::Statement> st(c.createStatement());
            std::unique_ptr<sql::ResultSet> r(
                st->executeQuery("SELECT batch_id FROM money_transfers WHERE code = 2 LIMIT 1"));
            if (r->next()) tag = r->getString(1);
        });
        if (!s) die("batch tag", s.error());
    }
    const double plain_s = raw_insert_seconds(**pool, tag, Baseline::plain);
    const double shape_s = raw_insert_seconds(**pool, tag, Baseline::same_shape);
    const double all_s = raw_insert_seconds(**pool, tag, Baseline::with_audit);
    const double posting_s = stage_s.count("posting") ? stage_s["posting"] : execute_s;
    std::printf("posting: %.2f s, %.0f transfers/s\n", posting_s,
                static_cast<double>(posted) / posting_s);
    std::printf("raw INSERT of the %lld transfer rows, plain table: %.2f s -> posting is %.2fx\n",
                static_cast<long long>(posted), plain_s, posting_s / plain_s);
    std::printf("raw INSERT of the transfer rows, table LIKE money_transfers: %.2f s -> %.2fx\n",
                shape_s, posting_s / shape_s);
    std::printf("raw INSERT of those and their audit rows (LIKE audit_events): %.2f s -> %.2fx\n",
                all_s, posting_s / all_s);
    std::printf("(target: posting at most 2x the raw time)\n");
    std::printf("peak RSS at the end: %ld MiB\n", peak_rss_mib());
    return 0;
}
