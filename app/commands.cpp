#include "app/commands.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/keys.hpp"
#include "app/settlement_wiring.hpp"
#include "auth/mysql_store.hpp"
#include "auth/service.hpp"
#include "bidding/mysql_store.hpp"
#include "bidding/service.hpp"
#include "core/clock.hpp"
#include "core/time.hpp"
#include "core/worker_pool.hpp"
#include "db/migrate.hpp"
#include "db/pool.hpp"
#include "ledger/log.hpp"
#include "ledger/mysql_log_store.hpp"
#include "money/mysql_store.hpp"
#include "money/service.hpp"
#include "pki/mysql_store.hpp"
#include "pki/service.hpp"
#include "signing/message_signature.hpp"
#include "suppliers/mysql_store.hpp"
#include "suppliers/service.hpp"
#include "tender/mysql_store.hpp"
#include "tender/service.hpp"
#include "web/server.hpp"

namespace procura::app {
namespace {

int fail(const core::Error& e) {
    std::fprintf(stderr, "procura: error: %s\n", e.message.c_str());
    return 1;
}

core::Result<std::unique_ptr<db::ConnectionPool>> open_pool(const std::string& db_url,
                                                            std::size_t size) {
    if (db_url.empty()) {
        return core::bad_request("missing_db",
                                 "no database: pass --db mysql://USER:PASS@HOST:PORT/DB or set "
                                 "PROCURA_DB",
                                 "db");
    }
    PROCURA_TRY_ASSIGN(auto config, db::parse_url(db_url));
    db::PoolOptions options;
    options.size = size;
    auto pool = db::ConnectionPool::open(config, options);
    if (!pool) {
        // Name the database (never its password) so that the one line says what failed.
        core::Error e = pool.error();
        const std::string where =
            config.socket.empty() ? config.host + ":" + std::to_string(config.port) : config.socket;
        e.message = "cannot open database '" + config.database + "' as " + config.user + " at " +
                    where + ": " + e.message;
        return e;
    }
    return pool;
}

}  // namespace

core::Result<std::unique_ptr<db::ConnectionPool>> open_migrated_pool(const std::string& db_url,
                                                                     std::size_t size) {
    PROCURA_TRY_ASSIGN(auto pool, open_pool(db_url, size));
    PROCURA_TRY_ASSIGN(auto applied, db::migrate(*pool));
    for (int version : applied) spdlog::info("applied migration {:04d}", version);
    return pool;
}

namespace {

core::Result<core::Role> role_from(const std::string& text) {
    if (auto role = core::parse_role(text)) return *role;
    return core::bad_request(
        "unknown_role",
        "unknown role '" + text + "': use officer, supplier, finance, auditor or admin", "role");
}

// The user administration of the command line: a small pool, the MariaDB user store and the
// auth service over it, after pending migrations.
struct UserAdmin {
    std::unique_ptr<db::ConnectionPool> pool;
    core::SystemClock clock;
    std::unique_ptr<auth::MySQLUserStore> store;
    std::unique_ptr<auth::AuthService> service;
};

core::Result<std::unique_ptr<UserAdmin>> open_user_admin(const std::string& db_url) {
    PROCURA_TRY_ASSIGN(auto pool, open_migrated_pool(db_url, 1));
    auto admin = std::make_unique<UserAdmin>();
    admin->pool = std::move(pool);
    admin->store = std::make_unique<auth::MySQLUserStore>(*admin->pool);
    admin->service =
        std::make_unique<auth::AuthService>(*admin->store, admin->clock, auth::AuthLimits{});
    return admin;
}

// Deletes expired sessions every few minutes until stopped.
class SessionSweeper {
public:
    SessionSweeper(auth::UserStore& store, const core::Clock& clock)
        : thread_([this, &store, &clock] {
              std::unique_lock lock(mutex_);
              while (!stopping_) {
                  lock.unlock();
                  auto removed = store.delete_expired_sessions(clock.now_ms());
                  if (!removed) {
                      spdlog::warn("session sweep failed: {}", removed.error().message);
                  } else if (*removed > 0) {
                      spdlog::info("removed {} expired sessions", *removed);
                  }
                  lock.lock();
                  wake_.wait_for(lock, std::chrono::minutes(5), [this] { return stopping_; });
              }
          }) {}
    ~SessionSweeper() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

// The audit log's background work in `procura serve`: the sequencer turns new audit events
// into leaves and signs a head every interval while events arrive (at least once a second with
// the default 250 ms), and the self-check recomputes every leaf from the event rows every
// self_check period, logging what it finds and publishing it to /metrics.
class LogWorker {
public:
    LogWorker(ledger::LogStore& store, ledger::HeadSigner signer, const core::Clock& clock,
              ledger::LogHealth& health, std::chrono::milliseconds interval,
              std::chrono::seconds self_check_period)
        : store_(store),
          signer_(std::move(signer)),
          clock_(clock),
          health_(health),
          interval_(interval),
          self_check_period_(self_check_period),
          thread_([this] { run(); }) {}
    ~LogWorker() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }

private:
    void run() {
        std::unique_ptr<ledger::LogSequencer> sequencer;
        auto next_check = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            lock.unlock();
            if (!sequencer) {
                auto opened = ledger::LogSequencer::open(store_, signer_, clock_);
                if (opened) {
                    sequencer = std::move(*opened);
                } else {
                    spdlog::error("audit log: cannot open the sequencer: {}",
                                  opened.error().message);
                }
            }
            if (sequencer) {
                auto head = sequencer->step();
                if (!head && head.error().code == "log_head_moved") {
                    // Another server sharing the database signed first; this one follows it.
                    spdlog::debug("audit log: {}", head.error().message);
                } else if (!head) {
                    spdlog::warn("audit log: {}", head.error().message);
                } else if (*head) {
                    health_.tree_size = (*head)->tree_size;
                    health_.head_timestamp_ms = (*head)->timestamp_ms;
                } else if (sequencer->head()) {
                    health_.tree_size = sequencer->head()->tree_size;
                }
            }
            if (std::chrono::steady_clock::now() >= next_check) {
                check();
                next_check = std::chrono::steady_clock::now() + self_check_period_;
            }
            lock.lock();
            wake_.wait_for(lock, interval_, [this] { return stopping_; });
        }
    }

