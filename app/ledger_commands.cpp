// `procura ledger check`: runs the money ledger's invariants (money/rules.hpp:
// check_invariants) over the database, after pending migrations. Prints one OK line with the
// counts to stdout and exits 0, or one line per violated invariant to stderr and exits 1 (also
// 1, with one error line, when the database cannot be reached).
#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "core/clock.hpp"
#include "money/mysql_store.hpp"
#include "money/service.hpp"

namespace procura::app {
namespace {

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

}  // namespace

void add_ledger_command(CommandLine cli) {
    CLI::App& ledger = *cli.app.add_subcommand("ledger", "The double-entry money ledger");
    ledger.require_subcommand(1);
    auto db_url = std::make_shared<std::string>();
    CLI::App& check = *ledger.add_subcommand(
        "check",
        "Check the ledger's invariants: debits equal credits per currency, balances "
        "equal their transfers and respect their flags, every transfer is audited");
    add_db_option(check, *db_url);
    check.callback([db_url, &exit_code = cli.exit_code] {
        configure_logging(false);
        exit_code = run_ledger_check(*db_url);
    });
}

}  // namespace procura::app
