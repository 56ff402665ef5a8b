// MySQLAwardStore against a real MariaDB: the AwardStore contract (store_contract.hpp, also run
// on the fake); the evaluation, award, contract and milestone writes with their audit events
// through the service, one current award per lot under racing awarders (the service's tender
// lock and the awards_current key), locked scores, and refused writes that change nothing.
#include "settlement/awards/mysql_store.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "db/audit_sql.hpp"
#include "settlement/awards/service.hpp"
#include "tender/mysql_store.hpp"
#include "tests/settlement/awards/store_contract.hpp"
#include "tests/support/fake_buyers.hpp"
#include "tests/support/test_db.hpp"

using namespace procura;
using namespace procura::settlement::awards;
using core::ErrorKind;
using core::Role;
namespace testing = procura::testing;

namespace {

constexpr std::int64_t t0_ms = 1'800'000'000'000;

// A migrated database with officers 1-3 (the committee), suppliers 21-24, one published tender
// (lot 1) whose opening record holds bids of prices 1200, 1000, 1100 and an invalid one.
struct Db {
    std::unique_ptr<db::ConnectionPool> pool = testing::open_fresh_migrated_pool("awards", 8);
    tender::MySQLTenderStore tenders{*pool};
    MySQLAwardStore store{*pool};
    core::ManualClock clock{t0_ms};
    testing::FakeBuyerDirectory buyers;
    AwardService service{{store, tenders, clock, buyers}, AwardLimits{}};
    core::Caller officer{1, Role::officer, "o1"};
    core::Caller officer2{2, Role::officer, "o2"};
    core::Caller officer3{3, Role::officer, "o3"};

    // The four-eyes decisions as one call each: by proposes, another officer confirms.
    const core::Caller& second_to(const core::Caller& by) const {
        return by.user_id == officer3.user_id ? officer : officer3;
    }
    core::Result<Award> award(const core::Caller& by, std::int64_t tender, std::int64_t lot,
                              const AwardRequest& request) {
        PROCURA_TRY_ASSIGN(auto p, service.propose_award(by, tender, lot, request));
        PROCURA_TRY_ASSIGN(auto done, service.confirm(second_to(by), p.id));
        return *done.award;
    }
    core::Result<Contract> sign_contract(const core::Caller& by, std::int64_t award_id,
                                         const std::vector<MilestoneInput>& milestones) {
        PROCURA_TRY_ASSIGN(auto p, service.propose_contract(by, award_id, milestones));
        PROCURA_TRY_ASSIGN(auto done, service.confirm(second_to(by), p.id));
        return *done.contract;
    }
    core::Result<Milestone> accept_milestone(const core::Caller& by, std::int64_t contract_id,
                                             std::int64_t number) {
        PROCURA_TRY_ASSIGN(auto p, service.propose_acceptance(by, contract_id, number));
        PROCURA_TRY_ASSIGN(auto done, service.confirm(second_to(by), p.id));
        return *done.milestone;
    }
    std::int64_t tender_id = 0;
    std::vector<std::int64_t> bid_ids;

