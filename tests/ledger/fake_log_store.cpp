#include "tests/ledger/fake_log_store.hpp"

#include <string>

namespace procura::ledger {

core::Result<std::vector<Hash>> FakeLogStore::read(const std::vector<NodeId>& ids) {
    std::lock_guard lock(mutex_);
    std::vector<Hash> out;
    out.reserve(ids.size());
    for (const NodeId& id : ids) {
        const auto found = nodes_.find(id);
        if (found == nodes_.end()) {
            return core::not_found("node_missing", "the log has no node at level " +
                                                       std::to_string(id.level) + ", index " +
                                                       std::to_string(id.index));
        }
        out.push_back(found->second);
    }
    return out;
}

core::Result<std::optional<SignedTreeHead>> FakeLogStore::latest_head() {
    std::lock_guard lock(mutex_);
    if (heads_.empty()) return std::optional<SignedTreeHead>{};
    return std::optional<SignedTreeHead>{heads_.rbegin()->second};
}

core::Result<std::vector<core::StoredAuditEvent>> FakeLogStore::events(std::uint64_t start,
                                                                       std::size_t limit) {
    std::lock_guard lock(mutex_);
    std::vector<core::StoredAuditEvent> out;
    for (std::uint64_t i = start; i < events_.size() && out.size() < limit; ++i) {
        out.push_back(events_[static_cast<std::size_t>(i)]);
    }
    return out;
}

core::Status FakeLogStore::integrate(const std::vector<std::pair<NodeId, Hash>>& nodes,
                                     const SignedTreeHead& head, std::uint64_t previous_size) {
    std::lock_guard lock(mutex_);
    const std::uint64_t latest = heads_.empty() ? 0 : heads_.rbegin()->first;
    if (latest != previous_size) {
        return core::conflict("log_head_moved", "the log's latest head moved from " +
                                                    std::to_string(previous_size) + " to " +
                                                    std::to_string(latest));
    }
    // Checked before anything is written, as the MariaDB transaction rolls back on the first
    // duplicate key: all or nothing. The code is db::error_code_duplicate's.
    std::map<NodeId, Hash> added;
    for (const auto& [id, hash] : nodes) {
        if (nodes_.count(id) > 0 || !added.emplace(id, hash).second) {
            return core::conflict("duplicate", "a record with the same key already exists");
        }
    }
    if (heads_.count(head.tree_size) > 0) {
        return core::conflict("duplicate", "a record with the same key already exists");
    }
    nodes_.merge(added);
    heads_[head.tree_size] = head;
    return {};
}

core::Result<std::optional<std::uint64_t>> FakeLogStore::leaf_index(const Hash& leaf) {
    std::lock_guard lock(mutex_);
    // Level 0 comes first in the map, by ascending index: the first match is the lowest.
    for (auto it = nodes_.begin(); it != nodes_.end() && it->first.level == 0; ++it) {
        if (it->second == leaf) return std::optional<std::uint64_t>{it->first.index};
    }
    return std::optional<std::uint64_t>{};
}

core::StoredAuditEvent FakeLogStore::append_event(const core::AuditEvent& event) {
    std::lock_guard lock(mutex_);
    core::StoredAuditEvent stored;
    stored.seq = static_cast<std::int64_t>(events_.size()) + 1;
    stored.event = event;
    if (!events_.empty()) stored.prev_hash = events_.back().hash;
    stored.hash = core::chain_hash(stored.prev_hash, stored.seq, event);
    events_.push_back(stored);
    return stored;
}

std::vector<SignedTreeHead> FakeLogStore::heads() {
    std::lock_guard lock(mutex_);
    std::vector<SignedTreeHead> out;
    for (const auto& [size, head] : heads_) out.push_back(head);
    return out;
}

std::size_t FakeLogStore::node_count() {
    std::lock_guard lock(mutex_);
    return nodes_.size();
}

}  // namespace procura::ledger
