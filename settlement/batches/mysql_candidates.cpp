#include "settlement/batches/mysql_candidates.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "bidding/bid_security.hpp"
#include "settlement/batches/mysql_rows.hpp"

namespace procura::settlement::batches {
namespace {

using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

// Runs a deposit query and appends its rows to input.deposits. A deposit query's rows: bid id
// (0 without a bid), tender, lot (0 without a bid), supplier, pending transfer id, amount,
// currency, supplier name, and the bid's state (anything but "active" is out of the
// competition).
void read_deposits(sql::PreparedStatement& query, PrepareInput& input) {
    Rows rows(query.executeQuery());
    while (rows->next()) {
        DepositCandidate d;
        d.bid_id = rows->getInt64(1);
        d.tender_id = rows->getInt64(2);
        d.lot_id = rows->getInt64(3);
        d.supplier_id = rows->getInt64(4);
        d.pending_id = text(*rows, 5);
        d.amount_minor = rows->getInt64(6);
        d.currency = text(*rows, 7);
        d.supplier_name = text(*rows, 8);
        d.bid_active = text(*rows, 9) == "active";
        input.deposits.push_back(std::move(d));
    }
}

}  // namespace

void read_milestone_candidates(sql::Connection& c, std::int64_t cutoff_ms, PrepareInput& input) {
    Statement s(
        c.prepareStatement("SELECT m.id, m.contract_id, m.number, m.amount_minor, m.currency, "
                           "m.accepted_at_ms, c.tender_id, c.lot_id, c.supplier_id, t.buyer_id, "
                           "s.user_id, s.organisation_name, s.iban, s.bic, s.status, "
                           "b.id, b.buyer_id, b.name, b.iban, b.bic, b.version, b.updated_by, "
                           "b.updated_at_ms "
                           "FROM contract_milestones m "
                           "JOIN contracts c ON c.id = m.contract_id "
                           "JOIN tenders t ON t.id = c.tender_id "
                           "LEFT JOIN suppliers s ON s.user_id = c.supplier_id "
                           "LEFT JOIN buyer_bank_accounts b ON b.buyer_id = t.buyer_id "
                           "LEFT JOIN settlement_items i ON i.source_key = "
                           "  CAST(CONCAT('milestone:', m.id) AS CHAR CHARACTER SET ascii) "
                           "  COLLATE ascii_bin "
                           "WHERE m.state = 'accepted' AND m.accepted_at_ms <= ? "
                           "AND i.batch_id IS NULL ORDER BY m.id"));
    s->setInt64(1, cutoff_ms);
    Rows rows(s->executeQuery());
    while (rows->next()) {
        MilestoneCandidate m;
        m.milestone_id = rows->getInt64(1);
        m.contract_id = rows->getInt64(2);
        m.number = rows->getInt(3);
        m.amount_minor = rows->getInt64(4);
        m.currency = text(*rows, 5);
        m.accepted_at_ms = int_or_zero(*rows, 6);
        m.tender_id = rows->getInt64(7);
        m.lot_id = rows->getInt64(8);
        m.supplier_id = rows->getInt64(9);
        m.buyer_id = text(*rows, 10);
        if (!rows->isNull(11)) {
            m.supplier =
                SupplierBank{text(*rows, 12), text(*rows, 13), text(*rows, 14), text(*rows, 15)};
        }
        if (!rows->isNull(16)) {
            BuyerAccount a;
            a.id = rows->getInt64(16);
            a.buyer_id = text(*rows, 17);
            a.name = text(*rows, 18);
            a.iban = text(*rows, 19);
            a.bic = text(*rows, 20);
            a.version = rows->getInt64(21);
            a.updated_by = rows->getInt64(22);
            a.updated_at_ms = rows->getInt64(23);
            m.buyer_account = std::move(a);
        }
        input.milestones.push_back(std::move(m));
    }
}

core::Status read_award_facts(sql::Connection& c, PrepareInput& input) {
    Statement s(
        c.prepareStatement("SELECT id, tender_id, lot_id, bid_id, supplier_id, state, "
                           "awarded_at_ms, decided_at_ms FROM awards ORDER BY id"));
    Rows rows(s->executeQuery());
    while (rows->next()) {
        AwardFact a;
        a.award_id = rows->getInt64(1);
        a.tender_id = rows->getInt64(2);
        a.lot_id = rows->getInt64(3);
        a.bid_id = rows->getInt64(4);
        a.supplier_id = rows->getInt64(5);
        const auto state = parse_award_state(text(*rows, 6));
        if (!state) return corrupt("award state");
        a.state = *state;
        a.awarded_at_ms = rows->getInt64(7);
        a.decided_at_ms = int_or_zero(*rows, 8);
        input.awards.push_back(a);
    }
    return {};
}

void read_lot_releases(sql::Connection& c, PrepareInput& input) {
    Statement s(
        c.prepareStatement("SELECT tender_id, lot_id, closed_at_ms FROM lot_closures "
                           "UNION ALL SELECT id, 0, COALESCE(cancelled_at_ms, updated_at_ms) "
                           "FROM tenders WHERE state = 'cancelled' ORDER BY 1, 2"));
    Rows rows(s->executeQuery());
    while (rows->next()) {
        input.releases.push_back(
            LotRelease{rows->getInt64(1), rows->getInt64(2), rows->getInt64(3)});
    }
}

void read_bid_deposits(sql::Connection& c, PrepareInput& input) {
    Statement s(
        c.prepareStatement("SELECT b.id, b.tender_id, b.lot_id, b.supplier_id, t.transfer_key, "
                           "t.amount_minor, t.currency, COALESCE(s.organisation_name, u.username), "
                           "b.state FROM bids b "
                           "JOIN money_transfers t ON t.transfer_key = b.security_transfer_key "
                           "  AND t.kind = 'pending' "
                           "LEFT JOIN money_transfers r ON r.pending_key = t.transfer_key "
                           "LEFT JOIN settlement_items i ON i.source_key = "
                           "  CAST(CONCAT('deposit:', t.transfer_key) AS CHAR CHARACTER SET ascii) "
                           "  COLLATE ascii_bin "
                           "LEFT JOIN suppliers s ON s.user_id = b.supplier_id "
                           "JOIN users u ON u.id = b.supplier_id "
                           "WHERE r.id IS NULL AND i.batch_id IS NULL "
                           "AND (b.state <> 'active' OR EXISTS (SELECT 1 FROM awards a WHERE "
                           "a.tender_id = b.tender_id "
                           "  AND a.lot_id = b.lot_id) "
                           " OR EXISTS (SELECT 1 FROM lot_closures l WHERE l.tender_id = "
                           "  b.tender_id AND l.lot_id = b.lot_id) "
                           " OR EXISTS (SELECT 1 FROM tenders x WHERE x.id = b.tender_id "
                           "  AND x.state = 'cancelled')) "
                           "ORDER BY b.id"));
    read_deposits(*s, input);
}

void read_unstored_deposits(sql::Connection& c, PrepareInput& input) {
    // Deposits whose bid was never stored (intake held the deposit, then the bid's transaction
    // failed and the release failed too, or the process died in between): owed back once the
    // tender is opened or cancelled, when no bid can be stored on it any more. Without a bid
    // they have no lot (0). The tender is the owner of the deposit's escrow account (the
    // credit).
    Statement s(
        c.prepareStatement("SELECT 0, e.owner_id, 0, a.owner_id, t.transfer_key, t.amount_minor, "
                           "t.currency, COALESCE(s.organisation_name, u.username), 'never_stored' "
                           "FROM money_transfers t "
                           "JOIN money_accounts a ON a.id = t.debit_account_id "
                           "JOIN money_accounts e ON e.id = t.credit_account_id "
                           "  AND e.owner_kind = 'tender_escrow' "
                           "JOIN users u ON u.id = a.owner_id "
                           "LEFT JOIN suppliers s ON s.user_id = a.owner_id "
                           "LEFT JOIN money_transfers r ON r.pending_key = t.transfer_key "
                           "LEFT JOIN settlement_items i ON i.source_key = "
                           "  CAST(CONCAT('deposit:', t.transfer_key) AS CHAR CHARACTER SET ascii) "
                           "  COLLATE ascii_bin "
                           "WHERE t.kind = 'pending' AND t.code = ? AND r.id IS NULL "
                           "AND i.batch_id IS NULL "
                           "AND NOT EXISTS (SELECT 1 FROM bids b WHERE b.security_transfer_key = "
                           "  t.transfer_key) "
                           "AND (EXISTS (SELECT 1 FROM tender_openings o WHERE o.tender_id = "
                           "  e.owner_id) OR EXISTS (SELECT 1 FROM tenders y WHERE y.id = "
                           "  e.owner_id AND y.state = 'cancelled')) "
                           "ORDER BY t.id"));
    s->setInt(1, bidding::bid_security_transfer_code);
    read_deposits(*s, input);
}

}  // namespace procura::settlement::batches
