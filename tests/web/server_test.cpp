// The Beast server over a loopback socket: keep-alive, limits, time-outs, the worker pool,
// back-pressure and graceful shutdown. The services run over in-memory stores; the readiness
// check doubles as a handler whose speed the test controls (a "slow database").
#include "web/server.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/time.hpp"
#include "tests/auth/fake_user_store.hpp"
#include "tests/support/fake_buyers.hpp"
#include "tests/tender/fake_store.hpp"
#include "web/api.hpp"
#include "web/http_client.hpp"
#include "web/secret_buffer.hpp"

namespace procura::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A readiness check that blocks until opened, and counts the calls that have entered it.
class Gate {
public:
    core::Status wait() {
        std::unique_lock<std::mutex> lock(mutex_);
        ++entered_;
        changed_.notify_all();
        changed_.wait(lock, [this] { return open_; });
        return {};
    }
    void close() {
        std::lock_guard<std::mutex> lock(mutex_);
        open_ = false;
    }
    void open() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            open_ = true;
        }
        changed_.notify_all();
    }
    // Waits until n calls have entered; false after 5 s.
    bool wait_entered(int n) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, 5s, [&] { return entered_ >= n; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool open_ = true;
    int entered_ = 0;
};

ServerOptions small_options() {
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.io_threads = 2;
    o.worker_threads = 2;
    o.header_bytes_max = 2048;
    o.read_timeout = 2s;
    o.write_timeout = 2s;
    o.idle_timeout = 1s;
    return o;
}

ApiOptions small_api_options() {
    ApiOptions o;
    o.body_bytes_max = 1024;
    o.document_body_bytes_max = 4096;
    return o;
}

// A handler that answers every request 200 without a service: the server serves whatever
// RequestHandler it is given.
class PlainHandler final : public RequestHandler {
public:
    RouteInfo classify(std::string_view, std::string_view) const override {
        return RouteInfo{"/plain", 64, Dispatch::worker};
    }
    std::size_t body_bytes_max() const override { return 64; }
    Response handle(const Request&) const override {
        Response r;
        r.body = "plain";
        r.route = "/plain";
        return r;
    }
    std::optional<Response> cached(const Request&) const override { return std::nullopt; }
};

// A running server of the API over fresh in-memory services; stopped and joined on
// destruction.
struct Harness {
    explicit Harness(const ServerOptions& options = small_options()) {
        auto created = Server::create(options, api, metrics);
        BOOST_REQUIRE_MESSAGE(created.ok(),
                              (created.ok() ? std::string() : created.error().message));
        server = std::move(*created);
        runner = std::thread([this] { server->run(); });
    }
    ~Harness() {
        gate.open();
        server->stop();
        if (runner.joinable()) runner.join();
    }

    core::ManualClock clock{*core::parse_rfc3339_ms("2030-01-01T00:00:00Z")};
    auth::FakeUserStore user_store;
    tender::FakeTenderStore tender_store;
    auth::AuthService auth{user_store, clock, auth::AuthLimits{}};
    testing::FakeBuyerDirectory buyers;
    tender::TenderService tenders{tender_store, auth, buyers, clock, tender::TenderLimits{}};
    lifecycle::TenderLifecycle lifecycle{tenders, nullptr, nullptr};
    Gate gate;
    Metrics metrics;
    Api api{Services{.auth = auth,
                     .tenders = tenders,
                     .lifecycle = lifecycle,
                     .readiness = [this] { return gate.wait(); }},
            small_api_options(), clock, metrics};
    std::unique_ptr<Server> server;
    std::thread runner;
};

using Reply = http::response<http::string_body>;

// A blocking HTTP client on one connection, with a 5 s guard on every operation.
class Client {
public:
    explicit Client(std::uint16_t port) : stream_(ioc_) {
        stream_.expires_after(5s);
        stream_.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
    }

    Reply request(http::verb method, const std::string& target, const std::string& body = "",
                  unsigned version = 11) {
        send(method, target, body, version);
        return receive();
    }

