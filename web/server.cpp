// The server side of Beast and Asio (web/http_client.cpp is the client side; no other file
// includes them). See web/server.hpp for the threading model; the connection state machine is
// HTTPSession below:
//   do_read_header -> on_read_header -> [100 Continue] -> do_read_body -> on_read_body
//   -> (io thread or worker) handle -> do_write -> on_write -> do_read_header | close.
#include "web/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/hash.hpp"
#include "web/error_mapping.hpp"
#include "web/metrics.hpp"
#include "web/secret_buffer.hpp"

namespace procura::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// How long run() waits, after stopping, for in-flight requests to be answered before it closes
// what is left.
constexpr std::chrono::seconds shutdown_wait_max{10};
// How long a connection that is being closed after an early error (413, 431, 400) keeps
// reading and discarding what the client still sends, so that the client sees the error
// response instead of a connection reset.
constexpr std::chrono::seconds drain_time_max{2};
constexpr std::size_t drain_buffer_bytes = 16 * 1024;

using Clock = std::chrono::steady_clock;

// Beast 1.74 has its own string_view; the rest of Procura uses the standard one.
std::string_view sv(beast::string_view text) { return std::string_view(text.data(), text.size()); }

bool is_http_error(const beast::error_code& ec) {
    return ec.category() == http::make_error_code(http::error::bad_method).category();
}

Response plain_error(unsigned status, std::string code, std::string message) {
    Response response;
    response.status = status;
    response.content_type = "application/json";
    response.body = error_body(core::bad_request(std::move(code), std::move(message)));
    return response;
}

}  // namespace

class HTTPSession;

struct Server::Impl {
    Impl(const ServerOptions& opts, const RequestHandler& request_handler, Metrics& server_metrics)
        : options(opts),
          handler(request_handler),
          metrics(server_metrics),
          ioc(static_cast<int>(opts.io_threads)),
          acceptor(asio::make_strand(ioc)),
          signals(ioc, SIGINT, SIGTERM),
          workers(opts.worker_threads) {}

    void do_accept();
    void on_accept(beast::error_code ec, tcp::socket socket);
    // Runs on the acceptor's strand: closes the listener and tells every session to finish.
    void on_stop();

    void register_session(HTTPSession* session, std::weak_ptr<HTTPSession> weak);
    void unregister_session(HTTPSession* session);

    const ServerOptions options;
    const RequestHandler& handler;
    Metrics& metrics;

    // Declared before the io_context so that they outlive it: destroying the io_context
    // destroys pending handlers, which destroys sessions, which unregister themselves here.
    std::mutex sessions_mutex;
    std::condition_variable sessions_changed;
    std::unordered_map<HTTPSession*, std::weak_ptr<HTTPSession>> sessions;

    std::mutex stop_mutex;
    std::condition_variable stop_requested_changed;
    bool stop_requested = false;
    std::atomic<bool> stopping{false};  // read by sessions: no more keep-alive

    std::atomic<std::size_t> pending_requests{0};
    std::uint16_t port = 0;

    asio::io_context ioc;
    tcp::acceptor acceptor;
    asio::signal_set signals;
    asio::thread_pool workers;
};

// One connection. Every member is touched only on the session's strand, except server_'s
// thread-safe parts; the handler runs on a worker with copies of the request.
class HTTPSession : public std::enable_shared_from_this<HTTPSession> {
public:
    HTTPSession(tcp::socket&& socket, Server::Impl& server)
        : stream_(std::move(socket)), server_(server) {
        beast::error_code ec;
        const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
        if (!ec) client_address_ = peer.address().to_string();
    }

    ~HTTPSession() { server_.unregister_session(this); }

    HTTPSession(const HTTPSession&) = delete;
    HTTPSession& operator=(const HTTPSession&) = delete;

    void start() {
        server_.register_session(this, weak_from_this());
        asio::dispatch(stream_.get_executor(),
                       beast::bind_front_handler(&HTTPSession::do_read_header, shared_from_this()));
    }

    // Thread-safe: asks the session, on its strand, to finish. A connection waiting for a
    // request closes now; one whose request is being handled closes after its response.
    void notify_stop() {
        asio::post(stream_.get_executor(), [self = shared_from_this()] { self->on_stop(); });
    }

private:
    void on_stop() {
        close_after_response_ = true;
        if (phase_ == Phase::reading) stream_.cancel();
    }

    enum class Phase { reading, handling, writing, closing };

