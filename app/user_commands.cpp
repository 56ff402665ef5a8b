// `procura user add|list|set-role`: user administration from the command line, through
// auth::AuthService over the MariaDB user store (after pending migrations). The password of
// `user add` is read from the first line of standard input, never from a flag.
#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "auth/mysql_store.hpp"
#include "auth/service.hpp"
#include "core/clock.hpp"
#include "core/time.hpp"

namespace procura::app {
namespace {

struct UserInput {
    std::string db_url;
    std::string username;
    std::string role;
    bool password_stdin = false;
};

core::Result<core::Role> role_from(const std::string& text) {
    if (auto role = core::parse_role(text)) return *role;
    return core::bad_request(
        "unknown_role",
        "unknown role '" + text + "': use officer, supplier, finance, auditor or admin", "role");
}

// A small pool, the MariaDB user store and the auth service over it.
struct UserAdmin {
    std::unique_ptr<db::ConnectionPool> pool;
    core::SystemClock clock;
    std::unique_ptr<auth::MySQLUserStore> store;
    std::unique_ptr<auth::AuthService> service;
};

core::Result<std::unique_ptr<UserAdmin>> open_user_admin(const std::string& db_url) {
    auto admin = std::make_unique<UserAdmin>();
    PROCURA_TRY_ASSIGN(admin->pool, open_migrated_pool(db_url, 1));
    admin->store = std::make_unique<auth::MySQLUserStore>(*admin->pool);
    admin->service =
        std::make_unique<auth::AuthService>(*admin->store, admin->clock, auth::AuthLimits{});
    return admin;
}

int run_user_add(const UserInput& input, const std::string& password) {
    auto role = role_from(input.role);
    if (!role) return fail(role.error());
    auto admin = open_user_admin(input.db_url);
    if (!admin) return fail(admin.error());
    auto user = (*admin)->service->add_user(input.username, *role, password, 0);
    if (!user) return fail(user.error());
    std::printf("%lld\n", static_cast<long long>(user->id));
    return 0;
}

int run_user_list(const UserInput& input) {
    auto admin = open_user_admin(input.db_url);
    if (!admin) return fail(admin.error());
    auto users = (*admin)->service->list_users();
    if (!users) return fail(users.error());
    std::printf("%-6s %-32s %-9s %-7s %s\n", "ID", "USERNAME", "ROLE", "ACTIVE", "CREATED");
    for (const auto& u : *users) {
        std::printf("%-6lld %-32s %-9s %-7s %s\n", static_cast<long long>(u.id), u.username.c_str(),
                    std::string(core::to_string(u.role)).c_str(), u.active ? "yes" : "no",
                    core::format_rfc3339_ms(u.created_at_ms).c_str());
    }
    return 0;
}

int run_user_set_role(const UserInput& input) {
    auto role = role_from(input.role);
    if (!role) return fail(role.error());
    auto admin = open_user_admin(input.db_url);
    if (!admin) return fail(admin.error());
    auto status = (*admin)->service->set_role(input.username, *role, 0);
    if (!status) return fail(status.error());
    std::printf("%s is now %s\n", input.username.c_str(), input.role.c_str());
    return 0;
}

}  // namespace

void add_user_command(CommandLine cli) {
    CLI::App& user = *cli.app.add_subcommand("user", "Manage users");
    user.require_subcommand(1);
    auto input = std::make_shared<UserInput>();
    int& exit_code = cli.exit_code;

    CLI::App& add = *user.add_subcommand("add", "Add a user (password read from stdin)");
    add_db_option(add, input->db_url);
    add.add_option("--username", input->username, "Login name: a-z, 0-9, . _ -")->required();
    add.add_option("--role", input->role, "officer, supplier, finance, auditor or admin")
        ->required();
    add.add_flag("--password-stdin", input->password_stdin, "Read the password from stdin")
        ->required();
    add.callback([input, &exit_code] {
        configure_logging(false);
        exit_code = run_user_add(*input, read_password_line());
    });

    CLI::App& list = *user.add_subcommand("list", "List users");
    add_db_option(list, input->db_url);
    list.callback([input, &exit_code] {
        configure_logging(false);
        exit_code = run_user_list(*input);
    });

    CLI::App& set_role = *user.add_subcommand("set-role", "Change a user's role");
    add_db_option(set_role, input->db_url);
    set_role.add_option("--username", input->username, "Login name")->required();
    set_role.add_option("--role", input->role, "officer, supplier, finance, auditor or admin")
        ->required();
    set_role.callback([input, &exit_code] {
        configure_logging(false);
        exit_code = run_user_set_role(*input);
    });
}

}  // namespace procura::app
