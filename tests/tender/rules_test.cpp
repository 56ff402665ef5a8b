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

// A draft with lots 1, 2, 3 (titles A, B, C), lot_number_max 3.
Tender three_lots() {
    Tender t = sample_tender();
    t.lots = {Lot{1, "A", 1}, Lot{2, "B", 2}, Lot{3, "C", 3}};
    t.lot_number_max = 3;
    return t;
}

std::vector<std::int64_t> numbers_of(const std::vector<Lot>& lots) {
    std::vector<std::int64_t> numbers;
    for (const Lot& lot : lots) numbers.push_back(lot.number);
    return numbers;
}

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
    {"two members",
     [](Tender& t) {
         t.committee = {11, 12};
     },
     "committee.members"},
    {"k = 1", [](Tender& t) { t.threshold_k = 1; }, "committee.threshold"},
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

BOOST_AUTO_TEST_CASE(applying_fields_changes_only_the_given_ones) {
    Tender t = sample_tender();
    TenderFields f;
    f.title = "New";
    BOOST_REQUIRE(rules::apply_fields(t, f).ok());
    BOOST_TEST(t.title == "New");
    BOOST_TEST(t.description == sample_tender().description);
    BOOST_TEST((numbers_of(t.lots) == std::vector<std::int64_t>{1, 2}));
}

BOOST_AUTO_TEST_CASE(lot_numbers_given_twice_or_below_zero_are_refused_naming_the_lot) {
    TenderFields f;
    f.lots = std::vector<Lot>{Lot{2, "A", 1}, Lot{0, "New", 1}, Lot{0, "New too", 1},
                              Lot{2, "A again", 1}};
    const auto twice = rules::validate_fields(f, limits);
    BOOST_REQUIRE(!twice.ok());
    BOOST_TEST(twice.error().code == "duplicate_lot");
    BOOST_TEST(twice.error().field == "lots[3].number");
    f.lots = std::vector<Lot>{Lot{1, "A", 1}, Lot{-1, "B", 1}};
    const auto negative = rules::validate_fields(f, limits);
    BOOST_REQUIRE(!negative.ok());
    BOOST_TEST(negative.error().field == "lots[1].number");
    // Several new lots (number 0) are no duplicates.
    f.lots = std::vector<Lot>{Lot{0, "A", 1}, Lot{0, "B", 1}};
    BOOST_TEST(rules::validate_fields(f, limits).ok());
}

BOOST_AUTO_TEST_SUITE_END()

// A lot's number is its stable id: kept by the lots that name it, never given twice.
BOOST_AUTO_TEST_SUITE(lot_numbers)

BOOST_AUTO_TEST_CASE(new_lots_are_numbered_in_order_from_1) {
    Tender t;
    TenderFields f;
    f.lots = std::vector<Lot>{Lot{0, "A", 1}, Lot{0, "B", 2}, Lot{0, "C", 3}};
    BOOST_REQUIRE(rules::apply_fields(t, f).ok());
    BOOST_TEST((numbers_of(t.lots) == std::vector<std::int64_t>{1, 2, 3}));
    BOOST_TEST(t.lots[2].title == "C");
    BOOST_TEST(t.lot_number_max == 3);
}

BOOST_AUTO_TEST_CASE(removing_a_lot_keeps_the_numbers_of_the_others) {
    Tender t = three_lots();
    TenderFields f;
    f.lots = std::vector<Lot>{Lot{1, "A", 1}, Lot{3, "C", 3}};
    BOOST_REQUIRE(rules::apply_fields(t, f).ok());
    BOOST_TEST((numbers_of(t.lots) == std::vector<std::int64_t>{1, 3}));
    BOOST_TEST(t.lots[1].title == "C");
    BOOST_TEST(t.lot_number_max == 3);
}

