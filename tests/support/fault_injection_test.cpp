// The FaultPlan and the wrappers it drives: which calls a rule hits, what each kind of fault
// does to the wrapped store (FaultyTenderStore over FakeTenderStore, whose transactions roll
// back), and that the injected errors are the ones the db module makes of MariaDB's failures.
#include "tests/support/fault_injection.hpp"

#include <cppconn/exception.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "db/mysql_error.hpp"
#include "tests/support/faulty_award_store.hpp"
#include "tests/support/faulty_batch_store.hpp"
#include "tests/support/faulty_bid_store.hpp"
#include "tests/support/faulty_certificate_store.hpp"
#include "tests/support/faulty_log_store.hpp"
#include "tests/support/faulty_money_store.hpp"
#include "tests/support/faulty_supplier_store.hpp"
#include "tests/support/faulty_tender_store.hpp"
#include "tests/support/faulty_user_store.hpp"
#include "tests/tender/fake_store.hpp"

using namespace procura;
using procura::testing::FaultKind;
using procura::testing::FaultPlan;

namespace {

// A port method as the wrappers forward one: counts the calls that reach it.
struct Counter {
    int reached = 0;
    core::Result<int> operator()() { return ++reached; }
};

tender::Tender draft(const std::string& title) {
    tender::Tender t;
    t.title = title;
    t.currency = "EUR";
    return t;
}

// The titles of the tenders the fake holds, in id order.
std::vector<std::string> titles(tender::FakeTenderStore& store) {
    std::vector<std::string> out;
    for (tender::TenderId id = 1; id <= 10; ++id) {
        auto found = store.find(id);
        BOOST_REQUIRE(found.ok());
        if (*found) out.push_back((*found)->title);
    }
    return out;
}

core::Status insert(tender::TenderStore& store, const std::string& title, bool* ran = nullptr) {
    return store.in_transaction([&](tender::TenderTransaction& tx) -> core::Status {
        if (ran != nullptr) *ran = true;
        PROCURA_TRY(tx.insert_tender(draft(title)));
        return tx.append_audit(core::AuditEvent{1, 1, "tender.created", "tender", 0, 1, "{}"});
    });
}

void require_error(const core::Status& s, const core::Error& expected) {
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST((s.error().kind == expected.kind));
    BOOST_TEST(s.error().code == expected.code);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fault_injection)

BOOST_AUTO_TEST_CASE(a_rule_hits_the_nth_call_after_it_was_added_for_its_number_of_times) {
    FaultPlan plan;
    Counter store;
    BOOST_TEST(plan.call("m", std::ref(store)).ok());  // before the rule: not counted by it
    plan.fail_before("m", 2, 2);
    std::vector<bool> ok;
    for (int i = 0; i < 5; ++i) ok.push_back(plan.call("m", std::ref(store)).ok());
    BOOST_TEST((ok == std::vector<bool>{true, false, false, true, true}));
    BOOST_TEST(store.reached == 4);  // 6 calls, 2 refused before the store
    BOOST_TEST(plan.calls("m") == 6u);
    BOOST_TEST(plan.injected("m") == 2u);
    BOOST_TEST(plan.calls("other") == 0u);

    // Another method is not touched; `always` never stops; the first rule added wins.
    plan.fail_before("n", 1, FaultPlan::always);
    plan.deadlock_once("n");
    for (int i = 0; i < 3; ++i) {
        auto r = plan.call("n", std::ref(store));
        BOOST_REQUIRE(!r.ok());
        BOOST_TEST(r.error().code == "db_unavailable");
    }
    BOOST_TEST(plan.call("m", std::ref(store)).ok());
    plan.clear();
    BOOST_TEST(plan.call("n", std::ref(store)).ok());
    BOOST_TEST(plan.calls("n") == 4u);
}

BOOST_AUTO_TEST_CASE(a_rule_for_every_method_hits_each_method_but_never_an_infallible_one) {
    FaultPlan plan;
    Counter store;
    plan.add({std::string(FaultPlan::every_method), FaultKind::fail_before, 2, 2});
    BOOST_TEST(plan.call("a", std::ref(store)).ok());
    BOOST_TEST(plan.call_infallible("guard", [] { return 7; }) == 7);  // not counted by the rule
    BOOST_TEST(!plan.call("b", std::ref(store)).ok());
    BOOST_TEST(!plan.call("a", std::ref(store)).ok());
    BOOST_TEST(plan.call("b", std::ref(store)).ok());
    BOOST_TEST(plan.calls("guard") == 1u);
    BOOST_TEST(plan.injected("guard") == 0u);
    BOOST_TEST(store.reached == 2);
}

BOOST_AUTO_TEST_CASE(a_slow_call_waits_then_goes_through) {
    FaultPlan plan;
    Counter store;
    plan.slow("m", std::chrono::milliseconds(50));
    plan.slow("guard", std::chrono::milliseconds(50));
    const auto start = std::chrono::steady_clock::now();
    auto r = plan.call("m", std::ref(store));
    BOOST_TEST(plan.call_infallible("guard", [] { return 7; }) == 7);
    const auto waited = std::chrono::steady_clock::now() - start;
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(store.reached == 1);
    BOOST_TEST(waited >= std::chrono::milliseconds(100));
    BOOST_TEST(plan.injected("m") == 1u);
}

BOOST_AUTO_TEST_CASE(fail_before_leaves_the_store_untouched_and_never_runs_the_transaction) {
    tender::FakeTenderStore fake;
    FaultPlan plan;
    testing::FaultyTenderStore store(fake, plan);
    plan.fail_before("in_transaction");
    bool ran = false;
    require_error(insert(store, "lost", &ran), testing::lost_connection_error());
    BOOST_TEST(!ran);
    BOOST_TEST(titles(fake).empty());
    BOOST_TEST(insert(store, "kept").ok());
    BOOST_TEST((titles(fake) == std::vector<std::string>{"kept"}));
}

BOOST_AUTO_TEST_CASE(a_failed_commit_runs_the_transaction_and_keeps_nothing_of_it) {
    tender::FakeTenderStore fake;
    FaultPlan plan;
    testing::FaultyTenderStore store(fake, plan);
    plan.fail_commit("in_transaction");
    bool ran = false;
    require_error(insert(store, "rolled back", &ran), testing::lost_connection_error());
    BOOST_TEST(ran);
    BOOST_TEST(titles(fake).empty());
    BOOST_TEST(fake.all_audit_events().empty());
    // The calls inside the transaction went through the plan too.
    BOOST_TEST(plan.calls("insert_tender") == 1u);
    BOOST_TEST(plan.calls("append_audit") == 1u);
}

BOOST_AUTO_TEST_CASE(a_lost_reply_reports_an_error_for_work_the_store_did) {
    tender::FakeTenderStore fake;
    FaultPlan plan;
    testing::FaultyTenderStore store(fake, plan);
    plan.fail_after("in_transaction");
    require_error(insert(store, "stored anyway"), testing::lost_connection_error());
    BOOST_TEST((titles(fake) == std::vector<std::string>{"stored anyway"}));
    BOOST_TEST(fake.all_audit_events().size() == 1u);
    // A read whose reply is lost: the same error, though the store answered.
    plan.fail_after("find");
    auto found = store.find(1);
    BOOST_REQUIRE(!found.ok());
    BOOST_TEST(found.error().code == "db_unavailable");
}

BOOST_AUTO_TEST_CASE(a_deadlock_fails_one_call_and_the_next_goes_through) {
    tender::FakeTenderStore fake;
    FaultPlan plan;
    testing::FaultyTenderStore store(fake, plan);
    plan.deadlock_once("in_transaction");
    require_error(insert(store, "first try"), testing::deadlock_error());
    BOOST_TEST(insert(store, "second try").ok());
    BOOST_TEST((titles(fake) == std::vector<std::string>{"second try"}));
}

BOOST_AUTO_TEST_CASE(a_failing_call_inside_a_transaction_rolls_the_whole_transaction_back) {
    tender::FakeTenderStore fake;
    FaultPlan plan;
    testing::FaultyTenderStore store(fake, plan);
    plan.fail_before("append_audit");
    require_error(insert(store, "half done"), testing::lost_connection_error());
    BOOST_TEST(titles(fake).empty());
    BOOST_TEST(plan.calls("insert_tender") == 1u);
    BOOST_TEST(plan.injected("append_audit") == 1u);
}

BOOST_AUTO_TEST_CASE(injected_errors_are_the_ones_the_db_module_makes_of_mariadb_failures) {
    const core::Error lost =
        db::to_error(sql::SQLException("Lost connection to server during query", "HY000", 2013),
                     "fault_injection_test");
    const core::Error deadlock =
        db::to_error(sql::SQLException("Deadlock found when trying to get lock", "40001", 1213),
                     "fault_injection_test");
    for (const auto& [injected, real] : {std::pair{testing::lost_connection_error(), lost},
                                         std::pair{testing::deadlock_error(), deadlock}}) {
        BOOST_TEST((injected.kind == real.kind));
        BOOST_TEST(injected.code == real.code);
        BOOST_TEST(injected.message == real.message);
        BOOST_TEST(injected.field == real.field);
    }
    BOOST_TEST(db::is_retry(testing::deadlock_error()));
    BOOST_TEST(!db::is_retry(testing::lost_connection_error()));
}

BOOST_AUTO_TEST_SUITE_END()
