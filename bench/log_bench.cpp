// Audit log benchmark (a benchmark, not a test): run by bench/log_bench.sh against a private
// MariaDB. Usage: log_bench DB_URL [LEAVES] [PROOFS]
//
// 1. Appends LEAVES audit events through db::append_audit_events in transactions of 1,000
//    (the write path every module uses), and, as the same-run baseline, a raw prepared
//    multi-row INSERT of the same number of rows of the same shape into a plain table.
// 2. Integrates them into the Merkle log with the sequencer (LogSequencer::step, batches of
//    10,000 leaves: nodes + a signed head per commit).
// 3. At that size, PROOFS random inclusion proofs (by index, through LogQueries, as the HTTP
//    route does: head, nodes and leaf from MariaDB) and PROOFS random consistency proofs,
//    each checked with the independent verifier; p50, p99 and max latency.
// size-exempt: main: a benchmark's main is its script (set-up, the timed runs beside their
// baseline, the report) in the order docs/benchmarks.md describes it; kept whole so that what
// is timed, and what is not, reads top to bottom.
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "db/audit_sql.hpp"
#include "db/migrate.hpp"
#include "db/pool.hpp"
#include "db/transaction.hpp"
#include "db/url.hpp"
#include "ledger/log.hpp"
#include "ledger/merkle_verify.hpp"
#include "ledger/mysql_log_store.hpp"
#include "signing/message_signature.hpp"

namespace {

using namespace procura;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "log_bench: %s\n", what.c_str());
    std::exit(1);
}

template <class T>
T need(core::Result<T> r, const char* what) {
    if (!r) die(std::string(what) + ": " + r.error().message);
    return std::move(r).value();
}

void need(const core::Status& s, const char* what) {
    if (!s) die(std::string(what) + ": " + s.error().message);
}

core::AuditEvent sample_event(std::int64_t i) {
    return core::AuditEvent{1'800'000'000'000 + i,
                            7,
                            "bench.event",
                            "bench",
                            i,
                            1,
                            "{\"amount_minor\":" + std::to_string(i * 100) + "}"};
}

struct Percentiles {
    double p50_ms, p99_ms, max_ms;
};