    void do_read_header() {
        phase_ = Phase::reading;
        if (server_.stopping.load()) return do_close();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(
            std::min<std::size_t>(server_.options.header_bytes_max, UINT32_MAX)));
        // The route, and so the body limit, is known only once the header is read; until
        // then the larger limit applies and the route's own limit is checked after.
        parser_->body_limit(server_.handler.body_bytes_max());
        // A kept-alive connection may sit idle between requests for idle_timeout; the first
        // request must arrive within read_timeout.
        stream_.expires_after(requests_served_ == 0 ? server_.options.read_timeout
                                                    : server_.options.idle_timeout);
        http::async_read_header(
            stream_, buffer_, *parser_,
            beast::bind_front_handler(&HTTPSession::on_read_header, shared_from_this()));
    }

    void on_read_header(beast::error_code ec, std::size_t) {
        if (ec) return on_read_error(ec);
        const auto& request = parser_->get();
        route_ = server_.handler.classify(sv(request.method_string()), sv(request.target()));
        method_ = std::string(sv(request.method_string()));
        const auto length = parser_->content_length();
        if (length && *length > route_.body_bytes_max) return reject_too_large();
        parser_->body_limit(route_.body_bytes_max);
        if (iequals(sv(request[http::field::expect]), "100-continue")) return do_continue();
        do_read_body();
    }

    // Tells a client that waits before sending its body (Expect: 100-continue) to go on.
    void do_continue() {
        auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                          parser_->get().version());
        stream_.expires_after(server_.options.write_timeout);
        http::async_write(stream_, *interim,
                          [self = shared_from_this(), interim](beast::error_code ec, std::size_t) {
                              if (ec) return self->do_close();
                              self->do_read_body();
                          });
    }

    void do_read_body() {
        stream_.expires_after(server_.options.read_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&HTTPSession::on_read_body, shared_from_this()));
    }

    void on_read_body(beast::error_code ec, std::size_t) {
        if (ec) return on_read_error(ec);
        phase_ = Phase::handling;
        started_ = Clock::now();
        auto message = parser_->release();
        version_ = message.version();
        keep_alive_ = message.keep_alive();
        Request request;
        request.method = method_;
        request.target = std::string(sv(message.target()));
        for (const auto& field : message) {
            request.headers.emplace_back(std::string(sv(field.name_string())),
                                         std::string(sv(field.value())));
        }
        request.body = std::move(message.body());
        request.client_address = client_address_;
        parser_.reset();
        // A secret body (an opened share) leaves no copy behind: the read buffer now, the
        // request's own bytes once answered, on every path below.
        const bool secret = route_.secret_body;
        if (secret) wipe_read_buffer(buffer_);
        const auto forget = [secret](Request& answered) {
            if (secret) core::secure_wipe(answered.body);
        };

        if (route_.dispatch == Dispatch::io_thread) {
            Response response = server_.handler.handle(request);
            forget(request);
            return do_write(std::move(response));
        }
        // A member of the public reading a notice-board page that is cached needs no worker.
        if (auto hit = server_.handler.cached(request)) {
            forget(request);
            return do_write(std::move(*hit));
        }
        if (server_.pending_requests.fetch_add(1) >= server_.options.pending_requests_max) {
            server_.pending_requests.fetch_sub(1);
            spdlog::warn("{} requests pending for workers; answering 503",
                         server_.options.pending_requests_max);
            Response busy = error_response(
                core::unavailable("overloaded", "the server is busy; retry after a moment"));
            busy.with_header("Retry-After", "1");
            busy.route = route_.pattern;
            forget(request);
            return do_write(std::move(busy));
        }
        // The handler may block on the database: it runs on a worker, and its response comes
        // back to this session's strand for writing.
        asio::post(server_.workers,
                   [self = shared_from_this(), request = std::move(request), forget]() mutable {
                       Response response = self->server_.handler.handle(request);
                       forget(request);
                       self->server_.pending_requests.fetch_sub(1);
                       asio::post(self->stream_.get_executor(),
                                  [self, response = std::move(response)]() mutable {
                                      self->do_write(std::move(response));
                                  });
                   });
    }

    void on_read_error(beast::error_code ec) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
            ec == asio::error::operation_aborted || ec == http::error::partial_message ||
            !is_http_error(ec)) {
            // The client went away, stayed idle or too slow, or the server is stopping.
            return do_close();
        }
        if (ec == http::error::header_limit) {
            Response response =
                plain_error(431, "header_too_large",
                            "the request header exceeds " +
                                std::to_string(server_.options.header_bytes_max) + " bytes");
            return respond_and_close(std::move(response));
        }
        if (ec == http::error::body_limit) return reject_too_large();
        Response response = plain_error(400, "malformed_request",
                                        "the request is not valid HTTP/1.1: " + ec.message());
        respond_and_close(std::move(response));
    }

    void reject_too_large() {
        respond_and_close(error_response(core::payload_too_large(
            "body_too_large", "the request body exceeds " + std::to_string(route_.body_bytes_max) +
                                  " bytes for " + route_.pattern)));
    }

    // Answers an error found while reading; the rest of the request is not read, so the
    // connection cannot be reused.
    void respond_and_close(Response response) {
        phase_ = Phase::handling;
        started_ = Clock::now();
        if (method_.empty() && parser_ && parser_->is_header_done()) {
            method_ = std::string(sv(parser_->get().method_string()));
        }
        if (response.route.empty()) response.route = route_.pattern;
        keep_alive_ = false;
        drain_after_write_ = true;
        parser_.reset();
        do_write(std::move(response));
    }

    void do_write(Response response) {
        phase_ = Phase::writing;
        const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
        const std::string& route = response.route.empty() ? route_.pattern : response.route;
        server_.metrics.observe(method_, route.empty() ? "unmatched" : route, response.status,
                                seconds);
        spdlog::debug("{} {} -> {} in {:.3f} ms", method_, route, response.status,
                      seconds * 1000.0);

        auto message = std::make_shared<http::response<http::string_body>>();
        message->version(version_);
        message->result(response.status);
        message->set(http::field::server, "procura");
        if (!response.content_type.empty()) {
            message->set(http::field::content_type, response.content_type);
        }
        for (auto& [name, value] : response.headers) message->insert(name, value);
        message->body() = std::move(response.body);
        const bool keep = keep_alive_ && !close_after_response_ && !server_.stopping.load();
        message->keep_alive(keep);
        // 204 and 304 carry neither a body nor a Content-Length.
        if (response.status != 204 && response.status != 304) message->prepare_payload();

        stream_.expires_after(server_.options.write_timeout);
        http::async_write(
            stream_, *message,
            [self = shared_from_this(), message, keep](beast::error_code ec, std::size_t n) {
                self->on_write(keep, ec, n);
            });
    }

    void on_write(bool keep, beast::error_code ec, std::size_t) {
        if (ec) return do_close();
        if (drain_after_write_) return do_drain();
        if (!keep) return do_close();
        ++requests_served_;
        route_ = RouteInfo{};
        method_.clear();
        do_read_header();
    }

    // Half-closes and discards what the client still sends, for at most drain_time_max, so
    // that closing does not reset the connection before the client has read the response.
    void do_drain() {
        phase_ = Phase::closing;
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        drain_buffer_.resize(drain_buffer_bytes);
        stream_.expires_after(drain_time_max);
        stream_.async_read_some(
            asio::buffer(drain_buffer_),
            beast::bind_front_handler(&HTTPSession::on_drain, shared_from_this()));
    }

    void on_drain(beast::error_code ec, std::size_t) {
        if (ec) return do_close();
        stream_.async_read_some(
            asio::buffer(drain_buffer_),
            beast::bind_front_handler(&HTTPSession::on_drain, shared_from_this()));
    }

    void do_close() {
        phase_ = Phase::closing;
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
    }

    beast::tcp_stream stream_;
    Server::Impl& server_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    Phase phase_ = Phase::reading;
    RouteInfo route_;
    std::string method_;
    std::string client_address_;
    Clock::time_point started_ = Clock::now();
    unsigned version_ = 11;
    bool keep_alive_ = true;
    bool close_after_response_ = false;
    bool drain_after_write_ = false;
    std::size_t requests_served_ = 0;
    std::vector<char> drain_buffer_;
};

