// `procura`: one executable with subcommands. This file only parses the command line (flags
// with environment-variable fallbacks and an optional config file) and calls app/commands.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "app/bid_commands.hpp"
#include "app/commands.hpp"
#include "app/log_commands.hpp"
#include "app/money_commands.hpp"
#include "app/settle_commands.hpp"

namespace {

// Reads one line (the password) from standard input, without its line ending.
std::string read_password_line() {
    std::string line;
    std::getline(std::cin, line);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return line;
}

// Logs go to stderr, so that a command's own output (an id, a table) stays alone on stdout.
// `serve` logs from info up; the other commands print their outcome themselves and log only
// errors. PROCURA_LOG_LEVEL (trace, debug, info, warn, error, off) overrides both.
void configure_logging(bool serving) {
    spdlog::set_default_logger(spdlog::stderr_color_mt("procura"));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l [%t] %v", spdlog::pattern_time_type::utc);
    spdlog::set_level(serving ? spdlog::level::info : spdlog::level::err);
    if (const char* level = std::getenv("PROCURA_LOG_LEVEL")) {
        spdlog::set_level(spdlog::level::from_str(level));
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Procura: e-procurement and online tendering for public bodies.\n"
        "Officers publish tenders, suppliers ask questions and submit sealed bids, the public "
        "reads the notice board."};
    app.set_config("--config", "", "Read options from this INI/TOML file");
    app.require_subcommand(1);
    app.fallthrough(false);

    procura::app::ServeConfig serve_config;
    auto* serve = app.add_subcommand("serve", "Serve the HTTP API and web UI");
    serve->add_option("--listen", serve_config.listen, "Address to listen on, HOST:PORT")
        ->envname("PROCURA_LISTEN")
        ->capture_default_str();
    serve->add_option("--db", serve_config.db_url, "Database, mysql://USER:PASS@HOST:PORT/DB")
        ->envname("PROCURA_DB")
        ->required();
    serve->add_option("--io-threads", serve_config.server.io_threads, "Socket I/O threads")
        ->envname("PROCURA_IO_THREADS")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    serve
        ->add_option("--worker-threads", serve_config.server.worker_threads,
                     "Request handler threads (database and password work)")
        ->envname("PROCURA_WORKER_THREADS")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    serve
        ->add_option("--crypto-threads", serve_config.crypto_threads,
                     "Threads for bid signature checks and time stamps (0: one per core)")
        ->envname("PROCURA_CRYPTO_THREADS")
        ->check(CLI::Range(0, 256))
        ->capture_default_str();
    serve->add_option("--db-pool-size", serve_config.db_pool_size, "Database connections")
        ->envname("PROCURA_DB_POOL_SIZE")
        ->check(CLI::Range(1, 512))
        ->capture_default_str();
    serve
        ->add_option("--body-bytes-max", serve_config.server.body_bytes_max,
                     "Largest JSON request body")
        ->envname("PROCURA_BODY_BYTES_MAX")
        ->check(CLI::Range(1024, 64 * 1024 * 1024))
        ->capture_default_str();
    serve
        ->add_option("--document-bytes-max", serve_config.server.document_body_bytes_max,
                     "Largest tender document upload")
        ->envname("PROCURA_DOCUMENT_BYTES_MAX")
        ->check(CLI::Range(1024, 48 * 1024 * 1024))
        ->capture_default_str();
    serve
        ->add_option("--min-tendering-days", serve_config.min_tendering_days,
                     "Shortest tendering period from publication to submission deadline")
        ->envname("PROCURA_MIN_TENDERING_DAYS")
        ->capture_default_str();
    serve
        ->add_option("--amendment-extension-days", serve_config.amendment_extension_days,
                     "An amendment within this many days of the deadline extends it")
        ->envname("PROCURA_AMENDMENT_EXTENSION_DAYS")
        ->capture_default_str();
    serve
        ->add_option("--public-cache-ms", serve_config.public_cache_ms,
                     "How long an anonymous notice-board page may be served from memory "
                     "(never past a deadline it shows; 0 turns the cache off)")
        ->envname("PROCURA_PUBLIC_CACHE_MS")
        ->check(CLI::Range(0, 60'000))
        ->capture_default_str();
    serve
        ->add_option("--key-dir", serve_config.key_dir,
                     "Platform keys from `procura keys init` (enables POST /tsa and "
                     "/api/v1/pki/*); the passphrase comes from PROCURA_KEY_PASSPHRASE or "
                     "--passphrase-file")
        ->envname("PROCURA_KEY_DIR");
    serve
        ->add_option("--tsa-rate", serve_config.server.time_stamp_rate_per_second,
                     "POST /tsa requests per second allowed to one client address, on average "
                     "(0 turns the limit off)")
        ->envname("PROCURA_TSA_RATE")
        ->check(CLI::Range(0.0, 1e6))
        ->capture_default_str();
    serve
        ->add_option("--tsa-burst", serve_config.server.time_stamp_burst,
                     "POST /tsa requests one client address may send at once")
        ->envname("PROCURA_TSA_BURST")
        ->check(CLI::Range(1.0, 1e6))
        ->capture_default_str();
    serve
        ->add_option("--registration-rate", serve_config.server.registration_rate_per_second,
                     "Supplier self-registrations per second allowed to one client address, "
                     "on average (0 turns the limit off)")
        ->envname("PROCURA_REGISTRATION_RATE")
        ->check(CLI::Range(0.0, 1e6))
        ->capture_default_str();
    serve
        ->add_option("--registration-burst", serve_config.server.registration_burst,
                     "Supplier self-registrations one client address may send at once")
        ->envname("PROCURA_REGISTRATION_BURST")
        ->check(CLI::Range(1.0, 1e6))
        ->capture_default_str();
    serve
        ->add_option("--log-interval-ms", serve_config.log_interval_ms,
                     "How often the audit log takes in new events and signs a tree head")
        ->envname("PROCURA_LOG_INTERVAL_MS")
        ->check(CLI::Range(10, 1000))
        ->capture_default_str();
    serve
        ->add_option("--log-self-check-seconds", serve_config.log_self_check_seconds,
                     "How often every audit log leaf is recomputed from its event row")
        ->envname("PROCURA_LOG_SELF_CHECK_SECONDS")
        ->check(CLI::Range(1, 86'400))
        ->capture_default_str();
    serve
        ->add_option("--pain001-xsd", serve_config.pain001_xsd,
                     "The pain.001.001.09 XSD that settlement bank files are validated against")
        ->envname("PROCURA_PAIN001_XSD")
        ->capture_default_str();
    serve
        ->add_option("--passphrase-file", serve_config.passphrase_file,
                     "File whose first line is the key passphrase")
        ->envname("PROCURA_KEY_PASSPHRASE_FILE");
    serve
        ->add_option("--token-ttl-minutes", serve_config.token_ttl_minutes,
                     "Lifetime of login tokens")
        ->envname("PROCURA_TOKEN_TTL_MINUTES")
        ->check(CLI::Range(1, 7 * 24 * 60))
        ->capture_default_str();

    std::string db_url;
    const auto add_db = [&db_url](CLI::App* cmd) {
        cmd->add_option("--db", db_url, "Database, mysql://USER:PASS@HOST:PORT/DB")
            ->envname("PROCURA_DB")
            ->required();
    };
    auto* migrate = app.add_subcommand("migrate", "Apply pending database migrations");
    add_db(migrate);

    auto* keys = app.add_subcommand("keys", "Platform keys");
    keys->require_subcommand(1);
    std::string key_dir;
    std::string passphrase_file;
    auto* keys_init = keys->add_subcommand(
        "init",
        "Create the root CA, the time-stamping certificate and the audit-log key, "
        "private keys encrypted under PROCURA_KEY_PASSPHRASE (or --passphrase-file)");
    keys_init->add_option("--key-dir", key_dir, "Directory for the keys")
        ->envname("PROCURA_KEY_DIR")
        ->required();
    keys_init
        ->add_option("--passphrase-file", passphrase_file,
                     "File whose first line is the key passphrase")
        ->envname("PROCURA_KEY_PASSPHRASE_FILE");

    auto* user = app.add_subcommand("user", "Manage users");
    user->require_subcommand(1);
    std::string username;
    std::string role;
    bool password_stdin = false;
    auto* user_add = user->add_subcommand("add", "Add a user (password read from stdin)");
    add_db(user_add);
    user_add->add_option("--username", username, "Login name: a-z, 0-9, . _ -")->required();
    user_add->add_option("--role", role, "officer, supplier, finance, auditor or admin")
        ->required();
    user_add->add_flag("--password-stdin", password_stdin, "Read the password from stdin")
        ->required();
    auto* user_list = user->add_subcommand("list", "List users");
    add_db(user_list);
    auto* user_set_role = user->add_subcommand("set-role", "Change a user's role");
    add_db(user_set_role);
    user_set_role->add_option("--username", username, "Login name")->required();
    user_set_role->add_option("--role", role, "officer, supplier, finance, auditor or admin")
        ->required();

    auto* log = app.add_subcommand("log", "The public audit log");
    log->require_subcommand(1);
    procura::app::LogVerifyInput log_input;
    auto* log_verify = log->add_subcommand(
        "verify",
        "Check downloaded log files (curl from /api/v1/log/...) against a signed head, "
        "without trusting the server");
    log_verify->add_option("--key", log_input.key_file, "The log's public key (log/key.pem)")
        ->required();
    log_verify->add_option("--sth", log_input.head_file, "A signed tree head (log/sth)")
        ->required();
    log_verify->add_option("--entries", log_input.entry_files,
                           "Entry pages (log/entries) from index 0, in order; repeatable");
    log_verify->add_option("--inclusion", log_input.inclusion_file,
                           "An inclusion proof (log/proof/inclusion) against the head");
    log_verify->add_option("--consistency", log_input.consistency_file,
                           "A consistency proof (log/proof/consistency) ending at the head");
    log_verify->add_option("--old-sth", log_input.old_head_file,
                           "An older signed head that --consistency starts from");

    auto* bid = app.add_subcommand("bid",
                                   "Supplier tool: seal, sign and submit a bid, and "
                                   "verify its receipt");
    bid->require_subcommand(1);
    procura::app::BidSealInput seal_input;
    auto* bid_seal =
        bid->add_subcommand("seal",
                            "Encrypt a bid document to the tender's opening certificate (CMS "
                            "AuthEnvelopedData, AES-256-GCM, ECDH with a SHA-256 KDF)");
    bid_seal
        ->add_option("--certificate", seal_input.certificate_file,
                     "The tender's opening certificate "
                     "(GET /api/v1/tenders/{id}/opening-certificate)")
        ->required();
    bid_seal->add_option("--in", seal_input.in_file, "The bid document (JSON)")->required();
    bid_seal->add_option("--out", seal_input.out_file, "The sealed envelope to write (DER)")
        ->required();
    bool seal_no_check = false;
    bid_seal->add_flag("--no-check", seal_no_check,
                       "Seal without checking the document against the bid-document schema");
    procura::app::BidSignInput sign_input;
    auto* bid_sign = bid->add_subcommand(
        "sign",
        "Sign a sealed envelope (attached CMS SignedData, SHA-256) with your key; the "
        "passphrase comes from PROCURA_KEY_PASSPHRASE or --passphrase-file");
    bid_sign
        ->add_option("--certificate", sign_input.certificate_file,
                     "Your certificate from the platform (PEM)")
        ->required();
    bid_sign->add_option("--key", sign_input.key_file, "Your encrypted PKCS#8 private key (PEM)")
        ->required();
    bid_sign
        ->add_option("--passphrase-file", sign_input.passphrase_file,
                     "File whose first line is the key passphrase")
        ->envname("PROCURA_KEY_PASSPHRASE_FILE");
    bid_sign->add_option("--in", sign_input.in_file, "The sealed envelope (from bid seal)")
        ->required();
    bid_sign->add_option("--out", sign_input.out_file, "The signed bid to write (DER)")->required();
    bid_sign->add_flag("--no-certificate", sign_input.leave_out_certificate,
                       "Leave your certificate out of the signature (the server looks it up)");
    procura::app::BidSubmitInput submit_input;
    auto* bid_submit =
        bid->add_subcommand("submit", "Send a signed bid to the server and save the receipt");
    bid_submit->add_option("--server", submit_input.server, "The server, http://HOST:PORT")
        ->envname("PROCURA_SERVER")
        ->required();
    bid_submit->add_option("--token", submit_input.token, "Your login token")
        ->envname("PROCURA_TOKEN");
    bid_submit->add_option("--tender", submit_input.tender_id, "The tender id")->required();
    bid_submit->add_option("--lot", submit_input.lot_id, "The lot number")->required();
    bid_submit->add_option("--in", submit_input.in_file, "The signed bid (from bid sign)")
        ->required();
    bid_submit->add_option("--receipt", submit_input.receipt_file,
                           "Where to write the receipt JSON");
    bid_submit->add_option("--timeout-ms", submit_input.timeout_ms, "Give up after this long")
        ->check(CLI::Range(100, 600'000))
        ->capture_default_str();
    procura::app::BidVerifyReceiptInput receipt_input;
    auto* bid_verify_receipt =
        bid->add_subcommand("verify-receipt",
                            "Check a bid receipt: the bid's hash, the RFC 3161 token and the "
                            "bid's place in a fresh signed tree head of the audit log");
    bid_verify_receipt
        ->add_option("--receipt", receipt_input.receipt_file, "The receipt JSON (from bid submit)")
        ->required();
    bid_verify_receipt->add_option("--bid", receipt_input.bid_file, "The signed bid that was sent")
        ->required();
    bid_verify_receipt->add_option("--server", receipt_input.server, "The server, http://HOST:PORT")
        ->envname("PROCURA_SERVER")
        ->required();
    bid_verify_receipt->add_option("--ca", receipt_input.ca_file,
                                   "The platform CA certificate (PEM), obtained out of band; "
                                   "fetched from the server when absent (not recommended)");
    bid_verify_receipt->add_option("--tsa", receipt_input.tsa_file,
                                   "The TSA certificate (PEM); fetched from the server when "
                                   "absent (it must chain to the CA either way)");
    bid_verify_receipt->add_option("--log-key", receipt_input.log_key_file,
                                   "The audit log's public key (PEM); fetched from the server "
                                   "when absent");
    bid_verify_receipt
        ->add_option("--wait-ms", receipt_input.wait_ms,
                     "How long to wait for the bid's leaf to reach a signed head")
        ->check(CLI::Range(0, 600'000))
        ->capture_default_str();

    auto* ledger = app.add_subcommand("ledger", "The double-entry money ledger");
    ledger->require_subcommand(1);
    auto* ledger_check = ledger->add_subcommand(
        "check",
        "Check the ledger's invariants: debits equal credits per currency, balances "
        "equal their transfers and respect their flags, every transfer is audited");
    add_db(ledger_check);

    const auto settle = procura::app::add_settle_commands(app);

    auto* demo = app.add_subcommand("demo", "Demo data");
    demo->require_subcommand(1);
    auto* demo_seed = demo->add_subcommand(
        "seed", "Create demo users (one per role) and a published demo tender, if missing");
    add_db(demo_seed);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    configure_logging(serve->parsed());
    if (*serve) return procura::app::run_serve(serve_config);
    if (*migrate) return procura::app::run_migrate(db_url);
    if (*keys_init) return procura::app::run_keys_init(key_dir, passphrase_file);
    if (*user_add) return procura::app::run_user_add(db_url, username, role, read_password_line());
    if (*user_list) return procura::app::run_user_list(db_url);
    if (*user_set_role) return procura::app::run_user_set_role(db_url, username, role);
    if (*demo_seed) return procura::app::run_demo_seed(db_url);
    if (*log_verify) return procura::app::run_log_verify(log_input);
    if (*ledger_check) return procura::app::run_ledger_check(db_url);
    if (*bid_seal) {
        seal_input.check_document = !seal_no_check;
        return procura::app::run_bid_seal(seal_input);
    }
    if (auto settled = procura::app::run_settle_commands(*settle)) return *settled;
    if (*bid_sign) return procura::app::run_bid_sign(sign_input);
    if (*bid_submit) return procura::app::run_bid_submit(submit_input);
    if (*bid_verify_receipt) return procura::app::run_bid_verify_receipt(receipt_input);
    return 1;
}
