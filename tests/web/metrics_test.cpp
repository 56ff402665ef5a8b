#include "web/metrics.hpp"

#include <boost/test/unit_test.hpp>

namespace procura::web {

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(requests_are_counted_by_method_route_and_status) {
    Metrics m;
    m.observe("GET", "/api/v1/tenders/{id}", 200, 0.003);
    m.observe("GET", "/api/v1/tenders/{id}", 200, 0.004);
    m.observe("POST", "/api/v1/tenders", 201, 0.02);
    const std::string text = m.exposition();
    BOOST_TEST(text.find("# TYPE procura_http_requests_total counter") != std::string::npos);
    BOOST_TEST(text.find("# TYPE procura_http_request_duration_seconds histogram") !=
               std::string::npos);
    BOOST_TEST(text.find("procura_http_requests_total{method=\"GET\",route=\"/api/v1/tenders/"
                         "{id}\",status=\"200\"} 2") != std::string::npos);
    BOOST_TEST(text.find("procura_http_request_duration_seconds_count{method=\"POST\",route=\"/"
                         "api/v1/tenders\",status=\"201\"} 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_methods_share_one_label) {
    Metrics m;
    m.observe("BREW", "unmatched", 404, 0.001);
    m.observe("PROPFIND", "unmatched", 404, 0.001);
    const std::string text = m.exposition();
    BOOST_TEST(text.find("BREW") == std::string::npos);
    BOOST_TEST(text.find("procura_http_requests_total{method=\"OTHER\",route=\"unmatched\","
                         "status=\"404\"} 2") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace procura::web
