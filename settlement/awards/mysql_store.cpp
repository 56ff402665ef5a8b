#include "settlement/awards/mysql_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "core/utf8.hpp"
#include "db/audit_sql.hpp"
#include "db/transaction.hpp"
#include "settlement/awards/mysql_decisions.hpp"

namespace procura::settlement::awards {
namespace {
using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

std::string ids_json(const std::vector<std::int64_t>& ids) { return nlohmann::json(ids).dump(); }

std::vector<std::int64_t> parse_ids(const std::string& text) {
    std::vector<std::int64_t> ids;
    const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
    if (!parsed.is_array()) return ids;
    for (const nlohmann::json& v : parsed) {
        if (v.is_number_integer()) ids.push_back(v.get<std::int64_t>());
    }
    return ids;
}

Rows query(sql::Connection& c, const char* text, std::int64_t id) {
    Statement s(c.prepareStatement(text));
    s->setInt64(1, id);
    return Rows(s->executeQuery());
}

std::string text(sql::ResultSet& rows, unsigned column) {
    return rows.getString(column).asStdString();
}

std::optional<core::UserId> user_or_null(sql::ResultSet& rows, unsigned column) {
    if (rows.isNull(column)) return std::nullopt;
    return rows.getInt64(column);
}

void set_user_or_null(sql::PreparedStatement& s, unsigned column,
                      const std::optional<core::UserId>& user) {
    if (user) {
        s.setInt64(column, *user);
    } else {
        s.setNull(column, sql::DataType::BIGINT);
    }
}

// When the tender's bids were opened, if they were.
void load_opening(sql::Connection& c, TenderRecords& r) {
    Rows rows =
        query(c, "SELECT opened_at_ms FROM tender_openings WHERE tender_id = ?", r.tender_id);
    if (rows->next()) r.opened_at_ms = rows->getInt64(1);
}

// The opening record of each bid, by bid id.
void load_opened_bids(sql::Connection& c, TenderRecords& r) {
    Rows rows = query(c,
                      "SELECT o.bid_id, b.supplier_id, b.lot_id, b.received_at_ms, o.valid, "
                      "o.reason, o.price_minor, o.currency FROM bid_openings o "
                      "JOIN bids b ON b.id = o.bid_id WHERE o.tender_id = ? ORDER BY o.bid_id",
                      r.tender_id);
    while (rows->next()) {
        OpenedBid b;
        b.bid_id = rows->getInt64(1);
        b.supplier_id = rows->getInt64(2);
        b.lot_id = rows->getInt64(3);
        b.received_at_ms = rows->getInt64(4);
        b.valid = rows->getBoolean(5);
        b.reason = text(*rows, 6);
        if (!rows->isNull(7)) b.price_minor = rows->getInt64(7);
        if (!rows->isNull(8)) b.currency = text(*rows, 8);
        r.opened_bids.push_back(std::move(b));
    }
}

// The ranked bids of a stored evaluation, by lot and rank.
void load_ranked_bids(sql::Connection& c, std::int64_t tender_id, Evaluation& e) {
    Rows bids = query(c,
                      "SELECT lot_id, bid_id, supplier_id, lot_rank, price_minor, "
                      "currency, abnormally_low, total_score_micro, breakdown_json "
                      "FROM bid_evaluations WHERE tender_id = ? ORDER BY lot_id, lot_rank",
                      tender_id);
    while (bids->next()) {
        RankedBid b;
        b.tender_id = tender_id;
        b.lot_id = bids->getInt64(1);
        b.bid_id = bids->getInt64(2);
        b.supplier_id = bids->getInt64(3);
        b.rank = bids->getInt64(4);
        b.price_minor = bids->getInt64(5);
        b.currency = text(*bids, 6);
        b.abnormally_low = bids->getBoolean(7);
        b.total_score_micro = bids->getInt64(8);
        b.breakdown_json = text(*bids, 9);
        e.bids.push_back(std::move(b));
    }
}

// The stored evaluation, if there is one, with its lot results and ranked bids.
void load_evaluation(sql::Connection& c, TenderRecords& r) {
    Rows rows = query(c,
                      "SELECT evaluated_by, evaluated_at_ms FROM tender_evaluations "
                      "WHERE tender_id = ?",
                      r.tender_id);
    if (!rows->next()) return;
    Evaluation e;
    e.tender_id = r.tender_id;
    e.evaluated_by = rows->getInt64(1);
    e.evaluated_at_ms = rows->getInt64(2);
    Rows lots = query(c,
                      "SELECT lot_id, result_json FROM lot_evaluations WHERE "
                      "tender_id = ? ORDER BY lot_id",
                      r.tender_id);
    while (lots->next()) e.lots.push_back({lots->getInt64(1), text(*lots, 2)});
    load_ranked_bids(c, r.tender_id, e);
    r.evaluation = std::move(e);
}

// The panel's declarations, by member id.
void load_declarations(sql::Connection& c, TenderRecords& r) {
    Rows rows = query(c,
                      "SELECT member_id, no_conflict, statement, supplier_ids_json, "
                      "declared_at_ms, withdrawn_at_ms, withdrawn_by, withdrawal_reason "
                      "FROM evaluation_declarations WHERE tender_id = ? ORDER BY member_id",
                      r.tender_id);
    while (rows->next()) {
        Declaration d;
        d.tender_id = r.tender_id;
        d.member_id = rows->getInt64(1);
        d.no_conflict = rows->getBoolean(2);
        d.statement = text(*rows, 3);
        d.supplier_ids = parse_ids(text(*rows, 4));
        d.declared_at_ms = rows->getInt64(5);
        if (!rows->isNull(6)) {
            d.withdrawn_at_ms = rows->getInt64(6);
            d.withdrawn_by = rows->getInt64(7);
            d.withdrawal_reason = text(*rows, 8);
        }
        r.declarations.push_back(std::move(d));
    }
}

// The panel's technical scores, by bid, member and criterion.
void load_scores(sql::Connection& c, TenderRecords& r) {
    Rows rows = query(c,
                      "SELECT lot_id, bid_id, member_id, criterion_id, score_micro, "
                      "submitted_at_ms FROM technical_scores WHERE tender_id = ? "
                      "ORDER BY bid_id, member_id, criterion_id",
                      r.tender_id);
    while (rows->next()) {
        r.scores.push_back(TechnicalScore{r.tender_id, rows->getInt64(1), rows->getInt64(2),
                                          rows->getInt64(3), rows->getInt64(4), rows->getInt64(5),
                                          rows->getInt64(6)});
    }
}

// The awards, by id.
void load_awards(sql::Connection& c, TenderRecords& r) {
    Rows rows = query(c,
                      "SELECT id, lot_id, bid_id, supplier_id, value_minor, currency, "
                      "awarded_rank, skip_reason, clarification, skipped_bid_ids_json, state, "
                      "awarded_by, awarded_at_ms, standstill_ends_at_ms, decided_by, "
                      "decided_at_ms, decline_reason, award_proposed_by, decision_proposed_by "
                      "FROM awards WHERE tender_id = ? "
                      "ORDER BY id",
                      r.tender_id);
    while (rows->next()) {
        Award a;
        a.id = rows->getInt64(1);
        a.tender_id = r.tender_id;
        a.lot_id = rows->getInt64(2);
        a.bid_id = rows->getInt64(3);
        a.supplier_id = rows->getInt64(4);
        a.value_minor = rows->getInt64(5);
        a.currency = text(*rows, 6);
        a.awarded_rank = rows->getInt(7);
        a.skip_reason = text(*rows, 8);
        a.clarification = text(*rows, 9);
        a.skipped_bid_ids = parse_ids(text(*rows, 10));
        a.state = parse_award_status(text(*rows, 11)).value_or(AwardStatus::awarded);
        a.awarded_by = rows->getInt64(12);
        a.awarded_at_ms = rows->getInt64(13);
        a.standstill_ends_at_ms = rows->getInt64(14);
        if (!rows->isNull(15)) a.decided_by = rows->getInt64(15);
        if (!rows->isNull(16)) a.decided_at_ms = rows->getInt64(16);
        if (!rows->isNull(17)) a.decline_reason = text(*rows, 17);
        a.award_proposed_by = user_or_null(*rows, 18);
        a.decision_proposed_by = user_or_null(*rows, 19);
        r.awards.push_back(std::move(a));
    }
}

// The milestones of r's contracts (loaded already), each added to its contract, by number.
void load_milestones(sql::Connection& c, TenderRecords& r) {
    Rows milestones = query(c,
                            "SELECT m.id, m.contract_id, m.number, m.title, m.amount_minor, "
                            "m.currency, m.state, m.accepted_by, m.accepted_at_ms, m.proposed_by "
                            "FROM contract_milestones m JOIN contracts k ON k.id = "
                            "m.contract_id WHERE k.tender_id = ? ORDER BY m.contract_id, "
                            "m.number",
                            r.tender_id);
    while (milestones->next()) {
        Milestone m;
        m.id = milestones->getInt64(1);
        m.contract_id = milestones->getInt64(2);
        m.number = milestones->getInt(3);
        m.title = text(*milestones, 4);
        m.amount_minor = milestones->getInt64(5);
        m.currency = text(*milestones, 6);
        m.state =
            text(*milestones, 7) == "accepted" ? MilestoneState::accepted : MilestoneState::planned;
        if (!milestones->isNull(8)) m.accepted_by = milestones->getInt64(8);
        if (!milestones->isNull(9)) m.accepted_at_ms = milestones->getInt64(9);
        m.proposed_by = user_or_null(*milestones, 10);
        for (Contract& k : r.contracts) {
            if (k.id == m.contract_id) k.milestones.push_back(m);
        }
    }
}

// The contracts, by id, with their milestones.
void load_contracts(sql::Connection& c, TenderRecords& r) {
    Rows rows = query(c,
                      "SELECT id, award_id, lot_id, supplier_id, value_minor, currency, "
                      "signed_by, signed_at_ms, proposed_by FROM contracts WHERE tender_id = ? "
                      "ORDER BY id",
                      r.tender_id);
    while (rows->next()) {
        Contract k;
        k.id = rows->getInt64(1);
        k.award_id = rows->getInt64(2);
        k.tender_id = r.tender_id;
        k.lot_id = rows->getInt64(3);
        k.supplier_id = rows->getInt64(4);
        k.value_minor = rows->getInt64(5);
        k.currency = text(*rows, 6);
        k.signed_by = rows->getInt64(7);
        k.signed_at_ms = rows->getInt64(8);
        k.proposed_by = user_or_null(*rows, 9);
        r.contracts.push_back(std::move(k));
    }
    load_milestones(c, r);
}

// The lots closed as unsuccessful, by lot.
void load_closures(sql::Connection& c, TenderRecords& r) {
    Rows rows = query(c,
                      "SELECT lot_id, reason, skipped_bid_ids_json, closed_by, closed_at_ms "
                      "FROM lot_closures WHERE tender_id = ? ORDER BY lot_id",
                      r.tender_id);
    while (rows->next()) {
        r.closures.push_back(LotClosure{r.tender_id, rows->getInt64(1), text(*rows, 2),
                                        parse_ids(text(*rows, 3)), rows->getInt64(4),
                                        rows->getInt64(5)});
    }
}

// Everything about one tender, as of the transaction's view: one load_* per part, each filling
// its part of r in the order shown (and throwing sql::SQLException).
TenderRecords load_records(sql::Connection& c, std::int64_t tender_id) {
    TenderRecords r;
    r.tender_id = tender_id;
    load_opening(c, r);
    load_opened_bids(c, r);
    load_evaluation(c, r);
    load_declarations(c, r);
    load_scores(c, r);
    load_awards(c, r);
    load_contracts(c, r);
    load_closures(c, r);
    r.decisions = mysql_decisions::load(c, tender_id);
    return r;
}

std::int64_t last_insert_id(sql::Connection& c) {
    std::unique_ptr<sql::Statement> s(c.createStatement());
    Rows rows(s->executeQuery("SELECT LAST_INSERT_ID()"));
    rows->next();
    return rows->getInt64(1);
}

// A duplicate key means the row's unique rule was broken by a racing writer: the conflict
// named by code; any other error as it is.
core::Error on_duplicate(const core::Error& error, const char* code, const char* message) {
    if (error.code == db::error_code_duplicate) {
        return core::conflict(code, message);
    }
    return error;
}

class MySQLAwardTransaction final : public AwardTransaction {
public:
    MySQLAwardTransaction(db::Transaction& tx, std::int64_t tender_id)
        : tx_(tx), tender_id_(tender_id) {}

