#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "core/time.hpp"
#include "web/json_auth.hpp"
#include "web/json_fields.hpp"
#include "web/json_pki.hpp"
#include "web/json_suppliers.hpp"
#include "web/json_tenders.hpp"

namespace procura::web {
namespace {

Json object(std::string_view text) {
    auto parsed = parse_json_object(text);
    BOOST_REQUIRE_MESSAGE(parsed.ok(), std::string(text));
    return *parsed;
}

// The error of parsing text as tender fields: its code and field.
std::pair<std::string, std::string> fields_error(std::string_view text) {
    auto fields = parse_tender_fields(object(text), "");
    BOOST_REQUIRE_MESSAGE(!fields.ok(), std::string(text));
    BOOST_TEST((fields.error().kind == core::ErrorKind::bad_request));
    return {fields.error().code, fields.error().field};
}

struct BadFieldCase {
    const char* body;
    const char* code;
    const char* field;
};

std::ostream& operator<<(std::ostream& out, const BadFieldCase& c) { return out << c.body; }

const BadFieldCase bad_field_cases[] = {
    {R"({"title": 5})", "invalid_type", "title"},
    {R"({"title": null})", "invalid_type", "title"},
    {R"({"description": ["x"]})", "invalid_type", "description"},
    {R"({"buyer": "Town"})", "invalid_type", "buyer"},
    {R"({"buyer": {"name": 1}})", "invalid_type", "buyer.name"},
    {R"({"buyer": {"name": "x", "vat": "1"}})", "unknown_field", "buyer.vat"},
    {R"({"category": "food"})", "unknown_value", "category"},
    {R"({"category": "Goods"})", "unknown_value", "category"},
    {R"({"category": 1})", "invalid_type", "category"},
    {R"({"currency": 978})", "invalid_type", "currency"},
    {R"({"lots": {}})", "invalid_type", "lots"},
    {R"({"lots": [5]})", "invalid_type", "lots[0]"},
    {R"({"lots": [{"title": "a", "budget_minor": 1}, {"title": "b", "budget_minor": 1.5}]})",
     "invalid_type", "lots[1].budget_minor"},
    {R"({"lots": [{"title": "a", "budget_minor": 1}, {"title": "b", "budget_minor": "100"}]})",
     "invalid_type", "lots[1].budget_minor"},
    {R"({"lots": [{"title": "a", "budget_minor": 100.0}]})", "invalid_type",
     "lots[0].budget_minor"},
    {R"({"lots": [{"title": "a", "budget_minor": 1e3}]})", "invalid_type", "lots[0].budget_minor"},
    {R"({"lots": [{"title": "a", "budget_minor": 9223372036854775808}]})", "invalid_type",
     "lots[0].budget_minor"},
    {R"({"lots": [{"title": "a"}]})", "missing_field", "lots[0].budget_minor"},
    {R"({"lots": [{"budget_minor": 1}]})", "missing_field", "lots[0].title"},
    {R"({"lots": [{"title": "a", "budget_minor": 1, "number": "1"}]})", "invalid_type",
     "lots[0].number"},
    {R"({"lots": [{"title": "a", "budget_minor": 1, "number": 1.0}]})", "invalid_type",
     "lots[0].number"},
    {R"({"lots": [{"title": "a", "budget_minor": 1, "number": null}]})", "invalid_type",
     "lots[0].number"},
    {R"({"lots": [{"title": "a", "budget_minor": 1, "id": 1}]})", "unknown_field", "lots[0].id"},
    {R"({"evaluation": {"method": "cheapest"}})", "unknown_value", "evaluation.method"},
    {R"({"evaluation": {"price_weight": "70"}})", "invalid_type", "evaluation.price_weight"},
    {R"({"evaluation": {"weights": 1}})", "unknown_field", "evaluation.weights"},
    {R"({"bid_security_minor": 10.25})", "invalid_type", "bid_security_minor"},
    {R"({"bid_security_minor": true})", "invalid_type", "bid_security_minor"},
    {R"({"enquiry_deadline": 1700000000000})", "invalid_type", "enquiry_deadline"},
    {R"({"submission_deadline": "tomorrow"})", "invalid_time", "submission_deadline"},
    {R"({"opening_time": "2030-02-30T10:00:00Z"})", "invalid_time", "opening_time"},
    {R"({"opening_time": "2030-01-01 10:00:00"})", "invalid_time", "opening_time"},
    {R"({"committee": [1, 2]})", "invalid_type", "committee"},
    {R"({"committee": {"members": [1, "2"]}})", "invalid_type", "committee.members[1]"},
    {R"({"committee": {"threshold": 1.0}})", "invalid_type", "committee.threshold"},
    {R"({"committee": {"k": 1}})", "unknown_field", "committee.k"},
    {R"({"status": "draft"})", "unknown_field", "status"},
    {R"({"version": 1})", "unknown_field", "version"},
};

tender::Tender sample_tender() {
    tender::Tender t;
    t.id = 12;
    t.version = 4;
    t.state = tender::TenderState::published;
    t.title = "Road resurfacing";
    t.description = "Main street";
    t.buyer_name = "Town of Example";
    t.buyer_id = "TOWN-1";
    t.category = tender::Category::works;
    t.currency = "EUR";
    t.lots = {{1, "North", 100000}, {2, "South", 250000}};
    t.evaluation_method = tender::EvaluationMethod::comprehensive;
    t.price_weight = 70;
    t.technical_weight = 30;
    t.bid_security_minor = 5000;
    t.enquiry_deadline_ms = *core::parse_rfc3339_ms("2030-01-10T12:00:00Z");
    t.submission_deadline_ms = *core::parse_rfc3339_ms("2030-01-20T12:00:00Z");
    t.opening_time_ms = *core::parse_rfc3339_ms("2030-01-20T13:00:00Z");
    t.committee = {3, 4, 5};
    t.threshold_k = 2;
    t.created_by = 3;
    t.created_at_ms = *core::parse_rfc3339_ms("2029-12-01T08:00:00Z");
    t.updated_at_ms = *core::parse_rfc3339_ms("2029-12-02T08:00:00.250Z");
    t.published_at_ms = *core::parse_rfc3339_ms("2029-12-02T08:00:00.250Z");
    tender::DocumentMeta doc;
    doc.id = 7;
    doc.title = "Specification";
    doc.filename = "spec.pdf";
    doc.content_type = "application/pdf";
    doc.size_bytes = 3;
    doc.sha256_hex = std::string(64, 'a');
    doc.uploaded_at_ms = t.created_at_ms;
    doc.uploaded_by = 3;
    t.documents.push_back(doc);
    tender::Amendment a;
    a.number = 1;
    a.at_ms = t.updated_at_ms;
    a.by = 3;
    a.rationale = "Typo";
    a.changes_json = R"({"title":"Road resurfacing"})";
    a.tender_version = 4;
    a.deadline_extended_from_ms = *core::parse_rfc3339_ms("2030-01-19T12:00:00Z");
    a.deadline_extended_to_ms = t.submission_deadline_ms;
    t.amendments.push_back(a);
    tender::Question q;
    q.id = 9;
    q.tender_id = 12;
    q.asker_id = 777;
    q.text = "Is asphalt included?";
    q.asked_at_ms = t.updated_at_ms;
    q.answer = "Yes";
    q.answered_at_ms = t.updated_at_ms;
    q.answered_by = 3;
    t.questions.push_back(q);
    return t;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_mapping)

BOOST_AUTO_TEST_CASE(non_json_is_malformed_json) {
    for (const char* body : {"", "{", "{\"a\":}", "nul", "{'a': 1}", "{\"a\": 1} x"}) {
        auto parsed = parse_json_object(body);
        BOOST_REQUIRE_MESSAGE(!parsed.ok(), body);
        BOOST_TEST(parsed.error().code == "malformed_json");
        BOOST_TEST((parsed.error().kind == core::ErrorKind::bad_request));
    }
}

BOOST_AUTO_TEST_CASE(non_object_json_is_invalid_type) {
    for (const char* body : {"[]", "1", "\"x\"", "null", "true"}) {
        auto parsed = parse_json_object(body);
        BOOST_REQUIRE_MESSAGE(!parsed.ok(), body);
        BOOST_TEST(parsed.error().code == "invalid_type");
    }
}

BOOST_AUTO_TEST_CASE(all_tender_fields_are_read) {
    auto fields = parse_tender_fields(object(R"({
        "title": "Road", "description": "Main street",
        "buyer": {"name": "Town", "id": "TOWN-1"}, "category": "works", "currency": "EUR",
        "lots": [{"title": "North", "budget_minor": 100000}, {"title": "South",
                  "budget_minor": 250000}],
        "evaluation": {"method": "comprehensive", "price_weight": 70, "technical_weight": 30},
        "bid_security_minor": 5000,
        "enquiry_deadline": "2030-01-10T12:00:00Z",
        "submission_deadline": "2030-01-20T20:00:00+08:00",
        "opening_time": "2030-01-20T13:00:00.5Z",
        "committee": {"members": [3, 4, 5], "threshold": 2}})"),
                                      "");
    BOOST_REQUIRE(fields.ok());
    const tender::TenderFields& f = *fields;
    BOOST_TEST(*f.title == "Road");
    BOOST_TEST(*f.description == "Main street");
    BOOST_TEST(*f.buyer_name == "Town");
    BOOST_TEST(*f.buyer_id == "TOWN-1");
    BOOST_TEST((*f.category == tender::Category::works));
    BOOST_TEST(*f.currency == "EUR");
    BOOST_REQUIRE(f.lots->size() == 2u);
    BOOST_TEST((*f.lots)[1].title == "South");
    BOOST_TEST((*f.lots)[1].budget_minor == 250000);
    BOOST_TEST((*f.evaluation_method == tender::EvaluationMethod::comprehensive));
    BOOST_TEST(*f.price_weight == 70);
    BOOST_TEST(*f.technical_weight == 30);
    BOOST_TEST(*f.bid_security_minor == 5000);
    BOOST_TEST(*f.enquiry_deadline_ms == *core::parse_rfc3339_ms("2030-01-10T12:00:00Z"));
    BOOST_TEST(*f.submission_deadline_ms == *core::parse_rfc3339_ms("2030-01-20T12:00:00Z"));
    BOOST_TEST(*f.opening_time_ms == *core::parse_rfc3339_ms("2030-01-20T13:00:00.500Z"));
    BOOST_TEST((*f.committee == std::vector<core::UserId>{3, 4, 5}));
    BOOST_TEST(*f.threshold_k == 2);
}

BOOST_AUTO_TEST_CASE(a_lot_names_its_number_to_stay_and_a_lot_without_one_is_new) {
    auto fields =
        parse_tender_fields(object(R"({"lots": [{"number": 3, "title": "Kept", "budget_minor": 1},
                            {"title": "New", "budget_minor": 2}]})"),
                            "changes.");
    BOOST_REQUIRE(fields.ok());
    BOOST_REQUIRE(fields->lots->size() == 2u);
    BOOST_TEST((*fields->lots)[0].number == 3);
    BOOST_TEST((*fields->lots)[1].number == 0);
    // No tender has a lot 0 or below: 422, as for any number the tender does not have.
    for (const char* number : {"0", "-2"}) {
        auto refused = parse_tender_fields(
            object(std::string(R"({"lots": [{"title": "a", "budget_minor": 1}, {"number": )") +
                   number + R"(, "title": "b", "budget_minor": 1}]})"),
            "changes.");
        BOOST_REQUIRE(!refused.ok());
        BOOST_TEST((refused.error().kind == core::ErrorKind::unprocessable));
        BOOST_TEST(refused.error().code == "unknown_lot");
        BOOST_TEST(refused.error().field == "changes.lots[1].number");
    }
}

