#include "app/cli.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "db/migrate.hpp"
#include "db/url.hpp"

namespace procura::app {

void configure_logging(bool serving) {
    spdlog::set_default_logger(spdlog::stderr_color_mt("procura"));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l [%t] %v", spdlog::pattern_time_type::utc);
    spdlog::set_level(serving ? spdlog::level::info : spdlog::level::err);
    if (const char* level = std::getenv("PROCURA_LOG_LEVEL")) {
        spdlog::set_level(spdlog::level::from_str(level));
    }
}

std::string read_password_line() {
    std::string line;
    std::getline(std::cin, line);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return line;
}

void add_db_option(CLI::App& command, std::string& db_url) {
    command.add_option("--db", db_url, "Database, mysql://USER:PASS@HOST:PORT/DB")
        ->envname("PROCURA_DB")
        ->required();
}

int fail(const core::Error& error) {
    std::fprintf(stderr, "procura: error: %s\n", error.message.c_str());
    return 1;
}

int fail_with_code(const core::Error& error) {
    std::fprintf(stderr, "procura: error: %s: %s\n", error.code.c_str(), error.message.c_str());
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
        core::Error e = pool.error();
        const std::string where =
            config.socket.empty() ? config.host + ":" + std::to_string(config.port) : config.socket;
        e.message = "cannot open database '" + config.database + "' as " + config.user + " at " +
                    where + ": " + e.message;
        return e;
    }
    return pool;
}

core::Result<std::unique_ptr<db::ConnectionPool>> open_migrated_pool(const std::string& db_url,
                                                                     std::size_t size) {
    PROCURA_TRY_ASSIGN(auto pool, open_pool(db_url, size));
    PROCURA_TRY_ASSIGN(auto applied, db::migrate(*pool));
    for (int version : applied) spdlog::info("applied migration {:04d}", version);
    return pool;
}

}  // namespace procura::app
