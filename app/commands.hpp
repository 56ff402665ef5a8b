// The subcommands of `procura`, one add_*_command per app/*_commands.cpp (see CommandLine in
// app/cli.hpp). app/main.cpp adds them all and parses; the parsed subcommand's callback runs
// it. Each command wires the real adapters it needs (MariaDB stores, the system clock, the
// Beast server) and, on failure, prints one readable line to stderr and exits non-zero.
#pragma once

#include "app/cli.hpp"

namespace procura::app {

void add_serve_command(CommandLine cli);    // app/serve_commands.cpp
void add_migrate_command(CommandLine cli);  // app/migrate_commands.cpp
void add_keys_command(CommandLine cli);     // app/keys_commands.cpp
void add_user_command(CommandLine cli);     // app/user_commands.cpp
void add_buyer_command(CommandLine cli);    // app/buyer_commands.cpp
void add_demo_command(CommandLine cli);     // app/demo_commands.cpp
void add_log_command(CommandLine cli);      // app/log_commands.cpp
void add_bid_command(CommandLine cli);      // app/bid_commands.cpp
void add_ledger_command(CommandLine cli);   // app/ledger_commands.cpp
void add_settle_command(CommandLine cli);   // app/settle_commands.cpp

}  // namespace procura::app
