// `procura settle prepare|approve|execute|status`: settlement batches from the command line,
// for finance users (app/settle_commands.cpp).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

namespace procura::app {

struct SettleCommands;

// Adds the `settle` subcommand and its subcommands to app; the result holds their parsed
// options and must outlive the parse.
std::shared_ptr<SettleCommands> add_settle_commands(CLI::App& app);

// Runs the settle subcommand that was parsed and returns its exit status; nullopt when the
// command line named no settle subcommand.
std::optional<int> run_settle_commands(const SettleCommands& commands);

}  // namespace procura::app
