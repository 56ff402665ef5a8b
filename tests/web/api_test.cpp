#include "web/api.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <stdexcept>

#include "bidding/model.hpp"
#include "core/hash.hpp"
#include "core/time.hpp"
#include "lifecycle/service.hpp"
#include "tests/auth/fake_user_store.hpp"
#include "tests/support/fake_buyers.hpp"
#include "tests/tender/fake_store.hpp"
#include "web/embedded.hpp"
#include "web/json_fields.hpp"

namespace procura::web {
namespace {

using auth::FakeUserStore;
using tender::FakeTenderStore;

constexpr std::int64_t day_ms = core::ms_per_day;

// The real services over in-memory stores, with two officers and a supplier logged in. Built
// once for the whole suite because every password hash costs tens of milliseconds.
struct Env {
    Env() {
        officer_id = add_user("olivia", core::Role::officer);
        second_officer_id = add_user("oscar", core::Role::officer);
        third_officer_id = add_user("ottilie", core::Role::officer);
        buyers.add("TOWN-1", "Town of Example", {officer_id, second_officer_id, third_officer_id});
        supplier_id = add_user("sam-supplies", core::Role::supplier);
        officer_token = login("olivia");
        supplier_token = login("sam-supplies");
    }

    core::UserId add_user(const std::string& name, core::Role role) {
        auto user = auth.add_user(name, role, password, 0);
        BOOST_REQUIRE(user.ok());
        return user->id;
    }

    std::string login(const std::string& name) {
        auto result = auth.login(name, password);
        BOOST_REQUIRE(result.ok());
        return result->token;
    }

