// A small synchronous HTTP/1.1 client for the command-line tools (`procura bid submit` and
// `procura bid verify-receipt`): one request per connection, a deadline over the whole exchange,
// a bounded reply. HTTPConnection keeps one connection open across requests (keep-alive) for
// clients that send many, such as the intake benchmark. The header is Beast-free
// (web/http_client.cpp is the only file that holds the client's Beast code), so app/ can use it
// without seeing Beast or Asio.
//
// http:// only. In deployment TLS is terminated by a reverse proxy in front of `procura serve`;
// the tools talk to the server (or that proxy) over plain HTTP on a trusted network or
// localhost. An https:// URL is refused with bad_request "https_not_supported" rather than
// being sent in clear. Everything a supplier relies on in a receipt is checked
// cryptographically by `procura bid verify-receipt`, not taken on trust from the transport.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "web/http_message.hpp"

namespace procura::web {

struct HTTPReply {
    int status = 0;
    std::string content_type;
    HeaderList headers;  // as received
    std::string body;
};

// The largest reply body http_request accepts (payload_too_large "reply_too_large" above it).
inline constexpr std::size_t http_reply_bytes_max = 64 * 1024 * 1024;

// Sends method to url ("http://HOST[:PORT][/PATH][?QUERY]"; port 80 by default) with the given
// headers and body (Content-Length is set from body; Host and User-Agent are added), and returns
// the reply whatever its status code: an HTTP error is a reply, not an error. Errors:
// bad_request "https_not_supported", "bad_url"; unavailable "connect_failed" (resolution or
// connection failed), "http_failed" (the exchange broke off or the reply is not HTTP/1.1),
// "http_timeout" (unavailable too: the whole exchange took longer than timeout);
// payload_too_large "reply_too_large".
core::Result<HTTPReply> http_request(const std::string& method, const std::string& url,
                                     const HeaderList& headers, const std::string& body,
                                     std::chrono::milliseconds timeout);

// One HTTP/1.1 connection kept open across requests. request() connects on first use (and
// again when the URL names another host or port, or the server closed the connection) and
// otherwise sends on the open connection. A request that fails on a reused connection before
// any of its reply arrived (the server closed it while idle) is sent once more on a new
// connection; any other failure closes the connection and is returned. Errors and timeout as
// http_request, the timeout counting from the start of each request. Not thread-safe: one
// connection per client thread.
class HTTPConnection {
public:
    HTTPConnection();
    ~HTTPConnection();
    HTTPConnection(HTTPConnection&&) noexcept;
    HTTPConnection& operator=(HTTPConnection&&) noexcept;

    core::Result<HTTPReply> request(const std::string& method, const std::string& url,
                                    const HeaderList& headers, const std::string& body,
                                    std::chrono::milliseconds timeout);
    // Shuts the connection down, if it is open. The next request opens a new one.
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace procura::web