    explicit Db(tender::EvaluationMethod method = tender::EvaluationMethod::lowest_price,
                std::int64_t price_weight = 100, std::int64_t technical_weight = 0) {
        for (int id : {1, 2, 3}) {
            testing::execute_sql(*pool,
                                 "INSERT INTO users (id, username, role, password_hash, "
                                 "created_at_ms) VALUES (" +
                                     std::to_string(id) + ", 'o" + std::to_string(id) +
                                     "', 'officer', 'x', 0)");
        }
        for (int id : {21, 22, 23, 24}) {
            testing::execute_sql(*pool,
                                 "INSERT INTO users (id, username, role, password_hash, "
                                 "created_at_ms) VALUES (" +
                                     std::to_string(id) + ", 's" + std::to_string(id) +
                                     "', 'supplier', 'x', 0)");
        }
        buyers.add("SALT-1", "Salt Board", {1, 2, 3, 4});  // 4 confirms in a race below
        tender::Tender t;
        t.version = 1;
        t.state = tender::TenderState::published;
        t.title = "Salt";
        t.buyer_id = "SALT-1";
        t.currency = "EUR";
        t.lots = {tender::Lot{1, "Lot 1", 1'000'000}};
        t.evaluation_method = method;
        t.price_weight = price_weight;
        t.technical_weight = technical_weight;
        t.committee = {1, 2, 3};
        t.threshold_k = 2;
        t.created_by = 1;
        t.created_at_ms = t0_ms - 100'000;
        t.updated_at_ms = t.created_at_ms;
        t.published_at_ms = t.created_at_ms;
        t.enquiry_deadline_ms = t0_ms - 50'000;
        t.submission_deadline_ms = t0_ms - 20'000;
        t.opening_time_ms = t0_ms - 10'000;
        auto status = tenders.in_transaction([&](tender::TenderTransaction& tx) -> core::Status {
            PROCURA_TRY_ASSIGN(tender_id, tx.insert_tender(t));
            return {};
        });
        BOOST_REQUIRE_MESSAGE(status.ok(), (status.ok() ? std::string() : status.error().message));
        const std::string tid = std::to_string(tender_id);
        testing::execute_sql(
            *pool, "INSERT INTO tender_openings (tender_id, opened_at_ms) VALUES (" + tid + ", " +
                       std::to_string(t0_ms - 5000) + ")");
        const std::vector<std::pair<int, std::int64_t>> bids = {
            {21, 1200}, {22, 1000}, {23, 1100}, {24, 0}};
        for (const auto& [supplier, price] : bids) {
            testing::execute_sql(
                *pool,
                "INSERT INTO bids (tender_id, supplier_id, lot_id, version, body, sha256, "
                "received_at_ms, timestamp_token, log_seq, security_transfer_key, state) VALUES (" +
                    tid + ", " + std::to_string(supplier) + ", 1, 1, 'body', SHA2('" +
                    std::to_string(supplier) + "', 256), " +
                    std::to_string(t0_ms - 30'000 + supplier) +
                    ", 'tst', 0, 'no-deposit', 'active')");
            const std::int64_t bid = testing::query_int64(*pool, "SELECT MAX(id) FROM bids");
            bid_ids.push_back(bid);
            const bool valid = price > 0;
            testing::execute_sql(
                *pool,
                "INSERT INTO bid_openings (bid_id, tender_id, valid, reason_code, reason, "
                "signature_status, decryption_status, price_minor, currency, document_json) "
                "VALUES (" +
                    std::to_string(bid) + ", " + tid + ", " + (valid ? "1" : "0") + ", '" +
                    (valid ? "" : "decrypt_failed") + "', '" + (valid ? "" : "cannot decrypt") +
                    "', 'valid', '" + (valid ? "ok" : "failed") + "', " +
                    (valid ? std::to_string(price) : "NULL") + ", " + (valid ? "'EUR'" : "NULL") +
                    ", '{}')");
        }
    }

    std::int64_t count(const std::string& sql) { return testing::query_int64(*pool, sql); }

    // Row counts and checksums of every table this module writes, and the audit head.
    std::string snapshot() {
        std::string out;
        for (const char* table :
             {"awards", "contracts", "contract_milestones", "tender_evaluations", "lot_evaluations",
              "bid_evaluations", "evaluation_declarations", "technical_scores", "lot_closures",
              "audit_events"}) {
            out += std::string(table) + "=" +
                   std::to_string(count(std::string("SELECT COUNT(*) FROM ") + table)) + ";";
        }
        out +=
            "states=" +
            std::to_string(count("SELECT COALESCE(SUM(CRC32(CONCAT(id, state))), 0) FROM awards")) +
            ";";
        out += "milestones=" +
               std::to_string(count("SELECT COALESCE(SUM(CRC32(CONCAT(id, state))), 0) FROM "
                                    "contract_milestones")) +
               ";";
        out += "withdrawals=" +
               std::to_string(count("SELECT COALESCE(SUM(CRC32(CONCAT_WS(',', member_id, "
                                    "withdrawn_by, withdrawn_at_ms, withdrawal_reason))), 0) "
                                    "FROM evaluation_declarations")) +
               ";";
        out += "head=" + std::to_string(count("SELECT seq FROM audit_head"));
        return out;
    }
};

template <class T>
void require_ok(const core::Result<T>& r) {
    BOOST_REQUIRE_MESSAGE(r.ok(),
                          (r.ok() ? std::string() : r.error().code + ": " + r.error().message));
}

// The contract's world: a fresh database with the contract's members and suppliers, whose
// tenders, bids and opening records are rows as bidding writes them.
class MySQLAwardWorld final : public contract::AwardWorld {
public:
    MySQLAwardWorld() {
        for (core::UserId id : {contract::member_1, contract::member_2, contract::member_3,
                                contract::supplier_a, contract::supplier_b, contract::supplier_c}) {
            const bool member = id < contract::supplier_a;
            testing::execute_sql(*pool_,
                                 "INSERT INTO users (id, username, role, password_hash, "
                                 "created_at_ms) VALUES (" +
                                     std::to_string(id) + ", 'u" + std::to_string(id) + "', '" +
                                     (member ? "officer" : "supplier") + "', 'x', 0)");
        }
    }
    AwardStore& store() override { return store_; }
    contract::OpenedTender open_tender(std::int64_t opened_at_ms,
                                       std::vector<OpenedBid> bids) override {
        const std::int64_t id = tender_without_opening();
        const std::string tid = std::to_string(id);
        testing::execute_sql(
            *pool_, "INSERT INTO tender_openings (tender_id, opened_at_ms) VALUES (" + tid + ", " +
                        std::to_string(opened_at_ms) + ")");
        for (std::size_t n = 0; n < bids.size(); ++n) {
            OpenedBid& b = bids[n];
            testing::execute_sql(
                *pool_,
                "INSERT INTO bids (tender_id, supplier_id, lot_id, version, body, sha256, "
                "received_at_ms, timestamp_token, log_seq, security_transfer_key, state) VALUES (" +
                    tid + ", " + std::to_string(b.supplier_id) + ", " + std::to_string(b.lot_id) +
                    ", 1, 'body', SHA2('" + std::to_string(n) + "', 256), " +
                    std::to_string(b.received_at_ms) + ", 'tst', 0, 'no-deposit', 'active')");
            b.bid_id = testing::query_int64(*pool_, "SELECT MAX(id) FROM bids");
            const std::string price = b.valid ? std::to_string(b.price_minor) : "NULL";
            const std::string currency = b.valid ? "'" + b.currency + "'" : "NULL";
            testing::execute_sql(
                *pool_,
                "INSERT INTO bid_openings (bid_id, tender_id, valid, reason_code, reason, "
                "signature_status, decryption_status, price_minor, currency, document_json) "
                "VALUES (" +
                    std::to_string(b.bid_id) + ", " + tid + ", " + (b.valid ? "1" : "0") +
                    ", '', '" + b.reason + "', 'valid', 'ok', " + price + ", " + currency +
                    ", '{}')");
        }
        return {id, bids};
    }
    std::int64_t tender_without_opening() override {
        testing::execute_sql(
            *pool_,
            "INSERT INTO tenders (version, state, title, description, buyer_name, buyer_id, "
            "currency, price_weight, technical_weight, bid_security_minor, threshold_k, "
            "created_by, created_at_ms, updated_at_ms, cancel_reason) VALUES (1, 'published', "
            "'T', 'D', 'Town', 'TOWN-1', 'EUR', 100, 0, 0, 2, 1, 0, 0, '')");
        return testing::query_int64(*pool_, "SELECT MAX(id) FROM tenders");
    }
    std::vector<core::AuditEvent> audit_events() override {
        auto stored = db::read_audit_events(*pool_, 0, 1'000'000);
        require_ok(stored);
        std::vector<core::AuditEvent> out;
        for (const core::StoredAuditEvent& e : *stored) out.push_back(e.event);
        return out;
    }

private:
    std::unique_ptr<db::ConnectionPool> pool_ = testing::open_fresh_migrated_pool("awardstore", 4);
    MySQLAwardStore store_{*pool_};
};

std::unique_ptr<contract::AwardWorld> mysql_world() { return std::make_unique<MySQLAwardWorld>(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_award_store)

PROCURA_AWARD_STORE_CONTRACT_TESTS(mysql_world())

BOOST_AUTO_TEST_CASE(evaluation_award_contract_and_milestones_are_written_with_their_events) {
    Db d;
    auto evaluation = d.service.evaluate(d.officer, d.tender_id);
    require_ok(evaluation);
    BOOST_TEST(d.count("SELECT COUNT(*) FROM lot_evaluations") == 1);
    BOOST_TEST(d.count("SELECT COUNT(*) FROM bid_evaluations") == 3);
    BOOST_TEST(d.count("SELECT bid_id FROM bid_evaluations WHERE lot_rank = 1") == d.bid_ids[1]);
    auto read = d.store.read(d.tender_id);
    require_ok(read);
    BOOST_REQUIRE(read->evaluation.has_value());
    BOOST_TEST(read->evaluation->lots[0].result_json == evaluation->lots[0].result_json);
    BOOST_TEST(read->opened_bids.size() == 4);
    BOOST_TEST(!read->opened_bids[3].valid);

    auto award = d.award(d.officer, d.tender_id, 1, AwardRequest{d.bid_ids[1], "", ""});
    require_ok(award);
    BOOST_TEST(d.count("SELECT value_minor FROM awards WHERE id = " + std::to_string(award->id)) ==
               1000);
    BOOST_TEST(d.count("SELECT standstill_ends_at_ms - awarded_at_ms FROM awards") ==
               10 * core::ms_per_day);
    d.clock.set_ms(award->standstill_ends_at_ms);
    auto contract = d.sign_contract(d.officer, award->id, {{"Delivery", 700}, {"Rest", 300}});
    require_ok(contract);
    BOOST_TEST(d.count("SELECT COUNT(*) FROM awards WHERE state = 'signed'") == 1);
    BOOST_TEST(d.count("SELECT COUNT(*) FROM contract_milestones WHERE state = 'planned'") == 2);
    BOOST_TEST(d.count("SELECT SUM(amount_minor) FROM contract_milestones") == 1000);
    require_ok(d.accept_milestone(d.officer2, contract->id, 2));
    BOOST_TEST(d.count("SELECT accepted_by FROM contract_milestones WHERE number = 2") == 3);
    BOOST_TEST(d.count("SELECT proposed_by FROM contract_milestones WHERE number = 2") == 2);
    BOOST_TEST(d.count("SELECT award_proposed_by FROM awards") == 1);
    BOOST_TEST(d.count("SELECT awarded_by FROM awards") == 3);
    BOOST_TEST(d.count("SELECT COUNT(*) FROM award_decisions WHERE state = 'confirmed' AND "
                       "decided_by <> proposed_by") == 3);
    BOOST_TEST(d.count("SELECT COUNT(*) FROM contract_milestones WHERE state = 'accepted'") == 1);
    auto got = d.service.get_contract(contract->id);
    require_ok(got);
    BOOST_TEST((got->milestones[1].state == MilestoneState::accepted));
    BOOST_TEST(d.count("SELECT COUNT(*) FROM audit_events WHERE action IN ('award.made', "
                       "'award.signed', 'contract.signed', 'milestone.accepted')") == 4);
    // The lot, its ranked bids and the declarations made public at the evaluation.
    BOOST_TEST(d.count("SELECT COUNT(*) FROM audit_events WHERE action LIKE 'evaluation.%'") == 5);
}

BOOST_AUTO_TEST_CASE(racing_awarders_leave_one_open_proposal_and_one_current_award) {
    Db d;
    require_ok(d.service.evaluate(d.officer, d.tender_id));
    std::atomic<int> won{0};
    std::atomic<int> lost{0};
    std::vector<std::int64_t> proposals(6, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&, i] {
            const std::int64_t bid = d.bid_ids[static_cast<std::size_t>(i % 3)];
            auto r = d.service.propose_award(i % 2 == 0 ? d.officer : d.officer2, d.tender_id, 1,
                                             AwardRequest{bid, "racing reason", ""});
            if (r.ok()) {
                ++won;
                proposals[static_cast<std::size_t>(i)] = r->id;
            } else if (r.error().code == "decision_pending") {
                ++lost;
            }
        });
    }
    for (std::thread& t : threads) t.join();
    BOOST_TEST(won.load() == 1);
    BOOST_TEST(lost.load() == 5);
    std::int64_t proposal = 0;
    for (std::int64_t p : proposals) proposal += p;
    // Two officers (neither the proposer) confirm at once, three times each: executed once.
    won = 0;
    lost = 0;
    threads.clear();
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&, i] {
            auto r = d.service.confirm(
                i % 2 == 0 ? d.officer3 : core::Caller{4, Role::officer, "o4"}, proposal);
            if (r.ok()) {
                ++won;
            } else if (r.error().code == "decision_confirmed" || r.error().code == "same_officer") {
                ++lost;
            }
        });
    }
    for (std::thread& t : threads) t.join();
    BOOST_TEST(won.load() == 1);
    BOOST_TEST(lost.load() == 5);
    BOOST_TEST(d.count("SELECT COUNT(*) FROM awards") == 1);
    BOOST_TEST(d.count("SELECT COUNT(*) FROM audit_events WHERE action = 'award.made'") == 1);
    BOOST_TEST(d.count("SELECT COUNT(*) FROM audit_events WHERE action = 'decision.confirmed'") ==
               1);
}