BOOST_AUTO_TEST_CASE(a_removed_lots_number_is_never_given_again) {
    Tender t = three_lots();
    TenderFields remove;
    remove.lots = std::vector<Lot>{Lot{1, "A", 1}, Lot{2, "B", 2}};
    BOOST_REQUIRE(rules::apply_fields(t, remove).ok());
    TenderFields add;
    add.lots = std::vector<Lot>{Lot{1, "A", 1}, Lot{2, "B", 2}, Lot{0, "D", 4}};
    BOOST_REQUIRE(rules::apply_fields(t, add).ok());
    BOOST_TEST((numbers_of(t.lots) == std::vector<std::int64_t>{1, 2, 4}));
    BOOST_TEST(t.lot_number_max == 4);
    // Nor can a lot name it to come back: it is another lot now.
    TenderFields revive;
    revive.lots = std::vector<Lot>{Lot{1, "A", 1}, Lot{3, "C", 3}};
    const Tender before = t;
    const auto refused = rules::apply_fields(t, revive);
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.error().code == "unknown_lot");
    BOOST_TEST(refused.error().field == "lots[1].number");
    BOOST_TEST((numbers_of(t.lots) == numbers_of(before.lots)));
    BOOST_TEST(t.lot_number_max == before.lot_number_max);
}

BOOST_AUTO_TEST_CASE(a_number_the_tender_never_had_is_refused_and_changes_nothing) {
    Tender t = three_lots();
    TenderFields f;
    f.title = "Not applied";
    f.lots = std::vector<Lot>{Lot{1, "A", 1}, Lot{0, "New", 5}, Lot{4, "Invented", 4}};
    const auto refused = rules::apply_fields(t, f);
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.error().code == "unknown_lot");
    BOOST_TEST(refused.error().field == "lots[2].number");
    BOOST_TEST((refused.error().kind == procura::core::ErrorKind::unprocessable));
    BOOST_TEST(t.title == three_lots().title);
    BOOST_TEST((numbers_of(t.lots) == std::vector<std::int64_t>{1, 2, 3}));
    BOOST_TEST(t.lot_number_max == 3);
}

BOOST_AUTO_TEST_CASE(lots_are_kept_in_the_order_given_with_their_numbers) {
    Tender t = three_lots();
    TenderFields f;
    f.lots = std::vector<Lot>{Lot{3, "C, renamed", 30}, Lot{0, "D", 4}, Lot{1, "A", 1}};
    BOOST_REQUIRE(rules::apply_fields(t, f).ok());
    BOOST_TEST((numbers_of(t.lots) == std::vector<std::int64_t>{3, 4, 1}));
    BOOST_TEST(t.lots[0].title == "C, renamed");
    BOOST_TEST(t.lots[0].budget_minor == 30);
}

BOOST_AUTO_TEST_CASE(a_tender_stored_without_its_highest_number_numbers_after_its_lots) {
    Tender t = three_lots();
    t.lot_number_max = 0;  // as stored before lot numbers were kept
    TenderFields f;
    f.lots = std::vector<Lot>{Lot{3, "C", 3}, Lot{0, "D", 4}};
    BOOST_REQUIRE(rules::apply_fields(t, f).ok());
    BOOST_TEST((numbers_of(t.lots) == std::vector<std::int64_t>{3, 4}));
    BOOST_TEST(t.lot_number_max == 4);
}

BOOST_AUTO_TEST_CASE(lots_stay_in_place_only_when_each_keeps_its_number_and_its_place) {
    const std::vector<Lot> before = three_lots().lots;
    const auto stay = [&](std::vector<std::int64_t> numbers) {
        std::vector<Lot> after;
        for (std::int64_t n : numbers) after.push_back(Lot{n, "x", 1});
        return rules::lots_stay_in_place(before, after);
    };
    BOOST_TEST(stay({1, 2, 3}));
    BOOST_TEST(stay({1, 2, 3, 4}));     // a new lot after the last
    BOOST_TEST(stay({1, 2, 3, 4, 5}));  // several
    BOOST_TEST(!stay({1, 3}));          // lot 2 removed
    BOOST_TEST(!stay({1, 2}));          // the last lot removed
    BOOST_TEST(!stay({}));              // every lot removed
    BOOST_TEST(!stay({1, 3, 2}));       // reordered
    BOOST_TEST(!stay({1, 4, 2, 3}));    // a new lot between existing ones moves them
    BOOST_TEST(!stay({4, 5, 6}));       // lots replaced by new ones
    BOOST_TEST(rules::lots_stay_in_place({}, {}));
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
