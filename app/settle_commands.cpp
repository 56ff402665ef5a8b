// `procura settle prepare|approve|cancel|execute|status|files|buyer-account`: settlement batches
// from the command line, for finance users. Every subcommand logs in as --user with the password
// read from the first line of standard input (checked by auth::AuthService, as the HTTP login
// does), so roles and four-eyes hold here exactly as over HTTP; the session is ended at exit.
// A progress bar is drawn on stderr only when stderr is a terminal. Failures print one line
// "procura: error: <code>: <message>" and exit 1.
//
// Fault seam for the crash test (scripts/crash-test.sh): when PROCURA_SETTLE_CRASH_SEED is set,
// `settle execute` kills itself with SIGKILL at the execute checkpoint chosen by the seed.

#include <unistd.h>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "app/commands.hpp"
#include "auth/mysql_store.hpp"
#include "auth/service.hpp"
#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "core/time.hpp"
#include "db/pool.hpp"
#include "money/mysql_store.hpp"
#include "settlement/batches/json.hpp"
#include "settlement/batches/mysql_store.hpp"
#include "settlement/batches/pain001.hpp"
#include "settlement/batches/rules.hpp"
#include "settlement/batches/service.hpp"

namespace procura::app {
namespace {

struct SettleCommands {
    CLI::App* prepare = nullptr;
    CLI::App* approve = nullptr;
    CLI::App* cancel = nullptr;
    CLI::App* execute = nullptr;
    CLI::App* status = nullptr;
    CLI::App* files = nullptr;
    CLI::App* buyer_account = nullptr;
    std::string db_url;
    std::string user;
    std::string cutoff;
    std::string reason;
    std::int64_t batch = 0;
    std::string pain001_xsd = PROCURA_DEFAULT_PAIN001_XSD;
    std::string out_dir;
    std::string buyer_id;
    std::string name;
    std::string iban;
    std::string bic;
    bool json = false;
};

void add_common(CLI::App* cmd, SettleCommands& c) {
    cmd->add_option("--db", c.db_url, "Database, mysql://USER:PASS@HOST:PORT/DB")
        ->envname("PROCURA_DB")
        ->required();
    cmd->add_option("--user", c.user,
                    "Your login name (a finance user); the password is read from stdin")
        ->envname("PROCURA_SETTLE_USER")
        ->required();
    cmd->add_flag("--json", c.json, "Print the batch as JSON (as the HTTP API shows it)");
}

// Everything a settle subcommand needs: the pool, the stores, the services, the caller.
struct Session {
    std::unique_ptr<db::ConnectionPool> pool;
    core::SystemClock clock;
    std::unique_ptr<auth::MySQLUserStore> users;
    std::unique_ptr<auth::AuthService> auth;
    std::unique_ptr<settlement::batches::MySQLBatchStore> store;
    std::unique_ptr<money::MySQLMoneyStore> money;
    std::unique_ptr<settlement::batches::BatchService> service;
    core::Caller caller;
    std::string token;