BOOST_AUTO_TEST_CASE(refused_and_failed_changes_leave_nothing) {
    Db d;
    const std::string fresh = d.snapshot();
    BOOST_TEST(!d.award(d.officer, d.tender_id, 1, AwardRequest{d.bid_ids[1], "", ""}).ok());
    BOOST_TEST(d.snapshot() == fresh);
    require_ok(d.service.evaluate(d.officer, d.tender_id));
    auto award = d.award(d.officer, d.tender_id, 1, AwardRequest{d.bid_ids[1], "", ""});
    require_ok(award);
    const std::string before = d.snapshot();
    d.clock.set_ms(award->standstill_ends_at_ms - 1);
    auto early = d.sign_contract(d.officer, award->id, {{"All", 1000}});
    BOOST_REQUIRE(!early.ok());
    BOOST_TEST(early.error().code == "standstill_not_over");
    d.clock.set_ms(award->standstill_ends_at_ms);
    auto wrong_sum = d.sign_contract(d.officer, award->id, {{"All", 999}});
    BOOST_REQUIRE(!wrong_sum.ok());
    BOOST_TEST(wrong_sum.error().code == "milestones_sum");
    BOOST_TEST(!d.service.evaluate(d.officer, d.tender_id).ok());
    BOOST_TEST(d.snapshot() == before);
    // A change whose function fails after writing is rolled back whole.
    auto failed = d.store.in_transaction(d.tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto records, tx.load());
        Award declined = records.awards[0];
        declined.state = AwardStatus::declined;
        PROCURA_TRY(tx.update_award(declined));
        PROCURA_TRY(tx.append_audit(
            {core::AuditEvent{t0_ms, 1, "award.declined", "award", declined.id, 2, "{}"}}));
        return core::conflict("test_abort", "abort after writing");
    });
    BOOST_TEST(failed.error().code == "test_abort");
    BOOST_TEST(d.snapshot() == before);
}