    void send(http::verb method, const std::string& target, const std::string& body = "",
              unsigned version = 11) {
        http::request<http::string_body> req{method, target, version};
        req.set(http::field::host, "localhost");
        if (!body.empty() || method == http::verb::post) {
            req.set(http::field::content_type, "application/json");
            req.body() = body;
            req.prepare_payload();
        }
        stream_.expires_after(5s);
        http::write(stream_, req);
    }

    Reply receive() {
        Reply reply;
        stream_.expires_after(5s);
        http::read(stream_, buffer_, reply);
        return reply;
    }

    void write_raw(const std::string& bytes) {
        stream_.expires_after(5s);
        asio::write(stream_.socket(), asio::buffer(bytes));
    }

    // Reads through the end of the next header block as raw text.
    std::string read_raw_header() {
        stream_.expires_after(5s);
        std::string out;
        const std::size_t n =
            asio::read_until(stream_.socket(), asio::dynamic_buffer(raw_), "\r\n\r\n");
        out = raw_.substr(0, n);
        raw_.erase(0, n);
        return out;
    }

    // True if the server has closed the connection (EOF or reset) within the wait.
    bool closed_by_server(std::chrono::milliseconds wait) {
        stream_.expires_after(wait);
        char byte = 0;
        beast::error_code ec;
        stream_.read_some(asio::buffer(&byte, 1), ec);
        return ec == asio::error::eof || ec == asio::error::connection_reset;
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
    }

private:
    asio::io_context ioc_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::string raw_;
};

// Milliseconds since start, as a plain number Boost.Test can print.
long ms_since(std::chrono::steady_clock::time_point start) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - start)
                                 .count());
}

std::string error_code_of(const Reply& reply) {
    return nlohmann::json::parse(reply.body())["error"]["code"].get<std::string>();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(server)

BOOST_AUTO_TEST_CASE(port_zero_binds_an_ephemeral_port) {
    Harness h;
    BOOST_TEST(h.server->port() != 0);
    Client c(h.server->port());
    const Reply r = c.request(http::verb::get, "/healthz");
    BOOST_TEST(r.result_int() == 200u);
    BOOST_TEST(r.body() == R"({"status":"ok"})");
    BOOST_TEST(std::string(r[http::field::content_type]) == "application/json");
}

BOOST_AUTO_TEST_CASE(binding_a_port_in_use_fails_naming_host_and_port) {
    Harness h;
    ServerOptions o = small_options();
    o.port = h.server->port();
    auto second = Server::create(o, h.api, h.metrics);
    BOOST_REQUIRE(!second.ok());
    BOOST_TEST((second.error().kind == core::ErrorKind::unavailable));
    BOOST_TEST(second.error().message.find("127.0.0.1:" + std::to_string(o.port)) !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_several_requests_on_one_connection) {
    Harness h;
    Client c(h.server->port());
    for (int i = 0; i < 3; ++i) {
        const Reply r = c.request(http::verb::get, "/healthz");
        BOOST_TEST(r.result_int() == 200u);
        BOOST_TEST(r.keep_alive());
    }
    const Reply worker = c.request(http::verb::get, "/readyz");
    BOOST_TEST(worker.result_int() == 200u);
    BOOST_TEST(worker.keep_alive());
}

BOOST_AUTO_TEST_CASE(http_connection_reuses_its_connection_and_reconnects_when_it_is_closed) {
    Harness h;
    const std::string url = "http://127.0.0.1:" + std::to_string(h.server->port()) + "/healthz";
    web::HTTPConnection connection;
    const auto get = [&](const HeaderList& headers) {
        auto r = connection.request("GET", url, headers, "", 5000ms);
        BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().message));
        BOOST_TEST(r->status == 200);
    };
    for (int i = 0; i < 3; ++i) get({});
    // The server closes an idle connection after its idle timeout (1 s here): the next request
    // finds it closed before any reply and is sent again on a new connection.
    std::this_thread::sleep_for(1500ms);
    get({});
    // A reply that says "close" closes the connection; the next request opens a new one.
    get({{"Connection", "close"}});
    get({});
}

