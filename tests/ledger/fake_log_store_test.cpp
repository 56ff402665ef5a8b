// The LogStore contract on FakeLogStore (the same cases run on MariaDB in mysql_log_test.cpp),
// and the fake's own test hooks, with which the sequencer's and the self-check's refusals are
// tested without a database.
#include "tests/ledger/fake_log_store.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/ledger/store_contract.hpp"

namespace {

using namespace procura;
using namespace procura::ledger::contract;

LogUnderTest fake_subject() {
    auto store = std::make_shared<ledger::FakeLogStore>();
    return {store, store.get(), [store](const std::vector<core::AuditEvent>& events) {
                for (const core::AuditEvent& e : events) store->append_event(e);
            }};
}

const ledger::HeadSigner signer = [](std::string_view text) -> core::Result<std::string> {
    return core::to_hex(core::sha256(text));
};

}  // namespace

BOOST_AUTO_TEST_SUITE(fake_log_store)

PROCURA_LOG_STORE_CONTRACT_TESTS(fake_subject())

BOOST_AUTO_TEST_CASE(a_changed_event_is_found_by_the_self_check) {
    ledger::FakeLogStore store;
    for (const core::AuditEvent& e : numbered_events(1, 6)) store.append_event(e);
    core::ManualClock clock{t0_ms};
    auto sequencer = ledger::LogSequencer::open(store, signer, clock);
    BOOST_REQUIRE(sequencer.ok());
    BOOST_REQUIRE((*sequencer)->step().ok());
    core::AuditEvent erased = numbered_events(4, 1)[0];
    erased.action = "thing.erased";
    store.replace_event(4, erased);
    auto report = ledger::self_check(store, 2);
    BOOST_REQUIRE(report.ok());
    BOOST_REQUIRE_EQUAL(report->problems.size(), 2u);  // the leaf, then the root
    BOOST_TEST(report->problems[0].find("leaf 3 (audit event seq 4)") != std::string::npos,
               report->problems[0]);
}

BOOST_AUTO_TEST_CASE(a_sequencer_refuses_to_open_over_a_changed_node) {
    ledger::FakeLogStore store;
    for (const core::AuditEvent& e : numbered_events(1, 6)) store.append_event(e);
    core::ManualClock clock{t0_ms};
    auto sequencer = ledger::LogSequencer::open(store, signer, clock);
    BOOST_REQUIRE(sequencer.ok());
    BOOST_REQUIRE((*sequencer)->step().ok());
    BOOST_TEST(store.heads().size() == 1u);
    BOOST_TEST(store.node_count() == 6u + 3u + 1u);  // leaves, pairs, one node of four
    // The decomposition of 6 is the nodes (2, 0) and (1, 2): change the first.
    store.replace_node(ledger::NodeId{2, 0}, core::sha256("x"));
    auto reopened = ledger::LogSequencer::open(store, signer, clock);
    BOOST_REQUIRE(!reopened.ok());
    BOOST_TEST(reopened.error().code == "log_inconsistent");
}

BOOST_AUTO_TEST_SUITE_END()
