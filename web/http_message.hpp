// Beast-free HTTP request and response values exchanged between the connection code
// (web/server.cpp, the server side of Beast) and the handlers (web/api*.cpp). Keeping handlers on
// these plain types lets them compile fast and be tested without sockets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace procura::web {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive ASCII comparison, for header names and auth schemes.
bool iequals(std::string_view a, std::string_view b);

struct Request {
    std::string method;  // as sent: "GET", "POST"...
    std::string target;  // origin-form: path plus optional "?query"
    HeaderList headers;  // names as sent; look up with header()
    std::string body;
    std::string client_address;  // the peer's IP address as text; "" when unknown

    // The value of the first header named name (case-insensitive), or "" if absent.
    std::string_view header(std::string_view name) const;
};

struct Response {
    unsigned status = 200;
    std::string content_type;  // empty when there is no body
    std::string body;
    HeaderList headers;  // extra headers (Location, Allow, WWW-Authenticate, ETag...)
    std::string route;   // the matched route pattern or "unmatched": the metrics label
    // Set by handlers of public, anonymous reads: the response stays true until this instant
    // (a status it shows changes then), so it may be cached until then. 0: not cacheable.
    std::int64_t public_until_ms = 0;

    // Adds a header; returns *this for chaining.
    Response& with_header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

}  // namespace procura::web
