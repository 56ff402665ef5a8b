// The `procura ledger ...` subcommands: the money ledger's operator tools, wired to the MariaDB
// store. Like app/commands.hpp, each returns the process exit code and, on failure, has
// printed readable lines to stderr.
#pragma once

#include <string>

namespace procura::app {

// `procura ledger check`: runs the ledger invariants (money/rules.hpp: check_invariants) over
// the database at db_url, after pending migrations. Prints one OK line with the counts to
// stdout and returns 0, or one line per violated invariant to stderr and returns 1 (also 1,
// with one error line, when the database cannot be reached).
int run_ledger_check(const std::string& db_url);

}  // namespace procura::app
