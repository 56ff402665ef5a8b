// What every subcommand of `procura` shares: how it is added (CommandLine: the command line
// and the exit code its callback sets), logging, the --db option, the one line a failure
// prints, and the database pool it opens.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "db/pool.hpp"

namespace procura::app {

// Each app/*_commands.cpp adds its subcommand with one add_*_command(CommandLine): the
// options are bound to state its callback owns, and the callback runs the command once the
// whole command line (and --config file) is read, storing the command's exit status.
struct CommandLine {
    CLI::App& app;
    int& exit_code;
};

// Logs go to stderr, so that a command's own output (an id, a table) stays alone on stdout.
// `serve` logs from info up; the other commands print their outcome themselves and log only
// errors. PROCURA_LOG_LEVEL (trace, debug, info, warn, error, off) overrides both.
void configure_logging(bool serving);

// One line (a password) from standard input, without its line ending.
std::string read_password_line();

// --db URL (PROCURA_DB), required.
void add_db_option(CLI::App& command, std::string& db_url);

// Prints "procura: error: <message>" on stderr and returns the exit status 1.
int fail(const core::Error& error);
// Prints "procura: error: <code>: <message>" on stderr and returns 1 (`procura settle`).
int fail_with_code(const core::Error& error);

// A pool of size connections to db_url. Errors name the database and user (never the
// password), so that the command's one line says what failed.
core::Result<std::unique_ptr<db::ConnectionPool>> open_pool(const std::string& db_url,
                                                            std::size_t size);
// The same, with pending migrations applied (each logged).
core::Result<std::unique_ptr<db::ConnectionPool>> open_migrated_pool(const std::string& db_url,
                                                                     std::size_t size);

}  // namespace procura::app
