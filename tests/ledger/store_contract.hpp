// The LogStore contract (ledger/log.hpp) as Boost.Test cases, run against every implementation:
// PROCURA_LOG_STORE_CONTRACT_TESTS(make_subject) expands to test cases in the current suite;
// make_subject yields a LogUnderTest over a fresh, empty store and audit chain (evaluated once
// per case). The cases drive the store directly and through the sequencer, the queries and the
// self-check, which know the store only by its port.
#pragma once

#include <boost/test/unit_test.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "ledger/log.hpp"
#include "ledger/merkle_verify.hpp"

namespace procura::ledger::contract {

struct LogUnderTest {
    std::shared_ptr<void> owner;  // keeps whatever the store needs alive (a pool, say)
    LogStore* store = nullptr;
    // Appends the events to the audit chain the store reads, in one transaction, as the
    // modules' stores do.
    std::function<void(const std::vector<core::AuditEvent>&)> append_events;
};

inline constexpr std::int64_t t0_ms = 1'800'000'000'000;

inline std::vector<core::AuditEvent> numbered_events(int first, int count) {
    std::vector<core::AuditEvent> out;
    for (int n = first; n < first + count; ++n) {
        out.push_back(core::AuditEvent{t0_ms + n, 7, "thing.changed", "thing", n, 1,
                                       "{\"n\":" + std::to_string(n) + "}"});
    }
    return out;
}

inline Hash hash_of(const std::string& text) { return core::sha256(text); }

// A head over the first `size` leaves of tree, signed with a stand-in signature that holds a
// zero byte (the column is binary).
inline SignedTreeHead head_of(MemoryTree& tree, std::uint64_t size, std::int64_t at_ms) {
    auto root = root_hash(tree, size);
    BOOST_REQUIRE(root.ok());
    return SignedTreeHead{size, *root, at_ms, std::string("sig\0", 4) + std::to_string(size)};
}

// The leaves appended to tree from `from` to `to`, with every node they complete.
inline std::vector<std::pair<NodeId, Hash>> grow(CompactRange& range, MemoryTree& tree, int from,
                                                 int to) {
    std::vector<std::pair<NodeId, Hash>> nodes;
    for (int n = from; n < to; ++n) {
        const Hash leaf = hash_of("leaf " + std::to_string(n));
        tree.append(leaf);
        for (auto& node : range.append(leaf)) nodes.push_back(node);
    }
    return nodes;
}

inline void require_ok(const core::Status& s) {
    BOOST_REQUIRE_MESSAGE(s.ok(),
                          (s.ok() ? std::string() : s.error().code + ": " + s.error().message));
}

inline void an_empty_store_has_no_head_no_events_and_no_nodes(const LogUnderTest& s) {
    LogStore& store = *s.store;
    auto head = store.latest_head();
    BOOST_REQUIRE(head.ok());
    BOOST_TEST(!head->has_value());
    auto events = store.events(0, 10);
    BOOST_REQUIRE(events.ok());
    BOOST_TEST(events->empty());
    auto none = store.read({});
    BOOST_REQUIRE(none.ok());
    BOOST_TEST(none->empty());
    auto missing = store.read({NodeId{0, 0}});
    BOOST_REQUIRE(!missing.ok());
    BOOST_TEST((missing.error().kind == core::ErrorKind::not_found));
    BOOST_TEST(missing.error().code == "node_missing");
    auto leaf = store.leaf_index(hash_of("leaf 0"));
    BOOST_REQUIRE(leaf.ok());
    BOOST_TEST(!leaf->has_value());
}

inline void events_are_read_after_a_seq_in_pages_exactly_as_chained(const LogUnderTest& s) {
    s.append_events(numbered_events(1, 3));
    s.append_events(numbered_events(4, 2));
    auto first = s.store->events(0, 2);
    BOOST_REQUIRE(first.ok());
    BOOST_REQUIRE_EQUAL(first->size(), 2u);
    BOOST_TEST((*first)[0].seq == 1);
    BOOST_TEST((*first)[1].seq == 2);
    BOOST_TEST(((*first)[0].prev_hash == core::Sha256{}));
    const core::StoredAuditEvent& e = (*first)[1];
    BOOST_TEST(e.event.at_ms == t0_ms + 2);
    BOOST_TEST(e.event.actor_user_id == 7);
    BOOST_TEST(e.event.action == "thing.changed");
    BOOST_TEST(e.event.entity_type == "thing");
    BOOST_TEST(e.event.entity_id == 2);
    BOOST_TEST(e.event.entity_version == 1);
    BOOST_TEST(e.event.payload_json == "{\"n\":2}");
    BOOST_TEST((e.prev_hash == (*first)[0].hash));
    BOOST_TEST((e.hash == core::chain_hash(e.prev_hash, 2, e.event)));
    auto rest = s.store->events(2, 10);
    BOOST_REQUIRE(rest.ok());
    BOOST_REQUIRE_EQUAL(rest->size(), 3u);
    BOOST_TEST((*rest)[0].seq == 3);
    BOOST_TEST((*rest)[2].seq == 5);
    BOOST_TEST(((*rest)[0].prev_hash == (*first)[1].hash));
    BOOST_TEST(s.store->events(5, 10)->empty());
    BOOST_TEST(s.store->events(99, 10)->empty());
    BOOST_TEST(s.store->events(0, 0)->empty());
}

inline void integrate_stores_the_nodes_and_the_head_together(const LogUnderTest& s) {
    LogStore& store = *s.store;
    CompactRange range;
    MemoryTree tree;
    const auto nodes = grow(range, tree, 0, 3);
    BOOST_REQUIRE_EQUAL(nodes.size(), 4u);  // three leaves and the node over the first two
    const SignedTreeHead head = head_of(tree, 3, t0_ms);
    require_ok(store.integrate(nodes, head, 0));
    auto latest = store.latest_head();
    BOOST_REQUIRE(latest.ok() && latest->has_value());
    BOOST_TEST((*latest)->tree_size == 3u);
    BOOST_TEST(((*latest)->root_hash == range.root()));
    BOOST_TEST((*latest)->timestamp_ms == t0_ms);
    BOOST_TEST((*latest)->signature == head.signature);
    // Read in the order asked, duplicates included.
    auto read = store.read({NodeId{1, 0}, NodeId{0, 2}, NodeId{0, 0}, NodeId{1, 0}});
    BOOST_REQUIRE(read.ok());
    BOOST_REQUIRE_EQUAL(read->size(), 4u);
    BOOST_TEST(((*read)[0] == nodes[2].second));
    BOOST_TEST(((*read)[1] == hash_of("leaf 2")));
    BOOST_TEST(((*read)[2] == hash_of("leaf 0")));
    BOOST_TEST(((*read)[3] == (*read)[0]));
    // One missing node fails the whole read.
    auto partial = store.read({NodeId{0, 0}, NodeId{0, 3}});
    BOOST_REQUIRE(!partial.ok());
    BOOST_TEST(partial.error().code == "node_missing");
    auto root = root_hash(store, 3);
    BOOST_REQUIRE(root.ok());
    BOOST_TEST((*root == tree.root()));
}

inline void integrate_refuses_a_head_that_moved_and_stores_nothing(const LogUnderTest& s) {
    LogStore& store = *s.store;
    CompactRange range;
    MemoryTree tree;
    const auto first = grow(range, tree, 0, 2);
    require_ok(store.integrate(first, head_of(tree, 2, t0_ms), 0));
    const auto more = grow(range, tree, 2, 4);
    for (std::uint64_t stale : {0u, 1u, 3u}) {
        const core::Status moved = store.integrate(more, head_of(tree, 4, t0_ms + 1), stale);
        BOOST_REQUIRE(!moved.ok());
        BOOST_TEST((moved.error().kind == core::ErrorKind::conflict));
        BOOST_TEST(moved.error().code == "log_head_moved");
    }
    BOOST_TEST((*store.latest_head())->tree_size == 2u);
    BOOST_TEST(!store.read({NodeId{0, 2}}).ok());
    BOOST_TEST(!store.leaf_index(hash_of("leaf 3"))->has_value());
    // From the right size it goes on.
    require_ok(store.integrate(more, head_of(tree, 4, t0_ms + 1), 2));
    BOOST_TEST((*store.latest_head())->tree_size == 4u);
    BOOST_TEST(((*store.read({NodeId{2, 0}}))[0] == tree.root()));
}

inline void integrate_of_a_node_or_head_stored_before_stores_nothing(const LogUnderTest& s) {
    LogStore& store = *s.store;
    CompactRange range;
    MemoryTree tree;
    const auto first = grow(range, tree, 0, 1);
    require_ok(store.integrate(first, head_of(tree, 1, t0_ms), 0));
    // A new leaf, but the old one again beside it: refused whole.
    auto again = grow(range, tree, 1, 2);
    again.insert(again.begin(), first.front());
    const core::Status duplicate_node = store.integrate(again, head_of(tree, 2, t0_ms + 1), 1);
    BOOST_REQUIRE(!duplicate_node.ok());
    BOOST_TEST((duplicate_node.error().kind == core::ErrorKind::conflict));
    BOOST_TEST(!store.read({NodeId{0, 1}}).ok());
    BOOST_TEST((*store.latest_head())->tree_size == 1u);
    // A head of the size already signed: refused, and its nodes are not kept.
    const core::Status same_size =
        store.integrate({{NodeId{0, 1}, hash_of("leaf 1")}}, head_of(tree, 1, t0_ms + 2), 1);
    BOOST_REQUIRE(!same_size.ok());
    BOOST_TEST((same_size.error().kind == core::ErrorKind::conflict));
    BOOST_TEST(!store.read({NodeId{0, 1}}).ok());
    BOOST_TEST((*store.latest_head())->timestamp_ms == t0_ms);
}

inline void leaf_index_finds_the_lowest_leaf_with_a_hash_and_no_inner_node(const LogUnderTest& s) {
    LogStore& store = *s.store;
    const Hash a = hash_of("a");
    const Hash b = hash_of("b");
    const Hash inner = node_hash(a, b);
    // Leaves a, b, a (a repeated leaf hash cannot come from events, but the port allows it).
    require_ok(store.integrate({{NodeId{0, 0}, a}, {NodeId{0, 1}, b}, {NodeId{1, 0}, inner}},
                               SignedTreeHead{2, inner, t0_ms, "s"}, 0));
    require_ok(store.integrate({{NodeId{0, 2}, a}}, SignedTreeHead{3, a, t0_ms, "s"}, 2));
    BOOST_TEST(**store.leaf_index(a) == 0u);
    BOOST_TEST(**store.leaf_index(b) == 1u);
    BOOST_TEST(!store.leaf_index(inner)->has_value());
    BOOST_TEST(!store.leaf_index(hash_of("c"))->has_value());
}

// The sequencer, the queries and the self-check over the store: heads extend each other, and
// proofs served from the stored nodes pass the independent verifier.
inline void the_sequencer_signs_heads_that_the_queries_prove(const LogUnderTest& s) {
    LogStore& store = *s.store;
    core::ManualClock clock{t0_ms};
    const HeadSigner signer = [](std::string_view text) -> core::Result<std::string> {
        return core::to_hex(core::sha256(text));
    };
    s.append_events(numbered_events(1, 7));
    auto opened = LogSequencer::open(store, signer, clock);
    BOOST_REQUIRE(opened.ok());
    auto head = (*opened)->step(4);
    BOOST_REQUIRE(head.ok() && head->has_value());
    BOOST_TEST((*head)->tree_size == 4u);
    BOOST_TEST((*head)->signature == core::to_hex(core::sha256(signed_text(**head))));
    clock.advance_ms(5);
    s.append_events(numbered_events(8, 2));
    auto second = (*opened)->step();
    BOOST_REQUIRE(second.ok() && second->has_value());
    BOOST_TEST((*second)->tree_size == 9u);
    BOOST_TEST((*second)->timestamp_ms == t0_ms + 5);
    auto nothing = (*opened)->step();
    BOOST_REQUIRE(nothing.ok());
    BOOST_TEST(!nothing->has_value());

    LogQueries queries(store);
    auto consistency = queries.consistency(4, 9);
    BOOST_REQUIRE(consistency.ok());
    BOOST_TEST(
        verify_consistency(4, 9, (*head)->root_hash, (*second)->root_hash, *consistency).ok());
    auto events = store.events(0, 9);
    BOOST_REQUIRE(events.ok() && events->size() == 9u);
    const Hash leaf = event_leaf_hash((*events)[6]);
    auto proof = queries.inclusion_by_hash(leaf, 9);
    BOOST_REQUIRE(proof.ok());
    BOOST_TEST(proof->leaf_index == 6u);
    BOOST_TEST(verify_inclusion(6, 9, leaf, proof->path, (*second)->root_hash).ok());
    auto report = self_check(store, 4);
    BOOST_REQUIRE(report.ok());
    BOOST_TEST(report->leaves_checked == 9u);
    BOOST_TEST(report->problems.empty());
    // A sequencer opened afresh resumes at the stored head.
    auto reopened = LogSequencer::open(store, signer, clock);
    BOOST_REQUIRE(reopened.ok());
    BOOST_TEST((*reopened)->head()->tree_size == 9u);
}

}  // namespace procura::ledger::contract