Percentiles percentiles(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    const auto at = [&](double q) {
        return ms[std::min(ms.size() - 1,
                           static_cast<std::size_t>(q * static_cast<double>(ms.size())))];
    };
    return {at(0.50), at(0.99), ms.back()};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) die("usage: log_bench DB_URL [LEAVES] [PROOFS]");
    const std::int64_t leaves = argc > 2 ? std::stoll(argv[2]) : 1'000'000;
    const int proofs = argc > 3 ? std::stoi(argv[3]) : 2'000;
    constexpr std::int64_t batch = 1000;

    auto config = need(db::parse_url(argv[1]), "database url");
    db::PoolOptions options;
    options.size = 2;
    auto pool = need(db::ConnectionPool::open(config, options), "open pool");
    need(db::migrate(*pool), "migrate");

    // 1a. Raw baseline: the same rows, multi-row INSERTs of 500 in transactions of 1,000.
    need(db::with_connection(*pool, "bench.raw_table",
                             [](sql::Connection& c) {
                                 std::unique_ptr<sql::Statement> s(c.createStatement());
                                 s->execute(
                                     "CREATE TABLE IF NOT EXISTS bench_raw LIKE audit_events");
                             }),
         "create raw table");
    auto start = Clock::now();
    for (std::int64_t first = 0; first < leaves; first += batch) {
        need(
            db::run_transaction(
                *pool, "bench.raw",
                [&](db::Transaction& tx) -> core::Status {
                    for (std::int64_t chunk = first; chunk < std::min(leaves, first + batch);
                         chunk += 500) {
                        const std::int64_t n =
                            std::min<std::int64_t>(500, std::min(leaves, first + batch) - chunk);
                        PROCURA_TRY(tx.attempt("bench.raw.insert", [&](sql::Connection& c) {
                            std::string q =
                                "INSERT INTO bench_raw (seq, at_ms, actor_user_id, action, "
                                "entity_type, "
                                "entity_id, entity_version, payload_json, prev_hash, hash) VALUES ";
                            for (std::int64_t i = 0; i < n; ++i) {
                                q += i == 0 ? "(?,?,?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?,?,?)";
                            }
                            std::unique_ptr<sql::PreparedStatement> s(c.prepareStatement(q));
                            const std::string hash(32, 'h');
                            unsigned p = 1;
                            for (std::int64_t i = chunk; i < chunk + n; ++i) {
                                const core::AuditEvent e = sample_event(i);
                                s->setInt64(p++, i + 1);
                                s->setInt64(p++, e.at_ms);
                                s->setInt64(p++, e.actor_user_id);
                                s->setString(p++, e.action);
                                s->setString(p++, e.entity_type);
                                s->setInt64(p++, e.entity_id);
                                s->setInt64(p++, e.entity_version);
                                s->setString(p++, e.payload_json);
                                s->setString(p++, hash);
                                s->setString(p++, hash);
                            }
                            s->executeUpdate();
                        }));
                    }
                    return {};
                }),
            "raw insert");
    }
    const double raw_s = seconds_since(start);

    // 1b. The audit chain's batch append.
    start = Clock::now();
    for (std::int64_t first = 0; first < leaves; first += batch) {
        std::vector<core::AuditEvent> events;
        for (std::int64_t i = first; i < std::min(leaves, first + batch); ++i) {
            events.push_back(sample_event(i));
        }
        need(db::run_transaction(*pool, "bench.append",
                                 [&](db::Transaction& tx) -> core::Status {
                                     PROCURA_TRY_ASSIGN(auto stored,
                                                        db::append_audit_events(tx, events));
                                     return {};
                                 }),
             "append events");
    }
    const double append_s = seconds_since(start);

    // 2. The sequencer.
    ledger::MySQLLogStore store(*pool);
    auto key = need(signing::PrivateKey::generate_ec_p256(), "log key");
    core::SystemClock clock;
    auto sequencer = need(
        ledger::LogSequencer::open(
            store, [&](std::string_view text) { return signing::sign_message(key, text); }, clock),
        "open sequencer");
    start = Clock::now();
    int heads = 0;
    for (;;) {
        auto head = need(sequencer->step(10'000), "sequencer step");
        if (!head) break;
        ++heads;
    }
    const double integrate_s = seconds_since(start);
    const ledger::SignedTreeHead head = *sequencer->head();

    // 3. Proof latency at this size.
    ledger::LogQueries queries(store);
    std::mt19937_64 random(42);
    std::vector<double> inclusion_ms;
    std::vector<double> consistency_ms;
    for (int i = 0; i < proofs; ++i) {
        const std::uint64_t index = random() % head.tree_size;
        auto t = Clock::now();
        auto proof = need(queries.inclusion(index, head.tree_size), "inclusion proof");
        inclusion_ms.push_back(seconds_since(t) * 1000);
        need(ledger::verify_inclusion(index, head.tree_size, proof.leaf_hash, proof.path,
                                      head.root_hash),
             "inclusion proof verifies");
    }
    for (int i = 0; i < proofs; ++i) {
        const std::uint64_t first = 1 + random() % head.tree_size;
        auto t = Clock::now();
        auto proof = need(queries.consistency(first, head.tree_size), "consistency proof");
        consistency_ms.push_back(seconds_since(t) * 1000);
        if (i < 50) {  // the verifier needs the first root: compute a few from the stored nodes
            auto first_root = need(ledger::root_hash(store, first), "first root");
            need(ledger::verify_consistency(first, head.tree_size, first_root, head.root_hash,
                                            proof),
                 "consistency proof verifies");
        }
    }
    const Percentiles inc = percentiles(inclusion_ms);
    const Percentiles con = percentiles(consistency_ms);

    const double n = static_cast<double>(leaves);
    std::printf("leaves                          %lld\n", static_cast<long long>(leaves));
    std::printf("raw multi-row INSERT (baseline)  %10.0f rows/s\n", n / raw_s);
    std::printf("audit append (batch of 1,000)    %10.0f events/s  (%.0f%% of raw)\n", n / append_s,
                100.0 * raw_s / append_s);
    std::printf("sequencer integration            %10.0f leaves/s  (%d signed heads)\n",
                n / integrate_s, heads);
    std::printf("inclusion proof   p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%d proofs)\n",
                inc.p50_ms, inc.p99_ms, inc.max_ms, proofs);
    std::printf("consistency proof p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%d proofs)\n",
                con.p50_ms, con.p99_ms, con.max_ms, proofs);
    return 0;
}
