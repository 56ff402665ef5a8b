#include "app/money_commands.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "core/clock.hpp"
#include "db/migrate.hpp"
#include "db/pool.hpp"
#include "db/url.hpp"
#include "money/mysql_store.hpp"
#include "money/service.hpp"

namespace procura::app {
namespace {

int fail(const core::Error& e) {
    std::fprintf(stderr, "procura: error: %s\n", e.message.c_str());
    return 1;
}

// As app/commands.cpp's open_migrated_pool: a pool of one connection, migrations applied.
core::Result<std::unique_ptr<db::ConnectionPool>> open_migrated_pool(const std::string& db_url) {
    if (db_url.empty()) {
        return core::make_error(core::ErrorKind::bad_request, "missing_db",
                                "no database: pass --db mysql://USER:PASS@HOST:PORT/DB or set "
                                "PROCURA_DB",
                                "db");
    }
    auto config = db::parse_url(db_url);
    if (!config) return config.error();
    db::PoolOptions options;
    options.size = 1;
    auto pool = db::ConnectionPool::open(*config, options);
    if (!pool) {
        core::Error e = pool.error();
        const std::string where = config->socket.empty()
                                      ? config->host + ":" + std::to_string(config->port)
                                      : config->socket;
        e.message = "cannot open database '" + config->database + "' as " + config->user + " at " +
                    where + ": " + e.message;
        return e;
    }
    auto applied = db::migrate(**pool);
    if (!applied) return applied.error();
    for (int version : *applied) spdlog::info("applied migration {:04d}", version);
    return pool;
}

}  // namespace

int run_ledger_check(const std::string& db_url) {
    auto pool = open_migrated_pool(db_url);
    if (!pool) return fail(pool.error());
    core::SystemClock clock;
    money::MySQLMoneyStore store(**pool);
    money::LedgerService service(store, clock);
    auto report = service.check();
    if (!report) return fail(report.error());
    if (!report->ok()) {
        for (const std::string& violation : report->violations) {
            std::fprintf(stderr, "procura: ledger check: %s\n", violation.c_str());
        }
        return 1;
    }
    std::printf(
        "ledger OK: %lld accounts, %lld transfers, %lld currencies; debits equal credits, "
        "balances match their transfers, every transfer is audited\n",
        static_cast<long long>(report->account_count),
        static_cast<long long>(report->transfer_count),
        static_cast<long long>(report->currency_count));
    return 0;
}

}  // namespace procura::app
