#include "app/serve_wiring.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "app/cli.hpp"
#include "app/keys.hpp"
#include "auth/mysql_store.hpp"
#include "auth/service.hpp"
#include "auth/session_sweeper.hpp"
#include "bidding/mysql_store.hpp"
#include "bidding/service.hpp"
#include "buyers/mysql_store.hpp"
#include "buyers/service.hpp"
#include "core/clock.hpp"
#include "core/worker_pool.hpp"
#include "ledger/log.hpp"
#include "ledger/log_worker.hpp"
#include "ledger/mysql_log_store.hpp"
#include "lifecycle/service.hpp"
#include "money/mysql_store.hpp"
#include "money/service.hpp"
#include "pki/mysql_store.hpp"
#include "pki/service.hpp"
#include "settlement/awards/mysql_store.hpp"
#include "settlement/awards/service.hpp"
#include "settlement/batches/mysql_store.hpp"
#include "settlement/batches/pain001.hpp"
#include "settlement/batches/service.hpp"
#include "signing/message_signature.hpp"
#include "suppliers/mysql_store.hpp"
#include "suppliers/service.hpp"
#include "tender/mysql_store.hpp"
#include "tender/service.hpp"
#include "web/api.hpp"
#include "web/server.hpp"

namespace procura::app {
namespace {

// The MariaDB adapters, all over one pool.
struct Stores {
    std::unique_ptr<auth::MySQLUserStore> users;
    std::unique_ptr<tender::MySQLTenderStore> tenders;
    std::unique_ptr<pki::MySQLCertificateStore> certificates;
    std::unique_ptr<ledger::MySQLLogStore> log;
    std::unique_ptr<bidding::MySQLBidStore> bids;
    std::unique_ptr<suppliers::MySQLSupplierStore> suppliers;
    std::unique_ptr<money::MySQLMoneyStore> money;
    std::unique_ptr<settlement::awards::MySQLAwardStore> awards;
    std::unique_ptr<settlement::batches::MySQLBatchStore> batches;
    std::unique_ptr<buyers::MySQLBuyerStore> buyers;
};

// What the platform keys enable (absent without --key-dir).
struct Platform {
    LoadedKeys keys;
    std::unique_ptr<signing::SignatureVerifier> verifier;
    std::unique_ptr<web::PublicKeyInfrastructure> public_keys;
    std::unique_ptr<pki::CertificateService> certificates;
    std::unique_ptr<web::LogAccess> log_access;
    std::unique_ptr<core::WorkerPool> crypto;
    std::unique_ptr<bidding::BiddingService> bidding;
};

// Everything `serve` runs, owned here with one style (unique_ptr), declared in the order it is
// built so that it is destroyed in reverse: nothing outlives what it refers to.
struct ServeParts {
    core::SystemClock clock;
    std::unique_ptr<db::ConnectionPool> pool;
    Stores stores;
    std::unique_ptr<auth::AuthService> auth;
    std::unique_ptr<buyers::BuyerService> buyers;
    std::unique_ptr<tender::TenderService> tenders;
    std::unique_ptr<suppliers::SupplierService> suppliers;
    std::unique_ptr<money::LedgerService> ledger;
    std::unique_ptr<settlement::awards::AwardService> awards;
    std::unique_ptr<settlement::batches::BatchService> batches;
    std::unique_ptr<ledger::LogQueries> log_queries;
    ledger::LogHealth log_health;
    std::optional<Platform> platform;
    std::unique_ptr<lifecycle::TenderLifecycle> lifecycle;
    std::unique_ptr<web::Metrics> metrics;
    std::unique_ptr<web::Api> api;
    // Background threads last: they stop first.
    std::unique_ptr<ledger::LogWorker> log_worker;
    std::unique_ptr<auth::SessionSweeper> sweeper;
};

Stores open_stores(db::ConnectionPool& pool) {
    return Stores{
        .users = std::make_unique<auth::MySQLUserStore>(pool),
        .tenders = std::make_unique<tender::MySQLTenderStore>(pool),
        .certificates = std::make_unique<pki::MySQLCertificateStore>(pool),
        .log = std::make_unique<ledger::MySQLLogStore>(pool),
        .bids = std::make_unique<bidding::MySQLBidStore>(pool),
        .suppliers = std::make_unique<suppliers::MySQLSupplierStore>(pool),
        .money = std::make_unique<money::MySQLMoneyStore>(pool),
        .awards = std::make_unique<settlement::awards::MySQLAwardStore>(pool),
        .batches = std::make_unique<settlement::batches::MySQLBatchStore>(pool),
        .buyers = std::make_unique<buyers::MySQLBuyerStore>(pool),
    };
}

// The services every server runs, over the stores.
core::Status start_services(ServeParts& p, const ServeConfig& config) {
    PROCURA_TRY_ASSIGN(auto tender_limits, tender_limits_from(config));
    Stores& s = p.stores;
    p.auth = std::make_unique<auth::AuthService>(*s.users, p.clock, auth_limits_from(config));
    p.buyers =
        std::make_unique<buyers::BuyerService>(*s.buyers, *p.auth, p.clock, buyers::BuyerLimits{});
    // Bids are asked about in the bid store itself, not the bidding service: bids stored by a
    // server with platform keys lock the lots also when this one runs without them.
    bidding::BidStore& bids = *s.bids;
    p.tenders = std::make_unique<tender::TenderService>(
        *s.tenders, *p.auth, *p.buyers, p.clock, tender_limits,
        [&bids](tender::TenderId id) { return bids.any_bid(id); });
    p.suppliers = std::make_unique<suppliers::SupplierService>(*s.suppliers, *p.auth, p.clock,
                                                               suppliers::SupplierLimits{});
    p.ledger = std::make_unique<money::LedgerService>(*s.money, p.clock);
    settlement::awards::AwardLimits award_limits;
    award_limits.standstill_ms = config.standstill_ms;
    p.awards = std::make_unique<settlement::awards::AwardService>(
        settlement::awards::AwardDependencies{
            .store = *s.awards, .tenders = *s.tenders, .clock = p.clock, .buyers = *p.buyers},
        award_limits);
    p.batches = std::make_unique<settlement::batches::BatchService>(*s.batches, *s.money, p.clock,
                                                                    config.pain001_xsd);
    p.log_queries = std::make_unique<ledger::LogQueries>(*s.log);
    return {};
}

// The bidding service over the platform keys: bids checked on a crypto pool, deposits in the
// ledger, sessions confirmed by auth, receipts' heads from the log.
std::unique_ptr<bidding::BiddingService> start_bidding(ServeParts& p, Platform& keys,
                                                       const ServeConfig& config) {
    keys.crypto = std::make_unique<core::WorkerPool>(
        config.crypto_threads != 0 ? config.crypto_threads
                                   : std::max(1u, std::thread::hardware_concurrency()));
    auth::AuthService& auth = *p.auth;
    return std::make_unique<bidding::BiddingService>(
        bidding::BiddingDependencies{
            .bids = *p.stores.bids,
            .tenders = *p.stores.tenders,
            .certificates = *p.stores.certificates,
            .ca = *keys.keys.ca,
            .ca_key = *keys.keys.ca_key,
            .verifier = *keys.verifier,
            .tsa = *keys.keys.tsa,
            .log = p.log_queries.get(),
            .clock = p.clock,
            .ledger = p.ledger.get(),
            .confirm_sessions =
                [&auth](const std::vector<std::string>& hashes) {
                    return auth.confirm_sessions(hashes);
                },
            .crypto = keys.crypto.get(),
        },
        bidding::BiddingLimits{});
}

// The platform keys from --key-dir and what they enable, and the audit log's worker.
core::Status load_platform(ServeParts& p, const ServeConfig& config) {
    PROCURA_TRY_ASSIGN(auto passphrase, read_passphrase(config.passphrase_file));
    PROCURA_TRY_ASSIGN(auto loaded, load_keys(config.key_dir, passphrase, p.clock));
    Platform& k = p.platform.emplace();
    k.keys = std::move(loaded);
    k.public_keys = std::make_unique<web::PublicKeyInfrastructure>(web::PublicKeyInfrastructure{
        .tsa = *k.keys.tsa, .ca_pem = k.keys.ca_pem, .tsa_pem = k.keys.tsa_pem});
    k.certificates = std::make_unique<pki::CertificateService>(
        *p.stores.certificates, *k.keys.ca, *k.keys.ca_key, p.clock, pki::CertificatePolicy{});
    k.log_access =
        std::make_unique<web::LogAccess>(web::LogAccess{.queries = *p.log_queries,
                                                        .health = p.log_health,
                                                        .public_key_pem = k.keys.log_public_pem});
    PROCURA_TRY_ASSIGN(auto ca, signing::Certificate::from_pem(k.keys.ca_pem));
    k.verifier = std::make_unique<signing::SignatureVerifier>(std::move(ca));
    k.bidding = start_bidding(p, k, config);
    const signing::PrivateKey& log_key = *k.keys.log_key;
    p.log_worker = std::make_unique<ledger::LogWorker>(
        *p.stores.log,
        [&log_key](std::string_view text) { return signing::sign_message(log_key, text); }, p.clock,
        p.log_health, std::chrono::milliseconds(config.log_interval_ms),
        std::chrono::seconds(config.log_self_check_seconds));
    return {};
}

// The HTTP API over the services (optional ones absent without the platform keys).
void build_api(ServeParts& p, const ServeConfig& config) {
    Platform* k = p.platform ? &*p.platform : nullptr;
    bidding::BiddingService* bidding = k != nullptr ? k->bidding.get() : nullptr;
    p.lifecycle = std::make_unique<lifecycle::TenderLifecycle>(*p.tenders, bidding, p.awards.get());
    db::ConnectionPool& pool = *p.pool;
    web::Services services{
        .auth = *p.auth,
        .tenders = *p.tenders,
        .lifecycle = *p.lifecycle,
        .readiness = [&pool] { return pool.ping(); },
        .pki = k != nullptr ? k->public_keys.get() : nullptr,
        .certificates = k != nullptr ? k->certificates.get() : nullptr,
        .log = k != nullptr ? k->log_access.get() : nullptr,
        .bidding = bidding,
        .suppliers = p.suppliers.get(),
        .awards = p.awards.get(),
        .batches = p.batches.get(),
        .buyers = p.buyers.get(),
    };
    web::ApiOptions options = config.api;
    options.public_cache_ttl = std::chrono::milliseconds(config.public_cache_ms);
    p.metrics = std::make_unique<web::Metrics>();
    p.api = std::make_unique<web::Api>(std::move(services), options, p.clock, *p.metrics);
}

core::Result<std::unique_ptr<ServeParts>> build(const ServeConfig& config) {
    auto p = std::make_unique<ServeParts>();
    PROCURA_TRY_ASSIGN(p->pool, open_migrated_pool(config.db_url, config.db_pool_size));
    p->stores = open_stores(*p->pool);
    PROCURA_TRY(start_services(*p, config));
    if (!config.key_dir.empty()) PROCURA_TRY(load_platform(*p, config));
    build_api(*p, config);
    p->sweeper = std::make_unique<auth::SessionSweeper>(*p->stores.users, p->clock);
    return p;
}

// Says at start-up, not at the first execution, when the bank-file schema cannot be read: the
// server runs, and executing a batch is refused until it is given.
void report_pain001_schema(const std::string& path) {
    auto schema = settlement::batches::Pain001Validator::open(path);
    if (!schema) {
        spdlog::warn(
            "settlement batches cannot be executed (503 schema_unavailable) until "
            "--pain001-xsd names the pain.001.001.09 schema: {}",
            schema.error().message);
    }
}

}  // namespace

int run_serve(const ServeConfig& config) {
    // The settings first, so that a bad one is reported before the database is touched.
    auto listen = parse_listen(config.listen);
    if (!listen) return fail(listen.error());
    if (auto limits = tender_limits_from(config); !limits) return fail(limits.error());
    auto parts = build(config);
    if (!parts) return fail(parts.error());
    report_pain001_schema(config.pain001_xsd);
    web::ServerOptions options = config.server;
    options.host = listen->host;
    options.port = listen->port;
    auto server = web::Server::create(options, *(*parts)->api, *(*parts)->metrics);
    if (!server) return fail(server.error());
    spdlog::info("listening on {}:{}", listen->host, (*server)->port());
    (*server)->run();
    spdlog::info("stopped");
    return 0;
}

}  // namespace procura::app
