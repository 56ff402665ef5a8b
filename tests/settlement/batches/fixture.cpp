// batch_fixture: fills a migrated database with what the tendering, bidding and award parts of
// Procura would have produced before settlement, for the e2e and crash tests of settlement
// batches. Rows of tenders, lots, supplier users and registrations, bids, awards, contracts and
// milestones are written with SQL (the award engineer's service is not there yet); the
// bid-security deposits are pending transfers made through the real money::LedgerService, with
// the ids bidding uses ("bs:<tender>:<first 32 hex of the bid's SHA-256>"), so the ledger's
// invariants hold. Everything is deterministic: the same arguments give the same rows.
//
// Usage: batch_fixture DB_URL [SUPPLIERS] [TENDERS]
// Per tender (buyer TOWN-1, EUR, bid security 50.00), every supplier bids on each of 3 lots:
// lot 1 is awarded and signed (a contract with 3 milestones: 2 accepted, 1 planned), lot 2's
// winner declined (its deposit is to be forfeited), lot 3 is awarded and not yet signed (the
// winner's deposit is held). Losers' deposits are to be refunded. One more tender of buyer
// CITY-9 (which has no bank account) has a signed contract with one accepted milestone.
#include <cppconn/connection.h>
#include <cppconn/statement.h>

#include <cstdio>
#include <memory>
#include <string>

#include "bidding/bid_security.hpp"
#include "core/clock.hpp"
#include "core/hash.hpp"
#include "db/pool.hpp"
#include "db/transaction.hpp"
#include "db/url.hpp"
#include "money/mysql_store.hpp"
#include "money/service.hpp"

namespace {

using procura::core::sha256_hex;
namespace money = procura::money;
namespace db = procura::db;

constexpr std::int64_t base_ms = 1'780'000'000'000;  // 2026-05-28
constexpr std::int64_t security_minor = 5'000;

std::string q(const std::string& s) { return "'" + s + "'"; }
std::string n(std::int64_t v) { return std::to_string(v); }

// A German IBAN with correct mod-97 check digits for bank code 37040044 and this account.
std::string german_iban(std::int64_t account) {
    char bban[32];
    std::snprintf(bban, sizeof bban, "37040044%010lld", static_cast<long long>(account));
    const std::string digits = std::string(bban) + "131400";  // "DE00" moved to the end
    int rest = 0;
    for (char c : digits) rest = (rest * 10 + (c - '0')) % 97;
    char out[40];
    std::snprintf(out, sizeof out, "DE%02d%s", 98 - rest, bban);
    return out;
}

struct Filler {
    db::ConnectionPool& pool;

    void sql(const std::string& statement) {
        auto done = db::with_connection(pool, "fixture", [&](sql::Connection& c) {
            std::unique_ptr<sql::Statement> s(c.createStatement());
            s->execute(statement);
        });
        if (!done) {
            std::fprintf(stderr, "batch_fixture: %s\n  in: %s\n", done.error().message.c_str(),
                         statement.substr(0, 300).c_str());
            std::exit(1);
        }
    }
    std::int64_t value(const std::string& query) {
        auto got = db::with_connection(
            pool, "fixture", [&](sql::Connection& c) -> procura::core::Result<std::int64_t> {
                std::unique_ptr<sql::Statement> s(c.createStatement());
                std::unique_ptr<sql::ResultSet> rows(s->executeQuery(query));
                rows->next();
                return rows->getInt64(1);
            });
        if (!got) {
            std::fprintf(stderr, "batch_fixture: %s\n", got.error().message.c_str());
            std::exit(1);
        }
        return *got;
    }
    std::int64_t user(const std::string& name, const std::string& role) {
        sql("INSERT INTO users (username, role, password_hash, active, created_at_ms) VALUES (" +
            q(name) + ", " + q(role) + ", 'fixture-no-login', TRUE, " + n(base_ms) + ")");
        return value("SELECT id FROM users WHERE username = " + q(name));
    }
    std::int64_t tender(const std::string& buyer_id, const std::string& buyer_name, int lots) {
        sql("INSERT INTO tenders (version, state, title, description, buyer_name, buyer_id, "
            "currency, price_weight, technical_weight, bid_security_minor, "
            "enquiry_deadline_ms, submission_deadline_ms, opening_time_ms, threshold_k, "
            "created_by, created_at_ms, updated_at_ms, published_at_ms, cancel_reason, "
            "lot_count, total_budget_minor) VALUES (1, 'published', 'Fixture tender', "
            "'Settlement fixture', " +
            q(buyer_name) + ", " + q(buyer_id) + ", 'EUR', 100, 0, " + n(security_minor) + ", " +
            n(base_ms + 1000) + ", " + n(base_ms + 2000) + ", " + n(base_ms + 3000) + ", 1, 0, " +
            n(base_ms) + ", " + n(base_ms) + ", " + n(base_ms) + ", '', " + n(lots) + ", " +
            n(lots * 10'000'000LL) + ")");
        const std::int64_t id = value("SELECT MAX(id) FROM tenders");
        for (int l = 1; l <= lots; ++l) {
            sql("INSERT INTO tender_lots (tender_id, number, title, budget_minor) VALUES (" +
                n(id) + ", " + n(l) + ", 'Lot " + n(l) + "', 10000000)");
        }
        return id;
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: batch_fixture DB_URL [SUPPLIERS] [TENDERS]\n");
        return 2;
    }
    const int suppliers = argc > 2 ? std::atoi(argv[2]) : 6;
    const int tenders = argc > 3 ? std::atoi(argv[3]) : 2;
    if (suppliers < 3 || tenders < 1) {
        std::fprintf(stderr, "batch_fixture: at least 3 suppliers and 1 tender\n");
        return 2;
    }
    auto config = db::parse_url(argv[1]);
    if (!config) {
        std::fprintf(stderr, "batch_fixture: %s\n", config.error().message.c_str());
        return 1;
    }
    db::PoolOptions options;
    options.size = 2;
    auto pool = db::ConnectionPool::open(*config, options);
    if (!pool) {
        std::fprintf(stderr, "batch_fixture: %s\n", pool.error().message.c_str());
        return 1;
    }
    Filler f{**pool};
    procura::core::ManualClock clock(base_ms);
    money::MySQLMoneyStore money_store(**pool);
    money::LedgerService ledger(money_store, clock);

