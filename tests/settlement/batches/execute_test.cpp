// Execution over fakes, validating real bank files against the XSD: batch_execute_tests,
// skipped (77) by its main when the schema is missing.
#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>

#include "settlement/batches/service.hpp"
#include "tests/settlement/batches/fake_world.hpp"

namespace {

using namespace procura::settlement::batches;
using namespace procura::settlement::batches::testdata;

}  // namespace

BOOST_AUTO_TEST_SUITE(batch_execute)

BOOST_AUTO_TEST_CASE(execute_posts_once_and_a_rerun_changes_nothing) {
    World w;
    const std::int64_t id = w.approved_batch();
    auto done = w.service->execute(alice, id);
    BOOST_REQUIRE_MESSAGE(done.ok(), (done.ok() ? std::string() : done.error().message));
    BOOST_TEST((done->state == BatchState::executed));
    BOOST_REQUIRE_EQUAL(done->files.size(), 1u);
    BOOST_TEST(done->files[0].payment_count == 2);
    BOOST_TEST(done->files[0].control_sum_minor == 12'845);
    auto deposit1 = w.ledger.get_transfer(deposit(1).pending_id);
    BOOST_TEST((deposit1->pending_state == money::PendingState::posted));
    auto deposit3 = w.ledger.get_transfer(deposit(3).pending_id);
    BOOST_TEST((deposit3->pending_state == money::PendingState::voided));
    const std::string first = w.fingerprint(id);
    auto again = w.service->execute(bob, id);
    BOOST_REQUIRE(again.ok());
    BOOST_TEST(w.fingerprint(id) == first);
    BOOST_TEST(w.ledger.check()->ok());
    auto file = w.service->file(alice, id, 1);
    BOOST_REQUIRE(file.ok());
    BOOST_TEST(file->xml.find("<EndToEndId>stl:1:1</EndToEndId>") != std::string::npos);
    BOOST_TEST(file->xml.find("<NbOfTxs>2</NbOfTxs>") != std::string::npos);
    BOOST_TEST(file->xml.find("<CtrlSum>128.45</CtrlSum>") != std::string::npos);
    auto report = w.service->report(alice, id);
    BOOST_REQUIRE(report.ok());
    BOOST_TEST(report->find("4,stl:1:4,refund,deposit:") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_interrupted_execution_finishes_with_the_same_ledger_and_files) {
    World reference;
    const std::int64_t ref_id = reference.approved_batch();
    BOOST_REQUIRE(reference.service->execute(alice, ref_id).ok());
    const std::string expected = reference.fingerprint(ref_id);
    for (const char* point : execute_checkpoints) {
        BOOST_TEST_CONTEXT("crash at " << point) {
            World w;
            // Same approval instant as the reference: the file is fixed at approval.
            const std::int64_t id = w.approved_batch();
            w.service->set_checkpoint([point](std::string_view name) {
                if (name == point) throw Crash();
            });
            BOOST_CHECK_THROW((void)w.service->execute(alice, id), Crash);
            w.service->set_checkpoint({});
            w.clock.advance_ms(60'000);  // the rerun happens later: nothing may depend on it
            auto done = w.service->execute(bob, id);
            BOOST_REQUIRE(done.ok());
            BOOST_TEST(w.fingerprint(id) == expected);
            BOOST_TEST(w.ledger.check()->ok());
        }
    }
}

BOOST_AUTO_TEST_CASE(the_same_batch_gives_a_byte_identical_file) {
    World a;
    World b;
    const std::int64_t ia = a.approved_batch();
    const std::int64_t ib = b.approved_batch();
    BOOST_REQUIRE(a.service->execute(alice, ia).ok());
    b.clock.advance_ms(3'600'000);
    BOOST_REQUIRE(b.service->execute(alice, ib).ok());
    BOOST_TEST(a.service->file(alice, ia, 1)->xml == b.service->file(alice, ib, 1)->xml);
    BOOST_TEST(a.service->file(alice, ia, 1)->sha256_hex ==
               b.service->file(alice, ib, 1)->sha256_hex);
}

BOOST_AUTO_TEST_CASE(a_deposit_released_elsewhere_fails_the_whole_group) {
    World w;
    const std::int64_t id = w.approved_batch();
    money::Transfer v;
    v.id = "elsewhere";
    v.kind = money::TransferKind::void_pending;
    v.pending_id = deposit(3).pending_id;
    BOOST_REQUIRE(w.ledger.create_transfers(0, {v}).ok());
    const auto before = w.money_store.ledger_facts()->transfer_count;
    auto r = w.service->execute(alice, id);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().code == "ledger_refused");
    BOOST_TEST(w.money_store.ledger_facts()->transfer_count == before);

    // The batch stays executing with nothing posted: it can be cancelled, and its items are
    // free for a later batch.
    auto stuck = w.service->get(alice, id);
    BOOST_REQUIRE(stuck.ok());
    BOOST_TEST((stuck->state == BatchState::executing));
    auto cancelled = w.service->cancel(bob, id, "deposit 3 was released by the tender's closure");
    BOOST_REQUIRE_MESSAGE(cancelled.ok(), (cancelled.ok() ? "" : cancelled.error().message));
    BOOST_TEST((cancelled->state == BatchState::cancelled));
    BOOST_TEST(w.money_store.ledger_facts()->transfer_count == before);
    BOOST_TEST(w.store.audit_events().back().payload_json.find(
                   "\"cancelled_from\":\"executing\"") != std::string::npos);
    auto later = w.service->prepare(alice, 1'000'000);
    BOOST_REQUIRE(later.ok());
    BOOST_TEST(later->items.size() == stuck->item_count);
    auto executed_again = w.service->execute(alice, id);
    BOOST_REQUIRE(!executed_again.ok());
    BOOST_TEST(executed_again.error().code == "batch_cancelled");
}

BOOST_AUTO_TEST_CASE(a_batch_posted_but_not_finished_cannot_be_cancelled) {
    World w;
    const std::int64_t id = w.approved_batch();
    w.service->set_checkpoint([](std::string_view name) {
        if (name == "posted") throw Crash();
    });
    BOOST_CHECK_THROW((void)w.service->execute(alice, id), Crash);
    w.service->set_checkpoint({});
    const std::string before = w.fingerprint(id);
    auto refused = w.service->cancel(bob, id, "changed our mind");
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.error().code == "batch_posted");
    BOOST_TEST(w.fingerprint(id) == before);
    auto done = w.service->execute(bob, id);
    BOOST_REQUIRE(done.ok());
    BOOST_TEST((done->state == BatchState::executed));
    BOOST_TEST(w.ledger.check()->ok());
}

BOOST_AUTO_TEST_CASE(a_cancellation_during_an_execution_before_posting_stops_the_posting) {
    World w;
    const std::int64_t id = w.approved_batch();
    const auto before = w.money_store.ledger_facts()->transfer_count;
    std::optional<procura::core::Error> cancel_error;
    w.service->set_checkpoint([&](std::string_view name) {
        if (name != "files_built") return;
        // The batch is executing and nothing is posted yet.
        auto c = w.service->cancel(bob, id, "in the middle");
        if (!c.ok()) cancel_error = c.error();
    });
    auto r = w.service->execute(alice, id);
    w.service->set_checkpoint({});
    BOOST_TEST(!cancel_error.has_value());
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().code == "batch_cancelled");
    BOOST_TEST(w.money_store.ledger_facts()->transfer_count == before);
    BOOST_TEST((w.service->get(alice, id)->state == BatchState::cancelled));
    auto late = w.service->cancel(bob, id, "twice");
    BOOST_REQUIRE(!late.ok());
    BOOST_TEST(late.error().code == "batch_not_cancellable");
}

BOOST_AUTO_TEST_SUITE_END()
