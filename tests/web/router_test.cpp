#include "web/router.hpp"

#include <boost/test/unit_test.hpp>

namespace procura::web {
namespace {

Router tender_router() {
    Router router;
    router.add("GET", "/healthz");
    router.add("GET", "/api/v1/tenders");
    router.add("POST", "/api/v1/tenders");
    router.add("GET", "/api/v1/tenders/{id}");
    router.add("PATCH", "/api/v1/tenders/{id}");
    router.add("GET", "/api/v1/tenders/{id}/documents/{doc_id}");
    return router;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(router)

BOOST_AUTO_TEST_CASE(literal_route_matches_with_its_pattern) {
    const Router router = tender_router();
    const RouteMatch m = router.match("GET", "/healthz");
    BOOST_TEST((m.outcome == MatchOutcome::matched));
    BOOST_TEST(m.route_index == 0u);
    BOOST_TEST(m.pattern == "/healthz");
}

BOOST_AUTO_TEST_CASE(captures_are_returned_by_name) {
    const Router router = tender_router();
    const RouteMatch m = router.match("GET", "/api/v1/tenders/42/documents/7");
    BOOST_REQUIRE(m.outcome == MatchOutcome::matched);
    BOOST_TEST(m.pattern == "/api/v1/tenders/{id}/documents/{doc_id}");
    BOOST_TEST(m.params.get("id") == "42");
    BOOST_TEST(m.params.get("doc_id") == "7");
    BOOST_TEST(!m.params.has("qid"));
}

BOOST_AUTO_TEST_CASE(captures_are_percent_decoded) {
    const Router router = tender_router();
    const RouteMatch m = router.match("GET", "/api/v1/tenders/a%20b");
    BOOST_REQUIRE(m.outcome == MatchOutcome::matched);
    BOOST_TEST(m.params.get("id") == "a b");
}

BOOST_AUTO_TEST_CASE(method_selects_among_routes_of_one_path) {
    const Router router = tender_router();
    BOOST_TEST(router.match("PATCH", "/api/v1/tenders/3").route_index == 4u);
    BOOST_TEST(router.match("GET", "/api/v1/tenders/3").route_index == 3u);
}

BOOST_AUTO_TEST_CASE(known_path_with_wrong_method_lists_allowed_methods) {
    const Router router = tender_router();
    const RouteMatch m = router.match("DELETE", "/api/v1/tenders/3");
    BOOST_TEST((m.outcome == MatchOutcome::method_not_allowed));
    BOOST_TEST(m.allow == "GET, PATCH");
    BOOST_TEST(m.pattern == "/api/v1/tenders/{id}");
}

BOOST_AUTO_TEST_CASE(unknown_paths_are_unmatched) {
    const Router router = tender_router();
    for (const char* path :
         {"/", "", "/api/v1/tender", "/api/v1/tenders/", "/api/v1/tenders/1/x", "/healthz/",
          "//healthz", "/api/v1/tenders//documents/1", "relative/path"}) {
        const RouteMatch m = router.match("GET", path);
        BOOST_TEST((m.outcome == MatchOutcome::not_found), path);
        BOOST_TEST(m.pattern == "unmatched");
    }
}

BOOST_AUTO_TEST_CASE(a_capture_needs_a_non_empty_segment) {
    Router router;
    router.add("GET", "/a/{x}/b");
    BOOST_TEST((router.match("GET", "/a//b").outcome == MatchOutcome::not_found));
    BOOST_TEST((router.match("GET", "/a/1/b").outcome == MatchOutcome::matched));
}

BOOST_AUTO_TEST_CASE(first_added_route_wins_when_several_match) {
    Router router;
    router.add("GET", "/a/new");
    router.add("GET", "/a/{id}");
    BOOST_TEST(router.match("GET", "/a/new").route_index == 0u);
    BOOST_TEST(router.match("GET", "/a/5").route_index == 1u);
}

BOOST_AUTO_TEST_CASE(target_splits_at_the_first_question_mark) {
    const Target t = split_target("/api/v1/tenders?status=closed&q=a?b");
    BOOST_TEST(t.path == "/api/v1/tenders");
    BOOST_TEST(t.query == "status=closed&q=a?b");
    const Target bare = split_target("/healthz");
    BOOST_TEST(bare.path == "/healthz");
    BOOST_TEST(bare.query.empty());
}

BOOST_AUTO_TEST_CASE(query_parameters_are_decoded) {
    auto q = parse_query("q=road+works%21&limit=2&flag&empty=&=x&&");
    BOOST_REQUIRE(q.ok());
    BOOST_TEST(q->get("q") == "road works!");
    BOOST_TEST(q->get("limit") == "2");
    BOOST_TEST(q->has("flag"));
    BOOST_TEST(q->get("flag") == "");
    BOOST_TEST(q->has("empty"));
    BOOST_TEST(!q->has("missing"));
    BOOST_TEST(q->values().size() == 5u);
}

BOOST_AUTO_TEST_CASE(first_of_repeated_query_parameters_wins) {
    auto q = parse_query("status=closed&status=draft");
    BOOST_REQUIRE(q.ok());
    BOOST_TEST(q->get("status") == "closed");
}

BOOST_AUTO_TEST_CASE(bad_percent_escapes_are_a_bad_request) {
    for (const char* query : {"q=%", "q=%4", "q=%zz", "%g1=1"}) {
        auto q = parse_query(query);
        BOOST_REQUIRE_MESSAGE(!q.ok(), query);
        BOOST_TEST((q.error().kind == core::ErrorKind::bad_request));
        BOOST_TEST(q.error().code == "malformed_query");
    }
}

BOOST_AUTO_TEST_CASE(percent_decoding_keeps_plus_outside_queries) {
    auto path = percent_decode("a+b%2Bc", false);
    BOOST_REQUIRE(path.ok());
    BOOST_TEST(*path == "a+b+c");
    auto query = percent_decode("a+b%2Bc", true);
    BOOST_REQUIRE(query.ok());
    BOOST_TEST(*query == "a b+c");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace procura::web