    const std::int64_t officer = f.user("fixture-officer", "officer");
    std::vector<std::int64_t> supplier_ids;
    for (int s = 0; s < suppliers; ++s) {
        const std::string name = "fixture-supplier-" + n(s + 1);
        const std::int64_t id = f.user(name, "supplier");
        supplier_ids.push_back(id);
        f.sql(
            "INSERT INTO suppliers (user_id, organisation_name, registration_number, street, "
            "postal_code, city, country, contact_name, contact_email, contact_phone, iban, bic, "
            "status, registered_at_ms, reviewed_by, reviewed_at_ms) VALUES (" +
            n(id) + ", 'Supplier " + n(s + 1) + " GmbH', 'HRB-" + n(1000 + s) +
            "', 'Main street 1', '10115', 'Berlin', 'DE', 'Contact', 'supplier" + n(s + 1) +
            "@example.org', '+4930123456', " + q(german_iban(1000 + s)) +
            ", 'COBADEFF', "
            "'approved', " +
            n(base_ms) + ", " + n(officer) + ", " + n(base_ms) + ")");
    }

    money::Account escrow_spec;
    escrow_spec.owner = money::OwnerKind::tender_escrow;
    escrow_spec.currency = "EUR";
    escrow_spec.kind = money::AccountKind::escrow;
    money::Account security_spec;
    security_spec.owner = money::OwnerKind::supplier;
    security_spec.currency = "EUR";
    security_spec.kind = money::AccountKind::bid_security;

