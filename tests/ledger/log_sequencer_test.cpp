// The log sequencer (ledger/log.hpp) over FakeLogStore behind a FaultyLogStore: a failed
// integrate, a lost reply of one, a failed read of the events and a head moved by another
// sequencer each leave the log as the store holds it, and the next step carries on from there
// with heads that extend the earlier ones. The fake itself is held to the LogStore contract in
// fake_log_store_test.cpp.
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/hash.hpp"
#include "ledger/log.hpp"
#include "ledger/merkle_verify.hpp"
#include "tests/ledger/fake_log_store.hpp"
#include "tests/support/faulty_log_store.hpp"

namespace {

using namespace procura;
using ledger::Hash;
using ledger::LogSequencer;
using ledger::SignedTreeHead;
using procura::testing::FaultKind;

struct SequencerFixture {
    ledger::FakeLogStore fake;
    procura::testing::FaultPlan faults;
    procura::testing::FaultyLogStore store{fake, faults};
    core::ManualClock clock{1'800'000'000'000};
    // A stand-in for the log key: the sequencer only needs some signature over the text.
    ledger::HeadSigner signer = [](std::string_view text) -> core::Result<std::string> {
        return "signed " + core::sha256_hex(text);
    };

    void add_events(int n) {
        for (int i = 0; i < n; ++i) {
            fake.append_event(core::AuditEvent{clock.now_ms(), 1, "thing.changed", "thing", i, 1,
                                               "{\"n\":" + std::to_string(i) + "}"});
        }
    }