void Server::Impl::register_session(HTTPSession* session, std::weak_ptr<HTTPSession> weak) {
    std::lock_guard<std::mutex> lock(sessions_mutex);
    sessions.emplace(session, std::move(weak));
}

void Server::Impl::unregister_session(HTTPSession* session) {
    {
        std::lock_guard<std::mutex> lock(sessions_mutex);
        sessions.erase(session);
    }
    sessions_changed.notify_all();
}

void Server::Impl::do_accept() {
    acceptor.async_accept(asio::make_strand(ioc),
                          beast::bind_front_handler(&Server::Impl::on_accept, this));
}

void Server::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (stopping.load()) {
        beast::error_code ignored;
        socket.close(ignored);
        return;
    }
    if (ec) {
        // Running out of file descriptors and the like: log and keep accepting.
        spdlog::warn("accept failed: {}", ec.message());
        return do_accept();
    }
    std::size_t open = 0;
    {
        std::lock_guard<std::mutex> lock(sessions_mutex);
        open = sessions.size();
    }
    if (open >= options.connections_max) {
        spdlog::warn("{} connections open (connections_max); refusing a new one", open);
        beast::error_code ignored;
        socket.close(ignored);
        return do_accept();
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<HTTPSession>(std::move(socket), *this)->start();
    do_accept();
}

