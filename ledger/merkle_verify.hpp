// Independent verification of audit-log proofs and heads: what outsiders' `procura log verify`
// runs. Written directly from RFC 9162 sections 2.1.1, 2.1.3.2 and 2.1.4.2 and deliberately
// sharing nothing with the server's tree-building code in merkle.cpp except leaf_hash and
// node_hash, so that a bug there cannot make its own output look valid. No I/O; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.hpp"
#include "ledger/merkle.hpp"

namespace procura::ledger {

// Checks that `proof` is the RFC 9162 inclusion path of the leaf with hash `leaf_hash` at
// `index` in the tree of `size` leaves whose root is `root`. Errors (unprocessable):
// "bad_proof" when index >= size or the proof has the wrong length for (index, size);
// "root_mismatch" when the path leads to a different root.
core::Status verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                              const std::vector<Hash>& proof, const Hash& root);

// Checks that `proof` shows the tree of `first` leaves with root `first_root` to be a prefix of
// the tree of `second` leaves with root `second_root`. first == second needs an empty proof and
// equal roots. Errors (unprocessable): "bad_proof" when first == 0, first > second, or the proof
// has the wrong length; "root_mismatch" when either computed root differs from the given one.
core::Status verify_consistency(std::uint64_t first, std::uint64_t second, const Hash& first_root,
                                const Hash& second_root, const std::vector<Hash>& proof);

// MTH of a list of leaf hashes by the recursive definition (RFC 9162 2.1.1), for checking a
// downloaded full range; SHA-256 of the empty string for no leaves. Recursion depth is
// O(log n).
Hash root_from_leaf_hashes(const std::vector<Hash>& leaves);

}  // namespace procura::ledger