    const std::string password = "correct horse battery";
    core::ManualClock clock{*core::parse_rfc3339_ms("2030-01-01T00:00:00Z")};
    FakeUserStore user_store;
    FakeTenderStore tender_store;
    auth::AuthService auth{user_store, clock, auth::AuthLimits{}};
    testing::FakeBuyerDirectory buyers;
    tender::TenderService tenders{tender_store, auth, buyers, clock, tender::TenderLimits{}};
    lifecycle::TenderLifecycle lifecycle{tenders, nullptr, nullptr};
    Metrics metrics;
    std::atomic<int> readiness_mode{0};  // 0 ready, 1 not ready, 2 throws
    Api api{Services{.auth = auth,
                     .tenders = tenders,
                     .lifecycle = lifecycle,
                     .readiness = [this]() -> core::Status {
                         if (readiness_mode == 1) {
                             return core::unavailable("db_down", "database unreachable");
                         }
                         if (readiness_mode == 2) throw std::runtime_error("driver blew up");
                         return {};
                     }},
            ApiOptions{}, clock, metrics};
    core::UserId officer_id = 0;
    core::UserId second_officer_id = 0;
    core::UserId third_officer_id = 0;
    core::UserId supplier_id = 0;
    std::string officer_token;
    std::string supplier_token;
};

Env& env() {
    static Env e;
    return e;
}

// A digest of everything the tender store holds (each tender's version, state and child
// counts, every answer, the audit length), for asserting that a refused request changed
// nothing. Tender ids count up from 1 without gaps.
std::string store_fingerprint() {
    FakeTenderStore& store = env().tender_store;
    std::string out = "audit=" + std::to_string(store.all_audit_events().size());
    for (tender::TenderId id = 1;; ++id) {
        auto found = store.find(id);
        BOOST_REQUIRE(found.ok());
        if (!*found) break;
        const tender::Tender& t = **found;
        out += ";" + std::to_string(id) + "v" + std::to_string(t.version) + "s" +
               std::string(tender::to_string(t.state)) + "d" + std::to_string(t.documents.size()) +
               "a" + std::to_string(t.amendments.size()) + "q" + std::to_string(t.questions.size());
        for (const tender::Question& q : t.questions) out += q.answer ? "+" : "-";
    }
    return out;
}

Response call(const std::string& method, const std::string& target, const std::string& body = "",
              const std::string& token = "", HeaderList headers = {}) {
    Request request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.headers = std::move(headers);
    if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
    return env().api.handle(request);
}

Json json_of(const Response& response) {
    BOOST_TEST(response.content_type == "application/json");
    return Json::parse(response.body);
}

std::string header_of(const Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
        if (iequals(key, name)) return value;
    }
    return {};
}

void expect_error(const Response& response, unsigned status, const std::string& code,
                  const std::string& field = "") {
    BOOST_TEST(response.status == status);
    const Json body = json_of(response);
    BOOST_TEST(body["error"]["code"] == code);
    BOOST_TEST(body["error"]["field"] == field);
    BOOST_TEST(body["error"]["message"].get<std::string>().size() > 0u);
}

std::string at(std::int64_t ms) { return core::format_rfc3339_ms(ms); }

// A complete, publishable tender body with deadlines relative to the clock.
Json publishable_tender(const std::string& title = "Road resurfacing") {
    const std::int64_t now = env().clock.now_ms();
    return Json{{"title", title},
                {"description", "Resurface the main street"},
                {"buyer", {{"name", "Town of Example"}, {"id", "TOWN-1"}}},
                {"category", "works"},
                {"currency", "EUR"},
                {"lots", {{{"title", "North"}, {"budget_minor", 100000}}}},
                {"evaluation", {{"method", "lowest_price"}}},
                {"bid_security_minor", 1000},
                {"enquiry_deadline", at(now + 5 * day_ms)},
                {"submission_deadline", at(now + 20 * day_ms)},
                {"opening_time", at(now + 21 * day_ms)},
                {"committee",
                 {{"members", {env().officer_id, env().second_officer_id, env().third_officer_id}},
                  {"threshold", 2}}}};
}

// Creates a draft as the officer; returns its JSON.
Json create_draft(const Json& body = publishable_tender()) {
    const Response r = call("POST", "/api/v1/tenders", dump(body), env().officer_token);
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
    return json_of(r);
}

Json create_published(const std::string& title = "Road resurfacing") {
    const Json draft = create_draft(publishable_tender(title));
    const Response r =
        call("POST", "/api/v1/tenders/" + draft["id"].dump() + "/publish", "", env().officer_token);
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
    return json_of(r);
}

std::string tender_path(const Json& tender) { return "/api/v1/tenders/" + tender["id"].dump(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(api)

BOOST_AUTO_TEST_CASE(healthz_answers_ok_without_services) {
    const Response r = call("GET", "/healthz");
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(json_of(r) == Json({{"status", "ok"}}));
    BOOST_TEST(r.route == "/healthz");
}

BOOST_AUTO_TEST_CASE(readyz_follows_the_readiness_check) {
    BOOST_TEST(call("GET", "/readyz").status == 200u);
    env().readiness_mode = 1;
    const Response down = call("GET", "/readyz");
    env().readiness_mode = 0;
    expect_error(down, 503, "not_ready");
}

BOOST_AUTO_TEST_CASE(an_unexpected_exception_becomes_a_logged_500) {
    env().readiness_mode = 2;
    const Response r = call("GET", "/readyz");
    env().readiness_mode = 0;
    expect_error(r, 500, "internal");
    BOOST_TEST(r.route == "/readyz");
    BOOST_TEST(r.body.find("driver blew up") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(openapi_document_is_served_from_the_binary) {
    const Response r = call("GET", "/api/v1/openapi.yaml");
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.content_type == "application/yaml");
    BOOST_TEST(r.body.rfind("openapi: 3.0", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(ui_page_and_script_are_served_from_the_binary_with_a_strict_policy) {
    const Response page = call("GET", "/");
    BOOST_TEST(page.status == 200u);
    BOOST_TEST(page.content_type == "text/html; charset=utf-8");
    BOOST_TEST(page.body == std::string(procura::web::ui_index_html()));
    BOOST_TEST(page.body.find("<script src=\"/ui/app.js\"></script>") != std::string::npos);
    const Response script = call("GET", "/ui/app.js");
    BOOST_TEST(script.status == 200u);
    BOOST_TEST(script.content_type == "text/javascript; charset=utf-8");
    BOOST_TEST(script.body == std::string(procura::web::ui_app_js()));
    BOOST_TEST(script.body.find("/api/v1/tenders") != std::string::npos);
    for (const Response* r : {&page, &script}) {
        bool csp = false;
        for (const auto& [name, value] : r->headers) {
            if (name == "Content-Security-Policy") {
                csp = value.find("script-src 'self'") != std::string::npos;
            }
        }
        BOOST_TEST(csp);
    }
}

BOOST_AUTO_TEST_CASE(openapi_document_describes_every_route) {
    const std::string yaml(call("GET", "/api/v1/openapi.yaml").body);
    for (const char* path : {"/:",
                             "/ui/app.js:",
                             "/tsa:",
                             "/api/v1/pki/ca.pem:",
                             "/api/v1/pki/tsa.pem:",
                             "/api/v1/pki/crl.pem:",
                             "/api/v1/certificates:",
                             "/api/v1/certificates/{serial}:",
                             "/api/v1/certificates/{serial}/pem:",
                             "/api/v1/certificates/{serial}/revoke:",
                             "/api/v1/users/{id}/certificates:",
                             "/api/v1/tenders/{id}/opening-certificate:",
                             "/api/v1/tenders/{id}/bids:",
                             "/api/v1/tenders/{id}/bids/{bid_id}:",
                             "/api/v1/tenders/{id}/opening/my-share:",
                             "/api/v1/tenders/{id}/opening/shares:",
                             "/api/v1/tenders/{id}/opening:",
                             "/api/v1/tenders/{id}/opening/documents:",
                             "/api/v1/buyers:",
                             "/api/v1/buyers/{identifier}:",
                             "/api/v1/buyers/{identifier}/officers:",
                             "/api/v1/buyers/{identifier}/officers/{user_id}:",
                             "/api/v1/suppliers:",
                             "/api/v1/suppliers/{id}:",
                             "/api/v1/suppliers/{id}/approve:",
                             "/api/v1/suppliers/{id}/reject:",
                             "/api/v1/log/sth:",
                             "/api/v1/log/key.pem:",
                             "/api/v1/log/entries:",
                             "/api/v1/log/proof/inclusion:",
                             "/api/v1/log/proof/consistency:",
                             "/healthz:",
                             "/readyz:",
                             "/metrics:",
                             "/api/v1/openapi.yaml:",
                             "/api/v1/auth/login:",
                             "/api/v1/auth/logout:",
                             "/api/v1/auth/me:",
                             "/api/v1/tenders:",
                             "/api/v1/tenders/{id}:",
                             "/api/v1/tenders/{id}/publish:",
                             "/api/v1/tenders/{id}/amendments:",
                             "/api/v1/tenders/{id}/cancel:",
                             "/api/v1/tenders/{id}/documents:",
                             "/api/v1/tenders/{id}/documents/{doc_id}:",
                             "/api/v1/tenders/{id}/questions:",
                             "/api/v1/tenders/{id}/questions/{qid}/answer:",
                             "/api/v1/tenders/{id}/evaluation:",
                             "/api/v1/tenders/{id}/evaluation/declarations:",
                             "/api/v1/tenders/{id}/evaluation/panel/{member_id}/withdrawal:",
                             "/api/v1/tenders/{id}/evaluation/scores:",
                             "/api/v1/tenders/{id}/lots/{lot_id}/award:",
                             "/api/v1/tenders/{id}/lots/{lot_id}/unsuccessful:",
                             "/api/v1/tenders/{id}/awards:",
                             "/api/v1/awards/{id}:",
                             "/api/v1/awards/{id}/contract:",
                             "/api/v1/awards/{id}/decline:",
                             "/api/v1/contracts/{id}:",
                             "/api/v1/contracts/{id}/milestones/{number}/accept:",
                             "/api/v1/settlement/batches:",
                             "/api/v1/settlement/batches/{id}:",
                             "/api/v1/settlement/batches/{id}/approve:",
                             "/api/v1/settlement/batches/{id}/cancel:",
                             "/api/v1/settlement/batches/{id}/execute:",
                             "/api/v1/settlement/batches/{id}/files/{n}:",
                             "/api/v1/settlement/batches/{id}/report.csv:",
                             "/api/v1/settlement/buyer-accounts:"}) {
        BOOST_TEST(yaml.find(std::string("\n  ") + path) != std::string::npos, path);
    }
}

BOOST_AUTO_TEST_CASE(metrics_are_served_as_prometheus_text) {
    env().metrics.observe("GET", "/api/v1/tenders/{id}", 200, 0.002);
    const Response r = call("GET", "/metrics");
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.content_type.rfind("text/plain; version=0.0.4", 0) == 0u);
    BOOST_TEST(r.body.find("procura_http_requests_total{") != std::string::npos);
    BOOST_TEST(r.body.find("route=\"/api/v1/tenders/{id}\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_route_is_404_and_labelled_unmatched) {
    const Response r = call("GET", "/api/v1/nothing/here?x=1");
    expect_error(r, 404, "not_found");
    BOOST_TEST(r.route == "unmatched");
}

BOOST_AUTO_TEST_CASE(known_path_with_wrong_method_is_405_with_allow) {
    const Response r = call("DELETE", "/api/v1/tenders");
    expect_error(r, 405, "method_not_allowed");
    BOOST_TEST(header_of(r, "Allow") == "GET, POST");
    BOOST_TEST(r.route == "/api/v1/tenders");
}

BOOST_AUTO_TEST_CASE(bad_query_escape_is_400) {
    expect_error(call("GET", "/api/v1/tenders?q=%zz"), 400, "malformed_query");
}

BOOST_AUTO_TEST_CASE(login_gives_token_role_and_rfc3339_expiry) {
    const Response r = call("POST", "/api/v1/auth/login",
                            R"({"username": "olivia", "password": "correct horse battery"})");
    BOOST_REQUIRE(r.status == 200u);
    const Json body = json_of(r);
    BOOST_TEST(body["role"] == "officer");
    BOOST_TEST(body["token"].get<std::string>().size() >= 40u);
    BOOST_TEST(core::parse_rfc3339_ms(body["expires_at"].get<std::string>()).has_value());
    BOOST_TEST(header_of(r, "Cache-Control") == "no-store");
}

BOOST_AUTO_TEST_CASE(login_failures_are_401_or_400) {
    const Response wrong = call("POST", "/api/v1/auth/login",
                                R"({"username": "olivia", "password": "wrong password!"})");
    expect_error(wrong, 401, "invalid_credentials");
    BOOST_TEST(header_of(wrong, "WWW-Authenticate").rfind("Bearer", 0) == 0u);
    expect_error(call("POST", "/api/v1/auth/login", "{\"username\":"), 400, "malformed_json");
    expect_error(call("POST", "/api/v1/auth/login", R"({"username": "olivia"})"), 400,
                 "missing_field", "password");
    expect_error(call("POST", "/api/v1/auth/login", "[1]"), 400, "invalid_type");
}

BOOST_AUTO_TEST_CASE(me_names_the_caller) {
    const Response r = call("GET", "/api/v1/auth/me", "", env().supplier_token);
    BOOST_REQUIRE(r.status == 200u);
    const Json body = json_of(r);
    BOOST_TEST(body["user_id"] == env().supplier_id);
    BOOST_TEST(body["username"] == "sam-supplies");
    BOOST_TEST(body["role"] == "supplier");
}

BOOST_AUTO_TEST_CASE(missing_or_bad_token_is_401_with_a_bearer_challenge) {
    const Response none = call("GET", "/api/v1/auth/me");
    expect_error(none, 401, "missing_token");
    BOOST_TEST(header_of(none, "WWW-Authenticate") == "Bearer");
    const Response unknown = call("GET", "/api/v1/auth/me", "", "not-a-real-token");
    expect_error(unknown, 401, "invalid_token");
    BOOST_TEST(header_of(unknown, "WWW-Authenticate").rfind("Bearer", 0) == 0u);
    const Response basic =
        call("GET", "/api/v1/auth/me", "", "", {{"Authorization", "Basic b2xpdmlhOng="}});
    expect_error(basic, 401, "invalid_token");
}

BOOST_AUTO_TEST_CASE(logout_ends_the_session) {
    const std::string token = env().login("olivia");
    BOOST_TEST(call("GET", "/api/v1/auth/me", "", token).status == 200u);
    const Response out = call("POST", "/api/v1/auth/logout", "", token);
    BOOST_TEST(out.status == 204u);
    BOOST_TEST(out.body.empty());
    BOOST_TEST(call("GET", "/api/v1/auth/me", "", token).status == 401u);
    BOOST_TEST(call("POST", "/api/v1/auth/logout").status == 401u);
}

BOOST_AUTO_TEST_CASE(officer_creates_a_draft_with_location) {
    const Response r =
        call("POST", "/api/v1/tenders", dump(publishable_tender()), env().officer_token);
    BOOST_REQUIRE(r.status == 201u);
    const Json body = json_of(r);
    BOOST_TEST(body["status"] == "draft");
    BOOST_TEST(body["version"] == 1);
    BOOST_TEST(body["lots"][0]["number"] == 1);
    BOOST_TEST(body["lots"][0]["budget_minor"] == 100000);
    BOOST_TEST(header_of(r, "Location") == "/api/v1/tenders/" + body["id"].dump());
    BOOST_TEST(r.route == "/api/v1/tenders");
}

BOOST_AUTO_TEST_CASE(refused_creations_change_nothing) {
    const std::string before = store_fingerprint();
    expect_error(call("POST", "/api/v1/tenders", dump(publishable_tender())), 401, "missing_token");
    expect_error(call("POST", "/api/v1/tenders", dump(publishable_tender()), env().supplier_token),
                 403, "forbidden");
    expect_error(call("POST", "/api/v1/tenders", "{\"title\": ", env().officer_token), 400,
                 "malformed_json");
    Json wrong_type = publishable_tender();
    wrong_type["lots"] = Json::array(
        {Json{{"title", "a"}, {"budget_minor", 1}}, Json{{"title", "b"}, {"budget_minor", 2.5}}});
    expect_error(call("POST", "/api/v1/tenders", dump(wrong_type), env().officer_token), 400,
                 "invalid_type", "lots[1].budget_minor");
    Json unknown_enum = publishable_tender();
    unknown_enum["category"] = "food";
    expect_error(call("POST", "/api/v1/tenders", dump(unknown_enum), env().officer_token), 400,
                 "unknown_value", "category");
    Json unknown_field = publishable_tender();
    unknown_field["colour"] = "red";
    expect_error(call("POST", "/api/v1/tenders", dump(unknown_field), env().officer_token), 400,
                 "unknown_field", "colour");
    BOOST_TEST(store_fingerprint() == before);
}

BOOST_AUTO_TEST_CASE(drafts_are_visible_to_officers_only) {
    const Json draft = create_draft(publishable_tender("Secret draft"));
    BOOST_TEST(call("GET", tender_path(draft), "", env().officer_token).status == 200u);
    expect_error(call("GET", tender_path(draft)), 404, "tender_not_found");
    BOOST_TEST(call("GET", tender_path(draft), "", env().supplier_token).status == 404u);
    const auto listed = [](const std::string& token) {
        const Json page =
            json_of(call("GET", "/api/v1/tenders?limit=100&q=Secret%20draft", "", token));
        return page["items"].size();
    };
    BOOST_TEST(listed("") == 0u);
    BOOST_TEST(listed(env().officer_token) >= 1u);
}

BOOST_AUTO_TEST_CASE(non_numeric_or_unknown_ids_are_404) {
    for (const char* target :
         {"/api/v1/tenders/abc", "/api/v1/tenders/-1", "/api/v1/tenders/0", "/api/v1/tenders/1.5",
          "/api/v1/tenders/+1", "/api/v1/tenders/99999999999999999999", "/api/v1/tenders/424242"}) {
        BOOST_TEST(call("GET", target).status == 404u, target);
    }
}

BOOST_AUTO_TEST_CASE(edit_needs_the_current_version) {
    const Json draft = create_draft();
    const Response stale = call("PATCH", tender_path(draft), R"({"version": 7, "title": "Stale"})",
                                env().officer_token);
    expect_error(stale, 409, "stale_version", "version");
    const Response ok = call("PATCH", tender_path(draft), R"({"version": 1, "title": "Fresh"})",
                             env().officer_token);
    BOOST_REQUIRE(ok.status == 200u);
    BOOST_TEST(json_of(ok)["version"] == 2);
    BOOST_TEST(json_of(ok)["title"] == "Fresh");
    expect_error(
        call("PATCH", tender_path(draft), R"({"title": "No version"})", env().officer_token), 400,
        "missing_field", "version");
}

BOOST_AUTO_TEST_CASE(publishing_twice_is_a_conflict) {
    const Json published = create_published();
    BOOST_TEST(published["status"] == "active.enquiries");
    const std::string before = store_fingerprint();
    expect_error(call("POST", tender_path(published) + "/publish", "", env().officer_token), 409,
                 "already_published");
    BOOST_TEST(store_fingerprint() == before);
}

BOOST_AUTO_TEST_CASE(publish_checks_the_optional_version) {
    const Json draft = create_draft();
    expect_error(
        call("POST", tender_path(draft) + "/publish", R"({"version": 9})", env().officer_token),
        409, "stale_version", "version");
    BOOST_TEST(
        call("POST", tender_path(draft) + "/publish", R"({"version": 1})", env().officer_token)
            .status == 200u);
}

BOOST_AUTO_TEST_CASE(deadlines_out_of_order_are_422_naming_the_field) {
    Json body = publishable_tender();
    const std::int64_t now = env().clock.now_ms();
    body["enquiry_deadline"] = at(now + 25 * day_ms);
    const Json draft = create_draft(body);
    const std::string before = store_fingerprint();
    const Response r = call("POST", tender_path(draft) + "/publish", "", env().officer_token);
    BOOST_TEST(r.status == 422u);
    BOOST_TEST(!json_of(r)["error"]["field"].get<std::string>().empty());
    BOOST_TEST(store_fingerprint() == before);
}

BOOST_AUTO_TEST_CASE(amendment_is_numbered_and_public) {
    const Json published = create_published();
    const Response r = call("POST", tender_path(published) + "/amendments",
                            dump(Json{{"version", published["version"]},
                                      {"rationale", "Clarify scope"},
                                      {"changes", {{"description", "Resurface and repaint"}}}}),
                            env().officer_token);
    BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
    const Json amended = json_of(r);
    BOOST_TEST(amended["version"] == published["version"].get<int>() + 1);
    BOOST_TEST(amended["amendments"][0]["number"] == 1);
    BOOST_TEST(amended["amendments"][0]["changes"]["description"] == "Resurface and repaint");
    const Json seen = json_of(call("GET", tender_path(published)));
    BOOST_TEST(seen["amendments"].size() == 1u);
    BOOST_TEST(seen["description"] == "Resurface and repaint");
}

BOOST_AUTO_TEST_CASE(cancel_needs_a_reason) {
    const Json published = create_published();
    expect_error(call("POST", tender_path(published) + "/cancel", "{}", env().officer_token), 400,
                 "missing_field", "reason");
    const Response r = call("POST", tender_path(published) + "/cancel",
                            R"({"reason": "Budget withdrawn"})", env().officer_token);
    BOOST_REQUIRE(r.status == 200u);
    BOOST_TEST(json_of(r)["status"] == "cancelled");
    BOOST_TEST(json_of(r)["cancel_reason"] == "Budget withdrawn");
}

BOOST_AUTO_TEST_CASE(list_filters_and_paginates_with_a_cursor) {
    for (int i = 0; i < 3; ++i) create_published("Paginated bridge " + std::to_string(i));
    const Response first = call("GET", "/api/v1/tenders?q=paginated+bridge&limit=2");
    BOOST_REQUIRE(first.status == 200u);
    const Json page1 = json_of(first);
    BOOST_TEST(page1["items"].size() == 2u);
    BOOST_TEST(page1["items"][0]["title"] == "Paginated bridge 2");
    BOOST_TEST(page1["items"][0]["status"] == "active.enquiries");
    BOOST_REQUIRE(page1["next_cursor"].is_string());
    const Json page2 = json_of(call("GET", "/api/v1/tenders?q=paginated+bridge&limit=2&cursor=" +
                                               page1["next_cursor"].get<std::string>()));
    BOOST_TEST(page2["items"].size() == 1u);
    BOOST_TEST(page2["items"][0]["title"] == "Paginated bridge 0");
    BOOST_TEST(page2["next_cursor"].is_null());
    const Json filtered = json_of(call("GET",
                                       "/api/v1/tenders?q=paginated+bridge&status=active.enquiries"
                                       "&category=works"));
    BOOST_TEST(filtered["items"].size() == 3u);
    const Json none = json_of(call("GET", "/api/v1/tenders?q=paginated+bridge&status=closed"));
    BOOST_TEST(none["items"].empty());
}

BOOST_AUTO_TEST_CASE(bad_list_parameters_are_400_naming_the_parameter) {
    expect_error(call("GET", "/api/v1/tenders?status=open"), 400, "unknown_value", "status");
    expect_error(call("GET", "/api/v1/tenders?category=food"), 400, "unknown_value", "category");
    for (const char* limit : {"abc", "0", "101", "-1", "10x", "99999999999999999999999"}) {
        expect_error(call("GET", std::string("/api/v1/tenders?limit=") + limit), 400,
                     "invalid_parameter", "limit");
    }
    BOOST_TEST(call("GET", "/api/v1/tenders?limit=100").status == 200u);
    expect_error(call("GET", "/api/v1/tenders?cursor=xyz"), 400, "invalid_parameter", "cursor");
}

BOOST_AUTO_TEST_CASE(document_round_trip_keeps_bytes_type_and_hash) {
    const Json draft = create_draft();
    const std::string bytes("%PDF-1.7\n\x00\x01\xff binary", 20);
    const Response up =
        call("POST", tender_path(draft) + "/documents?filename=spec%20v1.pdf&title=Spec", bytes,
             env().officer_token, {{"Content-Type", "application/pdf"}});
    BOOST_REQUIRE_MESSAGE(up.status == 201u, up.body);
    const Json meta = json_of(up);
    BOOST_TEST(meta["sha256"] == core::sha256_hex(bytes));
    BOOST_TEST(meta["size_bytes"] == 20);
    BOOST_TEST(meta["filename"] == "spec v1.pdf");
    BOOST_TEST(header_of(up, "Location") == meta["url"].get<std::string>());

    const Response down = call("GET", meta["url"].get<std::string>(), "", env().officer_token);
    BOOST_REQUIRE(down.status == 200u);
    BOOST_TEST(down.body == bytes);
    BOOST_TEST(down.content_type == "application/pdf");
    BOOST_TEST(header_of(down, "ETag") == "\"" + core::sha256_hex(bytes) + "\"");
    BOOST_TEST(header_of(down, "Content-Disposition") ==
               "attachment; filename=\"spec v1.pdf\"; filename*=UTF-8''spec%20v1.pdf");

    const Response cached = call("GET", meta["url"].get<std::string>(), "", env().officer_token,
                                 {{"If-None-Match", header_of(down, "ETag")}});
    BOOST_TEST(cached.status == 304u);
    BOOST_TEST(cached.body.empty());
    // A draft's documents are as invisible as the draft.
    BOOST_TEST(call("GET", meta["url"].get<std::string>()).status == 404u);
}

BOOST_AUTO_TEST_CASE(document_upload_needs_a_filename) {
    const Json draft = create_draft();
    expect_error(
        call("POST", tender_path(draft) + "/documents?title=x", "bytes", env().officer_token), 400,
        "missing_parameter", "filename");
}

BOOST_AUTO_TEST_CASE(questions_are_published_without_the_asker) {
    const Json published = create_published();
    const Response asked = call("POST", tender_path(published) + "/questions",
                                R"({"text": "Is asphalt included?"})", env().supplier_token);
    BOOST_REQUIRE_MESSAGE(asked.status == 201u, asked.body);
    const Json question = json_of(asked);
    BOOST_TEST(question.size() == 5u);
    const std::string answer_path =
        tender_path(published) + "/questions/" + question["id"].dump() + "/answer";
    const std::string before = store_fingerprint();
    expect_error(call("POST", answer_path, R"({"answer": "No"})", env().supplier_token), 403,
                 "forbidden");
    BOOST_TEST(store_fingerprint() == before);
    const Response answered =
        call("POST", answer_path, R"({"answer": "Yes, all layers."})", env().officer_token);
    BOOST_REQUIRE(answered.status == 200u);
    BOOST_TEST(json_of(answered)["answer"] == "Yes, all layers.");

    const Response seen = call("GET", tender_path(published));
    const Json tender = json_of(seen);
    BOOST_TEST(tender["questions"][0]["text"] == "Is asphalt included?");
    BOOST_TEST(tender["questions"][0]["answer"] == "Yes, all layers.");
    BOOST_TEST(seen.body.find("sam-supplies") == std::string::npos);
    BOOST_TEST(seen.body.find("asker") == std::string::npos);
    BOOST_TEST(tender["questions"][0].size() == 5u);
}

BOOST_AUTO_TEST_CASE(anonymous_notice_board_pages_are_cached_until_a_change) {
    create_published("Cached page tender");
    const Request anonymous{"GET", "/api/v1/tenders?q=cached+page", {}, "", ""};
    BOOST_TEST(!env().api.cached(anonymous).has_value());
    const Response first = env().api.handle(anonymous);
    BOOST_REQUIRE(first.status == 200u);
    const auto hit = env().api.cached(anonymous);
    BOOST_REQUIRE(hit.has_value());
    BOOST_TEST(hit->body == first.body);
    BOOST_TEST(hit->route == "/api/v1/tenders");

    // Callers with a token (officers see drafts) never get a cached page.
    Request officer = anonymous;
    officer.headers.emplace_back("Authorization", "Bearer " + env().officer_token);
    BOOST_TEST(!env().api.cached(officer).has_value());

    // A refused change keeps the cache; a successful one empties it.
    call("POST", "/api/v1/tenders", "{", env().officer_token);
    BOOST_TEST(env().api.cached(anonymous).has_value());
    create_draft();
    BOOST_TEST(!env().api.cached(anonymous).has_value());
}

BOOST_AUTO_TEST_CASE(cached_pages_end_at_the_ttl_and_at_the_next_deadline) {
    create_published("Short lived page");
    const Request page{"GET", "/api/v1/tenders?q=short+lived", {}, "", ""};
    BOOST_REQUIRE(env().api.handle(page).status == 200u);
    BOOST_TEST(env().api.cached(page).has_value());
    env().clock.advance_ms(1000);
    BOOST_TEST(!env().api.cached(page).has_value());

    // A tender whose enquiry period ends in 300 ms: its page may not outlive that instant, so
    // the status shown is never stale.
    Json body = publishable_tender("Deadline bound page");
    body["enquiry_deadline"] = at(env().clock.now_ms() + 300);
    const Json draft = create_draft(body);
    BOOST_REQUIRE(call("POST", tender_path(draft) + "/publish", "", env().officer_token).status ==
                  200u);
    const Request bound{"GET", "/api/v1/tenders?q=deadline+bound", {}, "", ""};
    BOOST_REQUIRE(env().api.handle(bound).status == 200u);
    env().clock.advance_ms(299);
    BOOST_TEST(env().api.cached(bound).has_value());
    env().clock.advance_ms(1);
    BOOST_TEST(!env().api.cached(bound).has_value());
    BOOST_TEST(json_of(env().api.handle(bound))["items"][0]["status"] == "active.tendering");
}

BOOST_AUTO_TEST_CASE(anonymous_tender_pages_are_cached_too) {
    const Json published = create_published();
    const Request anonymous{"GET", tender_path(published), {}, "", ""};
    BOOST_REQUIRE(env().api.handle(anonymous).status == 200u);
    BOOST_TEST(env().api.cached(anonymous).has_value());
    const Request missing{"GET", "/api/v1/tenders/987654", {}, "", ""};
    BOOST_TEST(env().api.handle(missing).status == 404u);
    BOOST_TEST(!env().api.cached(missing).has_value());
}

BOOST_AUTO_TEST_CASE(classify_gives_route_limit_and_dispatch) {
    const Api& api = env().api;
    const RouteInfo upload = api.classify("POST", "/api/v1/tenders/5/documents?filename=a");
    BOOST_TEST(upload.pattern == "/api/v1/tenders/{id}/documents");
    BOOST_TEST(upload.body_bytes_max == ApiOptions{}.document_body_bytes_max);
    BOOST_TEST((upload.dispatch == Dispatch::worker));
    const RouteInfo create = api.classify("POST", "/api/v1/tenders");
    BOOST_TEST(create.body_bytes_max == ApiOptions{}.body_bytes_max);
    BOOST_TEST((api.classify("GET", "/healthz").dispatch == Dispatch::io_thread));
    BOOST_TEST((api.classify("GET", "/readyz").dispatch == Dispatch::worker));
    const RouteInfo unknown = api.classify("GET", "/nope");
    BOOST_TEST(unknown.pattern == "unmatched");
    BOOST_TEST((unknown.dispatch == Dispatch::io_thread));
    BOOST_TEST(!create.secret_body);
    BOOST_TEST(!upload.secret_body);
    // An opened share: a small body (413 before it is read), wiped by the server once answered.
    const RouteInfo share = api.classify("POST", "/api/v1/tenders/5/opening/shares");
    BOOST_TEST(share.secret_body);
    BOOST_TEST(share.body_bytes_max == bidding::opening_share_bytes_max);
}

BOOST_AUTO_TEST_CASE(bearer_tokens_are_parsed_strictly) {
    BOOST_TEST(*bearer_token("Bearer abc-DEF_123") == "abc-DEF_123");
    BOOST_TEST(*bearer_token("bearer   abc  ") == "abc");
    BOOST_TEST(!bearer_token("Bearer").has_value());
    BOOST_TEST(!bearer_token("Bearer ").has_value());
    BOOST_TEST(!bearer_token("Bearerabc").has_value());
    BOOST_TEST(!bearer_token("Basic abc").has_value());
    BOOST_TEST(!bearer_token("Bearer a b").has_value());
}

BOOST_AUTO_TEST_CASE(attachment_names_are_quoted_safely) {
    BOOST_TEST(attachment_disposition("plan.pdf") ==
               "attachment; filename=\"plan.pdf\"; filename*=UTF-8''plan.pdf");
    BOOST_TEST(attachment_disposition("招标.pdf") ==
               "attachment; filename=\"______.pdf\"; "
               "filename*=UTF-8''%E6%8B%9B%E6%A0%87.pdf");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace procura::web
