// Audit events: one record per state change (publication, amendment, cancellation, user
// changes...), appended by each module's store in the same database transaction as the change.
// Rows form a hash chain: hash = SHA-256(previous hash || canonical bytes), with 32 zero bytes
// before the first event. The RFC 6962 Merkle log of the ledger module builds on these rows.
// This header defines the one canonical encoding that every store must use.
#pragma once

#include <cstdint>
#include <string>

#include "core/hash.hpp"
#include "core/identity.hpp"

namespace procura::core {

struct AuditEvent {
    std::int64_t at_ms = 0;
    UserId actor_user_id = 0;  // 0 means the system itself (migrations, seeding)
    std::string action;        // dotted verb, e.g. "tender.published"
    std::string entity_type;   // e.g. "tender", "user"
    std::int64_t entity_id = 0;
    std::int64_t entity_version = 0;
    std::string payload_json;  // compact JSON with the change's details; "{}" if none
};

struct StoredAuditEvent {
    std::int64_t seq = 0;  // 1, 2, 3... without gaps, in commit order
    AuditEvent event;
    Sha256 prev_hash{};
    Sha256 hash{};
};

// The canonical byte encoding of an event at position seq, documented in docs/audit-log.md:
// "procura-audit-v1\n" then, one per line, seq, at_ms, actor_user_id, action, entity_type,
// entity_id, entity_version, payload_json; strings are written as <byte length>:<bytes>.
std::string canonical_bytes(std::int64_t seq, const AuditEvent& event);

// SHA-256(prev_hash || canonical_bytes(seq, event)).
Sha256 chain_hash(const Sha256& prev_hash, std::int64_t seq, const AuditEvent& event);

}  // namespace procura::core
