#include "settlement/batches/service.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <optional>

#include "tests/settlement/batches/fake_world.hpp"

namespace {

using namespace procura::settlement::batches;
using namespace procura::settlement::batches::testdata;

}  // namespace

BOOST_AUTO_TEST_SUITE(batch_service)

BOOST_AUTO_TEST_CASE(prepare_stores_a_preview_and_takes_each_item_once) {
    World w;
    auto b = w.service->prepare(alice, 1'500);
    BOOST_REQUIRE(b.ok());
    BOOST_TEST(b->items.size() == 3u);  // milestone 1, forfeit of bid 1, refund of bid 3
    BOOST_TEST((b->state == BatchState::prepared));
    BOOST_TEST(b->items[0].milestone_id == 1);
    BOOST_TEST((b->items[1].kind == ItemKind::forfeit));
    BOOST_TEST((b->items[2].kind == ItemKind::refund));
    // Milestone 2 comes due later; the rest is taken.
    auto again = w.service->prepare(alice, 1'500);
    BOOST_REQUIRE(!again.ok());
    BOOST_TEST(again.error().code == "nothing_to_settle");
    auto later = w.service->prepare(alice, 2'000);
    BOOST_REQUIRE(later.ok());
    BOOST_REQUIRE_EQUAL(later->items.size(), 1u);
    BOOST_TEST(later->items[0].milestone_id == 2);
}

BOOST_AUTO_TEST_CASE(only_finance_prepares_and_the_preparer_cannot_approve) {
    World w;
    BOOST_TEST(w.service->prepare(olga, 5'000).error().code == "forbidden_role");
    const auto now = w.clock.now_ms();
    BOOST_TEST(w.service->prepare(alice, now + 1).error().code == "cutoff_in_future");
    BOOST_TEST(w.service->prepare(alice, -1).error().code == "bad_cutoff");
    auto b = w.service->prepare(alice, 5'000);
    BOOST_REQUIRE(b.ok());
    BOOST_TEST(w.service->approve(alice, b->id).error().code == "four_eyes");
    BOOST_TEST(w.service->execute(bob, b->id).error().code == "batch_not_approved");
    auto a = w.service->approve(bob, b->id);
    BOOST_REQUIRE(a.ok());
    BOOST_TEST((a->state == BatchState::approved));
    BOOST_TEST(a->approved_by == bob.user_id);
    BOOST_TEST(w.service->approve(bob, b->id).error().code == "batch_not_prepared");
    BOOST_TEST(w.service->approve(bob, 99).error().code == "batch_not_found");
}

BOOST_AUTO_TEST_CASE(a_cancelled_batch_frees_its_items_and_cannot_go_on) {
    World w;
    auto b = w.service->prepare(alice, 1'500);
    BOOST_REQUIRE(b.ok());
    BOOST_TEST(w.service->cancel(olga, b->id, "wrong cut-off").error().code == "forbidden_role");
    BOOST_TEST(w.service->cancel(bob, b->id, " ").error().code == "reason_required");
    BOOST_TEST(w.service->cancel(bob, b->id, std::string(1001, 'x')).error().code ==
               "reason_too_long");
    BOOST_TEST(w.service->cancel(bob, 99, "none").error().code == "batch_not_found");
    auto c = w.service->cancel(bob, b->id, "the cut-off should have been the month's end");
    BOOST_REQUIRE(c.ok());
    BOOST_TEST((c->state == BatchState::cancelled));
    BOOST_TEST(c->cancelled_by == bob.user_id);
    BOOST_TEST(c->cancel_reason == "the cut-off should have been the month's end");
    BOOST_TEST(w.service->cancel(bob, b->id, "again").error().code == "batch_not_cancellable");
    BOOST_TEST(w.service->approve(bob, b->id).error().code == "batch_not_prepared");
    BOOST_TEST(w.service->execute(alice, b->id).error().code == "batch_cancelled");
    // The same items go into the next batch.
    auto next = w.service->prepare(alice, 1'500);
    BOOST_REQUIRE(next.ok());
    BOOST_TEST(next->items.size() == b->items.size());
}

BOOST_AUTO_TEST_CASE(approved_and_unposted_executing_batches_can_be_cancelled_once) {
    World w;
    const std::int64_t approved = w.approved_batch();
    BOOST_REQUIRE(w.service->cancel(alice, approved, "approved by mistake").ok());
    const std::int64_t again = w.approved_batch();
    BOOST_TEST(w.store
                   .transition(
                       again, BatchState::approved,
                       [&] {
                           Batch b = *w.store.find_batch(again, false).value();
                           b.state = BatchState::executing;
                           b.execute_started_by = alice.user_id;
                           b.execute_started_at_ms = 1;
                           return b;
                       }(),
                       procura::core::AuditEvent{})
                   .ok());
    // Its execution stopped before posting (nothing is in the ledger): it can be cancelled.
    auto cancelled = w.service->cancel(alice, again, "the execution was refused");
    BOOST_REQUIRE(cancelled.ok());
    BOOST_TEST((cancelled->state == BatchState::cancelled));
    BOOST_TEST(w.service->cancel(alice, again, "twice").error().code == "batch_not_cancellable");
}

BOOST_AUTO_TEST_CASE(without_the_schema_execute_refuses_and_changes_nothing) {
    World w;
    w.service = std::make_unique<BatchService>(w.store, w.money_store, w.clock,
                                               "/nonexistent/pain.001.001.09.xsd");
    const std::int64_t id = w.approved_batch();
    const auto before = w.money_store.ledger_facts()->transfer_count;
    auto r = w.service->execute(alice, id);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().code == "schema_unavailable");
    BOOST_TEST(r.error().message.find("/nonexistent/pain.001.001.09.xsd") != std::string::npos);
    BOOST_TEST(w.money_store.ledger_facts()->transfer_count == before);
    BOOST_TEST((w.service->get(alice, id)->state == BatchState::approved));
}

BOOST_AUTO_TEST_CASE(buyer_accounts_are_set_by_finance_or_admin) {
    World w;
    BuyerAccount a;
    a.buyer_id = "CITY-2";
    a.name = "City of Example";
    a.iban = buyer_iban;
    BOOST_TEST(w.service->set_buyer_account(olga, a).error().code == "forbidden_role");
    auto set = w.service->set_buyer_account(alice, a);
    BOOST_REQUIRE(set.ok());
    BOOST_TEST(set->version == 1);
    auto again = w.service->set_buyer_account(Caller{9, Role::admin, "root"}, a);
    BOOST_REQUIRE(again.ok());
    BOOST_TEST(again->version == 2);
    BOOST_TEST(again->id == set->id);
}

// The audit payload of a change is hashed into the chain inside its transaction: text that is
// not valid UTF-8 must never make building it throw (it used nlohmann's default dump(), which
// does). The invalid bytes reach the payload as U+FFFD, and the payload stays valid JSON.
BOOST_AUTO_TEST_CASE(a_name_with_invalid_utf8_never_makes_the_audit_payload_throw) {
    World w;
    BuyerAccount a;
    a.buyer_id = "TOWN-1";
    a.name = std::string(
        "Town of Ex\xff"
        "ample");
    a.iban = buyer_iban;
    std::optional<procura::core::Result<BuyerAccount>> set;
    BOOST_CHECK_NO_THROW(set.emplace(w.service->set_buyer_account(alice, a)));
    BOOST_REQUIRE(set && set->ok());
    const auto events = w.store.audit_events();
    BOOST_REQUIRE(!events.empty());
    const auto payload = nlohmann::json::parse(events.back().payload_json);
    BOOST_TEST(payload["name"] ==
               "Town of Ex\xef\xbf\xbd"
               "ample");
}

BOOST_AUTO_TEST_SUITE_END()
