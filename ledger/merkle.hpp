// The audit log's Merkle tree (RFC 6962 / RFC 9162 section 2.1): leaf and node hashing, roots,
// inclusion and consistency proofs computed from stored perfect-subtree hashes, and the compact
// range that the sequencer keeps to append leaves. Pure: no SQL, no HTTP, no OpenSSL headers;
// storage is reached only through NodeReader. Verification of proofs deliberately lives apart, in
// merkle_verify.hpp, so that outsiders' checks do not share this tree-building path.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "core/hash.hpp"
#include "core/result.hpp"

namespace procura::ledger {

using Hash = core::Sha256;

// SHA-256 of the empty string: the root of the tree with no leaves.
Hash empty_root();
// SHA-256(0x00 || leaf_bytes).
Hash leaf_hash(std::string_view leaf_bytes);
// SHA-256(0x01 || left || right).
Hash node_hash(const Hash& left, const Hash& right);

// A perfect subtree: level L, index i covers leaves [i*2^L, (i+1)*2^L). Level 0 = leaf hashes.
struct NodeId {
    int level = 0;
    std::uint64_t index = 0;
    auto operator<=>(const NodeId&) const = default;
};

// Where stored perfect-subtree hashes come from (MariaDB in production, memory in tests).
class NodeReader {
public:
    virtual ~NodeReader() = default;
    // The hashes of ids, in the same order; an error if any is missing (not_found "node_missing")
    // or the store fails. ids may contain duplicates.
    virtual core::Result<std::vector<Hash>> read(const std::vector<NodeId>& ids) = 0;
};

// The functions below work on the tree of `size` leaves over a NodeReader. Each call gathers all
// the node ids it needs first (O(log size) of them) and reads them with exactly one read() call;
// it never reads leaves one by one and never rebuilds the tree. When no node is needed (size 0,
// a one-leaf tree's inclusion path, first == second) read() is not called at all, so that a
// store never sees an empty query. Errors of the reader are passed on unchanged; a reader
// returning the wrong number of hashes gives internal "node_reader_count".

// The root (MTH) of the first `size` leaves. Size 0 gives empty_root().
core::Result<Hash> root_hash(NodeReader& nodes, std::uint64_t size);

// RFC 9162 2.1.3.1 inclusion path of leaf `index` in the tree of `size` leaves, leaf side first.
// bad_request "bad_index" unless index < size (then nothing is read). Size 1 gives an empty
// path.
core::Result<std::vector<Hash>> inclusion_proof(NodeReader& nodes, std::uint64_t index,
                                                std::uint64_t size);

// RFC 9162 2.1.4.1 consistency proof from the tree of `first` leaves to the tree of `second`.
// bad_request "bad_range" unless 0 < first <= second (then nothing is read); first == second
// gives an empty proof.
core::Result<std::vector<Hash>> consistency_proof(NodeReader& nodes, std::uint64_t first,
                                                  std::uint64_t second);

// The perfect subtrees whose right fold is the root of [0, size): one per set bit of size,
// largest (leftmost) first. Exposed so that storage code can prefetch or check them.
std::vector<NodeId> range_nodes(std::uint64_t size);

// The right edge of a growing tree ("compact range"): the perfect-subtree hashes of the
// decomposition of [0, size). Not thread-safe; the sequencer owns one.
class CompactRange {
public:
    CompactRange() = default;  // empty tree

    // Rebuilds the right edge of a tree of `size` leaves from stored nodes (one read(); none for
    // size 0). Errors of the reader are passed on.
    static core::Result<CompactRange> load(NodeReader& nodes, std::uint64_t size);

    // Appends one leaf hash; returns every perfect node this completes (the leaf itself at level
    // 0 first, then each parent it closes, lowest first), which the caller stores.
    std::vector<std::pair<NodeId, Hash>> append(const Hash& leaf);

    // The root of the tree; empty_root() for size 0.
    Hash root() const;
    std::uint64_t size() const;

private:
    std::uint64_t size_ = 0;
    // One hash per set bit of size_, highest level (leftmost subtree) first.
    std::vector<std::pair<int, Hash>> edge_;
};

// An in-memory NodeReader holding every perfect node (for tests and benchmarks), built by
// appending leaves. Not thread-safe.
class MemoryTree final : public NodeReader {
public:
    void append(const Hash& leaf);
    std::uint64_t size() const;
    // The root of all appended leaves (does not count as a read()).
    Hash root() const;
    // not_found "node_missing" for a node that is not (yet) complete.
    core::Result<std::vector<Hash>> read(const std::vector<NodeId>& ids) override;
    // How many read() calls were made (tests assert O(1) calls per proof).
    std::size_t reads() const;

private:
    std::vector<std::vector<Hash>> levels_;  // levels_[L][i] is NodeId{L, i}
    std::uint64_t size_ = 0;
    std::size_t reads_ = 0;
};

}  // namespace procura::ledger
