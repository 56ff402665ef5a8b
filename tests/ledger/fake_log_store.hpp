// FakeLogStore: an in-memory LogStore honouring the port's contract (ledger/log.hpp) as
// MySQLLogStore does, so that the sequencer, the queries and the self-check run without a
// database; the same contract cases run against both (tests/ledger/store_contract.hpp). It
// holds the audit events too: append_event stands for the modules' audit appends, chaining each
// event as db/audit_sql does. Every call is atomic under one mutex, and a refused integrate
// stores nothing. Test hooks change a stored event or node behind the log's back, as an
// attacker with database access could. Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <vector>

#include "ledger/log.hpp"

namespace procura::ledger {

class FakeLogStore final : public LogStore {
public:
    core::Result<std::vector<Hash>> read(const std::vector<NodeId>& ids) override;
    core::Result<std::optional<SignedTreeHead>> latest_head() override;
    core::Result<std::vector<core::StoredAuditEvent>> events(std::uint64_t start,
                                                             std::size_t limit) override;
    core::Status integrate(const std::vector<std::pair<NodeId, Hash>>& nodes,
                           const SignedTreeHead& head, std::uint64_t previous_size) override;
    core::Result<std::optional<std::uint64_t>> leaf_index(const Hash& leaf) override;

    // Test set-up: appends event to the audit chain (seq one more than the last, hash chained
    // with core::chain_hash) and returns it as stored.
    core::StoredAuditEvent append_event(const core::AuditEvent& event);
    // Test hook: rewrites the stored event with this seq (its hashes kept), as a row edited in
    // the database would be. Precondition: the event exists.
    void replace_event(std::int64_t seq, const core::AuditEvent& event);
    // Test hook: rewrites a stored node's hash. Precondition: the node exists.
    void replace_node(const NodeId& id, const Hash& hash);
    // Test inspection: every head stored, ascending tree size; the number of nodes stored.
    std::vector<SignedTreeHead> heads();
    std::size_t node_count();

private:
    std::mutex mutex_;
    std::vector<core::StoredAuditEvent> events_;     // ascending seq, from 1
    std::map<NodeId, Hash> nodes_;                   // ascending (level, index)
    std::map<std::uint64_t, SignedTreeHead> heads_;  // by tree size
};

}  // namespace procura::ledger