BOOST_AUTO_TEST_CASE(absent_fields_stay_absent) {
    auto fields = parse_tender_fields(object(R"({"title": "Only the title"})"), "");
    BOOST_REQUIRE(fields.ok());
    BOOST_TEST(fields->title.has_value());
    BOOST_TEST(!fields->description.has_value());
    BOOST_TEST(!fields->lots.has_value());
    BOOST_TEST(!fields->committee.has_value());
    BOOST_TEST(!fields->evaluation_method.has_value());
}

BOOST_AUTO_TEST_CASE(negative_and_zero_amounts_pass_to_the_service_to_judge) {
    auto fields = parse_tender_fields(object(R"({"bid_security_minor": -1,
        "lots": [{"title": "a", "budget_minor": 0}]})"),
                                      "");
    BOOST_REQUIRE(fields.ok());
    BOOST_TEST(*fields->bid_security_minor == -1);
    BOOST_TEST((*fields->lots)[0].budget_minor == 0);
}

BOOST_AUTO_TEST_CASE(the_largest_int64_amount_is_accepted) {
    auto fields = parse_tender_fields(object(R"({"bid_security_minor": 9223372036854775807})"), "");
    BOOST_REQUIRE(fields.ok());
    BOOST_TEST(*fields->bid_security_minor == INT64_MAX);
}

