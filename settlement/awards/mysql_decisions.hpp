// The award_decisions statements of MySQLAwardStore (db/migrations/0016_award_decisions.sql),
// apart from mysql_store.cpp for its size: each runs on the caller's connection, inside its
// transaction, and throws sql::SQLException as Connector/C++ does; MySQLAwardStore turns that
// into an error. Included by mysql_store.cpp only.
#pragma once

#include <cppconn/connection.h>

#include <cstdint>
#include <vector>

#include "settlement/awards/model.hpp"

namespace procura::settlement::awards::mysql_decisions {

// The tender's decisions, ascending id.
std::vector<Decision> load(sql::Connection& c, std::int64_t tender_id);

// Inserts d as a proposal (ignoring d.id) and returns its id. A second proposal on one subject
// breaks the award_decisions_open key (a duplicate-key exception).
std::int64_t insert(sql::Connection& c, const Decision& d);

// Writes state, decided_by, decided_at_ms and result_id of d.id, a proposed decision of
// tender_id; returns the rows changed (0 when it is not proposed any more).
int update(sql::Connection& c, std::int64_t tender_id, const Decision& d);

}  // namespace procura::settlement::awards::mysql_decisions
