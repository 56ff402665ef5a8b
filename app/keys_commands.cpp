// `procura keys init`: creates the platform's root CA, time-stamping certificate and
// audit-log key in a directory (app/keys.hpp), private keys encrypted under the passphrase.
#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "app/keys.hpp"
#include "core/clock.hpp"

namespace procura::app {
namespace {

struct KeysInit {
    std::string key_dir;
    std::string passphrase_file;
};

int run_keys_init(const KeysInit& input) {
    auto passphrase = read_passphrase(input.passphrase_file);
    if (!passphrase) return fail(passphrase.error());
    core::SystemClock clock;
    auto status = init_keys(input.key_dir, *passphrase, clock);
    if (!status) return fail(status.error());
    std::printf(
        "platform keys created in %s (ca.pem, tsa.pem, log.pub.pem; private keys "
        "encrypted)\n",
        input.key_dir.c_str());
    return 0;
}

}  // namespace

void add_keys_command(CommandLine cli) {
    CLI::App& keys = *cli.app.add_subcommand("keys", "Platform keys");
    keys.require_subcommand(1);
    auto input = std::make_shared<KeysInit>();
    CLI::App& init = *keys.add_subcommand(
        "init",
        "Create the root CA, the time-stamping certificate and the audit-log key, "
        "private keys encrypted under PROCURA_KEY_PASSPHRASE (or --passphrase-file)");
    init.add_option("--key-dir", input->key_dir, "Directory for the keys")
        ->envname("PROCURA_KEY_DIR")
        ->required();
    init.add_option("--passphrase-file", input->passphrase_file,
                    "File whose first line is the key passphrase")
        ->envname("PROCURA_KEY_PASSPHRASE_FILE");
    init.callback([input, &exit_code = cli.exit_code] {
        configure_logging(false);
        exit_code = run_keys_init(*input);
    });
}

}  // namespace procura::app
