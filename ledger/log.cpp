#include "ledger/log.hpp"

#include <algorithm>

namespace procura::ledger {
namespace {

core::Error log_empty() { return core::not_found("log_empty", "no tree head has been signed yet"); }

}  // namespace

std::string signed_text(const SignedTreeHead& head) {
    return "procura-log-sth-v1\n" + std::to_string(head.tree_size) + "\n" +
           std::to_string(head.timestamp_ms) + "\n" + core::to_hex(head.root_hash) + "\n";
}

Hash event_leaf_hash(const core::StoredAuditEvent& event) {
    return leaf_hash(core::canonical_bytes(event.seq, event.event));
}

core::Result<std::unique_ptr<LogSequencer>> LogSequencer::open(LogStore& store, HeadSigner signer,
                                                               const core::Clock& clock) {
    std::unique_ptr<LogSequencer> sequencer(new LogSequencer(store, std::move(signer), clock));
    PROCURA_TRY(sequencer->reload());
    return sequencer;
}

core::Status LogSequencer::reload() {
    PROCURA_TRY_ASSIGN(auto head, store_.latest_head());
    const std::uint64_t size = head ? head->tree_size : 0;
    PROCURA_TRY_ASSIGN(auto range, CompactRange::load(store_, size));
    if (head && range.root() != head->root_hash) {
        return core::internal(
            "log_inconsistent",
            "the stored tree nodes do not give the root of the latest signed head "
            "(size " +
                std::to_string(size) + "); refusing to sign on top of them");
    }
    range_ = std::move(range);
    head_ = std::move(head);
    return {};
}

core::Result<std::optional<SignedTreeHead>> LogSequencer::step(std::size_t batch_max) {
    PROCURA_TRY_ASSIGN(auto events, store_.events(range_.size(), batch_max));
    if (events.empty()) return std::optional<SignedTreeHead>{};

    const std::uint64_t previous_size = range_.size();
    const CompactRange before = range_;
    std::vector<std::pair<NodeId, Hash>> nodes;
    nodes.reserve(events.size() * 2);
    for (const core::StoredAuditEvent& event : events) {
        if (static_cast<std::uint64_t>(event.seq) != range_.size() + 1) {
            range_ = before;
            return core::internal("log_gap", "audit event seq " + std::to_string(event.seq) +
                                                 " follows leaf " + std::to_string(range_.size()));
        }
        for (auto& node : range_.append(event_leaf_hash(event))) nodes.push_back(node);
    }
    SignedTreeHead head;
    head.tree_size = range_.size();
    head.root_hash = range_.root();
    // Head times never go backwards, even if the clock does.
    head.timestamp_ms = std::max(clock_.now_ms(), head_ ? head_->timestamp_ms : 0);
    auto signature = signer_(signed_text(head));
    if (!signature) {
        range_ = before;
        return signature.error();
    }
    head.signature = std::move(*signature);
    if (auto stored = store_.integrate(nodes, head, previous_size); !stored) {
        // Another writer may have moved the log on; start again from what is stored.
        if (auto reloaded = reload(); !reloaded) return reloaded.error();
        return stored.error();
    }
    head_ = head;
    return std::optional<SignedTreeHead>{std::move(head)};
}

core::Result<SelfCheckReport> self_check(LogStore& store, std::size_t page) {
    PROCURA_TRY_ASSIGN(auto head, store.latest_head());
    SelfCheckReport report;
    if (!head) return report;
    const std::uint64_t size = head->tree_size;
    CompactRange recomputed;
    while (recomputed.size() < size) {
        const auto want =
            static_cast<std::size_t>(std::min<std::uint64_t>(page, size - recomputed.size()));
        PROCURA_TRY_ASSIGN(auto events, store.events(recomputed.size(), want));
        if (events.empty()) {
            report.problems.push_back("the head covers " + std::to_string(size) +
                                      " leaves but only " + std::to_string(recomputed.size()) +
                                      " events exist");
            return report;
        }
        std::vector<NodeId> ids;
        ids.reserve(events.size());
        for (std::size_t i = 0; i < events.size(); ++i) ids.push_back({0, recomputed.size() + i});
        PROCURA_TRY_ASSIGN(auto stored, store.read(ids));
        for (std::size_t i = 0; i < events.size(); ++i) {
            const core::StoredAuditEvent& event = events[i];
            const std::uint64_t index = recomputed.size();
            const Hash leaf = event_leaf_hash(event);
            if (static_cast<std::uint64_t>(event.seq) != index + 1) {
                report.problems.push_back("leaf " + std::to_string(index) + ": expected seq " +
                                          std::to_string(index + 1) + ", found seq " +
                                          std::to_string(event.seq));
            } else if (leaf != stored[i]) {
                report.problems.push_back("leaf " + std::to_string(index) + " (audit event seq " +
                                          std::to_string(event.seq) +
                                          ") does not match its event row: the row was changed "
                                          "after it was logged");
            }
            recomputed.append(leaf);
            ++report.leaves_checked;
        }
    }
    if (recomputed.root() != head->root_hash) {
        report.problems.push_back(
            "the event rows do not give the root of the signed head of size " +
            std::to_string(size));
    }
    return report;
}

core::Result<SignedTreeHead> LogQueries::latest() {
    PROCURA_TRY_ASSIGN(auto head, store_.latest_head());
    if (!head) return log_empty();
    return std::move(*head);
}

core::Status LogQueries::check_size(std::uint64_t tree_size, const char* field) {
    PROCURA_TRY_ASSIGN(auto head, latest());
    if (tree_size > head.tree_size) {
        return core::bad_request(
            "beyond_latest_head",
            "the latest signed head covers " + std::to_string(head.tree_size) + " leaves", field);
    }
    return {};
}

core::Result<std::vector<core::StoredAuditEvent>> LogQueries::entries(std::uint64_t start,
                                                                      std::uint64_t end) {
    if (end <= start || end - start > entries_max) {
        return core::bad_request(
            "bad_range", "end must be above start, by at most " + std::to_string(entries_max),
            "end");
    }
    PROCURA_TRY(check_size(end, "end"));
    return store_.events(start, static_cast<std::size_t>(end - start));
}

core::Result<InclusionProof> LogQueries::inclusion(std::uint64_t leaf_index,
                                                   std::uint64_t tree_size) {
    PROCURA_TRY(check_size(tree_size, "tree_size"));
    if (leaf_index >= tree_size) {
        return core::bad_request("bad_index", "leaf_index must be below tree_size", "leaf_index");
    }
    PROCURA_TRY_ASSIGN(auto path, inclusion_proof(store_, leaf_index, tree_size));
    PROCURA_TRY_ASSIGN(auto leaf, store_.read({NodeId{0, leaf_index}}));
    return InclusionProof{leaf_index, tree_size, leaf.at(0), std::move(path)};
}

core::Result<InclusionProof> LogQueries::inclusion_by_hash(const Hash& leaf,
                                                           std::uint64_t tree_size) {
    PROCURA_TRY(check_size(tree_size, "tree_size"));
    PROCURA_TRY_ASSIGN(auto index, store_.leaf_index(leaf));
    if (!index || *index >= tree_size) {
        return core::not_found(
            "leaf_not_found",
            "no leaf of the tree of size " + std::to_string(tree_size) + " has this hash",
            "leaf_hash");
    }
    return inclusion(*index, tree_size);
}

core::Result<std::vector<Hash>> LogQueries::consistency(std::uint64_t first, std::uint64_t second) {
    PROCURA_TRY(check_size(second, "second"));
    if (first == 0 || first > second) {
        return core::bad_request("bad_range", "first must be at least 1 and at most second",
                                 "first");
    }
    return consistency_proof(store_, first, second);
}

}  // namespace procura::ledger