void Server::Impl::on_stop() {
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    std::vector<std::shared_ptr<HTTPSession>> live;
    {
        std::lock_guard<std::mutex> lock(sessions_mutex);
        for (auto& [raw, weak] : sessions) {
            if (auto session = weak.lock()) live.push_back(std::move(session));
        }
    }
    for (auto& session : live) session->notify_stop();
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() = default;

core::Result<std::unique_ptr<Server>> Server::create(const ServerOptions& options,
                                                     const RequestHandler& handler,
                                                     Metrics& metrics) {
    const auto bad_option = [](const std::string& what) {
        return core::bad_request("bad_server_option", what);
    };
    if (options.io_threads == 0) return bad_option("io_threads must be at least 1");
    if (options.worker_threads == 0) return bad_option("worker_threads must be at least 1");
    if (options.header_bytes_max == 0) return bad_option("header_bytes_max must be positive");
    if (options.connections_max == 0 || options.pending_requests_max == 0) {
        return bad_option("connections_max and pending_requests_max must be positive");
    }
    const std::string where = options.host + ":" + std::to_string(options.port);
    const auto unavailable = [&](const std::string& step, const beast::error_code& ec) {
        return core::unavailable("listen_failed",
                                 "cannot listen on " + where + ": " + step + ": " + ec.message());
    };

    auto impl = std::make_unique<Impl>(options, handler, metrics);
    beast::error_code ec;
    tcp::resolver resolver(impl->ioc);
    const auto endpoints =
        resolver.resolve(options.host, std::to_string(options.port), tcp::resolver::passive, ec);
    if (ec) return unavailable("resolve", ec);
    if (endpoints.empty()) return unavailable("resolve", asio::error::host_not_found);
    const tcp::endpoint endpoint = endpoints.begin()->endpoint();
    tcp::acceptor& acceptor = impl->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (ec) return unavailable("open", ec);
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (ec) return unavailable("set_option", ec);
    acceptor.bind(endpoint, ec);
    if (ec) return unavailable("bind", ec);
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return unavailable("listen", ec);
    impl->port = acceptor.local_endpoint(ec).port();
    if (ec) return unavailable("local_endpoint", ec);
    return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const { return impl_->port; }

void Server::stop() {
    {
        std::lock_guard<std::mutex> lock(impl_->stop_mutex);
        impl_->stop_requested = true;
    }
    impl_->stop_requested_changed.notify_all();
}

void Server::run() {
    Impl& s = *impl_;
    auto work = asio::make_work_guard(s.ioc);
    asio::post(s.acceptor.get_executor(), [&s] { s.do_accept(); });
    s.signals.async_wait([this](beast::error_code ec, int signal_number) {
        if (ec) return;
        spdlog::info("signal {} received; shutting down", signal_number);
        stop();
    });

    std::vector<std::thread> io_threads;
    io_threads.reserve(s.options.io_threads);
    for (std::size_t i = 0; i < s.options.io_threads; ++i) {
        io_threads.emplace_back([&s] {
            // A completion handler that throws is a bug; log it and keep the thread serving
            // instead of terminating the process.
            while (true) {
                try {
                    s.ioc.run();
                    return;
                } catch (const std::exception& e) {
                    spdlog::error("exception escaped an io handler: {}", e.what());
                }
            }
        });
    }

    {
        std::unique_lock<std::mutex> lock(s.stop_mutex);
        s.stop_requested_changed.wait(lock, [&s] { return s.stop_requested; });
    }

    s.stopping.store(true);
    asio::post(s.acceptor.get_executor(), [&s] { s.on_stop(); });
    {
        std::unique_lock<std::mutex> lock(s.sessions_mutex);
        const bool drained = s.sessions_changed.wait_for(lock, shutdown_wait_max,
                                                         [&s] { return s.sessions.empty(); });
        if (!drained) {
            spdlog::warn("{} connections still open after {} s; closing them", s.sessions.size(),
                         shutdown_wait_max.count());
        }
    }
    work.reset();
    s.ioc.stop();
    for (std::thread& t : io_threads) t.join();
    // Handlers still running on workers finish (the database calls they block on have their
    // own time-outs); queued ones are dropped.
    s.workers.stop();
    s.workers.join();
    beast::error_code ignored;
    s.signals.clear(ignored);
}

}  // namespace procura::web
