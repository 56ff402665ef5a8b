// RFC 6962 / RFC 9162 Merkle tree over stored perfect-subtree hashes. Every subrange that the
// RFC's recursive definitions ask for (MTH(D[a:b]) inside a proof) starts at a multiple of the
// smallest power of two not below its length, so its hash is the right fold of the perfect
// subtrees of the binary decomposition of its length. Proofs are therefore planned as a list of
// such ranges, all their node ids are read at once, and each range is folded.
#include "ledger/merkle.hpp"

#include <algorithm>
#include <bit>
#include <string>

namespace procura::ledger {
namespace {

// Leaves [start, start + count) of the tree; start is aligned as described above.
struct Range {
    std::uint64_t start = 0;
    std::uint64_t count = 0;
};

// The perfect subtrees covering [start, start + count), left to right (largest first).
void append_decomposition(std::uint64_t start, std::uint64_t count, std::vector<NodeId>& out) {
    std::uint64_t pos = start;
    for (int level = 63; level >= 0; --level) {
        const std::uint64_t width = std::uint64_t{1} << level;
        if ((count & width) != 0) {
            PROCURA_ASSERT(pos % width == 0);
            out.push_back(NodeId{level, pos >> level});
            pos += width;
        }
    }
}

// The largest power of two strictly below n. Precondition: n > 1.
std::uint64_t split_point(std::uint64_t n) {
    PROCURA_ASSERT(n > 1);
    return std::bit_floor(n - 1);
}

// MTH of consecutive perfect subtrees hashes[first, last), by folding from the right.
Hash fold_right(const std::vector<Hash>& hashes, std::size_t first, std::size_t last) {
    PROCURA_ASSERT(first < last && last <= hashes.size());
    Hash acc = hashes[last - 1];
    for (std::size_t j = last - 1; j > first; --j) {
        acc = node_hash(hashes[j - 1], acc);
    }
    return acc;
}

// Reads ids with one read() call (none when ids is empty) and checks the answer's length.
core::Result<std::vector<Hash>> read_all(NodeReader& nodes, const std::vector<NodeId>& ids) {
    if (ids.empty()) {
        return std::vector<Hash>{};
    }
    auto hashes = nodes.read(ids);
    if (!hashes.ok()) {
        return hashes.error();
    }
    if (hashes->size() != ids.size()) {
        return core::internal("node_reader_count",
                              "node reader returned " + std::to_string(hashes->size()) +
                                  " hashes for " + std::to_string(ids.size()) + " ids");
    }
    return hashes;
}

// The MTH of each range, in order, from one read() call.
core::Result<std::vector<Hash>> range_hashes(NodeReader& nodes, const std::vector<Range>& ranges) {
    std::vector<NodeId> ids;
    std::vector<std::size_t> ends;
    ends.reserve(ranges.size());
    for (const Range& r : ranges) {
        PROCURA_ASSERT(r.count > 0);
        append_decomposition(r.start, r.count, ids);
        ends.push_back(ids.size());
    }
    auto hashes = read_all(nodes, ids);
    if (!hashes.ok()) {
        return hashes.error();
    }
    std::vector<Hash> out;
    out.reserve(ranges.size());
    std::size_t begin = 0;
    for (std::size_t end : ends) {
        out.push_back(fold_right(*hashes, begin, end));
        begin = end;
    }
    return out;
}

}  // namespace

Hash empty_root() { return core::sha256(std::string_view{}); }

Hash leaf_hash(std::string_view leaf_bytes) {
    std::string buffer;
    buffer.reserve(1 + leaf_bytes.size());
    buffer.push_back('\x00');
    buffer.append(leaf_bytes);
    return core::sha256(buffer);
}

Hash node_hash(const Hash& left, const Hash& right) {
    std::string buffer;
    buffer.reserve(1 + left.size() + right.size());
    buffer.push_back('\x01');
    buffer.append(reinterpret_cast<const char*>(left.data()), left.size());
    buffer.append(reinterpret_cast<const char*>(right.data()), right.size());
    return core::sha256(buffer);
}

std::vector<NodeId> range_nodes(std::uint64_t size) {
    std::vector<NodeId> ids;
    append_decomposition(0, size, ids);
    return ids;
}

core::Result<Hash> root_hash(NodeReader& nodes, std::uint64_t size) {
    if (size == 0) {
        return empty_root();
    }
    auto hashes = range_hashes(nodes, {Range{0, size}});
    if (!hashes.ok()) {
        return hashes.error();
    }
    return hashes->front();
}

core::Result<std::vector<Hash>> inclusion_proof(NodeReader& nodes, std::uint64_t index,
                                                std::uint64_t size) {
    if (index >= size) {
        return core::bad_request("bad_index",
                                 "leaf index " + std::to_string(index) +
                                     " is not below the tree size " + std::to_string(size),
                                 "index");
    }
    // PATH(m, D[n]) walked from the root down; the path lists the siblings leaf side first.
    std::vector<Range> top_down;
    std::uint64_t start = 0;
    std::uint64_t n = size;
    std::uint64_t m = index;
    while (n > 1) {
        const std::uint64_t k = split_point(n);
        if (m < k) {
            top_down.push_back(Range{start + k, n - k});
            n = k;
        } else {
            top_down.push_back(Range{start, k});
            start += k;
            m -= k;
            n -= k;
        }
    }
    std::reverse(top_down.begin(), top_down.end());
    return range_hashes(nodes, top_down);
}

core::Result<std::vector<Hash>> consistency_proof(NodeReader& nodes, std::uint64_t first,
                                                  std::uint64_t second) {
    if (first == 0 || first > second) {
        return core::bad_request("bad_range",
                                 "a consistency proof needs 0 < first <= second, got first " +
                                     std::to_string(first) + ", second " + std::to_string(second),
                                 "first");
    }
    // SUBPROOF(m, D[n], b) walked from the root down; the base case's hash (if any) comes first
    // in the proof, then the hashes of the levels above it, lowest first.
    std::vector<Range> top_down;
    std::uint64_t start = 0;
    std::uint64_t n = second;
    std::uint64_t m = first;
    bool whole_first_tree = true;  // b in RFC 9162: still on the first tree's own root
    while (m != n) {
        const std::uint64_t k = split_point(n);
        if (m <= k) {
            top_down.push_back(Range{start + k, n - k});
            n = k;
        } else {
            top_down.push_back(Range{start, k});
            start += k;
            m -= k;
            n -= k;
            whole_first_tree = false;
        }
    }
    if (!whole_first_tree) {
        top_down.push_back(Range{start, m});
    }
    std::reverse(top_down.begin(), top_down.end());
    return range_hashes(nodes, top_down);
}

core::Result<CompactRange> CompactRange::load(NodeReader& nodes, std::uint64_t size) {
    const std::vector<NodeId> ids = range_nodes(size);
    auto hashes = read_all(nodes, ids);
    if (!hashes.ok()) {
        return hashes.error();
    }
    CompactRange range;
    range.size_ = size;
    range.edge_.reserve(ids.size());
    for (std::size_t j = 0; j < ids.size(); ++j) {
        range.edge_.emplace_back(ids[j].level, (*hashes)[j]);
    }
    return range;
}

std::vector<std::pair<NodeId, Hash>> CompactRange::append(const Hash& leaf) {
    std::vector<std::pair<NodeId, Hash>> completed;
    completed.emplace_back(NodeId{0, size_}, leaf);
    edge_.emplace_back(0, leaf);
    ++size_;
    while (edge_.size() >= 2 && edge_[edge_.size() - 1].first == edge_[edge_.size() - 2].first) {
        const int level = edge_.back().first + 1;
        const Hash parent = node_hash(edge_[edge_.size() - 2].second, edge_.back().second);
        edge_.pop_back();
        edge_.pop_back();
        edge_.emplace_back(level, parent);
        // The new node ends at size_, which is a multiple of its width.
        completed.emplace_back(NodeId{level, (size_ >> level) - 1}, parent);
    }
    return completed;
}

Hash CompactRange::root() const {
    if (edge_.empty()) {
        return empty_root();
    }
    Hash acc = edge_.back().second;
    for (std::size_t j = edge_.size() - 1; j > 0; --j) {
        acc = node_hash(edge_[j - 1].second, acc);
    }
    return acc;
}

std::uint64_t CompactRange::size() const { return size_; }

void MemoryTree::append(const Hash& leaf) {
    std::uint64_t index = size_;
    std::size_t level = 0;
    Hash hash = leaf;
    for (;;) {
        if (levels_.size() <= level) {
            levels_.emplace_back();
        }
        std::vector<Hash>& row = levels_[level];
        PROCURA_ASSERT(row.size() == index);
        row.push_back(hash);
        if ((index & 1) == 0) {
            break;
        }
        hash = node_hash(row[index - 1], hash);
        index >>= 1;
        ++level;
    }
    ++size_;
}

std::uint64_t MemoryTree::size() const { return size_; }

Hash MemoryTree::root() const {
    const std::vector<NodeId> ids = range_nodes(size_);
    if (ids.empty()) {
        return empty_root();
    }
    std::vector<Hash> hashes;
    hashes.reserve(ids.size());
    for (const NodeId& id : ids) {
        hashes.push_back(levels_[static_cast<std::size_t>(id.level)][id.index]);
    }
    return fold_right(hashes, 0, hashes.size());
}

core::Result<std::vector<Hash>> MemoryTree::read(const std::vector<NodeId>& ids) {
    ++reads_;
    std::vector<Hash> out;
    out.reserve(ids.size());
    for (const NodeId& id : ids) {
        const bool present = id.level >= 0 && static_cast<std::size_t>(id.level) < levels_.size() &&
                             id.index < levels_[static_cast<std::size_t>(id.level)].size();
        if (!present) {
            return core::not_found("node_missing", "no stored node at level " +
                                                       std::to_string(id.level) + ", index " +
                                                       std::to_string(id.index));
        }
        out.push_back(levels_[static_cast<std::size_t>(id.level)][id.index]);
    }
    return out;
}

std::size_t MemoryTree::reads() const { return reads_; }

}  // namespace procura::ledger
