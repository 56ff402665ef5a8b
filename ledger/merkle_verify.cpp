// Proof verification transcribed from RFC 9162: the bit-walking algorithms of 2.1.3.2
// (inclusion) and 2.1.4.2 (consistency), and the recursive MTH of 2.1.1. Only leaf_hash and
// node_hash are taken from merkle.cpp; nothing here shares its range planning or folding.
#include "ledger/merkle_verify.hpp"

#include <span>
#include <string>
#include <string_view>

#include "core/hash.hpp"

namespace procura::ledger {
namespace {

core::Error bad_proof(std::string message) {
    return core::unprocessable("bad_proof", std::move(message), "proof");
}

core::Error root_mismatch(std::string message) {
    return core::unprocessable("root_mismatch", std::move(message));
}

bool lsb(std::uint64_t x) { return (x & 1) != 0; }

Hash mth(std::span<const Hash> leaves) {
    if (leaves.empty()) {
        return core::sha256(std::string_view{});
    }
    if (leaves.size() == 1) {
        return leaves.front();
    }
    // k: the largest power of two smaller than n.
    std::size_t k = 1;
    while (k * 2 < leaves.size()) {
        k *= 2;
    }
    return node_hash(mth(leaves.first(k)), mth(leaves.subspan(k)));
}

}  // namespace

core::Status verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                              const std::vector<Hash>& proof, const Hash& root) {
    // RFC 9162 2.1.3.2.
    if (index >= size) {
        return bad_proof("leaf index " + std::to_string(index) + " is not below tree size " +
                         std::to_string(size));
    }
    std::uint64_t fn = index;
    std::uint64_t sn = size - 1;
    Hash r = leaf_hash;
    for (const Hash& p : proof) {
        if (sn == 0) {
            return bad_proof("inclusion proof is longer than the tree is high");
        }
        if (lsb(fn) || fn == sn) {
            r = node_hash(p, r);
            if (!lsb(fn)) {
                while (!(lsb(fn) || fn == 0)) {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(r, p);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0) {
        return bad_proof("inclusion proof is too short for the tree size");
    }
    if (r != root) {
        return root_mismatch("inclusion proof leads to a different root");
    }
    return {};
}

core::Status verify_consistency(std::uint64_t first, std::uint64_t second, const Hash& first_root,
                                const Hash& second_root, const std::vector<Hash>& proof) {
    if (first == 0) {
        return bad_proof("consistency with the empty tree proves nothing");
    }
    if (first > second) {
        return bad_proof("first tree size " + std::to_string(first) + " is above the second " +
                         std::to_string(second));
    }
    if (first == second) {
        if (!proof.empty()) {
            return bad_proof("equal tree sizes need an empty consistency proof");
        }
        if (first_root != second_root) {
            return root_mismatch("equal tree sizes with different roots");
        }
        return {};
    }
    // RFC 9162 2.1.4.2, steps 1 to 7.
    if (proof.empty()) {
        return bad_proof("consistency proof is empty");
    }
    std::vector<Hash> path;
    path.reserve(proof.size() + 1);
    if ((first & (first - 1)) == 0) {
        path.push_back(first_root);
    }
    path.insert(path.end(), proof.begin(), proof.end());
    std::uint64_t fn = first - 1;
    std::uint64_t sn = second - 1;
    while (lsb(fn)) {
        fn >>= 1;
        sn >>= 1;
    }
    Hash fr = path.front();
    Hash sr = path.front();
    for (std::size_t j = 1; j < path.size(); ++j) {
        const Hash& c = path[j];
        if (sn == 0) {
            return bad_proof("consistency proof is too long");
        }
        if (lsb(fn) || fn == sn) {
            fr = node_hash(c, fr);
            sr = node_hash(c, sr);
            if (!lsb(fn)) {
                while (!(lsb(fn) || fn == 0)) {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(sr, c);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0) {
        return bad_proof("consistency proof is too short");
    }
    if (fr != first_root) {
        return root_mismatch("consistency proof leads to a different first root");
    }
    if (sr != second_root) {
        return root_mismatch("consistency proof leads to a different second root");
    }
    return {};
}

Hash root_from_leaf_hashes(const std::vector<Hash>& leaves) {
    return mth(std::span<const Hash>(leaves));
}

}  // namespace procura::ledger
