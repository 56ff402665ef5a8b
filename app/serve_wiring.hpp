// `procura serve`'s wiring: the only place that knows which adapters are real. It opens the
// database pool (applying pending migrations), makes the MariaDB stores, the services over them
// with their named dependencies, the platform's keys when --key-dir is given (without them the
// PKI, bidding and log routes answer 503), the audit log's worker, the session sweeper and the
// HTTP API, and serves until SIGINT or SIGTERM.
#pragma once

#include "app/config.hpp"

namespace procura::app {

// Returns the process exit status; on failure one line on stderr says what stopped the start.
int run_serve(const ServeConfig& config);

}  // namespace procura::app
