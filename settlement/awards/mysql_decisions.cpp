#include "settlement/awards/mysql_decisions.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace procura::settlement::awards::mysql_decisions {
namespace {

using Json = nlohmann::json;
using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

// A decision's input as stored in input_json (see the migration).
std::string input_json(const Decision& d) {
    Json input = Json::object();
    switch (d.kind) {
        case DecisionKind::award:
            input = Json{{"bid_id", d.award.bid_id},
                         {"reason", d.award.reason},
                         {"clarification", d.award.clarification}};
            break;
        case DecisionKind::decline:
            input = Json{{"reason", d.reason}};
            break;
        case DecisionKind::contract: {
            Json items = Json::array();
            for (const MilestoneInput& m : d.milestones) {
                items.push_back(Json{{"title", m.title}, {"amount_minor", m.amount_minor}});
            }
            input = Json{{"milestones", std::move(items)}};
            break;
        }
        case DecisionKind::milestone:
            break;
    }
    // Replace, not throw, on invalid UTF-8: the input was parsed from JSON, so it is valid.
    return input.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string string_of(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t integer_of(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

// Fills d's input from input_json, as input_json() wrote it.
void read_input(Decision& d, const std::string& text) {
    const Json input = Json::parse(text, nullptr, false);
    if (!input.is_object()) return;
    d.award.bid_id = integer_of(input, "bid_id");
    d.award.reason = string_of(input, "reason");
    d.award.clarification = string_of(input, "clarification");
    if (d.kind == DecisionKind::decline) {
        d.reason = d.award.reason;
        d.award = AwardRequest{};
    }
    const auto items = input.find("milestones");
    if (items != input.end() && items->is_array()) {
        for (const Json& m : *items) {
            if (m.is_object()) {
                d.milestones.push_back({string_of(m, "title"), integer_of(m, "amount_minor")});
            }
        }
    }
}

}  // namespace

std::vector<Decision> load(sql::Connection& c, std::int64_t tender_id) {
    Statement s(c.prepareStatement(
        "SELECT id, kind, subject_id, milestone_number, input_json, state, proposed_by, "
        "proposed_at_ms, decided_by, decided_at_ms, result_id FROM award_decisions "
        "WHERE tender_id = ? ORDER BY id"));
    s->setInt64(1, tender_id);
    Rows rows(s->executeQuery());
    std::vector<Decision> out;
    while (rows->next()) {
        Decision d;
        d.id = rows->getInt64(1);
        d.tender_id = tender_id;
        d.kind =
            parse_decision_kind(rows->getString(2).asStdString()).value_or(DecisionKind::award);
        d.subject_id = rows->getInt64(3);
        d.milestone_number = rows->getInt64(4);
        read_input(d, rows->getString(5).asStdString());
        d.state = parse_decision_state(rows->getString(6).asStdString())
                      .value_or(DecisionState::proposed);
        d.proposed_by = rows->getInt64(7);
        d.proposed_at_ms = rows->getInt64(8);
        if (!rows->isNull(9)) d.decided_by = rows->getInt64(9);
        if (!rows->isNull(10)) d.decided_at_ms = rows->getInt64(10);
        d.result_id = rows->getInt64(11);
        out.push_back(std::move(d));
    }
    return out;
}

std::int64_t insert(sql::Connection& c, const Decision& d) {
    Statement s(c.prepareStatement(
        "INSERT INTO award_decisions (tender_id, kind, subject_id, milestone_number, input_json, "
        "state, proposed_by, proposed_at_ms) VALUES (?, ?, ?, ?, ?, 'proposed', ?, ?)"));
    s->setInt64(1, d.tender_id);
    s->setString(2, std::string(to_string(d.kind)));
    s->setInt64(3, d.subject_id);
    s->setInt64(4, d.milestone_number);
    s->setString(5, input_json(d));
    s->setInt64(6, d.proposed_by);
    s->setInt64(7, d.proposed_at_ms);
    s->executeUpdate();
    std::unique_ptr<sql::Statement> last(c.createStatement());
    Rows rows(last->executeQuery("SELECT LAST_INSERT_ID()"));
    rows->next();
    return rows->getInt64(1);
}

int update(sql::Connection& c, std::int64_t tender_id, const Decision& d) {
    Statement s(c.prepareStatement(
        "UPDATE award_decisions SET state = ?, decided_by = ?, decided_at_ms = ?, result_id = ? "
        "WHERE id = ? AND tender_id = ? AND state = 'proposed'"));
    s->setString(1, std::string(to_string(d.state)));
    s->setInt64(2, d.decided_by.value_or(0));
    s->setInt64(3, d.decided_at_ms.value_or(0));
    s->setInt64(4, d.result_id);
    s->setInt64(5, d.id);
    s->setInt64(6, tender_id);
    return s->executeUpdate();
}

}  // namespace procura::settlement::awards::mysql_decisions