BOOST_DATA_TEST_CASE(each_bad_field_is_named, boost::unit_test::data::make(bad_field_cases), c) {
    const auto [code, field] = fields_error(c.body);
    BOOST_TEST(code == c.code);
    BOOST_TEST(field == c.field);
}

BOOST_AUTO_TEST_CASE(amendment_fields_are_named_under_changes) {
    auto input = parse_amendment(object(R"({"version": 3, "rationale": "r",
        "changes": {"lots": [{"title": "a", "budget_minor": 1}, {"title": "b",
                    "budget_minor": 2.5}]}})"));
    BOOST_REQUIRE(!input.ok());
    BOOST_TEST(input.error().field == "changes.lots[1].budget_minor");
    auto unknown = parse_amendment(object(R"({"version": 3, "rationale": "r",
        "changes": {"colour": "red"}})"));
    BOOST_REQUIRE(!unknown.ok());
    BOOST_TEST(unknown.error().code == "unknown_field");
    BOOST_TEST(unknown.error().field == "changes.colour");
}

BOOST_AUTO_TEST_CASE(amendment_requires_version_rationale_and_changes) {
    auto ok = parse_amendment(
        object(R"({"version": 3, "rationale": "Clarify", "changes": {"description": "More"}})"));
    BOOST_REQUIRE(ok.ok());
    BOOST_TEST(ok->version == 3);
    BOOST_TEST(ok->rationale == "Clarify");
    BOOST_TEST(*ok->changes.description == "More");
    auto no_version = parse_amendment(object(R"({"rationale": "r", "changes": {}})"));
    BOOST_REQUIRE(!no_version.ok());
    BOOST_TEST(no_version.error().code == "missing_field");
    BOOST_TEST(no_version.error().field == "version");
    auto no_changes = parse_amendment(object(R"({"version": 1, "rationale": "r"})"));
    BOOST_REQUIRE(!no_changes.ok());
    BOOST_TEST(no_changes.error().field == "changes");
    auto wrong = parse_amendment(object(R"({"version": 1, "rationale": "r", "changes": []})"));
    BOOST_REQUIRE(!wrong.ok());
    BOOST_TEST(wrong.error().code == "invalid_type");
    BOOST_TEST(wrong.error().field == "changes");
}