    int milestones = 0;
    int deposits = 0;
    const auto contract_with = [&](std::int64_t award, std::int64_t tender, int lot,
                                   std::int64_t supplier, std::int64_t value, int accepted,
                                   int planned) {
        f.sql(
            "INSERT INTO contracts (award_id, tender_id, lot_id, supplier_id, value_minor, "
            "currency, signed_by, signed_at_ms) VALUES (" +
            n(award) + ", " + n(tender) + ", " + n(lot) + ", " + n(supplier) + ", " + n(value) +
            ", 'EUR', " + n(officer) + ", " + n(base_ms + 20'000) + ")");
        const std::int64_t contract = f.value("SELECT MAX(id) FROM contracts");
        const int count = accepted + planned;
        for (int m = 1; m <= count; ++m) {
            const std::int64_t amount =
                m < count ? value / count : value - (value / count) * (count - 1);
            const bool is_accepted = m <= accepted;
            f.sql(
                "INSERT INTO contract_milestones (contract_id, number, title, amount_minor, "
                "currency, state, accepted_by, accepted_at_ms) VALUES (" +
                n(contract) + ", " + n(m) + ", 'Milestone " + n(m) + "', " + n(amount) +
                ", 'EUR', " + (is_accepted ? "'accepted', " : "'planned', ") +
                (is_accepted ? n(officer) + ", " + n(base_ms + 30'000 + m) : "NULL, NULL") + ")");
            if (is_accepted) ++milestones;
        }
    };

    for (int t = 0; t < tenders; ++t) {
        const std::int64_t tender = f.tender("TOWN-1", "Town of Example", 3);
        escrow_spec.owner_id = tender;
        auto escrow = ledger.account_for(0, escrow_spec);
        if (!escrow) {
            std::fprintf(stderr, "batch_fixture: %s\n", escrow.error().message.c_str());
            return 1;
        }
        for (int lot = 1; lot <= 3; ++lot) {
            std::vector<std::int64_t> bid_ids;
            for (int s = 0; s < suppliers; ++s) {
                const std::int64_t supplier = supplier_ids[static_cast<std::size_t>(s)];
                const std::string body =
                    "fixture bid " + n(tender) + "/" + n(lot) + "/" + n(supplier);
                const std::string sha = sha256_hex(body);
                f.sql(
                    "INSERT INTO bids (tender_id, supplier_id, lot_id, version, body, sha256, "
                    "received_at_ms, timestamp_token, log_seq, security_transfer_key, state) "
                    "VALUES (" +
                    n(tender) + ", " + n(supplier) + ", " + n(lot) + ", 1, " + q(body) + ", " +
                    q(sha) + ", " + n(base_ms + 1500) + ", '', 0, " +
                    q(procura::bidding::bid_security_transfer_id(tender, sha)) + ", 'active')");
                bid_ids.push_back(f.value("SELECT MAX(id) FROM bids"));
                security_spec.owner_id = supplier;
                auto from = ledger.account_for(supplier, security_spec);
                if (!from) {
                    std::fprintf(stderr, "batch_fixture: %s\n", from.error().message.c_str());
                    return 1;
                }
                money::Transfer deposit;
                deposit.id = procura::bidding::bid_security_transfer_id(tender, sha);
                deposit.kind = money::TransferKind::pending;
                deposit.debit_account_id = from->id;
                deposit.credit_account_id = escrow->id;
                deposit.amount_minor = security_minor;
                deposit.currency = "EUR";
                deposit.code = procura::bidding::bid_security_transfer_code;
                deposit.reference = "bid security, tender " + n(tender);
                deposit.batch_id = "tender-" + n(tender);
                auto held = ledger.create_transfers(supplier, {deposit});
                if (!held || held->front().status != money::TransferStatus::created) {
                    std::fprintf(stderr, "batch_fixture: the deposit was refused\n");
                    return 1;
                }
                ++deposits;
            }
            const std::size_t winner = static_cast<std::size_t>((t + lot) % suppliers);
            const std::string state = lot == 1 ? "signed" : lot == 2 ? "declined" : "awarded";
            const std::int64_t value = 1'000'000 + 12'345 * (t + 1) + 1'000 * lot;
            f.sql(
                "INSERT INTO awards (tender_id, lot_id, bid_id, supplier_id, value_minor, "
                "currency, awarded_rank, skip_reason, state, awarded_by, awarded_at_ms, "
                "standstill_ends_at_ms, decided_by, decided_at_ms, decline_reason) VALUES (" +
                n(tender) + ", " + n(lot) + ", " + n(bid_ids[winner]) + ", " +
                n(supplier_ids[winner]) + ", " + n(value) + ", 'EUR', 1, '', " + q(state) + ", " +
                n(officer) + ", " + n(base_ms + 10'000) + ", " + n(base_ms + 15'000) + ", " +
                (state == "awarded"
                     ? "NULL, NULL, NULL"
                     : n(officer) + ", " + n(base_ms + 20'000) + ", " +
                           (state == "declined" ? "'The winner declined to sign'" : "NULL")) +
                ")");
            if (state == "signed") {
                contract_with(f.value("SELECT MAX(id) FROM awards"), tender, lot,
                              supplier_ids[winner], value, 2, 1);
            }
        }
    }
    // A buyer without a bank account: its milestone is skipped with the reason.
    const std::int64_t unfunded = f.tender("CITY-9", "City of Nowhere", 1);
    const std::string body = "fixture bid " + n(unfunded) + "/1/" + n(supplier_ids[0]);
    f.sql(
        "INSERT INTO bids (tender_id, supplier_id, lot_id, version, body, sha256, "
        "received_at_ms, timestamp_token, log_seq, security_transfer_key, state) VALUES (" +
        n(unfunded) + ", " + n(supplier_ids[0]) + ", 1, 1, " + q(body) + ", " +
        q(sha256_hex(body)) + ", " + n(base_ms + 1500) + ", '', 0, " +
        q(procura::bidding::bid_security_transfer_id(unfunded, sha256_hex(body))) + ", 'active')");
    const std::int64_t unfunded_bid = f.value("SELECT MAX(id) FROM bids");
    f.sql(
        "INSERT INTO awards (tender_id, lot_id, bid_id, supplier_id, value_minor, currency, "
        "awarded_rank, skip_reason, state, awarded_by, awarded_at_ms, standstill_ends_at_ms, "
        "decided_by, decided_at_ms) VALUES (" +
        n(unfunded) + ", 1, " + n(unfunded_bid) + ", " + n(supplier_ids[0]) +
        ", 777700, 'EUR', 1, '', 'signed', " + n(officer) + ", " + n(base_ms + 10'000) + ", " +
        n(base_ms + 15'000) + ", " + n(officer) + ", " + n(base_ms + 20'000) + ")");
    contract_with(f.value("SELECT MAX(id) FROM awards"), unfunded, 1, supplier_ids[0], 777'700, 1,
                  0);
    std::printf("fixture: %d tenders, %d suppliers, %d accepted milestones, %d pending deposits\n",
                tenders + 1, suppliers, milestones, deposits);
    return 0;
}
