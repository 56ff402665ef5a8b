// The audit log over MariaDB: the LogStore contract (tests/ledger/store_contract.hpp, also run on
// the fake), and MySQLLogStore with the sequencer, the queries and the self-check, compared with
// the in-memory tree and checked with the independent verifier.
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "db/audit_sql.hpp"
#include "ledger/log.hpp"
#include "ledger/merkle_verify.hpp"
#include "ledger/mysql_log_store.hpp"
#include "signing/message_signature.hpp"
#include "tests/ledger/store_contract.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace procura;
using ledger::Hash;
using ledger::LogSequencer;
namespace testing = procura::testing;

struct LogFixture {
    std::unique_ptr<db::ConnectionPool> pool = testing::open_fresh_migrated_pool("log", 4);
    ledger::MySQLLogStore store{*pool};
    core::ManualClock clock{1'800'000'000'000};
    signing::PrivateKey key = *signing::PrivateKey::generate_ec_p256();
    ledger::HeadSigner signer = [this](std::string_view text) {
        return signing::sign_message(key, text);
    };

    // Appends n events in one transaction.
    void add_events(int n, const std::string& action = "thing.changed") {
        auto status =
            db::run_transaction(*pool, "test.events", [&](db::Transaction& tx) -> core::Status {
                for (int i = 0; i < n; ++i) {
                    PROCURA_TRY_ASSIGN(
                        auto stored,
                        db::append_audit_event(
                            tx, core::AuditEvent{clock.now_ms(), 1, action, "thing", i, 1,
                                                 "{\"n\":" + std::to_string(i) + "}"}));
                }
                return {};
            });
        BOOST_REQUIRE_MESSAGE(status.ok(), (status.ok() ? std::string() : status.error().message));
    }

    ledger::MemoryTree memory_tree() {
        ledger::MemoryTree tree;
        std::uint64_t start = 0;
        for (;;) {
            auto page = store.events(start, 1000);
            BOOST_REQUIRE(page.ok());
            if (page->empty()) return tree;
            for (const auto& e : *page) tree.append(ledger::event_leaf_hash(e));
            start += page->size();
        }
    }

    std::unique_ptr<LogSequencer> sequencer() {
        auto opened = LogSequencer::open(store, signer, clock);
        BOOST_REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? std::string() : opened.error().message));
        return std::move(*opened);
    }
};

// The LogStore contract over a fresh database: events appended as the modules' stores append
// theirs (db::append_audit_events, one transaction).
ledger::contract::LogUnderTest mysql_subject() {
    struct Owned {
        std::unique_ptr<db::ConnectionPool> pool = testing::open_fresh_migrated_pool("logstore", 4);
        ledger::MySQLLogStore store{*pool};
    };
    auto owned = std::make_shared<Owned>();
    return {owned, &owned->store, [owned](const std::vector<core::AuditEvent>& events) {
                auto status = db::run_transaction(
                    *owned->pool, "test.events", [&](db::Transaction& tx) -> core::Status {
                        PROCURA_TRY_ASSIGN(auto stored, db::append_audit_events(tx, events));
                        return {};
                    });
                BOOST_REQUIRE_MESSAGE(status.ok(),
                                      (status.ok() ? std::string() : status.error().message));
            }};
}

BOOST_AUTO_TEST_SUITE(mysql_log_store)
PROCURA_LOG_STORE_CONTRACT_TESTS(mysql_subject())
BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(mysql_log, LogFixture)

BOOST_AUTO_TEST_CASE(sequencer_signs_heads_that_match_the_memory_tree) {
    add_events(1500);
    auto seq = sequencer();
    BOOST_TEST(!seq->head().has_value());
    std::vector<ledger::SignedTreeHead> heads;
    for (;;) {
        auto head = seq->step(600);
        BOOST_REQUIRE(head.ok());
        if (!*head) break;
        heads.push_back(**head);
        clock.advance_ms(10);
    }
    BOOST_REQUIRE(heads.size() == 3u);
    BOOST_TEST(heads[0].tree_size == 600u);
    BOOST_TEST(heads[1].tree_size == 1200u);
    BOOST_TEST(heads[2].tree_size == 1500u);

    ledger::MemoryTree tree = memory_tree();
    BOOST_REQUIRE(tree.size() == 1500u);
    for (const auto& head : heads) {
        auto root = ledger::root_hash(tree, head.tree_size);
        BOOST_REQUIRE(root.ok());
        BOOST_TEST((*root == head.root_hash));
        BOOST_TEST(
            signing::verify_message(key.public_key_pem(), ledger::signed_text(head), head.signature)
                .ok());
    }
    auto latest = store.latest_head();
    BOOST_REQUIRE(latest.ok() && latest->has_value());
    BOOST_TEST((*latest)->tree_size == 1500u);

    // Proofs read from MariaDB equal those of the memory tree and pass the independent check.
    ledger::LogQueries queries(store);
    for (std::uint64_t index : {0ull, 1ull, 599ull, 600ull, 1023ull, 1499ull}) {
        auto proof = queries.inclusion(index, 1500);
        BOOST_REQUIRE(proof.ok());
        auto expected = ledger::inclusion_proof(tree, index, 1500);
        BOOST_REQUIRE(expected.ok());
        BOOST_TEST((proof->path == *expected));
        BOOST_TEST(
            ledger::verify_inclusion(index, 1500, proof->leaf_hash, proof->path, heads[2].root_hash)
                .ok());
        auto by_hash = queries.inclusion_by_hash(proof->leaf_hash, 1500);
        BOOST_REQUIRE(by_hash.ok());
        BOOST_TEST(by_hash->leaf_index == index);
    }
    for (auto [first, second] : {std::pair{600ull, 1500ull},
                                 {1200ull, 1500ull},
                                 {1ull, 1500ull},
                                 {1023ull, 1024ull},
                                 {1500ull, 1500ull}}) {
        auto proof = queries.consistency(first, second);
        BOOST_REQUIRE(proof.ok());
        auto first_root = ledger::root_hash(tree, first);
        auto second_root = ledger::root_hash(tree, second);
        BOOST_TEST(
            ledger::verify_consistency(first, second, *first_root, *second_root, *proof).ok());
    }
    auto entries = queries.entries(10, 20);
    BOOST_REQUIRE(entries.ok());
    BOOST_REQUIRE(entries->size() == 10u);
    BOOST_TEST((*entries)[0].seq == 11);
}