BOOST_AUTO_TEST_CASE(a_closed_lot_is_stored_once_and_reads_back) {
    Db d;
    require_ok(d.service.evaluate(d.officer, d.tender_id));
    auto closure = d.service.close_lot(d.officer, d.tender_id, 1, "over budget");
    require_ok(closure);
    BOOST_TEST(d.count("SELECT COUNT(*) FROM lot_closures WHERE skipped_bid_ids_json = '[" +
                       std::to_string(d.bid_ids[1]) + "," + std::to_string(d.bid_ids[2]) + "," +
                       std::to_string(d.bid_ids[0]) + "]'") == 1);
    const std::string before = d.snapshot();
    auto again = d.store.in_transaction(
        d.tender_id, [&](AwardTransaction& tx) { return tx.insert_closure(*closure); });
    BOOST_REQUIRE(!again.ok());
    BOOST_TEST(again.error().code == "lot_closed");
    BOOST_TEST(d.snapshot() == before);
    auto read = d.store.read(d.tender_id);
    require_ok(read);
    BOOST_REQUIRE(read->closures.size() == 1);
    BOOST_TEST(read->closures[0].reason == "over budget");
    auto outcome = d.service.outcome(d.tender_id, {1});
    require_ok(outcome);
    BOOST_TEST((**outcome == TenderOutcome::unsuccessful));
}

