#include "tender/rules.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <functional>

#include "tests/tender/store_contract.hpp"

using namespace procura::tender;
using procura::tender::contract::day_ms;
using procura::tender::contract::sample_tender;
using procura::tender::contract::t0_ms;

namespace {

Tender published() {
    Tender t = sample_tender();
    t.state = TenderState::published;
    return t;
}

const TenderLimits limits{};

}  // namespace

BOOST_AUTO_TEST_SUITE(status)

BOOST_AUTO_TEST_CASE(drafts_and_cancelled_ignore_the_clock) {
    Tender t = sample_tender();
    BOOST_TEST((rules::status_at(t, t0_ms + 100 * day_ms) == TenderStatus::draft));
    t.state = TenderState::cancelled;
    BOOST_TEST((rules::status_at(t, t0_ms) == TenderStatus::cancelled));
}

BOOST_AUTO_TEST_CASE(published_status_changes_exactly_at_each_deadline) {
    const Tender t = published();
    const std::int64_t enquiry = *t.enquiry_deadline_ms;
    const std::int64_t submission = *t.submission_deadline_ms;
    BOOST_TEST((rules::status_at(t, enquiry - 1) == TenderStatus::active_enquiries));
    BOOST_TEST((rules::status_at(t, enquiry) == TenderStatus::active_tendering));
    BOOST_TEST((rules::status_at(t, submission - 1) == TenderStatus::active_tendering));
    BOOST_TEST((rules::status_at(t, submission) == TenderStatus::closed));
    BOOST_TEST((rules::status_at(t, submission + 1) == TenderStatus::closed));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(publication)

BOOST_AUTO_TEST_CASE(a_complete_tender_with_ordered_future_deadlines_publishes) {
    BOOST_TEST(rules::validate_for_publication(sample_tender(), t0_ms, limits).ok());
}

struct PublicationCase {
    const char* name;
    std::function<void(Tender&)> change;
    const char* field;
};

std::ostream& operator<<(std::ostream& os, const PublicationCase& c) { return os << c.name; }

const PublicationCase publication_cases[] = {
    {"no title", [](Tender& t) { t.title.clear(); }, "title"},
    {"no description", [](Tender& t) { t.description.clear(); }, "description"},
    {"no buyer name", [](Tender& t) { t.buyer_name.clear(); }, "buyer.name"},
    {"no buyer id", [](Tender& t) { t.buyer_id.clear(); }, "buyer.id"},
    {"no category", [](Tender& t) { t.category.reset(); }, "category"},
    {"no currency", [](Tender& t) { t.currency.clear(); }, "currency"},
    {"bad currency", [](Tender& t) { t.currency = "EURO"; }, "currency"},
    {"no lots", [](Tender& t) { t.lots.clear(); }, "lots"},
    {"zero budget", [](Tender& t) { t.lots[1].budget_minor = 0; }, "lots[1].budget_minor"},
    {"no method", [](Tender& t) { t.evaluation_method.reset(); }, "evaluation.method"},
    {"weights 70+20", [](Tender& t) { t.technical_weight = 20; }, "evaluation.price_weight"},
    {"no committee", [](Tender& t) { t.committee.clear(); }, "committee.members"},
    {"duplicate member",
     [](Tender& t) {
         t.committee = {11, 11};
     },
     "committee.members"},
    {"k = 0", [](Tender& t) { t.threshold_k = 0; }, "committee.threshold"},
    {"k > n", [](Tender& t) { t.threshold_k = 4; }, "committee.threshold"},
    {"no enquiry deadline", [](Tender& t) { t.enquiry_deadline_ms.reset(); }, "enquiry_deadline"},
    {"no opening time", [](Tender& t) { t.opening_time_ms.reset(); }, "opening_time"},
    {"enquiry after submission",
     [](Tender& t) { t.enquiry_deadline_ms = *t.submission_deadline_ms + 1; }, "enquiry_deadline"},
    {"enquiry equals submission",
     [](Tender& t) { t.enquiry_deadline_ms = *t.submission_deadline_ms; }, "enquiry_deadline"},
    {"opening before submission",
     [](Tender& t) { t.opening_time_ms = *t.submission_deadline_ms - 1; }, "opening_time"},
    {"enquiry in the past", [](Tender& t) { t.enquiry_deadline_ms = t0_ms; }, "enquiry_deadline"},
    {"submission in the past",
     [](Tender& t) {
         t.enquiry_deadline_ms = t0_ms - 2;
         t.submission_deadline_ms = t0_ms - 1;
     },
     "submission_deadline"},
    {"tendering period one ms short",
     [](Tender& t) { t.submission_deadline_ms = t0_ms + 10 * day_ms - 1; }, "submission_deadline"},
};

BOOST_DATA_TEST_CASE(each_failure_is_a_422_naming_the_field,
                     boost::unit_test::data::make(publication_cases), c) {
    Tender t = sample_tender();
    c.change(t);
    const auto s = rules::validate_for_publication(t, t0_ms, limits);
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST((s.error().kind == procura::core::ErrorKind::unprocessable));
    BOOST_TEST(s.error().field == c.field);
}

BOOST_AUTO_TEST_CASE(tendering_period_of_exactly_the_minimum_is_enough) {
    Tender t = sample_tender();
    t.submission_deadline_ms = t0_ms + 10 * day_ms;
    t.opening_time_ms = t.submission_deadline_ms;
    BOOST_TEST(rules::validate_for_publication(t, t0_ms, limits).ok());
}

BOOST_AUTO_TEST_CASE(lowest_price_needs_no_weights) {
    Tender t = sample_tender();
    t.evaluation_method = EvaluationMethod::lowest_price;
    t.price_weight = 0;
    t.technical_weight = 0;
    BOOST_TEST(rules::validate_for_publication(t, t0_ms, limits).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(fields)

BOOST_AUTO_TEST_CASE(shape_errors_name_the_field) {
    const auto field_of = [](const TenderFields& f) {
        const auto s = rules::validate_fields(f, limits);
        return s.ok() ? std::string("ok") : s.error().field;
    };
    TenderFields f;
    BOOST_TEST(field_of(f) == "ok");
    f.title = std::string(limits.title_bytes_max + 1, 'x');
    BOOST_TEST(field_of(f) == "title");
    f = {};
    f.currency = "usd";
    BOOST_TEST(field_of(f) == "currency");
    f = {};
    f.lots = std::vector<Lot>{Lot{0, "A", 1}, Lot{0, "", 1}};
    BOOST_TEST(field_of(f) == "lots[1].title");
    f.lots = std::vector<Lot>{Lot{0, "A", -5}};
    BOOST_TEST(field_of(f) == "lots[0].budget_minor");
    f = {};
    f.technical_weight = 101;
    BOOST_TEST(field_of(f) == "evaluation.technical_weight");
    f = {};
    f.bid_security_minor = -1;
    BOOST_TEST(field_of(f) == "bid_security_minor");
    f = {};
    f.lots = std::vector<Lot>(limits.lots_max + 1, Lot{0, "L", 1});
    BOOST_TEST(field_of(f) == "lots");
}

BOOST_AUTO_TEST_CASE(applying_fields_renumbers_lots_and_keeps_the_rest) {
    Tender t = sample_tender();
    TenderFields f;
    f.lots = std::vector<Lot>{Lot{9, "Only", 5}, Lot{9, "Second", 6}};
    f.title = "New";
    rules::apply_fields(t, f);
    BOOST_TEST(t.title == "New");
    BOOST_TEST(t.lots[0].number == 1);
    BOOST_TEST(t.lots[1].number == 2);
    BOOST_TEST(t.description == sample_tender().description);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(deadline_extension)

// Window is 3 days; the deadline moves to amendment time + 3 days when the amendment falls
// in [deadline - 3 days, deadline).
BOOST_AUTO_TEST_CASE(amendment_just_before_the_window_does_not_extend) {
    Tender t = published();
    const std::int64_t deadline = *t.submission_deadline_ms;
    BOOST_TEST(!rules::extend_deadline_if_late(t, deadline - 3 * day_ms - 1, limits));
    BOOST_TEST(*t.submission_deadline_ms == deadline);
}

BOOST_AUTO_TEST_CASE(amendment_at_the_start_of_the_window_extends_to_now_plus_window) {
    Tender t = published();
    const std::int64_t deadline = *t.submission_deadline_ms;
    const std::int64_t now = deadline - 3 * day_ms;
    // now + window equals the old deadline: the deadline "moves" to the same instant.
    BOOST_TEST(*rules::extend_deadline_if_late(t, now, limits) == deadline);
}

BOOST_AUTO_TEST_CASE(amendment_inside_the_window_moves_deadline_and_opening) {
    Tender t = published();
    const std::int64_t deadline = *t.submission_deadline_ms;
    const std::int64_t now = deadline - 1;
    const auto moved = rules::extend_deadline_if_late(t, now, limits);
    BOOST_REQUIRE(moved.has_value());
    BOOST_TEST(*moved == now + 3 * day_ms);
    BOOST_TEST(*t.submission_deadline_ms == now + 3 * day_ms);
    BOOST_TEST(*t.opening_time_ms >= *t.submission_deadline_ms);
}

BOOST_AUTO_TEST_CASE(amendment_at_or_after_the_deadline_does_not_extend) {
    Tender t = published();
    const std::int64_t deadline = *t.submission_deadline_ms;
    BOOST_TEST(!rules::extend_deadline_if_late(t, deadline, limits));
    BOOST_TEST(!rules::extend_deadline_if_late(t, deadline + 1, limits));
}

BOOST_AUTO_TEST_CASE(the_window_is_configurable) {
    TenderLimits custom;
    custom.amendment_extension_window_ms = 5 * day_ms;
    Tender t = published();
    const std::int64_t deadline = *t.submission_deadline_ms;
    const auto moved = rules::extend_deadline_if_late(t, deadline - 4 * day_ms, custom);
    BOOST_REQUIRE(moved.has_value());
    BOOST_TEST(*moved == deadline + day_ms);
}

BOOST_AUTO_TEST_SUITE_END()