    core::Result<TenderRecords> load() override {
        return tx_.attempt("awards.load",
                           [&](sql::Connection& c) { return load_records(c, tender_id_); });
    }

    core::Status insert_declaration(const Declaration& d) override {
        auto done = tx_.attempt("awards.insert_declaration", [&](sql::Connection& c) {
            Statement s(c.prepareStatement(
                "INSERT INTO evaluation_declarations (tender_id, member_id, no_conflict, "
                "statement, supplier_ids_json, declared_at_ms) VALUES (?, ?, ?, ?, ?, ?)"));
            s->setInt64(1, d.tender_id);
            s->setInt64(2, d.member_id);
            s->setBoolean(3, d.no_conflict);
            s->setString(4, core::utf8_prefix(d.statement, 2000));
            s->setString(5, ids_json(d.supplier_ids));
            s->setInt64(6, d.declared_at_ms);
            s->executeUpdate();
        });
        if (!done) {
            return on_duplicate(done.error(), "already_declared",
                                "you have already made your declaration for this tender");
        }
        return {};
    }

    core::Status withdraw_member(const Declaration& d) override {
        PROCURA_TRY_ASSIGN(
            auto changed, tx_.attempt("awards.withdraw_member", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "UPDATE evaluation_declarations SET withdrawn_at_ms = ?, withdrawn_by = ?, "
                    "withdrawal_reason = ? WHERE tender_id = ? AND member_id = ? AND "
                    "withdrawn_at_ms IS NULL"));
                s->setInt64(1, d.withdrawn_at_ms.value_or(0));
                s->setInt64(2, d.withdrawn_by);
                s->setString(3, core::utf8_prefix(d.withdrawal_reason, 1000));
                s->setInt64(4, d.tender_id);
                s->setInt64(5, d.member_id);
                return s->executeUpdate();
            }));
        if (changed != 1) {
            // The tender row is locked: no declaration can appear or change meanwhile.
            return core::conflict("already_withdrawn",
                                  "the member is withdrawn from the panel already");
        }
        return {};
    }

    core::Status insert_scores(const std::vector<TechnicalScore>& scores) override {
        for (const TechnicalScore& t : scores) {
            auto done = tx_.attempt("awards.insert_score", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "INSERT INTO technical_scores (bid_id, member_id, criterion_id, tender_id, "
                    "lot_id, score_micro, submitted_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)"));
                s->setInt64(1, t.bid_id);
                s->setInt64(2, t.member_id);
                s->setInt64(3, t.criterion_id);
                s->setInt64(4, t.tender_id);
                s->setInt64(5, t.lot_id);
                s->setInt64(6, t.score_micro);
                s->setInt64(7, t.submitted_at_ms);
                s->executeUpdate();
            });
            if (!done) {
                return on_duplicate(done.error(), "score_locked",
                                    "your scores of this bid are submitted and locked");
            }
        }
        return {};
    }

    core::Status insert_evaluation(const Evaluation& e) override {
        auto head = tx_.attempt("awards.insert_evaluation", [&](sql::Connection& c) {
            Statement s(c.prepareStatement(
                "INSERT INTO tender_evaluations (tender_id, evaluated_by, evaluated_at_ms) "
                "VALUES (?, ?, ?)"));
            s->setInt64(1, e.tender_id);
            s->setInt64(2, e.evaluated_by);
            s->setInt64(3, e.evaluated_at_ms);
            s->executeUpdate();
        });
        if (!head) {
            return on_duplicate(head.error(), "already_evaluated",
                                "the tender's evaluation is already stored");
        }
        for (const LotEvaluation& lot : e.lots) {
            PROCURA_TRY(tx_.attempt("awards.insert_lot_evaluation", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "INSERT INTO lot_evaluations (tender_id, lot_id, result_json) "
                    "VALUES (?, ?, ?)"));
                s->setInt64(1, e.tender_id);
                s->setInt64(2, lot.lot_id);
                s->setString(3, lot.result_json);
                s->executeUpdate();
            }));
        }
        for (const RankedBid& b : e.bids) {
            PROCURA_TRY(tx_.attempt("awards.insert_bid_evaluation", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "INSERT INTO bid_evaluations (bid_id, tender_id, lot_id, supplier_id, "
                    "lot_rank, price_minor, currency, abnormally_low, total_score_micro, "
                    "breakdown_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
                s->setInt64(1, b.bid_id);
                s->setInt64(2, e.tender_id);
                s->setInt64(3, b.lot_id);
                s->setInt64(4, b.supplier_id);
                s->setInt(5, static_cast<std::int32_t>(b.rank));
                s->setInt64(6, b.price_minor);
                s->setString(7, b.currency);
                s->setBoolean(8, b.abnormally_low);
                s->setInt64(9, b.total_score_micro);
                s->setString(10, b.breakdown_json);
                s->executeUpdate();
            }));
        }
        return {};
    }

    core::Result<std::int64_t> insert_award(const Award& a) override {
        auto id = tx_.attempt("awards.insert_award", [&](sql::Connection& c) {
            Statement s(c.prepareStatement(
                "INSERT INTO awards (tender_id, lot_id, bid_id, supplier_id, value_minor, "
                "currency, awarded_rank, skip_reason, clarification, skipped_bid_ids_json, "
                "state, awarded_by, awarded_at_ms, standstill_ends_at_ms, award_proposed_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
            s->setInt64(1, a.tender_id);
            s->setInt64(2, a.lot_id);
            s->setInt64(3, a.bid_id);
            s->setInt64(4, a.supplier_id);
            s->setInt64(5, a.value_minor);
            s->setString(6, a.currency);
            s->setInt(7, static_cast<std::int32_t>(a.awarded_rank));
            s->setString(8, core::utf8_prefix(a.skip_reason, 1000));
            s->setString(9, core::utf8_prefix(a.clarification, 2000));
            s->setString(10, ids_json(a.skipped_bid_ids));
            s->setString(11, std::string(to_string(a.state)));
            s->setInt64(12, a.awarded_by);
            s->setInt64(13, a.awarded_at_ms);
            s->setInt64(14, a.standstill_ends_at_ms);
            set_user_or_null(*s, 15, a.award_proposed_by);
            s->executeUpdate();
            return last_insert_id(c);
        });
        if (!id) {
            return on_duplicate(id.error(), "lot_already_awarded",
                                "the lot already has a current award");
        }
        return *id;
    }

    core::Status update_award(const Award& a) override {
        auto changed = tx_.attempt("awards.update_award", [&](sql::Connection& c) {
            Statement s(c.prepareStatement(
                "UPDATE awards SET state = ?, decided_by = ?, decided_at_ms = ?, "
                "decline_reason = ?, decision_proposed_by = ? WHERE id = ? AND tender_id = ?"));
            s->setString(1, std::string(to_string(a.state)));
            if (a.decided_by) {
                s->setInt64(2, *a.decided_by);
            } else {
                s->setNull(2, sql::DataType::BIGINT);
            }
            if (a.decided_at_ms) {
                s->setInt64(3, *a.decided_at_ms);
            } else {
                s->setNull(3, sql::DataType::BIGINT);
            }
            if (a.decline_reason) {
                s->setString(4, core::utf8_prefix(*a.decline_reason, 1000));
            } else {
                s->setNull(4, sql::DataType::VARCHAR);
            }
            set_user_or_null(*s, 5, a.decision_proposed_by);
            s->setInt64(6, a.id);
            s->setInt64(7, tender_id_);
            return s->executeUpdate();
        });
        if (!changed) {
            return on_duplicate(changed.error(), "lot_already_awarded",
                                "the lot already has a current award");
        }
        if (*changed != 1) {
            return core::not_found("award_not_found", "no such award");
        }
        return {};
    }

    core::Result<std::int64_t> insert_contract(const Contract& k) override {
        auto id = tx_.attempt("awards.insert_contract", [&](sql::Connection& c) {
            Statement s(c.prepareStatement(
                "INSERT INTO contracts (award_id, tender_id, lot_id, supplier_id, value_minor, "
                "currency, signed_by, signed_at_ms, proposed_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
            s->setInt64(1, k.award_id);
            s->setInt64(2, k.tender_id);
            s->setInt64(3, k.lot_id);
            s->setInt64(4, k.supplier_id);
            s->setInt64(5, k.value_minor);
            s->setString(6, k.currency);
            s->setInt64(7, k.signed_by);
            s->setInt64(8, k.signed_at_ms);
            set_user_or_null(*s, 9, k.proposed_by);
            s->executeUpdate();
            const std::int64_t contract_id = last_insert_id(c);
            Statement m(c.prepareStatement(
                "INSERT INTO contract_milestones (contract_id, number, title, amount_minor, "
                "currency, state) VALUES (?, ?, ?, ?, ?, 'planned')"));
            for (const Milestone& milestone : k.milestones) {
                m->setInt64(1, contract_id);
                m->setInt(2, static_cast<std::int32_t>(milestone.number));
                m->setString(3, milestone.title);
                m->setInt64(4, milestone.amount_minor);
                m->setString(5, k.currency);
                m->executeUpdate();
            }
            return contract_id;
        });
        if (!id) {
            return on_duplicate(id.error(), "award_signed", "the award already has its contract");
        }
        return *id;
    }

    core::Status accept_milestone(std::int64_t contract_id, std::int64_t number,
                                  core::UserId proposed_by, core::UserId by,
                                  std::int64_t at_ms) override {
        PROCURA_TRY_ASSIGN(
            auto changed, tx_.attempt("awards.accept_milestone", [&](sql::Connection& c) {
                // Only a contract of the locked tender: another tender's rows are not this
                // transaction's to change.
                Statement s(c.prepareStatement(
                    "UPDATE contract_milestones SET state = 'accepted', accepted_by = ?, "
                    "accepted_at_ms = ?, proposed_by = ? WHERE contract_id = ? AND number = ? "
                    "AND state = 'planned' AND contract_id IN (SELECT id FROM contracts WHERE "
                    "tender_id = ?)"));
                s->setInt64(1, by);
                s->setInt64(2, at_ms);
                s->setInt64(3, proposed_by);
                s->setInt64(4, contract_id);
                s->setInt64(5, number);
                s->setInt64(6, tender_id_);
                return s->executeUpdate();
            }));
        if (changed != 1) {
            return core::conflict("milestone_accepted", "the milestone is not planned");
        }
        return {};
    }

    core::Status insert_closure(const LotClosure& closure) override {
        auto done = tx_.attempt("awards.insert_closure", [&](sql::Connection& c) {
            Statement s(c.prepareStatement(
                "INSERT INTO lot_closures (tender_id, lot_id, reason, skipped_bid_ids_json, "
                "closed_by, closed_at_ms) VALUES (?, ?, ?, ?, ?, ?)"));
            s->setInt64(1, closure.tender_id);
            s->setInt64(2, closure.lot_id);
            s->setString(3, core::utf8_prefix(closure.reason, 1000));
            s->setString(4, ids_json(closure.skipped_bid_ids));
            s->setInt64(5, closure.closed_by);
            s->setInt64(6, closure.closed_at_ms);
            s->executeUpdate();
        });
        if (!done) {
            return on_duplicate(done.error(), "lot_closed",
                                "the lot is already closed as unsuccessful");
        }
        return {};
    }

    core::Result<std::int64_t> insert_decision(const Decision& d) override {
        auto id = tx_.attempt("awards.insert_decision",
                              [&](sql::Connection& c) { return mysql_decisions::insert(c, d); });
        if (!id) {
            return on_duplicate(id.error(), "decision_pending",
                                "the subject has a proposed decision already");
        }
        return *id;
    }

    core::Status update_decision(const Decision& d) override {
        PROCURA_TRY_ASSIGN(auto changed,
                           tx_.attempt("awards.update_decision", [&](sql::Connection& c) {
                               return mysql_decisions::update(c, tender_id_, d);
                           }));
        if (changed != 1) {
            return core::conflict("decision_decided", "the decision is no longer proposed");
        }
        return {};
    }

    core::Status append_audit(const std::vector<core::AuditEvent>& events) override {
        PROCURA_TRY_ASSIGN(auto appended, db::append_audit_events(tx_, events));
        return {};
    }

private:
    db::Transaction& tx_;
    std::int64_t tender_id_;
};

core::Result<std::optional<std::int64_t>> tender_of(db::ConnectionPool& pool, const char* operation,
                                                    const char* sql_text, std::int64_t id) {
    using Found = std::optional<std::int64_t>;
    return db::with_connection(pool, operation, [&](sql::Connection& c) -> core::Result<Found> {
        Rows rows = query(c, sql_text, id);
        if (!rows->next()) return Found{};
        return Found{rows->getInt64(1)};
    });
}

}  // namespace

core::Status MySQLAwardStore::in_transaction(
    std::int64_t tender_id, const std::function<core::Status(AwardTransaction&)>& fn) {
    return db::run_transaction(pool_, "awards.change", [&](db::Transaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto locked, tx.attempt("awards.lock_tender", [&](sql::Connection& c) {
            Rows rows = query(c, "SELECT id FROM tenders WHERE id = ? FOR UPDATE", tender_id);
            return rows->next();
        }));
        if (!locked) {
            return core::not_found("tender_not_found", "no tender " + std::to_string(tender_id));
        }
        MySQLAwardTransaction award_tx(tx, tender_id);
        return fn(award_tx);
    });
}

core::Result<TenderRecords> MySQLAwardStore::read(std::int64_t tender_id) {
    TenderRecords records;
    db::TransactionOptions options;
    options.mode = db::TransactionMode::read_only_snapshot;
    PROCURA_TRY(db::run_transaction(
        pool_, "awards.read",
        [&](db::Transaction& tx) -> core::Status {
            PROCURA_TRY_ASSIGN(auto loaded, tx.attempt("awards.read", [&](sql::Connection& c) {
                return load_records(c, tender_id);
            }));
            records = std::move(loaded);
            return {};
        },
        options));
    return records;
}

core::Result<std::optional<std::int64_t>> MySQLAwardStore::tender_of_award(std::int64_t award_id) {
    return tender_of(pool_, "awards.tender_of_award", "SELECT tender_id FROM awards WHERE id = ?",
                     award_id);
}

core::Result<std::optional<std::int64_t>> MySQLAwardStore::tender_of_decision(
    std::int64_t decision_id) {
    return tender_of(pool_, "awards.tender_of_decision",
                     "SELECT tender_id FROM award_decisions WHERE id = ?", decision_id);
}

core::Result<std::optional<std::int64_t>> MySQLAwardStore::tender_of_contract(
    std::int64_t contract_id) {
    return tender_of(pool_, "awards.tender_of_contract",
                     "SELECT tender_id FROM contracts WHERE id = ?", contract_id);
}

}  // namespace procura::settlement::awards