BOOST_AUTO_TEST_CASE(a_locked_score_is_kept_and_a_second_submission_refused) {
    Db d(tender::EvaluationMethod::comprehensive, 60, 40);
    require_ok(d.service.declare(d.officer, d.tender_id, true, "no conflict"));
    BOOST_TEST(d.count("SELECT COUNT(*) FROM evaluation_declarations WHERE supplier_ids_json = "
                       "'[21,22,23,24]'") == 1);
    require_ok(d.service.submit_scores(d.officer, d.tender_id,
                                       ScoreSubmission{1, d.bid_ids[0], {{1, 55'000'000}}}));
    const std::string before = d.snapshot();
    auto again = d.service.submit_scores(d.officer, d.tender_id,
                                         ScoreSubmission{1, d.bid_ids[0], {{1, 99'000'000}}});
    BOOST_REQUIRE(!again.ok());
    BOOST_TEST(again.error().code == "score_locked");
    // The primary key refuses it too, without the service's check.
    auto direct = d.store.in_transaction(d.tender_id, [&](AwardTransaction& tx) {
        return tx.insert_scores({TechnicalScore{d.tender_id, 1, d.bid_ids[0], 1, 1, 1, t0_ms}});
    });
    BOOST_REQUIRE(!direct.ok());
    BOOST_TEST(direct.error().code == "score_locked");
    BOOST_TEST(d.snapshot() == before);
    BOOST_TEST(d.count("SELECT score_micro FROM technical_scores") == 55'000'000);
}

