// The synchronous HTTP/1.1 client of web/http_client.hpp, on Beast's tcp_stream (whose
// expires_after gives one deadline over resolve, connect, write and read).
#include "web/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <optional>

namespace procura::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct ParsedUrl {
    std::string host;
    std::string port = "80";
    std::string target = "/";
};

core::Result<ParsedUrl> parse_url(const std::string& url) {
    constexpr std::string_view http_scheme = "http://";
    const auto starts_with_ci = [&url](std::string_view prefix) {
        return url.size() >= prefix.size() &&
               iequals(std::string_view(url).substr(0, prefix.size()), prefix);
    };
    if (starts_with_ci("https://")) {
        return core::bad_request("https_not_supported",
                                 "https URLs are not supported: give the http:// address of the "
                                 "server (TLS is terminated by the reverse proxy in deployment)",
                                 "server");
    }
    if (!starts_with_ci(http_scheme)) {
        return core::bad_request("bad_url", "not an http:// URL: " + url, "server");
    }
    const std::string rest = url.substr(http_scheme.size());
    const auto slash = rest.find_first_of("/?");
    const std::string authority = rest.substr(0, slash);
    ParsedUrl out;
    if (slash != std::string::npos) {
        out.target = rest.substr(slash);
        if (out.target.front() == '?') out.target.insert(0, "/");
    }
    if (authority.find('@') != std::string::npos) {
        return core::bad_request("bad_url", "credentials in the URL are not supported: " + url,
                                 "server");
    }
    std::string host = authority;
    if (!host.empty() && host.front() == '[') {  // [IPv6]:port
        const auto close = host.find(']');
        if (close == std::string::npos) {
            return core::bad_request("bad_url", "bad host in " + url, "server");
        }
        if (close + 1 < host.size()) {
            if (host[close + 1] != ':') {
                return core::bad_request("bad_url", "bad host in " + url, "server");
            }
            out.port = host.substr(close + 2);
        }
        out.host = host.substr(1, close - 1);
    } else if (const auto colon = host.rfind(':'); colon != std::string::npos) {
        out.host = host.substr(0, colon);
        out.port = host.substr(colon + 1);
    } else {
        out.host = host;
    }
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(out.port.data(), out.port.data() + out.port.size(), port);
    if (out.host.empty() || ec != std::errc() || end != out.port.data() + out.port.size() ||
        port == 0 || port > 65535) {
        return core::bad_request("bad_url", "bad host or port in " + url, "server");
    }
    return out;
}

core::Error network_error(const beast::error_code& ec, const std::string& what) {
    if (ec == beast::error::timeout) {
        return core::unavailable("http_timeout", what + ": timed out");
    }
    return core::unavailable("http_failed", what + ": " + ec.message());
}

}  // namespace

struct HTTPConnection::Impl {
    asio::io_context io;
    beast::tcp_stream stream{io};
    beast::flat_buffer buffer;
    std::string host;
    std::string port;
    bool open = false;

    void shut() {
        if (!open) return;
        beast::error_code ignored;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        stream.close();
        buffer.clear();
        open = false;
    }

    // Resolution and connection run asynchronously on this thread's io_context, so that the
    // stream's deadline, set here, covers them and the exchange that follows.
    core::Status connect(const ParsedUrl& parsed, std::chrono::milliseconds timeout) {
        shut();
        stream.expires_after(timeout);
        asio::ip::tcp::resolver resolver(io);
        beast::error_code ec;
        asio::ip::tcp::resolver::results_type endpoints;
        io.restart();
        resolver.async_resolve(
            parsed.host, parsed.port,
            [&](const beast::error_code& e, asio::ip::tcp::resolver::results_type r) {
                ec = e;
                endpoints = std::move(r);
            });
        if (io.run_for(timeout) == 0 || !io.stopped()) {
            return core::unavailable("http_timeout", "resolving " + parsed.host + ": timed out");
        }
        if (ec) {
            return core::unavailable("connect_failed",
                                     "cannot resolve " + parsed.host + ": " + ec.message());
        }
        io.restart();
        stream.async_connect(
            endpoints, [&](const beast::error_code& e, const asio::ip::tcp::endpoint&) { ec = e; });
        io.run();
        if (ec) {
            return core::unavailable(
                ec == beast::error::timeout ? "http_timeout" : "connect_failed",
                "cannot connect to " + parsed.host + ":" + parsed.port + ": " + ec.message());
        }
        host = parsed.host;
        port = parsed.port;
        open = true;
        return {};
    }

