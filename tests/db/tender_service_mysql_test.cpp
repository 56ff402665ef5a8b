// The tender service over the real MariaDB adapters: what the row lock and the version check
// guarantee together when officers race.
#include <boost/test/unit_test.hpp>
#include <latch>
#include <thread>
#include <vector>

#include "auth/mysql_store.hpp"
#include "auth/service.hpp"
#include "core/clock.hpp"
#include "tender/mysql_store.hpp"
#include "tender/service.hpp"
#include "tests/support/fake_buyers.hpp"
#include "tests/support/test_db.hpp"

namespace {

using namespace procura;
namespace testing = procura::testing;

BOOST_AUTO_TEST_SUITE(tender_service_on_mariadb)

BOOST_AUTO_TEST_CASE(officers_amending_the_same_version_at_once_lose_no_amendment) {
    auto pool = testing::open_fresh_migrated_pool("race");
    core::SystemClock clock;
    auth::MySQLUserStore users(*pool);
    tender::MySQLTenderStore store(*pool);
    auth::AuthService auth(users, clock, auth::AuthLimits{});
    testing::FakeBuyerDirectory buyers;
    tender::TenderService service(store, auth, buyers, clock, tender::TenderLimits{});

    std::vector<core::Caller> officers;
    for (int i = 0; i < 3; ++i) {
        auth::User u;
        u.username = "officer" + std::to_string(i);
        u.role = core::Role::officer;
        u.password_hash = "unused";
        auto id = users.insert_user(
            u, core::AuditEvent{clock.now_ms(), 0, "user.added", "user", 0, 1, "{}"});
        BOOST_REQUIRE(id.ok());
        officers.push_back(core::Caller{*id, core::Role::officer, u.username});
    }
    buyers.add("B-1", "Buyer", {officers[0].user_id, officers[1].user_id, officers[2].user_id});
    const std::int64_t now = clock.now_ms();
    tender::TenderFields f;
    f.title = "Race";
    f.description = "Two officers amend at once.";
    f.buyer_name = "Buyer";
    f.buyer_id = "B-1";
    f.category = tender::Category::services;
    f.currency = "CNY";
    f.lots = std::vector<tender::Lot>{{0, "Only lot", 100'00}};
    f.evaluation_method = tender::EvaluationMethod::lowest_price;
    f.enquiry_deadline_ms = now + 5 * core::ms_per_day;
    f.submission_deadline_ms = now + 20 * core::ms_per_day;
    f.opening_time_ms = now + 20 * core::ms_per_day;
    f.committee =
        std::vector<core::UserId>{officers[0].user_id, officers[1].user_id, officers[2].user_id};
    f.threshold_k = 2;
    auto draft = service.create_draft(officers[0], f);
    BOOST_REQUIRE(draft.ok());
    auto published = service.publish(officers[0], draft->tender.id, std::nullopt);
    BOOST_REQUIRE_MESSAGE(published.ok(),
                          (published.ok() ? std::string() : published.error().message));
    const std::int64_t version = published->tender.version;

    constexpr int writers = 6;
    std::latch start(writers);
    std::vector<core::Result<tender::TenderView>> results(writers, core::internal("unset", ""));
    std::vector<std::thread> threads;
    for (int i = 0; i < writers; ++i) {
        threads.emplace_back([&, i] {
            tender::TenderFields change;
            change.description = "Amended by writer " + std::to_string(i);
            start.arrive_and_wait();
            results[static_cast<std::size_t>(i)] =
                service.amend(officers[static_cast<std::size_t>(i) % officers.size()],
                              draft->tender.id, version, "race", change);
        });
    }
    for (auto& t : threads) t.join();

    int won = 0;
    for (const auto& r : results) {
        if (r.ok()) {
            ++won;
        } else {
            BOOST_TEST(r.error().code == "stale_version");
        }
    }
    BOOST_TEST(won == 1);
    auto after = service.get(std::nullopt, draft->tender.id);
    BOOST_REQUIRE(after.ok());
    BOOST_TEST(after->tender.version == version + 1);
    BOOST_TEST(after->tender.amendments.size() == 1u);
    BOOST_TEST(testing::query_int64(*pool, "SELECT COUNT(*) FROM tender_amendments") == 1);
    BOOST_TEST(testing::query_int64(
                   *pool, "SELECT COUNT(*) FROM audit_events WHERE action = 'tender.amended'") ==
               1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