BOOST_AUTO_TEST_CASE(http_1_0_without_keep_alive_is_closed_after_the_response) {
    Harness h;
    Client c(h.server->port());
    const Reply r = c.request(http::verb::get, "/healthz", "", 10);
    BOOST_TEST(r.result_int() == 200u);
    BOOST_TEST(c.closed_by_server(2000ms));
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow_over_the_wire) {
    Harness h;
    Client c(h.server->port());
    const Reply r = c.request(http::verb::put, "/api/v1/tenders/5");
    BOOST_TEST(r.result_int() == 405u);
    BOOST_TEST(std::string(r[http::field::allow]) == "GET, PATCH");
    BOOST_TEST(error_code_of(r) == "method_not_allowed");
}

BOOST_AUTO_TEST_CASE(json_body_over_the_limit_is_413_with_a_json_error) {
    Harness h;
    Client c(h.server->port());
    const Reply r = c.request(http::verb::post, "/api/v1/tenders", std::string(1025, ' '));
    BOOST_TEST(r.result_int() == 413u);
    BOOST_TEST(error_code_of(r) == "body_too_large");
    BOOST_TEST(!r.keep_alive());
    BOOST_TEST(c.closed_by_server(3000ms));
}

BOOST_AUTO_TEST_CASE(a_body_at_the_limit_is_read) {
    Harness h;
    Client c(h.server->port());
    // 1024 bytes of JSON: read in full and judged by the handler (401: no token).
    std::string body = "{\"title\":\"" + std::string(1024 - 12, 'x') + "\"}";
    BOOST_REQUIRE(body.size() == 1024u);
    const Reply r = c.request(http::verb::post, "/api/v1/tenders", body);
    BOOST_TEST(r.result_int() == 401u);
}

BOOST_AUTO_TEST_CASE(document_upload_route_has_its_own_larger_limit) {
    Harness h;
    {
        Client c(h.server->port());
        const Reply r = c.request(http::verb::post, "/api/v1/tenders/1/documents?filename=a.pdf",
                                  std::string(3000, 'd'));
        BOOST_TEST(r.result_int() == 401u);  // past the JSON limit, within the document one
    }
    Client c(h.server->port());
    const Reply r = c.request(http::verb::post, "/api/v1/tenders/1/documents?filename=a.pdf",
                              std::string(4097, 'd'));
    BOOST_TEST(r.result_int() == 413u);
    BOOST_TEST(error_code_of(r) == "body_too_large");
}

BOOST_AUTO_TEST_CASE(chunked_body_over_the_limit_is_413) {
    Harness h;
    Client c(h.server->port());
    std::string request =
        "POST /api/v1/tenders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) request += "200\r\n" + std::string(512, 'a') + "\r\n";
    request += "0\r\n\r\n";
    c.write_raw(request);
    const Reply r = c.receive();
    BOOST_TEST(r.result_int() == 413u);
}

BOOST_AUTO_TEST_CASE(oversized_header_is_431) {
    Harness h;
    Client c(h.server->port());
    c.write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(3000, 'f') +
                "\r\n\r\n");
    const Reply r = c.receive();
    BOOST_TEST(r.result_int() == 431u);
    BOOST_TEST(error_code_of(r) == "header_too_large");
}

BOOST_AUTO_TEST_CASE(malformed_http_is_400) {
    Harness h;
    Client c(h.server->port());
    c.write_raw("GET /healthz HTTP/1.1\r\nHost x\r\n\r\n");
    const Reply r = c.receive();
    BOOST_TEST(r.result_int() == 400u);
    BOOST_TEST(error_code_of(r) == "malformed_request");
}

BOOST_AUTO_TEST_CASE(expect_100_continue_is_honoured) {
    Harness h;
    Client c(h.server->port());
    const std::string body = R"({"username":"nobody-here","password":"0123456789"})";
    c.write_raw(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
        "application/json\r\nExpect: 100-continue\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n");
    const std::string interim = c.read_raw_header();
    BOOST_TEST(interim.rfind("HTTP/1.1 100 Continue", 0) == 0u);
    c.write_raw(body);
    const Reply r = c.receive();
    BOOST_TEST(r.result_int() == 401u);
}