BOOST_AUTO_TEST_CASE(edit_requires_an_integer_version) {
    auto ok = parse_edit(object(R"({"version": 2, "title": "New"})"));
    BOOST_REQUIRE(ok.ok());
    BOOST_TEST(ok->version == 2);
    BOOST_TEST(*ok->fields.title == "New");
    auto missing = parse_edit(object(R"({"title": "New"})"));
    BOOST_REQUIRE(!missing.ok());
    BOOST_TEST(missing.error().code == "missing_field");
    BOOST_TEST(missing.error().field == "version");
    auto text = parse_edit(object(R"({"version": "2"})"));
    BOOST_REQUIRE(!text.ok());
    BOOST_TEST(text.error().code == "invalid_type");
    auto unknown = parse_edit(object(R"({"version": 2, "id": 5})"));
    BOOST_REQUIRE(!unknown.ok());
    BOOST_TEST(unknown.error().code == "unknown_field");
    BOOST_TEST(unknown.error().field == "id");
}

BOOST_AUTO_TEST_CASE(publish_body_is_optional) {
    auto empty = parse_publish("");
    BOOST_REQUIRE(empty.ok());
    BOOST_TEST(!empty->has_value());
    auto blank = parse_publish(" \r\n");
    BOOST_REQUIRE(blank.ok());
    BOOST_TEST(!blank->has_value());
    auto no_version = parse_publish("{}");
    BOOST_REQUIRE(no_version.ok());
    BOOST_TEST(!no_version->has_value());
    auto version = parse_publish(R"({"version": 5})");
    BOOST_REQUIRE(version.ok());
    BOOST_TEST(**version == 5);
    BOOST_TEST(parse_publish("{").error().code == "malformed_json");
    BOOST_TEST(parse_publish(R"({"version": 5.5})").error().code == "invalid_type");
    BOOST_TEST(parse_publish(R"({"force": true})").error().code == "unknown_field");
}

