#include "settlement/batches/service.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <stdexcept>

#include "money/service.hpp"
#include "tests/money/fake_store.hpp"
#include "tests/settlement/batch_fake_store.hpp"
#include "tests/settlement/batch_fixtures.hpp"

namespace {

using namespace procura::settlement;
using namespace procura::settlement::testdata;
using procura::core::Caller;
using procura::core::Role;
namespace money = procura::money;

const std::string xsd = PROCURA_PAIN001_XSD;
const Caller alice{1, Role::finance, "alice"};
const Caller bob{2, Role::finance, "bob"};
const Caller olga{3, Role::officer, "olga"};

bool have_xsd() {
    std::error_code ec;
    if (std::filesystem::is_regular_file(xsd, ec)) return true;
    BOOST_TEST_MESSAGE("skipped: schema file missing: " << xsd);
    return false;
}

struct Crash : std::runtime_error {
    Crash() : std::runtime_error("crash") {}
};

// A batch service over fakes, with two milestones due, a losing bid and a declined winner
// holding pending deposits in the fake ledger.
struct World {
    procura::core::ManualClock clock{1'790'000'000'000};
    FakeBatchStore store;
    money::FakeMoneyStore money_store;
    money::LedgerService ledger{money_store, clock};
    std::string xsd_path = xsd;
    std::unique_ptr<BatchService> service =
        std::make_unique<BatchService>(store, money_store, clock, xsd_path);

    World() {
        store.input.milestones = {milestone(1, 1'000, 12'345, 11), milestone(2, 2'000, 500, 12)};
        store.input.awards = {award(1, AwardState::declined, 100, 200),
                              award(2, AwardState::awarded, 300)};
        store.input.deposits = {deposit(1), deposit(3)};
        for (const DepositCandidate& d : store.input.deposits) hold(d);
    }

    void hold(const DepositCandidate& d) {
        money::Account from;
        from.owner = money::OwnerKind::supplier;
        from.owner_id = d.supplier_id;
        from.currency = d.currency;
        from.kind = money::AccountKind::bid_security;
        money::Account to;
        to.owner = money::OwnerKind::tender_escrow;
        to.owner_id = d.tender_id;
        to.currency = d.currency;
        to.kind = money::AccountKind::escrow;
        money::Transfer t;
        t.id = d.pending_id;
        t.kind = money::TransferKind::pending;
        t.debit_account_id = ledger.account_for(0, from)->id;
        t.credit_account_id = ledger.account_for(0, to)->id;
        t.amount_minor = d.amount_minor;
        t.currency = d.currency;
        t.code = 1;
        auto r = ledger.create_transfers(0, {t});
        BOOST_REQUIRE(r.ok());
        BOOST_REQUIRE((r->front().status == money::TransferStatus::created));
    }

    std::int64_t approved_batch() {
        auto b = service->prepare(alice, 1'000'000);
        BOOST_REQUIRE(b.ok());
        auto a = service->approve(bob, b->id);
        BOOST_REQUIRE(a.ok());
        return b->id;
    }

    // Everything execution changes, for comparisons.
    std::string fingerprint(std::int64_t id) {
        std::string out;
        auto facts = money_store.ledger_facts();
        BOOST_REQUIRE(facts.ok());
        out += "transfers " + std::to_string(facts->transfer_count) + "\n";
        for (const auto& a : facts->accounts) {
            const auto& b = a.account.balances;
            out += std::to_string(a.account.id) + " " + std::to_string(b.debits_pending) + " " +
                   std::to_string(b.debits_posted) + " " + std::to_string(b.credits_pending) +
                   " " + std::to_string(b.credits_posted) + "\n";
        }
        auto batch = service->get(alice, id);
        BOOST_REQUIRE(batch.ok());
        out += "state " + std::string(to_string(batch->state)) + "\n";
        for (const auto& f : batch->files) {
            auto file = service->file(alice, id, f.number);
            BOOST_REQUIRE(file.ok());
            out += file->xml;
        }
        return out;
    }
};

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

BOOST_AUTO_TEST_CASE(execute_posts_once_and_a_rerun_changes_nothing) {
    if (!have_xsd()) return;
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
    if (!have_xsd()) return;
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
    if (!have_xsd()) return;
    World a;
    World b;
    const std::int64_t ia = a.approved_batch();
    const std::int64_t ib = b.approved_batch();
    BOOST_REQUIRE(a.service->execute(alice, ia).ok());
    b.clock.advance_ms(3'600'000);
    BOOST_REQUIRE(b.service->execute(alice, ib).ok());
    BOOST_TEST(a.service->file(alice, ia, 1)->xml == b.service->file(alice, ib, 1)->xml);
    BOOST_TEST(a.service->file(alice, ia, 1)->sha256_hex == b.service->file(alice, ib, 1)->sha256_hex);
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

BOOST_AUTO_TEST_CASE(a_deposit_released_elsewhere_fails_the_whole_group) {
    if (!have_xsd()) return;
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
}

BOOST_AUTO_TEST_CASE(buyer_accounts_are_set_by_finance_or_admin) {
    World w;
    BuyerAccount a;
    a.buyer_id = "TOWN-1";
    a.name = "Town of Example";
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

BOOST_AUTO_TEST_SUITE_END()