BOOST_AUTO_TEST_CASE(expect_100_continue_over_the_limit_gets_413_at_once) {
    Harness h;
    Client c(h.server->port());
    c.write_raw(
        "POST /api/v1/tenders HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        "Content-Length: 100000\r\n\r\n");
    const Reply r = c.receive();
    BOOST_TEST(r.result_int() == 413u);
}

BOOST_AUTO_TEST_CASE(idle_keep_alive_connection_is_closed_after_idle_timeout) {
    Harness h;
    Client c(h.server->port());
    BOOST_TEST(c.request(http::verb::get, "/healthz").result_int() == 200u);
    const auto start = std::chrono::steady_clock::now();
    BOOST_TEST(c.closed_by_server(4000ms));
    const long waited = ms_since(start);
    BOOST_TEST(waited >= 900);
    BOOST_TEST(waited < 3900);
}

BOOST_AUTO_TEST_CASE(slow_request_header_is_cut_off_by_the_read_timeout) {
    Harness h;
    Client c(h.server->port());
    c.write_raw("GET /healthz HTTP/1.1\r\nHost:");
    const auto start = std::chrono::steady_clock::now();
    BOOST_TEST(c.closed_by_server(5000ms));
    BOOST_TEST(ms_since(start) >= 1500);
}

BOOST_AUTO_TEST_CASE(a_slow_handler_does_not_stall_other_connections) {
    Harness h;
    h.gate.close();
    Client slow(h.server->port());
    slow.send(http::verb::get, "/readyz");
    BOOST_REQUIRE(h.gate.wait_entered(1));
    // An io-thread route and another worker route are both answered while one worker is
    // blocked on the "database" (the gate stays closed until after these answers, so any
    // answer at all shows that nothing waited for it; the time bound only catches a crawl).
    const auto start = std::chrono::steady_clock::now();
    Client fast(h.server->port());
    BOOST_TEST(fast.request(http::verb::get, "/healthz").result_int() == 200u);
    BOOST_TEST(fast.request(http::verb::get, "/api/v1/tenders").result_int() == 200u);
    BOOST_TEST(ms_since(start) < 3000);
    h.gate.open();
    BOOST_TEST(slow.receive().result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(requests_beyond_the_pending_limit_get_503) {
    ServerOptions o = small_options();
    o.worker_threads = 1;
    o.pending_requests_max = 1;
    Harness h(o);
    h.gate.close();
    Client first(h.server->port());
    first.send(http::verb::get, "/readyz");
    BOOST_REQUIRE(h.gate.wait_entered(1));
    Client second(h.server->port());
    const Reply busy = second.request(http::verb::get, "/readyz");
    BOOST_TEST(busy.result_int() == 503u);
    BOOST_TEST(error_code_of(busy) == "overloaded");
    BOOST_TEST(std::string(busy[http::field::retry_after]) == "1");
    // Routes that never block are still answered.
    BOOST_TEST(second.request(http::verb::get, "/healthz").result_int() == 200u);
    h.gate.open();
    BOOST_TEST(first.receive().result_int() == 200u);
    BOOST_TEST(second.request(http::verb::get, "/readyz").result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(a_cached_notice_board_page_needs_no_worker) {
    ServerOptions o = small_options();
    o.worker_threads = 1;
    Harness h(o);
    Client reader(h.server->port());
    BOOST_TEST(reader.request(http::verb::get, "/api/v1/tenders").result_int() == 200u);
    h.gate.close();
    Client busy(h.server->port());
    busy.send(http::verb::get, "/readyz");
    BOOST_REQUIRE(h.gate.wait_entered(1));
    // The only worker is blocked until after this answer, yet the public page is answered
    // from the cache.
    const auto start = std::chrono::steady_clock::now();
    BOOST_TEST(reader.request(http::verb::get, "/api/v1/tenders").result_int() == 200u);
    BOOST_TEST(ms_since(start) < 3000);
    h.gate.open();
    BOOST_TEST(busy.receive().result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(connections_beyond_the_limit_are_refused) {
    ServerOptions o = small_options();
    o.connections_max = 1;
    Harness h(o);
    Client first(h.server->port());
    BOOST_TEST(first.request(http::verb::get, "/healthz").result_int() == 200u);
    Client second(h.server->port());
    BOOST_TEST(second.closed_by_server(2000ms));
    BOOST_TEST(first.request(http::verb::get, "/healthz").result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(stop_lets_an_in_flight_request_finish) {
    Harness h;
    h.gate.close();
    Client idle(h.server->port());
    BOOST_TEST(idle.request(http::verb::get, "/healthz").result_int() == 200u);
    Client busy(h.server->port());
    busy.send(http::verb::get, "/readyz");
    BOOST_REQUIRE(h.gate.wait_entered(1));
    h.server->stop();
    // The idle connection is closed at once; the busy one gets its answer, then is closed.
    BOOST_TEST(idle.closed_by_server(2000ms));
    std::this_thread::sleep_for(200ms);
    h.gate.open();
    const Reply r = busy.receive();
    BOOST_TEST(r.result_int() == 200u);
    BOOST_TEST(!r.keep_alive());
    const auto start = std::chrono::steady_clock::now();
    h.runner.join();
    BOOST_TEST(ms_since(start) < 3000);
    beast::error_code ec;
    asio::io_context ioc;
    tcp::socket late(ioc);
    late.connect(tcp::endpoint(asio::ip::address_v4::loopback(), h.server->port()), ec);
    BOOST_TEST(ec.failed());
}

BOOST_AUTO_TEST_CASE(stop_before_run_returns_at_once) {
    const PlainHandler handler;
    Metrics metrics;
    auto server = Server::create(small_options(), handler, metrics);
    BOOST_REQUIRE(server.ok());
    (*server)->stop();
    const auto start = std::chrono::steady_clock::now();
    (*server)->run();
    BOOST_TEST(ms_since(start) < 3000);
}

BOOST_AUTO_TEST_CASE(sigterm_stops_the_server) {
    Harness h;
    Client c(h.server->port());
    BOOST_TEST(c.request(http::verb::get, "/healthz").result_int() == 200u);
    BOOST_REQUIRE(::kill(::getpid(), SIGTERM) == 0);
    const auto start = std::chrono::steady_clock::now();
    h.runner.join();
    BOOST_TEST(ms_since(start) < 3000);
}

BOOST_AUTO_TEST_CASE(metrics_label_requests_by_route_pattern) {
    Harness h;
    Client c(h.server->port());
    c.request(http::verb::get, "/healthz");
    c.request(http::verb::get, "/api/v1/tenders/123");
    c.request(http::verb::get, "/no/such/path/4711");
    const Reply r = c.request(http::verb::get, "/metrics");
    BOOST_TEST(r.result_int() == 200u);
    const std::string& text = r.body();
    BOOST_TEST(text.find("procura_http_requests_total{method=\"GET\",route=\"/healthz\","
                         "status=\"200\"} 1") != std::string::npos);
    BOOST_TEST(text.find("route=\"/api/v1/tenders/{id}\",status=\"404\"") != std::string::npos);
    BOOST_TEST(text.find("route=\"unmatched\",status=\"404\"") != std::string::npos);
    BOOST_TEST(text.find("4711") == std::string::npos);
    BOOST_TEST(text.find("procura_http_request_duration_seconds_bucket") != std::string::npos);
}

// Issue 16, defect 6: an opened share's bytes stayed in the connection's read buffer after the
// request. wipe_read_buffer zeroes the whole storage and keeps a pipelined request's bytes.
BOOST_AUTO_TEST_CASE(a_wiped_read_buffer_keeps_no_byte_of_what_was_read) {
    const std::string secret(600, 'S');
    const std::string next = "GET /healthz HTTP/1.1\r\n";
    for (const std::string& unread : {std::string(), next}) {
        boost::beast::flat_buffer buffer;
        const std::string read = "POST /x HTTP/1.1\r\n\r\n" + secret;
        buffer.commit(boost::asio::buffer_copy(buffer.prepare(read.size() + unread.size()),
                                               boost::asio::buffer(read + unread)));
        buffer.consume(read.size());  // what the parser took
        wipe_read_buffer(buffer);
        BOOST_TEST(boost::beast::buffers_to_string(buffer.data()) == unread);
        const std::size_t kept = buffer.size();
        const auto storage = buffer.prepare(buffer.capacity() - kept);
        const std::string rest(static_cast<const char*>(storage.data()), storage.size());
        BOOST_TEST(rest.size() + kept >= read.size());
        BOOST_TEST(rest.find('S') == std::string::npos);
        BOOST_TEST(rest.find_first_not_of('\0') == std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace procura::web
