// The queries of MySQLBatchStore::load_candidates, one function each, which it runs in this
// order inside one read-only snapshot: the accepted milestones no batch holds yet (with the
// bank details of supplier and buyer), the awards, the lot releases (closed lots and cancelled
// tenders), and the unreleased deposits with and without a stored bid. Each appends its rows
// to input and lets sql::SQLException through to the transaction that runs it.
// Adapter-private: included only by mysql_store.cpp.
#pragma once

#include <cstdint>

#include "core/result.hpp"
#include "settlement/batches/model.hpp"

namespace sql {
class Connection;
}

namespace procura::settlement::batches {

// The milestones accepted at or before cutoff_ms that no settlement item holds, by id.
void read_milestone_candidates(sql::Connection& c, std::int64_t cutoff_ms, PrepareInput& input);

// Every award with its state, by id. Errors: internal for a stored state it cannot read.
core::Status read_award_facts(sql::Connection& c, PrepareInput& input);

// The lots closed as unsuccessful, and the cancelled tenders as lot 0 (every lot).
void read_lot_releases(sql::Connection& c, PrepareInput& input);

// The unreleased deposits of stored bids that no settlement item holds, whose bid is out of
// the competition or whose lot is awarded, closed or cancelled; by bid id.
void read_bid_deposits(sql::Connection& c, PrepareInput& input);

// The unreleased deposits whose bid was never stored, once their tender is opened or
// cancelled; by transfer id.
void read_unstored_deposits(sql::Connection& c, PrepareInput& input);

}  // namespace procura::settlement::batches
