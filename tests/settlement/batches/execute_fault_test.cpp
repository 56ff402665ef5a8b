// Execution (BatchService::execute) over the fakes with store failures injected through
// FaultyBatchStore and FaultyMoneyStore: a posting that failed changes nothing, a posting whose
// reply was lost is not posted again, a finish that failed leaves the batch executing; in every
// case a rerun ends exactly where an uninterrupted execution ends (ledger, state, bank files).
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "settlement/batches/service.hpp"
#include "tests/settlement/batches/fake_world.hpp"
#include "tests/support/faulty_batch_store.hpp"
#include "tests/support/faulty_money_store.hpp"

namespace {

using namespace procura::settlement::batches;
using namespace procura::settlement::batches::testdata;
using procura::testing::FaultKind;
using procura::testing::FaultPlan;

// The World, its service reaching both stores through fault-injecting wrappers.
struct FaultyWorld : World {
    FaultPlan batch_faults;
    FaultPlan money_faults;
    procura::testing::FaultyBatchStore faulty_store{store, batch_faults};
    procura::testing::FaultyMoneyStore faulty_money{money_store, money_faults};

    FaultyWorld() {
        service = std::make_unique<BatchService>(faulty_store, faulty_money, clock, xsd_path);
    }

    // The money in the ledger: how many transfers, and the balances of every account that has
    // any (execution opens the payees' accounts before it posts; an empty account moves nothing).
    std::string ledger_text() {
        auto facts = money_store.ledger_facts();
        BOOST_REQUIRE(facts.ok());
        std::string out = "transfers " + std::to_string(facts->transfer_count) + "\n";
        for (const auto& a : facts->accounts) {
            const auto& b = a.account.balances;
            if (b.debits_pending == 0 && b.debits_posted == 0 && b.credits_pending == 0 &&
                b.credits_posted == 0) {
                continue;
            }
            out += std::to_string(a.account.id) + " " + std::to_string(b.debits_pending) + " " +
                   std::to_string(b.debits_posted) + " " + std::to_string(b.credits_pending) + " " +
                   std::to_string(b.credits_posted) + "\n";
        }
        return out;
    }

    BatchState state(std::int64_t id) {
        auto b = service->get(alice, id);
        BOOST_REQUIRE(b.ok());
        return b->state;
    }
};

// What an uninterrupted execution of the World's batch ends with (World::fingerprint).
std::string uninterrupted() {
    World reference;
    const std::int64_t id = reference.approved_batch();
    BOOST_REQUIRE(reference.service->execute(alice, id).ok());
    return reference.fingerprint(id);
}

void require_lost_connection(const procura::core::Result<Batch>& r) {
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST((r.error().kind == procura::core::ErrorKind::unavailable));
    BOOST_TEST(r.error().code == "db_unavailable");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(batch_execute_faults)

BOOST_AUTO_TEST_CASE(a_posting_that_failed_changes_nothing_and_a_rerun_posts_once) {
    const std::string expected = uninterrupted();
    FaultyWorld w;
    const std::int64_t id = w.approved_batch();
    const std::string ledger_before = w.ledger_text();
    w.money_faults.fail_before("apply_batch");
    require_lost_connection(w.service->execute(alice, id));
    BOOST_TEST(w.money_faults.injected("apply_batch") == 1u);
    BOOST_TEST(w.ledger_text() == ledger_before);
    BOOST_TEST((w.state(id) == BatchState::executing));
    BOOST_TEST(w.batch_faults.calls("finish_execution") == 0u);

    w.clock.advance_ms(60'000);  // the rerun happens later: nothing may depend on it
    auto done = w.service->execute(bob, id);
    BOOST_REQUIRE_MESSAGE(done.ok(), (done.ok() ? std::string() : done.error().message));
    BOOST_TEST((done->state == BatchState::executed));
    BOOST_TEST(w.fingerprint(id) == expected);
    BOOST_TEST(w.ledger.check()->ok());
}

BOOST_AUTO_TEST_CASE(a_posting_whose_reply_was_lost_is_not_posted_twice_and_the_rerun_finishes) {
    const std::string expected = uninterrupted();
    FaultyWorld w;
    const std::int64_t id = w.approved_batch();
    w.money_faults.fail_after("apply_batch");
    require_lost_connection(w.service->execute(alice, id));
    BOOST_TEST(w.money_faults.injected("apply_batch") == 1u);
    BOOST_TEST((w.state(id) == BatchState::executing));
    // Posted, though the execution could not know: it can no longer be cancelled.
    const std::string posted = w.ledger_text();
    auto refused = w.service->cancel(bob, id, "the execution failed");
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.error().code == "batch_posted");

    w.clock.advance_ms(60'000);
    auto done = w.service->execute(bob, id);
    BOOST_REQUIRE_MESSAGE(done.ok(), (done.ok() ? std::string() : done.error().message));
    BOOST_TEST((done->state == BatchState::executed));
    BOOST_TEST(w.ledger_text() == posted);  // the rerun's transfers all existed already
    BOOST_TEST(w.fingerprint(id) == expected);
    BOOST_TEST(w.ledger.check()->ok());
}

BOOST_AUTO_TEST_CASE(a_failed_finish_leaves_the_batch_executing_and_a_rerun_finishes_it) {
    const std::string expected = uninterrupted();
    for (const FaultKind kind :
         {FaultKind::fail_before, FaultKind::fail_commit, FaultKind::deadlock}) {
        BOOST_TEST_CONTEXT("fault " << static_cast<int>(kind)) {
            FaultyWorld w;
            const std::int64_t id = w.approved_batch();
            w.batch_faults.add({"finish_execution", kind});
            auto failed = w.service->execute(alice, id);
            BOOST_REQUIRE(!failed.ok());
            BOOST_TEST(w.batch_faults.injected("finish_execution") == 1u);
            BOOST_TEST((w.state(id) == BatchState::executing));
            auto file = w.service->file(alice, id, 1);
            BOOST_REQUIRE(!file.ok());
            BOOST_TEST(file.error().code == "file_not_found");
            const std::string posted = w.ledger_text();

            w.clock.advance_ms(60'000);
            auto done = w.service->execute(bob, id);
            BOOST_REQUIRE_MESSAGE(done.ok(), (done.ok() ? std::string() : done.error().message));
            BOOST_TEST((done->state == BatchState::executed));
            BOOST_TEST(w.ledger_text() == posted);
            // The same bank files, byte for byte, as an uninterrupted execution writes.
            BOOST_TEST(w.fingerprint(id) == expected);
            BOOST_TEST(w.ledger.check()->ok());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_finish_whose_reply_was_lost_is_found_finished_by_the_rerun) {
    const std::string expected = uninterrupted();
    FaultyWorld w;
    const std::int64_t id = w.approved_batch();
    w.batch_faults.fail_after("finish_execution");
    require_lost_connection(w.service->execute(alice, id));
    BOOST_TEST((w.state(id) == BatchState::executed));
    auto done = w.service->execute(bob, id);
    BOOST_REQUIRE(done.ok());
    BOOST_TEST(w.batch_faults.calls("finish_execution") == 1u);  // not written again
    BOOST_TEST(w.fingerprint(id) == expected);
}

BOOST_AUTO_TEST_SUITE_END()