    void check() {
        auto report = ledger::self_check(store_);
        ++health_.self_checks;
        if (!report) {
            spdlog::warn("audit log self-check could not run: {}", report.error().message);
            return;
        }
        if (report->problems.empty()) {
            health_.last_self_check_ok = 1;
            spdlog::info("audit log self-check: {} leaves match their event rows",
                         report->leaves_checked);
            return;
        }
        health_.last_self_check_ok = 0;
        ++health_.self_check_failures;
        for (const std::string& problem : report->problems) {
            spdlog::error("audit log self-check: {}", problem);
        }
    }

    ledger::LogStore& store_;
    ledger::HeadSigner signer_;
    const core::Clock& clock_;
    ledger::LogHealth& health_;
    std::chrono::milliseconds interval_;
    std::chrono::seconds self_check_period_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace

int run_serve(const ServeConfig& config) {
    auto listen = parse_listen(config.listen);
    if (!listen) return fail(listen.error());
    auto tender_limits = tender_limits_from(config);
    if (!tender_limits) return fail(tender_limits.error());
    auto pool = open_migrated_pool(config.db_url, config.db_pool_size);
    if (!pool) return fail(pool.error());

    core::SystemClock clock;
    auth::MySQLUserStore user_store(**pool);
    tender::MySQLTenderStore tender_store(**pool);
    auth::AuthService auth_service(user_store, clock, auth_limits_from(config));
    tender::TenderService tender_service(tender_store, auth_service, clock, *tender_limits);

    std::optional<LoadedKeys> keys;
    std::optional<web::PublicKeyInfrastructure> public_keys;
    pki::MySQLCertificateStore certificate_store(**pool);
    std::optional<pki::CertificateService> certificate_service;
    ledger::MySQLLogStore log_store(**pool);
    ledger::LogQueries log_queries(log_store);
    ledger::LogHealth log_health;
    std::optional<web::LogAccess> log_access;
    std::optional<LogWorker> log_worker;
    bidding::MySQLBidStore bid_store(**pool);
    suppliers::MySQLSupplierStore supplier_store(**pool);
    suppliers::SupplierService supplier_service(supplier_store, auth_service, clock,
                                                suppliers::SupplierLimits{});
    money::MySQLMoneyStore money_store(**pool);
    money::LedgerService ledger_service(money_store, clock);
    std::optional<signing::SignatureVerifier> verifier;
    std::optional<core::WorkerPool> crypto_pool;
    std::optional<bidding::BiddingService> bidding_service;
    if (!config.key_dir.empty()) {
        auto passphrase = read_passphrase(config.passphrase_file);
        if (!passphrase) return fail(passphrase.error());
        auto loaded = load_keys(config.key_dir, *passphrase, clock);
        if (!loaded) return fail(loaded.error());
        keys = std::move(*loaded);
        public_keys.emplace(web::PublicKeyInfrastructure{*keys->tsa, keys->ca_pem, keys->tsa_pem});
        certificate_service.emplace(certificate_store, *keys->ca, *keys->ca_key, clock,
                                    pki::CertificatePolicy{});
        log_access.emplace(web::LogAccess{log_queries, log_health, keys->log_public_pem});
        verifier.emplace(*signing::Certificate::from_pem(keys->ca_pem));
        bidding::BiddingDependencies bidding_dependencies{
            bid_store, tender_store, certificate_store, *keys->ca, *keys->ca_key,
            *verifier, *keys->tsa,   &log_queries,      clock,     &ledger_service,
            {}};
        bidding_dependencies.confirm_sessions = [&auth_service](const std::vector<std::string>& h) {
            return auth_service.confirm_sessions(h);
        };
        crypto_pool.emplace(config.crypto_threads != 0
                                ? config.crypto_threads
                                : std::max(1u, std::thread::hardware_concurrency()));
        bidding_dependencies.crypto = &*crypto_pool;
        bidding_service.emplace(bidding_dependencies, bidding::BiddingLimits{});
        const signing::PrivateKey& log_key = *keys->log_key;
        log_worker.emplace(
            log_store,
            [&log_key](std::string_view text) { return signing::sign_message(log_key, text); },
            clock, log_health, std::chrono::milliseconds(config.log_interval_ms),
            std::chrono::seconds(config.log_self_check_seconds));
    }

    web::ServerOptions options = config.server;
    options.host = listen->host;
    options.port = listen->port;
    options.public_cache_ttl = std::chrono::milliseconds(config.public_cache_ms);
    db::ConnectionPool& pool_ref = **pool;
    const SettlementWiring settlement_wiring{pool_ref,     clock,          auth_service,
                                             tender_store, ledger_service, config.pain001_xsd};
    auto award_service = make_award_service(settlement_wiring);
    if (!award_service) return fail(award_service.error());
    auto batch_service = make_batch_service(settlement_wiring, award_service->get());
    if (!batch_service) return fail(batch_service.error());
    web::Services services{auth_service,
                           tender_service,
                           [&pool_ref] { return pool_ref.ping(); },
                           public_keys ? &*public_keys : nullptr,
                           certificate_service ? &*certificate_service : nullptr,
                           log_access ? &*log_access : nullptr,
                           bidding_service ? &*bidding_service : nullptr,
                           &supplier_service};
    services.awards = award_service->get();
    services.batches = batch_service->get();
    auto server = web::Server::create(options, services);
    if (!server) return fail(server.error());
    spdlog::info("listening on {}:{}", listen->host, (*server)->port());
    SessionSweeper sweeper(user_store, clock);
    (*server)->run();
    spdlog::info("stopped");
    return 0;
}

int run_migrate(const std::string& db_url) {
    auto pool = open_pool(db_url, 1);
    if (!pool) return fail(pool.error());
    auto applied = db::migrate(**pool);
    if (!applied) return fail(applied.error());
    if (applied->empty()) {
        std::printf("schema is up to date\n");
    } else {
        for (int version : *applied) std::printf("applied migration %04d\n", version);
    }
    return 0;
}

int run_keys_init(const std::string& key_dir, const std::string& passphrase_file) {
    auto passphrase = read_passphrase(passphrase_file);
    if (!passphrase) return fail(passphrase.error());
    core::SystemClock clock;
    auto status = init_keys(key_dir, *passphrase, clock);
    if (!status) return fail(status.error());
    std::printf(
        "platform keys created in %s (ca.pem, tsa.pem, log.pub.pem; private keys "
        "encrypted)\n",
        key_dir.c_str());
    return 0;
}

int run_user_add(const std::string& db_url, const std::string& username, const std::string& role,
                 const std::string& password) {
    auto parsed_role = role_from(role);
    if (!parsed_role) return fail(parsed_role.error());
    auto admin = open_user_admin(db_url);
    if (!admin) return fail(admin.error());
    auth::AuthService& service = *(*admin)->service;
    auto user = service.add_user(username, *parsed_role, password, 0);
    if (!user) return fail(user.error());
    std::printf("%lld\n", static_cast<long long>(user->id));
    return 0;
}

int run_user_list(const std::string& db_url) {
    auto admin = open_user_admin(db_url);
    if (!admin) return fail(admin.error());
    auth::AuthService& service = *(*admin)->service;
    auto users = service.list_users();
    if (!users) return fail(users.error());
    std::printf("%-6s %-32s %-9s %-7s %s\n", "ID", "USERNAME", "ROLE", "ACTIVE", "CREATED");
    for (const auto& u : *users) {
        std::printf("%-6lld %-32s %-9s %-7s %s\n", static_cast<long long>(u.id), u.username.c_str(),
                    std::string(core::to_string(u.role)).c_str(), u.active ? "yes" : "no",
                    core::format_rfc3339_ms(u.created_at_ms).c_str());
    }
    return 0;
}

int run_user_set_role(const std::string& db_url, const std::string& username,
                      const std::string& role) {
    auto parsed_role = role_from(role);
    if (!parsed_role) return fail(parsed_role.error());
    auto admin = open_user_admin(db_url);
    if (!admin) return fail(admin.error());
    auth::AuthService& service = *(*admin)->service;
    auto status = service.set_role(username, *parsed_role, 0);
    if (!status) return fail(status.error());
    std::printf("%s is now %s\n", username.c_str(), role.c_str());
    return 0;
}

int run_demo_seed(const std::string& db_url) {
    auto pool = open_migrated_pool(db_url, 2);
    if (!pool) return fail(pool.error());
    core::SystemClock clock;
    auth::MySQLUserStore user_store(**pool);
    tender::MySQLTenderStore tender_store(**pool);
    auth::AuthService auth_service(user_store, clock, auth::AuthLimits{});
    tender::TenderService tenders(tender_store, auth_service, clock, tender::TenderLimits{});

    struct Demo {
        const char* username;
        core::Role role;
        const char* password;
    };
    static constexpr Demo demo_users[] = {
        {"officer", core::Role::officer, "officer-demo-pass"},
        {"officer2", core::Role::officer, "officer2-demo-pass"},
        {"officer3", core::Role::officer, "officer3-demo-pass"},
        {"supplier", core::Role::supplier, "supplier-demo-pass"},
        {"finance", core::Role::finance, "finance-demo-pass"},
        {"auditor", core::Role::auditor, "auditor-demo-pass"},
        {"admin", core::Role::admin, "admin-demo-pass"},
    };
    std::vector<core::UserId> officers;
    core::Caller officer;
    for (const Demo& d : demo_users) {
        auto existing = user_store.find_user_by_name(d.username);
        if (!existing) return fail(existing.error());
        core::UserId id = 0;
        if (*existing) {
            id = (*existing)->id;
        } else {
            auto added = auth_service.add_user(d.username, d.role, d.password, 0);
            if (!added) return fail(added.error());
            id = added->id;
        }
        if (d.role == core::Role::officer) officers.push_back(id);
        if (std::string(d.username) == "officer") officer = core::Caller{id, d.role, d.username};
    }

    auto existing = tenders.list(officer, std::nullopt, std::nullopt, "", 1, "");
    if (!existing) return fail(existing.error());
    if (existing->items.empty()) {
        const std::int64_t now = clock.now_ms();
        tender::TenderFields f;
        f.title = "Road resurfacing, Riverside district";
        f.description =
            "Resurfacing of 12 km of municipal roads in two lots, including markings and "
            "drainage repairs. Works to be completed within 120 days of contract signature.";
        f.buyer_name = "City of Riverside, Department of Public Works";
        f.buyer_id = "RS-DPW-0042";
        f.category = tender::Category::works;
        f.currency = "EUR";
        f.lots = std::vector<tender::Lot>{{0, "North Riverside (7 km)", 1'450'000'00},
                                          {0, "South Riverside (5 km)", 1'020'000'00}};
        f.evaluation_method = tender::EvaluationMethod::comprehensive;
        f.price_weight = 70;
        f.technical_weight = 30;
        f.bid_security_minor = 25'000'00;
        f.enquiry_deadline_ms = now + 7 * core::ms_per_day;
        f.submission_deadline_ms = now + 21 * core::ms_per_day;
        f.opening_time_ms = now + 21 * core::ms_per_day + 60 * 60 * core::ms_per_second;
        f.committee = officers;
        f.threshold_k = 2;
        auto draft = tenders.create_draft(officer, f);
        if (!draft) return fail(draft.error());
        auto published = tenders.publish(officer, draft->tender.id, std::nullopt);
        if (!published) return fail(published.error());
        std::printf("demo tender %lld published\n", static_cast<long long>(published->tender.id));
    }
    std::printf("demo logins (username / password):\n");
    for (const Demo& d : demo_users) {
        std::printf("  %-9s / %-19s (%s)\n", d.username, d.password,
                    std::string(core::to_string(d.role)).c_str());
    }
    return 0;
}

}  // namespace procura::app
