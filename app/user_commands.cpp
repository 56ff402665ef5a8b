// `procura user add|list|show|set-role|deactivate|activate|reset-password`: user
// administration from the command line, through auth::AuthService over the MariaDB user store
// (after pending migrations), with the same rules and audit events as the admin API
// (web/api_users.cpp). The command line acts as AuthService::command_line_caller(): an
// operator with the database's credentials, recorded as the system. The password of `user add`
// is read from the first line of standard input, never from a flag; a reset code is printed
// once on standard output and never logged.
#include <cstdio>
#include <memory>
#include <optional>
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
    std::optional<std::int64_t> version;
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
    const core::Caller caller = auth::AuthService::command_line_caller();
};

core::Result<std::unique_ptr<UserAdmin>> open_user_admin(const std::string& db_url) {
    auto admin = std::make_unique<UserAdmin>();
    PROCURA_TRY_ASSIGN(admin->pool, open_migrated_pool(db_url, 1));
    admin->store = std::make_unique<auth::MySQLUserStore>(*admin->pool);
    admin->service =
        std::make_unique<auth::AuthService>(*admin->store, admin->clock, auth::AuthLimits{});
    return admin;
}

void print_reset(const auth::IssuedReset& reset) {
    std::printf("reset code (shown once, valid until %s): %s\n",
                core::format_rfc3339_ms(reset.expires_at_ms).c_str(), reset.code.c_str());
}

void print_user(const auth::User& u) {
    std::printf("%-6lld %-32s %-9s %-7s %-8lld %s\n", static_cast<long long>(u.id),
                u.username.c_str(), std::string(core::to_string(u.role)).c_str(),
                u.active ? "yes" : "no", static_cast<long long>(u.version),
                core::format_rfc3339_ms(u.created_at_ms).c_str());
}

void print_header() {
    std::printf("%-6s %-32s %-9s %-7s %-8s %s\n", "ID", "USERNAME", "ROLE", "ACTIVE", "VERSION",
                "CREATED");
}

// Without --password-stdin the user gets no password and a reset code, printed once.
int run_user_add(const UserInput& input) {
    auto role = role_from(input.role);
    if (!role) return fail_with_code(role.error());
    std::optional<std::string> password;
    if (input.password_stdin) password = read_password_line();
    auto admin = open_user_admin(input.db_url);
    if (!admin) return fail_with_code(admin.error());
    auto created =
        (*admin)->service->create_user((*admin)->caller, input.username, *role, password);
    if (!created) return fail_with_code(created.error());
    std::printf("%lld\n", static_cast<long long>(created->user.id));
    if (created->reset) print_reset(*created->reset);
    return 0;
}

int run_user_list(const UserInput& input) {
    auto admin = open_user_admin(input.db_url);
    if (!admin) return fail_with_code(admin.error());
    auto users = (*admin)->service->list_users();
    if (!users) return fail_with_code(users.error());
    print_header();
    for (const auto& u : *users) print_user(u);
    return 0;
}

// A change to the user named by --username: change(service, caller, id) returns the user as
// changed, printed as `user show` prints it.
template <class Change>
int run_user_change(const UserInput& input, Change change) {
    auto admin = open_user_admin(input.db_url);
    if (!admin) return fail_with_code(admin.error());
    auto& service = *(*admin)->service;
    auto user = service.get_user_by_name((*admin)->caller, input.username);
    if (!user) return fail_with_code(user.error());
    auto changed = change(service, (*admin)->caller, user->id);
    if (!changed) return fail_with_code(changed.error());
    print_header();
    print_user(*changed);
    return 0;
}

int run_user_set_role(const UserInput& input) {
    auto role = role_from(input.role);
    if (!role) return fail_with_code(role.error());
    return run_user_change(
        input, [&](auth::AuthService& service, const core::Caller& caller, core::UserId id) {
            return service.change_role(caller, id, *role, input.version);
        });
}

int run_user_reset_password(const UserInput& input) {
    auto admin = open_user_admin(input.db_url);
    if (!admin) return fail_with_code(admin.error());
    auto& service = *(*admin)->service;
    auto user = service.get_user_by_name((*admin)->caller, input.username);
    if (!user) return fail_with_code(user.error());
    auto reset = service.issue_password_reset((*admin)->caller, user->id);
    if (!reset) return fail_with_code(reset.error());
    print_reset(*reset);
    return 0;
}

// A subcommand acting on the user named by --username.
CLI::App& add_named_user_command(CLI::App& user, const char* name, const char* description,
                                 UserInput& input) {
    CLI::App& cmd = *user.add_subcommand(name, description);
    add_db_option(cmd, input.db_url);
    cmd.add_option("--username", input.username, "Login name")->required();
    return cmd;
}

}  // namespace

void add_user_command(CommandLine cli) {
    CLI::App& user = *cli.app.add_subcommand("user", "Manage users");
    user.require_subcommand(1);
    auto input = std::make_shared<UserInput>();
    int& exit_code = cli.exit_code;

    CLI::App& add = *user.add_subcommand(
        "add",
        "Add a user: with --password-stdin its password is read from stdin; without it the "
        "user has no password and a one-time reset code is printed");
    add_db_option(add, input->db_url);
    add.add_option("--username", input->username, "Login name: a-z, 0-9, . _ -")->required();
    add.add_option("--role", input->role, "officer, supplier, finance, auditor or admin")
        ->required();
    add.add_flag("--password-stdin", input->password_stdin, "Read the password from stdin");
    add.callback([input, &exit_code] {
        configure_logging(false);
        exit_code = run_user_add(*input);
    });

    CLI::App& list = *user.add_subcommand("list", "List users");
    add_db_option(list, input->db_url);
    list.callback([input, &exit_code] {
        configure_logging(false);
        exit_code = run_user_list(*input);
    });

    add_named_user_command(user, "show", "Show one user", *input).callback([input, &exit_code] {
        configure_logging(false);
        exit_code =
            run_user_change(*input, [](auth::AuthService& service, const core::Caller& caller,
                                       core::UserId id) { return service.get_user(caller, id); });
    });

    CLI::App& set_role = add_named_user_command(
        user, "set-role", "Change a user's role (ends the user's sessions)", *input);
    set_role.add_option("--role", input->role, "officer, supplier, finance, auditor or admin")
        ->required();
    set_role.add_option("--version", input->version,
                        "Refuse unless the user is at this version (as `user show` prints it)");
    set_role.callback([input, &exit_code] {
        configure_logging(false);
        exit_code = run_user_set_role(*input);
    });

    for (const bool active : {false, true}) {
        add_named_user_command(
            user, active ? "activate" : "deactivate",
            active ? "Activate a user" : "Deactivate a user (ends its sessions at once)", *input)
            .callback([input, active, &exit_code] {
                configure_logging(false);
                exit_code = run_user_change(
                    *input,
                    [active](auth::AuthService& service, const core::Caller& caller,
                             core::UserId id) { return service.set_active(caller, id, active); });
            });
    }

    add_named_user_command(
        user, "reset-password",
        "Issue a one-time password reset code for a user (printed once; the user sets a "
        "password with it at POST /api/v1/auth/password-reset)",
        *input)
        .callback([input, &exit_code] {
            configure_logging(false);
            exit_code = run_user_reset_password(*input);
        });
}

}  // namespace procura::app
