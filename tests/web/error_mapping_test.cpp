#include "web/error_mapping.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

namespace procura::web {
namespace {

struct KindCase {
    core::ErrorKind kind;
    unsigned status;
};

std::ostream& operator<<(std::ostream& out, const KindCase& c) {
    return out << static_cast<int>(c.kind) << " -> " << c.status;
}

const KindCase kind_cases[] = {
    {core::ErrorKind::bad_request, 400},   {core::ErrorKind::unauthenticated, 401},
    {core::ErrorKind::forbidden, 403},     {core::ErrorKind::not_found, 404},
    {core::ErrorKind::conflict, 409},      {core::ErrorKind::payload_too_large, 413},
    {core::ErrorKind::unprocessable, 422}, {core::ErrorKind::unavailable, 503},
    {core::ErrorKind::internal, 500},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(error_mapping)

BOOST_DATA_TEST_CASE(each_error_kind_has_its_status, boost::unit_test::data::make(kind_cases), c) {
    BOOST_TEST(http_status(c.kind) == c.status);
    const Response r = error_response(core::make_error(c.kind, "code", "message"));
    BOOST_TEST(r.status == c.status);
    BOOST_TEST(r.content_type == "application/json");
}

BOOST_AUTO_TEST_CASE(error_body_always_has_code_message_and_field) {
    const auto with_field = nlohmann::json::parse(error_body(core::bad_request(
        "invalid_type", "lots[1].budget_minor must be an integer", "lots[1].budget_minor")));
    BOOST_TEST(with_field["error"]["code"] == "invalid_type");
    BOOST_TEST(with_field["error"]["message"] == "lots[1].budget_minor must be an integer");
    BOOST_TEST(with_field["error"]["field"] == "lots[1].budget_minor");
    BOOST_TEST(with_field.size() == 1u);

    const auto without =
        nlohmann::json::parse(error_body(core::conflict("already_published", "twice")));
    BOOST_TEST(without["error"]["field"] == "");
    BOOST_TEST(without["error"].size() == 3u);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_a_message_is_replaced_not_thrown) {
    const std::string body = error_body(core::bad_request("x", std::string("bad \xff byte")));
    BOOST_TEST(nlohmann::json::parse(body)["error"]["message"] == "bad \xEF\xBF\xBD byte");
}

BOOST_AUTO_TEST_CASE(unauthenticated_responses_carry_a_bearer_challenge) {
    const Response missing = error_response(core::unauthenticated("missing_token", "no token"));
    BOOST_REQUIRE(missing.headers.size() == 1u);
    BOOST_TEST(missing.headers[0].first == "WWW-Authenticate");
    BOOST_TEST(missing.headers[0].second == "Bearer");
    const Response invalid = error_response(core::unauthenticated("invalid_token", "expired"));
    BOOST_REQUIRE(invalid.headers.size() == 1u);
    BOOST_TEST(invalid.headers[0].second == "Bearer error=\"invalid_token\"");
    const Response forbidden = error_response(core::forbidden("forbidden", "no"));
    BOOST_TEST(forbidden.headers.empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace procura::web
