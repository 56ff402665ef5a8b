#include "db/url.hpp"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

using procura::core::ErrorKind;
using procura::db::parse_url;

BOOST_AUTO_TEST_SUITE(url)

BOOST_AUTO_TEST_CASE(full_tcp_url_is_parsed) {
    auto c = parse_url("mysql://procura:s3cret@db.example.org:3307/procura");
    BOOST_REQUIRE(c.ok());
    BOOST_TEST(c->user == "procura");
    BOOST_TEST(c->password == "s3cret");
    BOOST_TEST(c->host == "db.example.org");
    BOOST_TEST(c->port == 3307);
    BOOST_TEST(c->database == "procura");
    BOOST_TEST(c->socket.empty());
}

BOOST_AUTO_TEST_CASE(port_defaults_to_3306_and_password_is_optional) {
    auto c = parse_url("mysql://reader@127.0.0.1/app_db");
    BOOST_REQUIRE(c.ok());
    BOOST_TEST(c->port == 3306);
    BOOST_TEST(c->password.empty());
    BOOST_TEST(c->database == "app_db");
}

BOOST_AUTO_TEST_CASE(password_is_percent_decoded_and_may_contain_at_and_colon) {
    auto c = parse_url("mysql://u:p%40ss%2Fw%3Ard:x@localhost:1/d");
    BOOST_REQUIRE(c.ok());
    BOOST_TEST(c->user == "u");
    BOOST_TEST(c->password == "p@ss/w:rd:x");
    BOOST_TEST(c->host == "localhost");
    BOOST_TEST(c->port == 1);
}

BOOST_AUTO_TEST_CASE(unencoded_at_in_password_splits_at_the_last_at) {
    auto c = parse_url("mysql://u:a@b@h/d");
    BOOST_REQUIRE(c.ok());
    BOOST_TEST(c->password == "a@b");
    BOOST_TEST(c->host == "h");
}

BOOST_AUTO_TEST_CASE(socket_parameter_is_read) {
    auto c = parse_url("mysql://procura:pw@localhost/procura?socket=/tmp/x%20y/mysqld.sock");
    BOOST_REQUIRE(c.ok());
    BOOST_TEST(c->socket == "/tmp/x y/mysqld.sock");
    BOOST_TEST(c->database == "procura");
}

BOOST_AUTO_TEST_CASE(ipv6_host_in_brackets) {
    auto c = parse_url("mysql://u:p@[::1]:3310/d");
    BOOST_REQUIRE(c.ok());
    BOOST_TEST(c->host == "::1");
    BOOST_TEST(c->port == 3310);
}

BOOST_AUTO_TEST_CASE(malformed_urls_are_bad_requests_that_never_echo_the_password) {
    const std::vector<std::string> bad = {
        "",
        "postgres://u:hunter2@h/d",
        "mysql://u:hunter2@h",               // no database
        "mysql://u:hunter2@h/",              // empty database
        "mysql://hunter2@/d",                // no host
        "mysql://:hunter2@h/d",              // no user
        "mysql://h/d",                       // no user at all
        "mysql://u:hunter2@h:0/d",           // port 0
        "mysql://u:hunter2@h:65536/d",       // port too large
        "mysql://u:hunter2@h:33a/d",         // port not a number
        "mysql://u:hunter2@h:/d",            // empty port
        "mysql://u:hunter2%zz@h/d",          // bad escape
        "mysql://u:hunter2%4@h/d",           // truncated escape
        "mysql://u:hunter2@h/d;drop",        // odd database name
        "mysql://u:hunter2@h/d?sock=/x",     // unknown parameter
        "mysql://u:hunter2@h/d?socket=rel",  // relative socket
        "mysql://u:hunter2@::1/d",           // IPv6 without brackets
        "mysql://u:hunter2@[::1/d",          // unterminated bracket
    };
    for (const std::string& url : bad) {
        auto c = parse_url(url);
        BOOST_TEST_CONTEXT("url " << url) {
            BOOST_REQUIRE(!c.ok());
            BOOST_TEST((c.error().kind == ErrorKind::bad_request));
            BOOST_TEST(c.error().code == "bad_db_url");
            BOOST_TEST(c.error().field == "db");
            BOOST_TEST(c.error().message.find("hunter2") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