#define PROCURA_LOG_CONTRACT_CASE(name, make_subject) \
    BOOST_AUTO_TEST_CASE(name) { procura::ledger::contract::name(make_subject); }

#define PROCURA_LOG_STORE_CONTRACT_TESTS(make_subject)                                         \
    PROCURA_LOG_CONTRACT_CASE(an_empty_store_has_no_head_no_events_and_no_nodes, make_subject) \
    PROCURA_LOG_CONTRACT_CASE(events_are_read_after_a_seq_in_pages_exactly_as_chained,         \
                              make_subject)                                                    \
    PROCURA_LOG_CONTRACT_CASE(integrate_stores_the_nodes_and_the_head_together, make_subject)  \
    PROCURA_LOG_CONTRACT_CASE(integrate_refuses_a_head_that_moved_and_stores_nothing,          \
                              make_subject)                                                    \
    PROCURA_LOG_CONTRACT_CASE(integrate_of_a_node_or_head_stored_before_stores_nothing,        \
                              make_subject)                                                    \
    PROCURA_LOG_CONTRACT_CASE(leaf_index_finds_the_lowest_leaf_with_a_hash_and_no_inner_node,  \
                              make_subject)                                                    \
    PROCURA_LOG_CONTRACT_CASE(the_sequencer_signs_heads_that_the_queries_prove, make_subject)
