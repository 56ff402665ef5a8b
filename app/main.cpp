// `procura`: one executable with subcommands. Each subcommand is added by its own
// app/*_commands.cpp (app/commands.hpp) with flags that have environment-variable fallbacks;
// a config file (--config) may give them too. The subcommand that was parsed runs from its
// callback and sets the exit status.
#include <CLI/CLI.hpp>

#include "app/commands.hpp"

int main(int argc, char** argv) {
    CLI::App app{
        "Procura: e-procurement and online tendering for public bodies.\n"
        "Officers publish tenders, suppliers ask questions and submit sealed bids, a committee "
        "opens them, finance settles; the public reads the notice board and the audit log."};
    app.set_config("--config", "", "Read options from this INI/TOML file");
    app.require_subcommand(1);
    app.fallthrough(false);

    int exit_code = 1;
    const procura::app::CommandLine cli{app, exit_code};
    procura::app::add_serve_command(cli);
    procura::app::add_migrate_command(cli);
    procura::app::add_keys_command(cli);
    procura::app::add_user_command(cli);
    procura::app::add_buyer_command(cli);
    procura::app::add_log_command(cli);
    procura::app::add_bid_command(cli);
    procura::app::add_ledger_command(cli);
    procura::app::add_settle_command(cli);
    procura::app::add_demo_command(cli);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return exit_code;
}