BOOST_AUTO_TEST_CASE(a_reopened_sequencer_resumes_where_the_last_head_ends) {
    add_events(37);
    BOOST_REQUIRE(sequencer()->step().ok());
    auto again = sequencer();
    BOOST_REQUIRE(again->head().has_value());
    BOOST_TEST(again->head()->tree_size == 37u);
    auto nothing = again->step();
    BOOST_REQUIRE(nothing.ok());
    BOOST_TEST(!nothing->has_value());
    add_events(5);
    auto more = again->step();
    BOOST_REQUIRE(more.ok() && more->has_value());
    BOOST_TEST((*more)->tree_size == 42u);
    auto root = ledger::root_hash(store, 42);
    BOOST_REQUIRE(root.ok());
    BOOST_TEST((*root == (*more)->root_hash));
}

BOOST_AUTO_TEST_CASE(two_sequencers_never_sign_two_heads_for_one_size) {
    add_events(10);
    auto a = sequencer();
    auto b = sequencer();
    BOOST_REQUIRE(a->step().ok());
    auto loser = b->step();
    BOOST_REQUIRE(!loser.ok());
    BOOST_TEST(loser.error().code == "log_head_moved");
    // The loser reloaded: it now continues from the winner's head.
    BOOST_REQUIRE(b->head().has_value());
    BOOST_TEST(b->head()->tree_size == 10u);
    add_events(3);
    auto next = b->step();
    BOOST_REQUIRE(next.ok() && next->has_value());
    BOOST_TEST((*next)->tree_size == 13u);
    BOOST_TEST(testing::query_int64(*pool, "SELECT COUNT(*) FROM log_heads") == 2);
}

BOOST_AUTO_TEST_CASE(a_sequencer_refuses_to_sign_over_altered_nodes) {
    add_events(6);
    BOOST_REQUIRE(sequencer()->step().ok());
    // The decomposition of 6 is the nodes (2, 0) and (1, 2): alter the first.
    testing::execute_sql(*pool,
                         "UPDATE log_nodes SET hash = UNHEX(SHA2('x', 256)) "
                         "WHERE level = 2 AND idx = 0");
    auto opened = LogSequencer::open(store, signer, clock);
    BOOST_REQUIRE(!opened.ok());
    BOOST_TEST(opened.error().code == "log_inconsistent");
}

BOOST_AUTO_TEST_CASE(self_check_finds_a_changed_event_row) {
    add_events(20);
    BOOST_REQUIRE(sequencer()->step().ok());
    auto honest = ledger::self_check(store, 7);
    BOOST_REQUIRE(honest.ok());
    BOOST_TEST(honest->leaves_checked == 20u);
    BOOST_TEST(honest->problems.empty());
    testing::execute_sql(*pool, "UPDATE audit_events SET action = 'thing.erased' WHERE seq = 13");
    auto report = ledger::self_check(store, 7);
    BOOST_REQUIRE(report.ok());
    BOOST_REQUIRE(report->problems.size() == 2u);  // the leaf, then the root
    BOOST_TEST(report->problems[0].find("leaf 12 (audit event seq 13)") != std::string::npos,
               report->problems[0]);
}

BOOST_AUTO_TEST_CASE(queries_refuse_what_no_head_covers) {
    ledger::LogQueries queries(store);
    auto empty = queries.latest();
    BOOST_REQUIRE(!empty.ok());
    BOOST_TEST(empty.error().code == "log_empty");
    add_events(4);
    BOOST_REQUIRE(sequencer()->step().ok());
    BOOST_TEST(queries.entries(0, 5).error().code == "beyond_latest_head");
    BOOST_TEST(queries.entries(3, 3).error().code == "bad_range");
    BOOST_TEST(queries.entries(0, 1001).error().code == "bad_range");
    BOOST_TEST(queries.inclusion(4, 4).error().code == "bad_index");
    BOOST_TEST(queries.inclusion(0, 5).error().code == "beyond_latest_head");
    BOOST_TEST(queries.consistency(0, 4).error().code == "bad_range");
    BOOST_TEST(queries.consistency(3, 2).error().code == "bad_range");
    BOOST_TEST(queries.inclusion_by_hash(Hash{}, 4).error().code == "leaf_not_found");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
