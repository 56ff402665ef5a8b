#include "money/service.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/money/fake_store.hpp"
#include "tests/money/store_contract.hpp"

namespace {

using namespace procura::money;
using namespace procura::money::contract;
using procura::core::ErrorKind;

// A ledger over a fake store that the test can also reach.
struct FakeLedger {
    std::shared_ptr<FakeMoneyStore> store = std::make_shared<FakeMoneyStore>();
    Ledger ledger{StoreUnderTest{store, store.get()}};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ledger_service)

BOOST_AUTO_TEST_CASE(an_empty_or_oversized_batch_is_refused) {
    FakeLedger f;
    auto empty = f.ledger.service->create_transfers(actor, {});
    BOOST_REQUIRE(!empty.ok());
    BOOST_TEST(empty.error().code == "batch_empty");
    LedgerService small(*f.store, f.ledger.clock, LedgerLimits{2});
    auto big = small.create_transfers(
        actor, {single("a", 2, 3, 1), single("b", 2, 3, 1), single("c", 2, 3, 1)});
    BOOST_REQUIRE(!big.ok());
    BOOST_TEST((big.error().kind == ErrorKind::payload_too_large));
    BOOST_TEST(f.store->audit_events().size() == 4u);  // the four accounts only
}

BOOST_AUTO_TEST_CASE(errors_name_the_field_at_fault) {
    FakeLedger f;
    Ledger& l = f.ledger;
    const auto r = l.submit({single("a1", l.buyer, l.wallet, 0), single("a2", 999, l.wallet, 1),
                             single("a3", l.buyer, 999, 1), single("a4", l.buyer, l.usd, 1),
                             single(std::string(65, 'x'), l.buyer, l.wallet, 1)});
    BOOST_TEST(r[0].error->field == "amount_minor");
    BOOST_TEST((r[0].error->kind == ErrorKind::unprocessable));
    BOOST_TEST(r[1].error->field == "debit_account_id");
    BOOST_TEST((r[1].error->kind == ErrorKind::not_found));
    BOOST_TEST(r[2].error->field == "credit_account_id");
    BOOST_TEST(r[3].error->field == "currency");
    BOOST_TEST(r[4].error->code == "bad_transfer_id");
    BOOST_TEST(r[4].error->field == "id");
    Transfer bad_code = single("a5", l.buyer, l.wallet, 1);
    bad_code.code = 70000;
    Transfer long_reference = single("a6", l.buyer, l.wallet, 1);
    long_reference.reference = std::string(129, 'r');
    Transfer pending_on_single = single("a7", l.buyer, l.wallet, 1);
    pending_on_single.pending_id = "p";
    const auto more = l.submit({bad_code, long_reference, pending_on_single,
                                resolution("a8", TransferKind::post_pending, "")});
    require_failed(more[0], "bad_code");
    require_failed(more[1], "reference_too_long");
    require_failed(more[2], "unexpected_pending_id");
    require_failed(more[3], "pending_id_required");
    BOOST_TEST(f.store->audit_events().size() == 4u);
}

BOOST_AUTO_TEST_CASE(bad_accounts_are_refused) {
    FakeLedger f;
    auto r = f.ledger.service->open_account(actor, account_spec(OwnerKind::buyer, 1, "EURO"));
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().code == "bad_currency");
    r = f.ledger.service->open_account(
        actor, account_spec(OwnerKind::buyer, 1, "EUR", AccountKind::operating, {true, true}));
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().code == "contradictory_flags");
    r = f.ledger.service->open_account(actor, account_spec(OwnerKind::supplier, 0));
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().code == "bad_owner_id");
}

BOOST_AUTO_TEST_CASE(every_created_transfer_has_its_audit_event) {
    FakeLedger f;
    Ledger& l = f.ledger;
    const auto r =
        l.submit({single("t1", l.buyer, l.wallet, 10), single("t2", l.buyer, l.wallet, 0),
                  pending("p1", l.wallet, l.platform, 4)});
    const auto events = f.store->audit_events();
    BOOST_REQUIRE_EQUAL(events.size(), 6u);
    BOOST_TEST(events[4].entity_type == "transfer");
    BOOST_TEST(events[4].entity_id == r[0].row_id);
    BOOST_TEST(events[4].action == "transfer.created");
    BOOST_TEST(events[4].actor_user_id == actor);
    BOOST_TEST(events[4].payload_json.find("\"amount_minor\":10") != std::string::npos);
    BOOST_TEST(events[5].entity_id == r[2].row_id);
    BOOST_TEST(events[5].action == "transfer.pending");
}

BOOST_AUTO_TEST_CASE(the_invariant_check_catches_a_corrupt_balance) {
    FakeLedger f;
    Ledger& l = f.ledger;
    l.submit({single("t1", l.buyer, l.wallet, 10)});
    l.require_invariants();
    f.store->corrupt_balances(l.wallet, Balances{5, 0, 0, 10});
    auto report = l.service->check();
    BOOST_REQUIRE(report.ok());
    BOOST_TEST(!report->ok());
    bool unbalanced = false;
    bool below_zero = false;
    bool mismatch = false;
    for (const std::string& v : report->violations) {
        unbalanced =
            unbalanced || v.find("EUR: pending debits 5 != pending credits 0") != std::string::npos;
        below_zero = below_zero || v.find("below zero") != std::string::npos;
        mismatch = mismatch || v.find("differ from its transfers") != std::string::npos;
    }
    BOOST_TEST(unbalanced);
    BOOST_TEST(mismatch);
    BOOST_TEST(!below_zero);  // 5 pending debits against 10 credits: still within the flag
    f.store->corrupt_balances(l.wallet, Balances{0, 11, 0, 10});
    report = l.service->check();
    BOOST_REQUIRE(report.ok());
    below_zero = false;
    for (const std::string& v : report->violations) {
        below_zero = below_zero || v.find("below zero") != std::string::npos;
    }
    BOOST_TEST(below_zero);
}

BOOST_AUTO_TEST_CASE(invariants_hold_on_an_empty_ledger) {
    FakeLedger f;
    auto report = f.ledger.service->check();
    BOOST_REQUIRE(report.ok());
    BOOST_TEST(report->ok());
    BOOST_TEST(report->account_count == 4);
    BOOST_TEST(report->currency_count == 2);
}

BOOST_AUTO_TEST_SUITE_END()