BOOST_AUTO_TEST_CASE(login_needs_two_strings) {
    auto ok = parse_login(object(R"({"username": "alice", "password": "secret-password"})"));
    BOOST_REQUIRE(ok.ok());
    BOOST_TEST(ok->username == "alice");
    BOOST_TEST(ok->password == "secret-password");
    BOOST_TEST(parse_login(object(R"({"username": "alice"})")).error().field == "password");
    BOOST_TEST(parse_login(object(R"({"username": 1, "password": "x"})")).error().code ==
               "invalid_type");
    BOOST_TEST(
        parse_login(object(R"({"username": "a", "password": "x", "otp": 1})")).error().code ==
        "unknown_field");
}

BOOST_AUTO_TEST_CASE(single_string_bodies_are_strict) {
    auto ok = parse_single_string(object(R"({"reason": "Budget withdrawn"})"), "reason");
    BOOST_REQUIRE(ok.ok());
    BOOST_TEST(*ok == "Budget withdrawn");
    BOOST_TEST(parse_single_string(object("{}"), "reason").error().code == "missing_field");
    BOOST_TEST(parse_single_string(object(R"({"reason": 1})"), "reason").error().code ==
               "invalid_type");
    BOOST_TEST(
        parse_single_string(object(R"({"reason": "x", "why": "y"})"), "reason").error().field ==
        "why");
}

BOOST_AUTO_TEST_CASE(committee_members_appear_only_when_the_service_shows_them) {
    tender::Tender t = sample_tender();
    t.committee.clear();
    const tender::TenderView hidden{t, tender::TenderStatus::active_tendering, 3, false};
    const Json j = tender_to_json(hidden);
    BOOST_TEST(!j["committee"].contains("members"));
    BOOST_TEST(j["committee"]["size"] == 3);
    BOOST_TEST(j["committee"]["threshold"] == 2);
}

BOOST_AUTO_TEST_CASE(tender_json_has_the_documented_shape) {
    const tender::TenderView view{sample_tender(), tender::TenderStatus::active_tendering, 3, true};
    const Json j = tender_to_json(view);
    BOOST_TEST(j["id"] == 12);
    BOOST_TEST(j["version"] == 4);
    BOOST_TEST(j["status"] == "active.tendering");
    BOOST_TEST(j["buyer"]["name"] == "Town of Example");
    BOOST_TEST(j["buyer"]["id"] == "TOWN-1");
    BOOST_TEST(j["category"] == "works");
    BOOST_TEST(j["currency"] == "EUR");
    BOOST_TEST(j["lots"][1]["number"] == 2);
    BOOST_TEST(j["lots"][1]["budget_minor"] == 250000);
    BOOST_TEST(j["lots"][1]["budget_minor"].is_number_integer());
    BOOST_TEST(j["evaluation"]["method"] == "comprehensive");
    BOOST_TEST(j["evaluation"]["price_weight"] == 70);
    BOOST_TEST(j["bid_security_minor"] == 5000);
    BOOST_TEST(j["enquiry_deadline"] == "2030-01-10T12:00:00.000Z");
    BOOST_TEST(j["submission_deadline"] == "2030-01-20T12:00:00.000Z");
    BOOST_TEST(j["committee"]["members"] == Json::array({3, 4, 5}));
    BOOST_TEST(j["committee"]["size"] == 3);
    BOOST_TEST(j["committee"]["threshold"] == 2);
    BOOST_TEST(j["documents"][0]["sha256"] == std::string(64, 'a'));
    BOOST_TEST(j["documents"][0]["url"] == "/api/v1/tenders/12/documents/7");
    BOOST_TEST(j["amendments"][0]["number"] == 1);
    BOOST_TEST(j["amendments"][0]["changes"]["title"] == "Road resurfacing");
    BOOST_TEST(j["amendments"][0]["deadline_extended_to"] == "2030-01-20T12:00:00.000Z");
    BOOST_TEST(j["questions"][0]["answer"] == "Yes");
    BOOST_TEST(j["updated_at"] == "2029-12-02T08:00:00.250Z");
    BOOST_TEST(j["cancelled_at"].is_null());
    BOOST_TEST(j["cancel_reason"].is_null());
    for (const char* key : {"title", "description", "published_at", "created_at", "opening_time"}) {
        BOOST_TEST(j.contains(key), key);
    }
}