    // One exchange on the open connection. stale: set when it failed before any reply byte
    // came, as when the server had closed the connection.
    core::Result<HTTPReply> exchange(const http::request<http::string_body>& request,
                                     const std::string& url, bool& stale) {
        stale = false;
        beast::error_code ec;
        io.restart();
        http::async_write(stream, request,
                          [&](const beast::error_code& e, std::size_t) { ec = e; });
        io.run();
        if (ec) {
            stale = ec != beast::error::timeout;
            return network_error(ec, "sending to " + url);
        }
        http::response_parser<http::string_body> parser;
        parser.body_limit(http_reply_bytes_max);
        io.restart();
        std::size_t read_bytes = 0;
        http::async_read(stream, buffer, parser, [&](const beast::error_code& e, std::size_t n) {
            ec = e;
            read_bytes = n;
        });
        io.run();
        if (ec == http::error::body_limit) {
            return core::payload_too_large("reply_too_large",
                                           "the reply from " + url + " is over " +
                                               std::to_string(http_reply_bytes_max) + " bytes");
        }
        if (ec) {
            stale = read_bytes == 0 && ec != beast::error::timeout;
            return network_error(ec, "reading the reply from " + url);
        }
        const auto& response = parser.get();
        if (!response.keep_alive()) shut();
        HTTPReply reply;
        reply.status = static_cast<int>(response.result_int());
        for (const auto& field : response) {
            reply.headers.emplace_back(std::string(field.name_string()),
                                       std::string(field.value()));
        }
        if (const auto it = response.find(http::field::content_type); it != response.end()) {
            reply.content_type = std::string(it->value());
        }
        reply.body = response.body();
        return reply;
    }
};

HTTPConnection::HTTPConnection() : impl_(std::make_unique<Impl>()) {}
HTTPConnection::~HTTPConnection() {
    if (impl_) impl_->shut();
}
HTTPConnection::HTTPConnection(HTTPConnection&&) noexcept = default;
HTTPConnection& HTTPConnection::operator=(HTTPConnection&&) noexcept = default;

void HTTPConnection::close() { impl_->shut(); }

core::Result<HTTPReply> HTTPConnection::request(const std::string& method, const std::string& url,
                                                const HeaderList& headers, const std::string& body,
                                                std::chrono::milliseconds timeout) {
    PROCURA_TRY_ASSIGN(auto parsed, parse_url(url));
    const http::verb verb = http::string_to_verb(method);
    if (verb == http::verb::unknown) {
        return core::bad_request("bad_method", "unknown HTTP method " + method);
    }
    http::request<http::string_body> request(verb, parsed.target, 11);
    request.set(http::field::host, parsed.host + ":" + parsed.port);
    request.set(http::field::user_agent, "procura-cli");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();

    Impl& c = *impl_;
    if (c.open && (c.host != parsed.host || c.port != parsed.port)) c.shut();
    const bool reused = c.open;
    if (reused) {
        c.stream.expires_after(timeout);
    } else {
        PROCURA_TRY(c.connect(parsed, timeout));
    }
    bool stale = false;
    auto reply = c.exchange(request, url, stale);
    if (!reply && stale && reused) {
        // The server closed the idle connection: the request did not reach it; send it anew.
        PROCURA_TRY(c.connect(parsed, timeout));
        reply = c.exchange(request, url, stale);
    }
    if (!reply) c.shut();
    return reply;
}

core::Result<HTTPReply> http_request(const std::string& method, const std::string& url,
                                     const HeaderList& headers, const std::string& body,
                                     std::chrono::milliseconds timeout) {
    HTTPConnection connection;
    auto reply = connection.request(method, url, headers, body, timeout);
    connection.close();
    return reply;
}

}  // namespace procura::web
