// `procura demo seed`: the demo data of the README's first command, created only if missing:
// one user per role (three officers, so that a committee can be formed), the demo buyer with
// the three officers as its members, and one published demo tender. Prints the demo logins. Never
// for production: the passwords are printed.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "auth/mysql_store.hpp"
#include "auth/service.hpp"
#include "buyers/mysql_store.hpp"
#include "buyers/service.hpp"
#include "core/clock.hpp"
#include "tender/mysql_store.hpp"
#include "tender/service.hpp"

namespace procura::app {
namespace {

struct DemoUser {
    const char* username;
    core::Role role;
    const char* password;
};

constexpr DemoUser demo_users[] = {
    {"officer", core::Role::officer, "officer-demo-pass"},
    {"officer2", core::Role::officer, "officer2-demo-pass"},
    {"officer3", core::Role::officer, "officer3-demo-pass"},
    {"supplier", core::Role::supplier, "supplier-demo-pass"},
    {"finance", core::Role::finance, "finance-demo-pass"},
    {"auditor", core::Role::auditor, "auditor-demo-pass"},
    {"admin", core::Role::admin, "admin-demo-pass"},
};

struct SeededUsers {
    std::vector<core::UserId> officers;
    core::Caller officer;  // the first officer, who drafts the demo tender
    core::Caller admin;    // who records the demo buyer
};

// Adds the demo users that are missing.
core::Result<SeededUsers> seed_users(auth::UserStore& store, auth::AuthService& auth) {
    SeededUsers seeded;
    for (const DemoUser& d : demo_users) {
        PROCURA_TRY_ASSIGN(auto existing, store.find_user_by_name(d.username));
        core::UserId id = 0;
        if (existing) {
            id = existing->id;
        } else {
            PROCURA_TRY_ASSIGN(auto added, auth.add_user(d.username, d.role, d.password, 0));
            id = added.id;
        }
        if (d.role == core::Role::officer) seeded.officers.push_back(id);
        if (std::string(d.username) == "officer")
            seeded.officer = core::Caller{id, d.role, d.username};
        if (d.role == core::Role::admin) seeded.admin = core::Caller{id, d.role, d.username};
    }
    return seeded;
}

constexpr const char* demo_buyer_id = "RS-DPW-0042";

// The demo buyer, made if missing, with every demo officer a member.
core::Status seed_buyer(buyers::BuyerService& buyers, const SeededUsers& users) {
    PROCURA_TRY_ASSIGN(auto name, buyers.legal_name(demo_buyer_id));
    if (!name) {
        PROCURA_TRY(buyers.create(
            users.admin,
            buyers::BuyerInput{demo_buyer_id, "City of Riverside, Department of Public Works",
                               "1 Town Hall Square, Riverside"}));
    }
    for (core::UserId officer : users.officers) {
        PROCURA_TRY_ASSIGN(auto buyer, buyers.get(users.admin, demo_buyer_id));
        PROCURA_TRY_ASSIGN(const bool member, buyers.is_officer_of(officer, demo_buyer_id));
        if (!member)
            PROCURA_TRY(buyers.add_officer(users.admin, demo_buyer_id, buyer.version, officer));
    }
    return {};
}

// The demo tender's fields: two lots of road works, scored on price and quality, with a bid
// security, deadlines three weeks ahead and the three officers as its committee (k = 2).
tender::TenderFields demo_tender(std::int64_t now, const std::vector<core::UserId>& officers) {
    tender::TenderFields f;
    f.title = "Road resurfacing, Riverside district";
    f.description =
        "Resurfacing of 12 km of municipal roads in two lots, including markings and "
        "drainage repairs. Works to be completed within 120 days of contract signature.";
    f.buyer_name = "City of Riverside, Department of Public Works";
    f.buyer_id = demo_buyer_id;
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
    return f;
}

int run_demo_seed(const std::string& db_url) {
    auto pool = open_migrated_pool(db_url, 2);
    if (!pool) return fail(pool.error());
    core::SystemClock clock;
    auth::MySQLUserStore user_store(**pool);
    tender::MySQLTenderStore tender_store(**pool);
    auth::AuthService auth_service(user_store, clock, auth::AuthLimits{});
    buyers::MySQLBuyerStore buyer_store(**pool);
    buyers::BuyerService buyer_service(buyer_store, auth_service, clock, buyers::BuyerLimits{});
    tender::TenderService tenders(tender_store, auth_service, buyer_service, clock,
                                  tender::TenderLimits{});
    auto users = seed_users(user_store, auth_service);
    if (!users) return fail(users.error());
    if (auto seeded = seed_buyer(buyer_service, *users); !seeded) return fail(seeded.error());
    auto existing = tenders.list(users->officer, std::nullopt, std::nullopt, "", 1, "");
    if (!existing) return fail(existing.error());
    if (existing->items.empty()) {
        auto draft =
            tenders.create_draft(users->officer, demo_tender(clock.now_ms(), users->officers));
        if (!draft) return fail(draft.error());
        auto published = tenders.publish(users->officer, draft->tender.id, std::nullopt);
        if (!published) return fail(published.error());
        std::printf("demo tender %lld published\n", static_cast<long long>(published->tender.id));
    }
    std::printf("demo logins (username / password):\n");
    for (const DemoUser& d : demo_users) {
        std::printf("  %-9s / %-19s (%s)\n", d.username, d.password,
                    std::string(core::to_string(d.role)).c_str());
    }
    return 0;
}

}  // namespace

void add_demo_command(CommandLine cli) {
    CLI::App& demo = *cli.app.add_subcommand("demo", "Demo data");
    demo.require_subcommand(1);
    auto db_url = std::make_shared<std::string>();
    CLI::App& seed = *demo.add_subcommand(
        "seed", "Create demo users (one per role) and a published demo tender, if missing");
    add_db_option(seed, *db_url);
    seed.callback([db_url, &exit_code = cli.exit_code] {
        configure_logging(false);
        exit_code = run_demo_seed(*db_url);
    });
}

}  // namespace procura::app