    std::unique_ptr<LogSequencer> sequencer() {
        auto opened = LogSequencer::open(store, signer, clock);
        BOOST_REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? std::string() : opened.error().message));
        return std::move(*opened);
    }

    SignedTreeHead step(LogSequencer& sequencer) {
        auto head = sequencer.step();
        BOOST_REQUIRE_MESSAGE(head.ok(), (head.ok() ? std::string() : head.error().code));
        BOOST_REQUIRE(head->has_value());
        clock.advance_ms(10);
        return **head;
    }

    std::uint64_t stored_size() {
        auto head = fake.latest_head();
        BOOST_REQUIRE(head.ok());
        return *head ? (*head)->tree_size : 0;
    }

    // head is the root of its first tree_size events, the stored nodes give the same root, and
    // it extends earlier (a consistency proof from it verifies).
    void require_sound(const SignedTreeHead& head, const SignedTreeHead* earlier = nullptr) {
        auto events = fake.events(0, head.tree_size);
        BOOST_REQUIRE(events.ok());
        BOOST_REQUIRE(events->size() == head.tree_size);
        ledger::MemoryTree tree;
        for (const auto& e : *events) tree.append(ledger::event_leaf_hash(e));
        BOOST_TEST((tree.root() == head.root_hash));
        auto stored_root = ledger::root_hash(fake, head.tree_size);
        BOOST_REQUIRE(stored_root.ok());
        BOOST_TEST((*stored_root == head.root_hash));
        if (earlier == nullptr) return;
        auto proof = ledger::consistency_proof(fake, earlier->tree_size, head.tree_size);
        BOOST_REQUIRE(proof.ok());
        BOOST_TEST(ledger::verify_consistency(earlier->tree_size, head.tree_size,
                                              earlier->root_hash, head.root_hash, *proof)
                       .ok());
    }

    std::vector<std::uint64_t> stored_sizes() {
        std::vector<std::uint64_t> out;
        for (const SignedTreeHead& h : fake.heads()) out.push_back(h.tree_size);
        return out;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(log_sequencer, SequencerFixture)

BOOST_AUTO_TEST_CASE(a_failed_integrate_leaves_the_head_and_the_next_step_integrates_everything) {
    for (const FaultKind kind :
         {FaultKind::fail_before, FaultKind::fail_commit, FaultKind::deadlock}) {
        BOOST_TEST_CONTEXT("fault " << static_cast<int>(kind)) {
            SequencerFixture f;
            f.add_events(5);
            auto seq = f.sequencer();
            const SignedTreeHead first = f.step(*seq);
            f.add_events(4);
            const std::size_t nodes = f.fake.node_count();
            f.faults.add({"integrate", kind});
            auto failed = seq->step();
            BOOST_REQUIRE(!failed.ok());
            BOOST_TEST(f.faults.injected("integrate") == 1u);
            BOOST_REQUIRE(seq->head().has_value());
            BOOST_TEST(seq->head()->tree_size == 5u);
            BOOST_TEST((seq->head()->root_hash == first.root_hash));
            BOOST_TEST((f.stored_sizes() == std::vector<std::uint64_t>{5}));
            BOOST_TEST(f.fake.node_count() == nodes);

            f.add_events(3);
            const SignedTreeHead next = f.step(*seq);
            BOOST_TEST(next.tree_size == 12u);
            BOOST_TEST((f.stored_sizes() == std::vector<std::uint64_t>{5, 12}));
            f.require_sound(next, &first);
        }
    }
}

BOOST_AUTO_TEST_CASE(an_integrate_whose_reply_was_lost_is_followed_not_signed_again) {
    add_events(5);
    auto seq = sequencer();
    const SignedTreeHead first = step(*seq);
    add_events(4);
    faults.fail_after("integrate");
    auto lost = seq->step();
    BOOST_REQUIRE(!lost.ok());
    BOOST_TEST(lost.error().code == "db_unavailable");
    // The store did integrate: the sequencer reloaded and follows the stored head.
    BOOST_TEST(stored_size() == 9u);
    BOOST_REQUIRE(seq->head().has_value());
    BOOST_TEST(seq->head()->tree_size == 9u);
    auto nothing = seq->step();
    BOOST_REQUIRE(nothing.ok());
    BOOST_TEST(!nothing->has_value());

    add_events(3);
    const SignedTreeHead next = step(*seq);
    BOOST_TEST(next.tree_size == 12u);
    BOOST_TEST((stored_sizes() == std::vector<std::uint64_t>{5, 9, 12}));
    require_sound(next, &first);
}

BOOST_AUTO_TEST_CASE(a_failed_read_of_the_events_changes_nothing) {
    add_events(5);
    auto seq = sequencer();
    const SignedTreeHead first = step(*seq);
    add_events(4);
    const std::size_t nodes = fake.node_count();
    faults.fail_before("events");
    auto failed = seq->step();
    BOOST_REQUIRE(!failed.ok());
    BOOST_TEST(failed.error().code == "db_unavailable");
    BOOST_TEST(faults.injected("events") == 1u);
    BOOST_TEST(faults.calls("integrate") == 1u);  // the first step's only
    BOOST_TEST(seq->head()->tree_size == 5u);
    BOOST_TEST((stored_sizes() == std::vector<std::uint64_t>{5}));
    BOOST_TEST(fake.node_count() == nodes);

    const SignedTreeHead next = step(*seq);
    BOOST_TEST(next.tree_size == 9u);
    require_sound(next, &first);
}

BOOST_AUTO_TEST_CASE(a_head_moved_by_another_sequencer_is_followed) {
    add_events(10);
    procura::testing::FaultPlan other_faults;
    procura::testing::FaultyLogStore other_store{fake, other_faults};
    auto a = sequencer();
    auto opened = LogSequencer::open(other_store, signer, clock);
    BOOST_REQUIRE(opened.ok());
    std::unique_ptr<LogSequencer> b = std::move(*opened);

    const SignedTreeHead first = step(*a);
    auto loser = b->step();
    BOOST_REQUIRE(!loser.ok());
    BOOST_TEST(loser.error().code == "log_head_moved");
    BOOST_TEST(other_faults.calls("latest_head") == 2u);  // opened, then reloaded
    BOOST_REQUIRE(b->head().has_value());
    BOOST_TEST(b->head()->tree_size == 10u);
    BOOST_TEST((b->head()->root_hash == first.root_hash));
    BOOST_TEST((stored_sizes() == std::vector<std::uint64_t>{10}));

    add_events(3);
    const SignedTreeHead next = step(*b);
    BOOST_TEST(next.tree_size == 13u);
    require_sound(next, &first);
    // And the first sequencer, now behind, follows in turn.
    auto behind = a->step();
    BOOST_REQUIRE(!behind.ok());
    BOOST_TEST(behind.error().code == "log_head_moved");
    BOOST_TEST(a->head()->tree_size == 13u);
    BOOST_TEST((stored_sizes() == std::vector<std::uint64_t>{10, 13}));
}

BOOST_AUTO_TEST_SUITE_END()