    ~Session() {
        if (auth && !token.empty()) (void)auth->logout(token);
    }
};

core::Result<std::unique_ptr<Session>> open_session(const SettleCommands& c) {
    auto s = std::make_unique<Session>();
    PROCURA_TRY_ASSIGN(auto pool, open_migrated_pool(c.db_url, 2));
    s->pool = std::move(pool);
    s->users = std::make_unique<auth::MySQLUserStore>(*s->pool);
    s->auth = std::make_unique<auth::AuthService>(*s->users, s->clock, auth::AuthLimits{});
    PROCURA_TRY_ASSIGN(auto login, s->auth->login(c.user, read_password_line()));
    s->token = login.token;
    s->caller = core::Caller{login.user_id, login.role, c.user};
    s->store = std::make_unique<settlement::batches::MySQLBatchStore>(*s->pool);
    s->money = std::make_unique<money::MySQLMoneyStore>(*s->pool);
    s->service = std::make_unique<settlement::batches::BatchService>(*s->store, *s->money, s->clock,
                                                                     c.pain001_xsd);
    return s;
}

// A one-line progress bar on stderr, only when stderr is a terminal.
settlement::batches::Progress progress_bar() {
    if (isatty(STDERR_FILENO) == 0) return {};
    return [](std::string_view stage, std::size_t done, std::size_t total) {
        constexpr int width = 30;
        const int filled = total == 0 ? width : static_cast<int>(width * done / total);
        std::fprintf(stderr, "\r%-10.*s [%.*s%.*s] %zu/%zu", static_cast<int>(stage.size()),
                     stage.data(), filled, "##############################", width - filled,
                     "..............................", done, total);
        if (done == total) std::fputc('\n', stderr);
        std::fflush(stderr);
    };
}

std::string amount_text(std::int64_t minor, const std::string& currency) {
    const auto exponent = settlement::batches::currency_exponent(currency);
    return (exponent ? settlement::batches::format_minor_units(minor, *exponent)
                     : std::to_string(minor)) +
           " " + currency;
}

void print_batch(const settlement::batches::Batch& b, bool json) {
    if (json) {
        std::printf("%s\n", core::indented_json(settlement::batches::batch_to_json(b)).c_str());
        return;
    }
    std::printf("batch %lld: %s, cut-off %s, %d items, %zu skipped\n", static_cast<long long>(b.id),
                std::string(to_string(b.state)).c_str(),
                core::format_rfc3339_ms(b.cutoff_ms).c_str(), b.item_count, b.skipped.size());
    std::printf("  prepared by user %lld at %s\n", static_cast<long long>(b.prepared_by),
                core::format_rfc3339_ms(b.prepared_at_ms).c_str());
    if (b.approved_by > 0) {
        std::printf("  approved by user %lld at %s\n", static_cast<long long>(b.approved_by),
                    core::format_rfc3339_ms(b.approved_at_ms).c_str());
    }
    if (b.cancelled_by > 0) {
        std::printf("  cancelled by user %lld at %s: %s\n", static_cast<long long>(b.cancelled_by),
                    core::format_rfc3339_ms(b.cancelled_at_ms).c_str(), b.cancel_reason.c_str());
    }
    if (b.execute_started_by > 0) {
        std::printf("  execution started by user %lld at %s\n",
                    static_cast<long long>(b.execute_started_by),
                    core::format_rfc3339_ms(b.execute_started_at_ms).c_str());
    }
    if (b.executed_by > 0) {
        std::printf("  executed by user %lld at %s\n", static_cast<long long>(b.executed_by),
                    core::format_rfc3339_ms(b.executed_at_ms).c_str());
    }
    const settlement::batches::Totals totals = settlement::batches::rules::totals(b.items);
    for (const auto& t : totals.per_currency) {
        std::printf("  %s: %d payments %s, %d refunds %s, %d forfeits %s\n", t.currency.c_str(),
                    t.payment_count, amount_text(t.payments_minor, t.currency).c_str(),
                    t.refund_count, amount_text(t.refunds_minor, t.currency).c_str(),
                    t.forfeit_count, amount_text(t.forfeits_minor, t.currency).c_str());
    }
    for (const auto& t : totals.per_supplier) {
        std::printf("  supplier %lld (%s), %s: payments %s, refunds %s, forfeits %s\n",
                    static_cast<long long>(t.supplier_id), t.supplier_name.c_str(),
                    t.currency.c_str(), amount_text(t.payments_minor, t.currency).c_str(),
                    amount_text(t.refunds_minor, t.currency).c_str(),
                    amount_text(t.forfeits_minor, t.currency).c_str());
    }
    for (const auto& s : b.skipped) {
        std::printf("  skipped %s: %s: %s\n", s.source_key.c_str(), s.code.c_str(),
                    s.reason.c_str());
    }
    for (const auto& f : b.files) {
        std::printf("  file %d: %s, %d payments, %s, sha256 %s\n", f.number, f.message_id.c_str(),
                    f.payment_count, amount_text(f.control_sum_minor, f.currency).c_str(),
                    f.sha256_hex.c_str());
    }
}

// The crash test's fault seam: SIGKILL at the checkpoint the seed picks.
void install_crash_seam(settlement::batches::BatchService& service) {
    const char* seed_text = std::getenv("PROCURA_SETTLE_CRASH_SEED");
    if (seed_text == nullptr || *seed_text == '\0') return;
    const unsigned long seed = std::strtoul(seed_text, nullptr, 10);
    constexpr std::size_t count = std::size(settlement::batches::execute_checkpoints);
    const std::string target =
        settlement::batches::execute_checkpoints[(seed * 2654435761UL) % count];
    std::fprintf(stderr, "procura: crash seam: SIGKILL at checkpoint %s\n", target.c_str());
    service.set_checkpoint([target](std::string_view name) {
        if (name == target) std::raise(SIGKILL);
    });
}

core::Result<std::int64_t> parse_cutoff(const std::string& text) {
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
        std::int64_t ms = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
        if (ec == std::errc() && end == text.data() + text.size()) return ms;
    }
    if (auto ms = core::parse_rfc3339_ms(text)) return *ms;
    return core::bad_request("invalid_time",
                             "--cutoff must be an RFC 3339 time (2026-11-27T10:00:00Z) or "
                             "milliseconds since 1970",
                             "cutoff");
}

bool write_file(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(out);
}

// The answer of a subcommand that returns a batch.
int print_or_fail(const core::Result<settlement::batches::Batch>& batch, bool json) {
    if (!batch) return fail_with_code(batch.error());
    print_batch(*batch, json);
    return 0;
}

int run_status(const SettleCommands& c, const Session& s) {
    if (c.batch > 0) return print_or_fail(s.service->get(s.caller, c.batch), c.json);
    auto list = s.service->list(s.caller);
    if (!list) return fail_with_code(list.error());
    for (const settlement::batches::Batch& b : *list) {
        std::printf("batch %lld: %s, cut-off %s, %d items\n", static_cast<long long>(b.id),
                    std::string(to_string(b.state)).c_str(),
                    core::format_rfc3339_ms(b.cutoff_ms).c_str(), b.item_count);
    }
    return 0;
}

// Writes the executed batch's bank files and its CSV report into c.out_dir, each line naming
// a file with its SHA-256.
int run_files(const SettleCommands& c, const Session& s) {
    auto b = s.service->get(s.caller, c.batch);
    if (!b) return fail_with_code(b.error());
    std::error_code ec;
    std::filesystem::create_directories(c.out_dir, ec);
    for (const settlement::batches::BankFile& meta : b->files) {
        auto f = s.service->file(s.caller, c.batch, meta.number);
        if (!f) return fail_with_code(f.error());
        const auto path = std::filesystem::path(c.out_dir) / (f->message_id + ".xml");
        if (!write_file(path, f->xml)) {
            return fail_with_code(core::internal("write_failed", "cannot write " + path.string()));
        }
        std::printf("%s  %s\n", f->sha256_hex.c_str(), path.string().c_str());
    }
    auto report = s.service->report(s.caller, c.batch);
    if (!report) return fail_with_code(report.error());
    const auto path =
        std::filesystem::path(c.out_dir) / ("settlement-" + std::to_string(c.batch) + ".csv");
    if (!write_file(path, *report)) {
        return fail_with_code(core::internal("write_failed", "cannot write " + path.string()));
    }
    std::printf("report  %s\n", path.string().c_str());
    return 0;
}

int run_buyer_account(const SettleCommands& c, const Session& s) {
    settlement::batches::BuyerAccount input;
    input.buyer_id = c.buyer_id;
    input.name = c.name;
    input.iban = c.iban;
    input.bic = c.bic;
    auto account = s.service->set_buyer_account(s.caller, input);
    if (!account) return fail_with_code(account.error());
    if (c.json) {
        std::printf(
            "%s\n",
            core::indented_json(settlement::batches::buyer_account_to_json(*account)).c_str());
    } else {
        std::printf("buyer account %lld: %s, %s, %s\n", static_cast<long long>(account->id),
                    account->buyer_id.c_str(), account->name.c_str(), account->iban.c_str());
    }
    return 0;
}

// Runs the settle subcommand that was parsed, logged in as --user.
int run_settle(const SettleCommands& c) {
    std::int64_t cutoff_ms = core::SystemClock().now_ms();
    if (*c.prepare && !c.cutoff.empty()) {
        auto parsed = parse_cutoff(c.cutoff);
        if (!parsed) return fail_with_code(parsed.error());
        cutoff_ms = *parsed;
    }
    auto session = open_session(c);
    if (!session) return fail_with_code(session.error());
    const Session& s = **session;
    settlement::batches::BatchService& service = *s.service;
    if (*c.prepare)
        return print_or_fail(service.prepare(s.caller, cutoff_ms, progress_bar()), c.json);
    if (*c.approve) return print_or_fail(service.approve(s.caller, c.batch), c.json);
    if (*c.cancel) return print_or_fail(service.cancel(s.caller, c.batch, c.reason), c.json);
    if (*c.execute) {
        install_crash_seam(service);
        return print_or_fail(service.execute(s.caller, c.batch, progress_bar()), c.json);
    }
    if (*c.status) return run_status(c, s);
    if (*c.files) return run_files(c, s);
    return run_buyer_account(c, s);
}

// prepare, approve, cancel and execute.
void add_batch_subcommands(CLI::App& settle, SettleCommands& c) {
    c.prepare = settle.add_subcommand(
        "prepare",
        "Prepare a batch of every accepted milestone and bid-security refund or "
        "forfeit due at the cut-off; prints the preview");
    add_common(c.prepare, c);
    c.prepare->add_option("--cutoff", c.cutoff,
                          "Cut-off: RFC 3339 time or ms since 1970 (default: now)");

    c.approve = settle.add_subcommand(
        "approve", "Approve a prepared batch (a finance user other than its preparer)");
    add_common(c.approve, c);
    c.approve->add_option("--batch", c.batch, "The batch id")->required();
    c.cancel = settle.add_subcommand(
        "cancel", "Cancel a prepared or approved batch; its items go into a later batch");
    add_common(c.cancel, c);
    c.cancel->add_option("--batch", c.batch, "The batch id")->required();
    c.cancel->add_option("--reason", c.reason, "Why it is cancelled (kept in the audit log)")
        ->required();

    c.execute = settle.add_subcommand(
        "execute",
        "Execute an approved batch (or finish an interrupted execution): post its "
        "transfers once and write its pain.001 bank files");
    add_common(c.execute, c);
    c.execute->add_option("--batch", c.batch, "The batch id")->required();
    c.execute
        ->add_option("--pain001-xsd", c.pain001_xsd,
                     "The pain.001.001.09 XSD that bank files are validated against")
        ->envname("PROCURA_PAIN001_XSD")
        ->capture_default_str();
}

// status, files and buyer-account.
void add_record_subcommands(CLI::App& settle, SettleCommands& c) {
    c.status = settle.add_subcommand(
        "status", "Show a batch (--batch) or list the latest batches (finance, auditor)");
    add_common(c.status, c);
    c.status->add_option("--batch", c.batch, "The batch id");

    c.files = settle.add_subcommand(
        "files", "Write an executed batch's bank files and CSV report into a directory");
    add_common(c.files, c);
    c.files->add_option("--batch", c.batch, "The batch id")->required();
    c.files->add_option("--out-dir", c.out_dir, "Directory to write into")->required();

    c.buyer_account =
        settle.add_subcommand("buyer-account",
                              "Set the bank account a buyer (tenders' buyer id) pays from "
                              "(finance, admin)");
    add_common(c.buyer_account, c);
    c.buyer_account->add_option("--buyer-id", c.buyer_id, "The buyer id of its tenders")
        ->required();
    c.buyer_account->add_option("--name", c.name, "The account holder's name")->required();
    c.buyer_account->add_option("--iban", c.iban, "The IBAN")->required();
    c.buyer_account->add_option("--bic", c.bic, "The BIC (optional)");
}

}  // namespace

void add_settle_command(CommandLine cli) {
    auto c = std::make_shared<SettleCommands>();
    CLI::App& settle =
        *cli.app.add_subcommand("settle",
                                "Settlement batches (finance): prepare, approve (another finance "
                                "user), execute with bank files, status");
    settle.require_subcommand(1);
    add_batch_subcommands(settle, *c);
    add_record_subcommands(settle, *c);
    // The parent's callback runs once its subcommand is parsed (and so known).
    settle.callback([c, &exit_code = cli.exit_code] {
        configure_logging(false);
        exit_code = run_settle(*c);
    });
}

}  // namespace procura::app
