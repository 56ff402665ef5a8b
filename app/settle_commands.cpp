// `procura settle ...`. Being built: no subcommand yet.
#include "app/settle_commands.hpp"

namespace procura::app {

struct SettleCommands {};

std::shared_ptr<SettleCommands> add_settle_commands(CLI::App&) {
    return std::make_shared<SettleCommands>();
}

std::optional<int> run_settle_commands(const SettleCommands&) { return std::nullopt; }

}  // namespace procura::app
