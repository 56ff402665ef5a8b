// The audit event chain in SQL: appending an event inside an open transaction and reading
// events back. Every store that changes state appends through append_audit_event, so the chain
// rule (core/audit.hpp) is implemented once: the single row of audit_head is locked FOR UPDATE,
// the event gets seq = head.seq + 1 and hash = chain_hash(head.hash, seq, event), and the head
// moves on. The lock serialises all appenders, which is what makes seq gapless and in commit
// order; a rolled-back transaction leaves neither event nor gap. Never write audit rows any
// other way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/audit.hpp"
#include "core/result.hpp"
#include "db/pool.hpp"
#include "db/transaction.hpp"

namespace procura::db {

// Appends event to the chain inside tx and returns it as stored (seq, prev_hash, hash).
// Holds the audit_head row lock until tx ends, so call it late in a transaction. Errors: those
// of the database; an internal error if audit_head is missing or corrupt. Any error also marks
// tx failed, so the transaction rolls back.
core::Result<core::StoredAuditEvent> append_audit_event(Transaction& tx,
                                                        const core::AuditEvent& event);

// Appends events, in order, to the chain inside tx: exactly the chain that as many
// append_audit_event calls would make, but with the audit_head row locked once, the hashes
// computed in memory and the rows written by one INSERT ... SELECT FROM JSON_TABLE per chunk (for
// at most audit_events_per_json_max events; a chunk stops once its JSON passes
// audit_json_bytes_max) or else by multi-row INSERTs of at most audit_events_per_insert_max
// rows, then the head moved once. Returns the events as stored.
// An empty vector changes nothing and takes no lock. Errors and locking as append_audit_event.
core::Result<std::vector<core::StoredAuditEvent>> append_audit_events(
    Transaction& tx, const std::vector<core::AuditEvent>& events);

inline constexpr std::size_t audit_events_per_insert_max = 500;
// Appends of at most this many events go as JSON (one statement per chunk, whatever its size);
// larger ones as multi-row INSERTs of bound parameters, which cost MariaDB less per row.
inline constexpr std::size_t audit_events_per_json_max = 64;
// A JSON chunk of events stops growing once its rows pass this many bytes.
inline constexpr std::size_t audit_json_bytes_max = 4 * 1024 * 1024;

// The chain's head as locked by lock_audit_head: the next event appended in the same
// transaction gets seq + 1.
struct AuditHead {
    std::int64_t seq = 0;
    core::Sha256 hash{};
};

// Locks the audit_head row FOR UPDATE until tx ends and returns it, for a caller that must
// know its events' seqs before it can write the rows that name them (and then appends with the
// overload below, with nothing appended in between). For use inside Transaction::attempt:
// throws sql::SQLException as any statement there does; an internal error if audit_head is
// missing or corrupt.
core::Result<AuditHead> lock_audit_head(Transaction& tx);

// append_audit_events continuing from head, which lock_audit_head returned in this transaction
// with nothing appended since: the same chain, without locking the head again.
core::Result<std::vector<core::StoredAuditEvent>> append_audit_events(
    Transaction& tx, const AuditHead& head, const std::vector<core::AuditEvent>& events);

// The committed events about one entity, ascending seq. Thread-safe.
core::Result<std::vector<core::StoredAuditEvent>> read_audit_trail(ConnectionPool& pool,
                                                                   std::string_view entity_type,
                                                                   std::int64_t entity_id);

// Up to limit committed events with seq > after_seq, ascending seq: the whole chain, page by
// page, for verification and for the Merkle log. Thread-safe.
core::Result<std::vector<core::StoredAuditEvent>> read_audit_events(ConnectionPool& pool,
                                                                    std::int64_t after_seq,
                                                                    std::size_t limit);

}  // namespace procura::db