BOOST_AUTO_TEST_CASE(a_fresh_draft_shows_nulls_for_what_is_unset) {
    tender::Tender t;
    t.id = 1;
    t.version = 1;
    const Json j = tender_to_json(tender::TenderView{t, tender::TenderStatus::draft});
    BOOST_TEST(j["status"] == "draft");
    BOOST_TEST(j["category"].is_null());
    BOOST_TEST(j["evaluation"]["method"].is_null());
    BOOST_TEST(j["enquiry_deadline"].is_null());
    BOOST_TEST(j["published_at"].is_null());
    BOOST_TEST(j["lots"].is_array());
    BOOST_TEST(j["questions"].is_array());
}

BOOST_AUTO_TEST_CASE(question_json_never_names_the_asker_or_answerer) {
    const tender::Tender t = sample_tender();
    const Json q = question_to_json(t.questions[0]);
    BOOST_TEST(q.size() == 5u);
    for (const char* key : {"id", "text", "asked_at", "answer", "answered_at"}) {
        BOOST_TEST(q.contains(key), key);
    }
    const std::string whole =
        dump(tender_to_json(tender::TenderView{t, tender::TenderStatus::active_tendering}));
    BOOST_TEST(whole.find("777") == std::string::npos);
    BOOST_TEST(whole.find("asker") == std::string::npos);
    BOOST_TEST(whole.find("answered_by") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(unanswered_question_has_null_answer) {
    tender::Question q;
    q.id = 1;
    q.text = "When?";
    const Json j = question_to_json(q);
    BOOST_TEST(j["answer"].is_null());
    BOOST_TEST(j["answered_at"].is_null());
}

BOOST_AUTO_TEST_CASE(page_derives_each_rows_status) {
    tender::TenderSummary s;
    s.id = 5;
    s.state = tender::TenderState::published;
    s.enquiry_deadline_ms = 1000;
    s.submission_deadline_ms = 2000;
    s.opening_time_ms = 3000;
    tender::TenderPage page;
    page.items = {s};
    page.next_cursor = "5";
    const Json during = page_to_json(page, 1500);
    BOOST_TEST(during["items"][0]["status"] == "active.tendering");
    BOOST_TEST(during["next_cursor"] == "5");
    const Json after = page_to_json(page, 2000);
    BOOST_TEST(after["items"][0]["status"] == "closed");
    page.next_cursor.reset();
    BOOST_TEST(page_to_json(page, 0)["next_cursor"].is_null());
}

BOOST_AUTO_TEST_CASE(login_json_gives_an_rfc3339_expiry) {
    auth::LoginResult login;
    login.token = "tok";
    login.user_id = 4;
    login.role = core::Role::officer;
    login.expires_at_ms = *core::parse_rfc3339_ms("2030-01-01T00:00:00Z");
    const Json j = login_to_json(login);
    BOOST_TEST(j["token"] == "tok");
    BOOST_TEST(j["role"] == "officer");
    BOOST_TEST(j["expires_at"] == "2030-01-01T00:00:00.000Z");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace procura::web
