// The subcommands of `procura`, each wiring the real adapters (MariaDB stores, the system
// clock, the Beast server) to the services. Each returns the process exit code and, on
// failure, has printed one readable line to stderr.
#pragma once

#include <memory>
#include <string>

#include "app/config.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"
#include "db/pool.hpp"

namespace procura::app {

// A pool of `size` connections to db_url with pending migrations applied. Errors name the
// database and user (never the password), so that the command's one line says what failed.
core::Result<std::unique_ptr<db::ConnectionPool>> open_migrated_pool(const std::string& db_url,
                                                                     std::size_t size);

int run_serve(const ServeConfig& config);
int run_migrate(const std::string& db_url);
int run_keys_init(const std::string& key_dir, const std::string& passphrase_file);
int run_user_add(const std::string& db_url, const std::string& username, const std::string& role,
                 const std::string& password);
int run_user_list(const std::string& db_url);
int run_user_set_role(const std::string& db_url, const std::string& username,
                      const std::string& role);
// Creates the demo users (one per role, three officers for the opening committee) and one
// published demo tender, unless they exist; prints the demo logins.
int run_demo_seed(const std::string& db_url);

}  // namespace procura::app
