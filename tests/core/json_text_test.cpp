#include "core/json_text.hpp"

#include <boost/test/unit_test.hpp>

using procura::core::compact_json;
using Json = nlohmann::json;

BOOST_AUTO_TEST_SUITE(json_text)

BOOST_AUTO_TEST_CASE(compact_json_writes_no_spaces_and_keeps_valid_utf8) {
    const Json j = {{"name", "道路 Ünïcödé"}, {"amount_minor", -9223372036854775807LL - 1}};
    BOOST_TEST(compact_json(j) ==
               "{\"amount_minor\":-9223372036854775808,\"name\":\"道路 Ünïcödé\"}");
}

// nlohmann's default dump() throws on invalid UTF-8 (type_error 316). An audit payload is
// hashed into the chain inside the change's transaction, so building one must never throw:
// the invalid bytes become U+FFFD instead.
BOOST_AUTO_TEST_CASE(invalid_utf8_is_replaced_never_thrown) {
    const Json j = {{"reason", std::string("caf\xc3") + "\xff" + "!"}};
    BOOST_CHECK_THROW((void)j.dump(), Json::type_error);
    std::string text;
    BOOST_CHECK_NO_THROW(text = compact_json(j));
    BOOST_TEST(text == "{\"reason\":\"caf\xef\xbf\xbd\xef\xbf\xbd!\"}");
    BOOST_TEST(Json::parse(text)["reason"] == "caf\xef\xbf\xbd\xef\xbf\xbd!");
}

BOOST_AUTO_TEST_SUITE_END()
