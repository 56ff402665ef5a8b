// The verifiable audit log: every audit event (core/audit.hpp), from every module, is a leaf of
// an RFC 6962 Merkle tree, in seq order (leaf i is the event with seq i + 1, leaf hash =
// SHA-256(0x00 || canonical bytes)). The sequencer integrates new events in batches, stores the
// perfect-subtree nodes they complete and signs a tree head with the platform log key, all in
// one transaction; the queries serve heads, entries and proofs from the stored nodes in
// O(log n) reads; the self-check recomputes every leaf from the event rows, so that a row
// changed behind the platform's back is found. The formats are in docs/audit-log.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/audit.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "ledger/merkle.hpp"

namespace procura::ledger {

struct SignedTreeHead {
    std::uint64_t tree_size = 0;
    Hash root_hash{};
    std::int64_t timestamp_ms = 0;
    std::string signature;  // DER ECDSA P-256 / SHA-256 over signed_text(head)
};

// The bytes a head's signature covers: "procura-log-sth-v1\n", then tree_size, timestamp_ms
// and the root hash in lower-case hex, one per line, each line ending in "\n".
std::string signed_text(const SignedTreeHead& head);

// The leaf hash of a stored event: leaf_hash(core::canonical_bytes(seq, event)).
Hash event_leaf_hash(const core::StoredAuditEvent& event);

// The storage port: perfect-subtree nodes (NodeReader), heads, and the event rows. Implemented
// by MySQLLogStore (MariaDB) and FakeLogStore (tests/ledger); the same contract cases run against
// both (tests/ledger/store_contract.hpp).
//
// Contract:
// - read returns the hashes in the order of ids, duplicates included; one missing node fails
//   the whole read (not_found "node_missing").
// - latest_head is the head of the largest tree size stored; nullopt before the first.
// - events are the audit chain's rows exactly as appended (seq, event, prev_hash, hash).
// - integrate is all or nothing: besides "log_head_moved", a node or a head size stored before
//   (or twice in the call) is refused (conflict) and nothing of the call is stored.
// - leaf_index looks at leaves only (level 0): the lowest index if several have the hash.
// - Store failures are errors, never exceptions. Thread-safe.
class LogStore : public NodeReader {
public:
    virtual core::Result<std::optional<SignedTreeHead>> latest_head() = 0;
    // Up to limit events with leaf index >= start (seq > start), ascending.
    virtual core::Result<std::vector<core::StoredAuditEvent>> events(std::uint64_t start,
                                                                     std::size_t limit) = 0;
    // Stores nodes and head in one transaction, unless the latest stored head's size is no
    // longer previous_size (conflict "log_head_moved": another sequencer got there first).
    virtual core::Status integrate(const std::vector<std::pair<NodeId, Hash>>& nodes,
                                   const SignedTreeHead& head, std::uint64_t previous_size) = 0;
    // The index of the leaf with this hash, if it is in the stored tree.
    virtual core::Result<std::optional<std::uint64_t>> leaf_index(const Hash& leaf) = 0;
};

// Signs a head's signed_text with the log key.
using HeadSigner = std::function<core::Result<std::string>(std::string_view text)>;

// What /metrics shows about the log; written by the sequencer and the self-check.
struct LogHealth {
    std::atomic<std::uint64_t> tree_size{0};
    std::atomic<std::int64_t> head_timestamp_ms{0};
    std::atomic<int> last_self_check_ok{-1};  // -1: not run yet
    std::atomic<std::uint64_t> self_checks{0};
    std::atomic<std::uint64_t> self_check_failures{0};
};

class LogSequencer {
public:
    // Loads the latest head and rebuilds the tree's right edge from the stored nodes; refuses
    // (internal "log_inconsistent") if they do not give the head's root, since signing on top
    // of them could contradict a head already published.
    static core::Result<std::unique_ptr<LogSequencer>> open(LogStore& store, HeadSigner signer,
                                                            const core::Clock& clock);

    // Integrates up to batch_max new events and stores a new signed head over them; nullopt
    // when there is nothing new. A new head only ever extends the previous one: it is built by
    // appending to the same right edge. On any error the state is reloaded from the store.
    core::Result<std::optional<SignedTreeHead>> step(std::size_t batch_max = 10'000);

    const std::optional<SignedTreeHead>& head() const { return head_; }

private:
    LogSequencer(LogStore& store, HeadSigner signer, const core::Clock& clock)
        : store_(store), signer_(std::move(signer)), clock_(clock) {}
    core::Status reload();

    LogStore& store_;
    HeadSigner signer_;
    const core::Clock& clock_;
    CompactRange range_;
    std::optional<SignedTreeHead> head_;
};

struct SelfCheckReport {
    std::uint64_t leaves_checked = 0;
    std::vector<std::string> problems;  // empty when everything matches
};

// Recomputes every leaf of the latest head from the event rows, compares each with the stored
// leaf node, and the root of the recomputed leaves with the head's root. Reads page events at
// a time. Problems name the leaf and the event's seq.
core::Result<SelfCheckReport> self_check(LogStore& store, std::size_t page = 5'000);

struct InclusionProof {
    std::uint64_t leaf_index = 0;
    std::uint64_t tree_size = 0;
    Hash leaf_hash{};
    std::vector<Hash> path;
};

// The public reads. Sizes beyond the latest head are refused (bad_request
// "beyond_latest_head"); before the first head everything is not_found "log_empty".
class LogQueries {
public:
    static constexpr std::uint64_t entries_max = 1000;

    explicit LogQueries(LogStore& store) : store_(store) {}

    core::Result<SignedTreeHead> latest();
    // Events [start, end), at most entries_max (bad_request "bad_range").
    core::Result<std::vector<core::StoredAuditEvent>> entries(std::uint64_t start,
                                                              std::uint64_t end);
    core::Result<InclusionProof> inclusion(std::uint64_t leaf_index, std::uint64_t tree_size);
    // not_found "leaf_not_found" when no leaf of the tree of tree_size has this hash.
    core::Result<InclusionProof> inclusion_by_hash(const Hash& leaf, std::uint64_t tree_size);
    core::Result<std::vector<Hash>> consistency(std::uint64_t first, std::uint64_t second);

private:
    core::Status check_size(std::uint64_t tree_size, const char* field);
    LogStore& store_;
};

}  // namespace procura::ledger