BOOST_AUTO_TEST_CASE(a_withdrawal_is_stored_once_on_the_declaration_and_reads_back) {
    Db d(tender::EvaluationMethod::comprehensive, 60, 40);
    require_ok(d.service.declare(d.officer, d.tender_id, true, "no conflict"));
    require_ok(d.service.declare(d.officer2, d.tender_id, true, "no conflict"));
    require_ok(
        d.service.declare(core::Caller{3, Role::officer, "o3"}, d.tender_id, true, "no conflict"));
    auto withdrawn = d.service.withdraw_member(d.officer, d.tender_id, 2, "on leave");
    require_ok(withdrawn);
    BOOST_TEST(d.count("SELECT COUNT(*) FROM evaluation_declarations WHERE member_id = 2 AND "
                       "withdrawn_by = 1 AND withdrawal_reason = 'on leave' AND "
                       "withdrawn_at_ms = " +
                       std::to_string(t0_ms)) == 1);
    BOOST_TEST(d.count("SELECT COUNT(*) FROM audit_events WHERE action = "
                       "'evaluation.member_withdrawn'") == 1);
    const std::string before = d.snapshot();
    // The store refuses a second withdrawal without the service's check.
    auto again = d.store.in_transaction(
        d.tender_id, [&](AwardTransaction& tx) { return tx.withdraw_member(*withdrawn); });
    BOOST_REQUIRE(!again.ok());
    BOOST_TEST(again.error().code == "already_withdrawn");
    BOOST_TEST(d.snapshot() == before);
    auto read = d.store.read(d.tender_id);
    require_ok(read);
    BOOST_REQUIRE(read->declarations.size() == 3);
    BOOST_TEST(!read->declarations[0].withdrawn_at_ms.has_value());
    BOOST_TEST(!read->declarations[2].withdrawn_at_ms.has_value());
    BOOST_REQUIRE(read->declarations[1].withdrawn_at_ms.has_value());
    BOOST_TEST(*read->declarations[1].withdrawn_at_ms == t0_ms);
    BOOST_TEST(read->declarations[1].withdrawn_by == 1);
    BOOST_TEST(read->declarations[1].withdrawal_reason == "on leave");
}

BOOST_AUTO_TEST_SUITE_END()
