// JSON mapping of the public audit log for the HTTP API: signed tree heads, entries and proofs
// (docs/audit-log.md), and the hex hashes of a query.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/audit.hpp"
#include "ledger/log.hpp"
#include "web/json_fields.hpp"

namespace procura::web {

// A signed tree head with the exact text its signature covers.
Json head_to_json(const ledger::SignedTreeHead& head);
// An audit event as a log entry, with its leaf index and leaf hash.
Json entry_to_json(const core::StoredAuditEvent& event);
// Hashes as lower-case hex strings.
Json hashes_to_json(const std::vector<ledger::Hash>& hashes);
// 64 hexadecimal digits (either case) as a hash; nullopt otherwise.
std::optional<ledger::Hash> parse_hash_hex(std::string_view text);

}  // namespace procura::web
