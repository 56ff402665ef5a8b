// `procura serve`: its flags (each with an environment variable), and the callback that serves
// until SIGINT or SIGTERM (app/serve_wiring.cpp builds what it serves).
#include "app/commands.hpp"
#include "app/config.hpp"
#include "app/serve_wiring.hpp"
#include "core/clock.hpp"

namespace procura::app {
namespace {

// The HTTP service: where it listens, its threads and pools, its request limits.
void add_server_flags(CLI::App& cmd, ServeConfig& config) {
    cmd.add_option("--listen", config.listen, "Address to listen on, HOST:PORT")
        ->envname("PROCURA_LISTEN")
        ->capture_default_str();
    cmd.add_option("--db", config.db_url, "Database, mysql://USER:PASS@HOST:PORT/DB")
        ->envname("PROCURA_DB")
        ->required();
    cmd.add_option("--io-threads", config.server.io_threads, "Socket I/O threads")
        ->envname("PROCURA_IO_THREADS")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    cmd.add_option("--worker-threads", config.server.worker_threads,
                   "Request handler threads (database and password work)")
        ->envname("PROCURA_WORKER_THREADS")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    cmd.add_option("--crypto-threads", config.crypto_threads,
                   "Threads for bid signature checks and time stamps (0: one per core)")
        ->envname("PROCURA_CRYPTO_THREADS")
        ->check(CLI::Range(0, 256))
        ->capture_default_str();
    cmd.add_option("--db-pool-size", config.db_pool_size, "Database connections")
        ->envname("PROCURA_DB_POOL_SIZE")
        ->check(CLI::Range(1, 512))
        ->capture_default_str();
    cmd.add_option("--body-bytes-max", config.api.body_bytes_max, "Largest JSON request body")
        ->envname("PROCURA_BODY_BYTES_MAX")
        ->check(CLI::Range(1024, 64 * 1024 * 1024))
        ->capture_default_str();
    cmd.add_option("--document-bytes-max", config.api.document_body_bytes_max,
                   "Largest tender document upload")
        ->envname("PROCURA_DOCUMENT_BYTES_MAX")
        ->check(CLI::Range(1024, 48 * 1024 * 1024))
        ->capture_default_str();
    cmd.add_option("--public-cache-ms", config.public_cache_ms,
                   "How long an anonymous notice-board page may be served from memory "
                   "(never past a deadline it shows; 0 turns the cache off)")
        ->envname("PROCURA_PUBLIC_CACHE_MS")
        ->check(CLI::Range(0, 60'000))
        ->capture_default_str();
    cmd.add_option("--tsa-rate", config.api.time_stamp_rate.rate_per_second,
                   "POST /tsa requests per second allowed to one client address, on average "
                   "(0 turns the limit off)")
        ->envname("PROCURA_TSA_RATE")
        ->check(CLI::Range(0.0, 1e6))
        ->capture_default_str();
    cmd.add_option("--tsa-burst", config.api.time_stamp_rate.burst,
                   "POST /tsa requests one client address may send at once")
        ->envname("PROCURA_TSA_BURST")
        ->check(CLI::Range(1.0, 1e6))
        ->capture_default_str();
    cmd.add_option("--registration-rate", config.api.registration_rate.rate_per_second,
                   "Supplier self-registrations per second allowed to one client address, "
                   "on average (0 turns the limit off)")
        ->envname("PROCURA_REGISTRATION_RATE")
        ->check(CLI::Range(0.0, 1e6))
        ->capture_default_str();
    cmd.add_option("--registration-burst", config.api.registration_rate.burst,
                   "Supplier self-registrations one client address may send at once")
        ->envname("PROCURA_REGISTRATION_BURST")
        ->check(CLI::Range(1.0, 1e6))
        ->capture_default_str();
    cmd.add_option("--password-reset-rate", config.api.password_reset_rate.rate_per_second,
                   "Password resets with a one-time code per second allowed to one client "
                   "address, on average (0 turns the limit off)")
        ->envname("PROCURA_PASSWORD_RESET_RATE")
        ->check(CLI::Range(0.0, 1e6))
        ->capture_default_str();
    cmd.add_option("--password-reset-burst", config.api.password_reset_rate.burst,
                   "Password resets one client address may send at once")
        ->envname("PROCURA_PASSWORD_RESET_BURST")
        ->check(CLI::Range(1.0, 1e6))
        ->capture_default_str();
}

// The platform: its keys, sessions, tender and award periods, the audit log and bank files.
void add_platform_flags(CLI::App& cmd, ServeConfig& config) {
    cmd.add_option("--key-dir", config.key_dir,
                   "Platform keys from `procura keys init` (enables POST /tsa and "
                   "/api/v1/pki/*); the passphrase comes from PROCURA_KEY_PASSPHRASE or "
                   "--passphrase-file")
        ->envname("PROCURA_KEY_DIR");
    cmd.add_option("--passphrase-file", config.passphrase_file,
                   "File whose first line is the key passphrase")
        ->envname("PROCURA_KEY_PASSPHRASE_FILE");
    cmd.add_option("--token-ttl-minutes", config.token_ttl_minutes, "Lifetime of login tokens")
        ->envname("PROCURA_TOKEN_TTL_MINUTES")
        ->check(CLI::Range(1, 7 * 24 * 60))
        ->capture_default_str();

    cmd.add_option("--min-tendering-days", config.min_tendering_days,
                   "Shortest tendering period from publication to submission deadline")
        ->envname("PROCURA_MIN_TENDERING_DAYS")
        ->capture_default_str();
    cmd.add_option("--committee-min", config.committee_min,
                   "Fewest members of a tender's opening committee (at least 3)")
        ->envname("PROCURA_COMMITTEE_MIN")
        ->capture_default_str();
    cmd.add_option("--threshold-min", config.threshold_min,
                   "Fewest shares that open a tender's bids (at least 2, at most --committee-min)")
        ->envname("PROCURA_THRESHOLD_MIN")
        ->capture_default_str();
    cmd.add_option("--amendment-extension-days", config.amendment_extension_days,
                   "An amendment within this many days of the deadline extends it")
        ->envname("PROCURA_AMENDMENT_EXTENSION_DAYS")
        ->capture_default_str();
    cmd.add_option("--log-interval-ms", config.log_interval_ms,
                   "How often the audit log takes in new events and signs a tree head")
        ->envname("PROCURA_LOG_INTERVAL_MS")
        ->check(CLI::Range(10, 1000))
        ->capture_default_str();
    cmd.add_option("--log-self-check-seconds", config.log_self_check_seconds,
                   "How often every audit log leaf is recomputed from its event row")
        ->envname("PROCURA_LOG_SELF_CHECK_SECONDS")
        ->check(CLI::Range(1, 86'400))
        ->capture_default_str();
    cmd.add_option("--pain001-xsd", config.pain001_xsd,
                   "The pain.001.001.09 XSD that settlement bank files are validated against")
        ->envname("PROCURA_PAIN001_XSD")
        ->capture_default_str();
    cmd.add_option("--standstill-ms", config.standstill_ms,
                   "How long an award stands still before its contract may be signed "
                   "(milliseconds; the default is 10 days)")
        ->envname("PROCURA_STANDSTILL_MS")
        ->check(CLI::Range(std::int64_t{0}, 3650 * core::ms_per_day))
        ->capture_default_str();
}

}  // namespace

void add_serve_command(CommandLine cli) {
    auto config = std::make_shared<ServeConfig>();
    CLI::App& cmd = *cli.app.add_subcommand("serve", "Serve the HTTP API and web UI");
    add_server_flags(cmd, *config);
    add_platform_flags(cmd, *config);
    cmd.callback([config, &exit_code = cli.exit_code] {
        configure_logging(true);
        exit_code = run_serve(*config);
    });
}

}  // namespace procura::app
