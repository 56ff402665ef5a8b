#include "app/money_commands.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "app/commands.hpp"
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

}  // namespace

int run_ledger_check(const std::string& db_url) {
    auto pool = open_migrated_pool(db_url, 1);
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
