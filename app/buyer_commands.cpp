// `procura buyer add|list|add-officer|remove-officer`: buyer organisations (procuring entities)
// and their officers from the command line, through buyers::BuyerService over the MariaDB
// stores (after pending migrations), as an administrator. The command line acts as the system
// itself (user 0 in the audit log), as `procura user` does; the API's routes act as the
// logged-in administrator.
#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "auth/mysql_store.hpp"
#include "auth/service.hpp"
#include "buyers/mysql_store.hpp"
#include "buyers/service.hpp"
#include "core/clock.hpp"

namespace procura::app {
namespace {

struct BuyerInput {
    std::string db_url;
    std::string identifier;
    std::string legal_name;
    std::string address;
    std::string username;
};

// The command line's caller: an administrator acting as the system.
const core::Caller command_line = auth::AuthService::command_line_caller();

struct BuyerAdmin {
    std::unique_ptr<db::ConnectionPool> pool;
    core::SystemClock clock;
    std::unique_ptr<auth::MySQLUserStore> users;
    std::unique_ptr<auth::AuthService> auth;
    std::unique_ptr<buyers::MySQLBuyerStore> store;
    std::unique_ptr<buyers::BuyerService> service;
};

core::Result<std::unique_ptr<BuyerAdmin>> open_buyer_admin(const std::string& db_url) {
    auto admin = std::make_unique<BuyerAdmin>();
    PROCURA_TRY_ASSIGN(admin->pool, open_migrated_pool(db_url, 1));
    admin->users = std::make_unique<auth::MySQLUserStore>(*admin->pool);
    admin->auth =
        std::make_unique<auth::AuthService>(*admin->users, admin->clock, auth::AuthLimits{});
    admin->store = std::make_unique<buyers::MySQLBuyerStore>(*admin->pool);
    admin->service = std::make_unique<buyers::BuyerService>(*admin->store, *admin->auth,
                                                            admin->clock, buyers::BuyerLimits{});
    return admin;
}

core::Status run_add(const BuyerInput& input) {
    PROCURA_TRY_ASSIGN(auto admin, open_buyer_admin(input.db_url));
    PROCURA_TRY_ASSIGN(
        auto buyer,
        admin->service->create(
            command_line, buyers::BuyerInput{input.identifier, input.legal_name, input.address}));
    std::printf("buyer %s (%s) added\n", buyer.identifier.c_str(), buyer.legal_name.c_str());
    return {};
}

core::Status run_list(const BuyerInput& input) {
    PROCURA_TRY_ASSIGN(auto admin, open_buyer_admin(input.db_url));
    std::printf("%-24s %-8s %-40s %s\n", "IDENTIFIER", "OFFICERS", "LEGAL NAME", "ADDRESS");
    std::int64_t after = 0;
    for (;;) {
        PROCURA_TRY_ASSIGN(auto page, admin->service->list(command_line, after, 100));
        for (const buyers::Buyer& b : page) {
            std::printf("%-24s %-8zu %-40s %s\n", b.identifier.c_str(), b.officers.size(),
                        b.legal_name.c_str(), b.address.c_str());
            after = b.id;
        }
        if (page.size() < 100) return {};
    }
}

// Adds (add) or removes the officer named by username to or from the buyer, at its current
// version.
core::Status run_membership(const BuyerInput& input, bool add) {
    PROCURA_TRY_ASSIGN(auto admin, open_buyer_admin(input.db_url));
    PROCURA_TRY_ASSIGN(auto user, admin->users->find_user_by_name(input.username));
    if (!user) {
        return core::not_found("user_not_found", "no user " + input.username, "username");
    }
    PROCURA_TRY_ASSIGN(auto buyer, admin->service->get(command_line, input.identifier));
    if (add) {
        PROCURA_TRY(
            admin->service->add_officer(command_line, input.identifier, buyer.version, user->id));
    } else {
        PROCURA_TRY(admin->service->remove_officer(command_line, input.identifier, buyer.version,
                                                   user->id));
    }
    std::printf("%s %s %s\n", input.username.c_str(), add ? "now acts for" : "no longer acts for",
                input.identifier.c_str());
    return {};
}

// Runs a command's body: 0, or its error as one line and 1.
int exit_code_of(const core::Status& status) { return status.ok() ? 0 : fail(status.error()); }

}  // namespace

void add_buyer_command(CommandLine cli) {
    CLI::App& buyer =
        *cli.app.add_subcommand("buyer", "Manage buyer organisations and their officers");
    buyer.require_subcommand(1);
    auto input = std::make_shared<BuyerInput>();
    int& exit_code = cli.exit_code;

    CLI::App& add = *buyer.add_subcommand("add", "Add a buyer organisation (procuring entity)");
    add_db_option(add, input->db_url);
    add.add_option("--identifier", input->identifier,
                   "The buyer's identifier, e.g. GB-GOV-0042 (A-Z a-z 0-9 . _ : -)")
        ->required();
    add.add_option("--name", input->legal_name, "Legal name")->required();
    add.add_option("--address", input->address, "Postal address")->required();
    add.callback([input, &exit_code] {
        configure_logging(false);
        exit_code = exit_code_of(run_add(*input));
    });

    CLI::App& list = *buyer.add_subcommand("list", "List buyer organisations");
    add_db_option(list, input->db_url);
    list.callback([input, &exit_code] {
        configure_logging(false);
        exit_code = exit_code_of(run_list(*input));
    });

    for (const bool adding : {true, false}) {
        CLI::App& member = *buyer.add_subcommand(
            adding ? "add-officer" : "remove-officer",
            adding ? "Let an officer act for a buyer" : "Stop an officer acting for a buyer");
        add_db_option(member, input->db_url);
        member.add_option("--identifier", input->identifier, "The buyer's identifier")->required();
        member.add_option("--username", input->username, "The officer's login name")->required();
        member.callback([input, adding, &exit_code] {
            configure_logging(false);
            exit_code = exit_code_of(run_membership(*input, adding));
        });
    }
}

}  // namespace procura::app
