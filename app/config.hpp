// Configuration of the `procura` command: what each subcommand needs, filled from flags with
// environment-variable fallbacks (and an optional config file) by app/main.cpp. Plain values;
// parsing helpers return Results so that bad settings end in one readable line.
#pragma once

#include <cstdint>
#include <string>

#include "auth/model.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/pool.hpp"
#include "tender/model.hpp"
#include "web/api.hpp"
#include "web/server.hpp"

namespace procura::app {

struct ServeConfig {
    std::string listen = "127.0.0.1:8080";
    std::string db_url;
    std::int64_t min_tendering_days = 10;
    std::int64_t amendment_extension_days = 3;
    std::size_t committee_min = 3;   // tender::TenderLimits::committee_min; never below 3
    std::int64_t threshold_min = 2;  // tender::TenderLimits::threshold_min; never below 2
    std::int64_t token_ttl_minutes = 8 * 60;
    std::size_t db_pool_size = 16;  // with 64 workers, which mostly wait (docs/architecture.md)
    // Bids' signature checks and time stamps run on these (bidding::BiddingDependencies::crypto);
    // 0: one per core.
    std::size_t crypto_threads = 0;
    std::int64_t public_cache_ms = 1000;        // web::ApiOptions::public_cache_ttl
    std::string key_dir;                        // empty: no PKI routes (they answer 503)
    std::string passphrase_file;                // empty: PROCURA_KEY_PASSPHRASE
    std::int64_t log_interval_ms = 250;         // how often the sequencer looks for new events
    std::int64_t log_self_check_seconds = 300;  // how often every leaf is recomputed
    // The ISO 20022 pain.001.001.09 schema bank files are validated against before release.
    std::string pain001_xsd = PROCURA_DEFAULT_PAIN001_XSD;
    // How long an award stands still before a contract may be signed (AwardLimits).
    std::int64_t standstill_ms = 10 * core::ms_per_day;
    web::ServerOptions server;  // sockets and threads
    web::ApiOptions api;        // body limits, rate limits
    tender::TenderLimits tender_limits;
};

struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};

// Parses "HOST:PORT" or "[IPv6]:PORT". Error code "bad_listen", field "listen".
core::Result<HostPort> parse_listen(const std::string& text);

// Turns the day/minute settings into the limits the services take, checking ranges.
core::Result<tender::TenderLimits> tender_limits_from(const ServeConfig& config);
auth::AuthLimits auth_limits_from(const ServeConfig& config);

}  // namespace procura::app
