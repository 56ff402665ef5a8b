// FakeLogStore: an in-memory LogStore (ledger/log.hpp) honouring the port's contract as
// MySQLLogStore does, for tests of the sequencer and the queries without a server. A test adds
// audit events with append_event, numbered and hash-chained as the audit table's rows are;
// integrate stores the nodes and the head all or nothing, refusing a moved head (conflict
// "log_head_moved") and a node or head size stored already (conflict "duplicate", as the tables'
// primary keys refuse it). One mutex serialises everything. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "ledger/log.hpp"

namespace procura::ledger {

class FakeLogStore final : public LogStore {
public:
    // not_found "node_missing" naming the first id that is not stored.
    core::Result<std::vector<Hash>> read(const std::vector<NodeId>& ids) override;
    core::Result<std::optional<SignedTreeHead>> latest_head() override;
    core::Result<std::vector<core::StoredAuditEvent>> events(std::uint64_t start,
                                                             std::size_t limit) override;
    core::Status integrate(const std::vector<std::pair<NodeId, Hash>>& nodes,
                           const SignedTreeHead& head, std::uint64_t previous_size) override;
    core::Result<std::optional<std::uint64_t>> leaf_index(const Hash& leaf) override;

    // Appends an audit event as a module's store would (seq one more than the last, chained
    // onto the previous event's hash); returns it as stored.
    core::StoredAuditEvent append_event(const core::AuditEvent& event);
    // Test inspection: every stored head, ascending size; how many nodes are stored.
    std::vector<SignedTreeHead> heads();
    std::size_t node_count();

private:
    std::mutex mutex_;
    std::vector<core::StoredAuditEvent> events_;     // events_[i] has seq i + 1
    std::map<NodeId, Hash> nodes_;                   // ordered by level, then index
    std::map<std::uint64_t, SignedTreeHead> heads_;  // by tree size
};

}  // namespace procura::ledger
