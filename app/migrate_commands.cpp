// `procura migrate`: applies the pending database migrations (db/migrations), each exactly
// once, under the migration lock (db/migrate.hpp).
#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "db/migrate.hpp"

namespace procura::app {
namespace {

int run_migrate(const std::string& db_url) {
    auto pool = open_pool(db_url, 1);
    if (!pool) return fail(pool.error());
    auto applied = db::migrate(**pool);
    if (!applied) return fail(applied.error());
    if (applied->empty()) {
        std::printf("schema is up to date\n");
    } else {
        for (int version : *applied) std::printf("applied migration %04d\n", version);
    }
    return 0;
}

}  // namespace

void add_migrate_command(CommandLine cli) {
    auto db_url = std::make_shared<std::string>();
    CLI::App& cmd = *cli.app.add_subcommand("migrate", "Apply pending database migrations");
    add_db_option(cmd, *db_url);
    cmd.callback([db_url, &exit_code = cli.exit_code] {
        configure_logging(false);
        exit_code = run_migrate(*db_url);
    });
}

}  // namespace procura::app
