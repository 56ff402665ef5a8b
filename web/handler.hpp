// What the HTTP server asks of the application it serves, and nothing more: how to classify a
// request from its header (where it runs, how large its body may be), how to answer it, and
// whether a cached answer can be given on the socket's own thread. web/api.hpp implements it
// for Procura's API; the server (web/server.hpp) knows no route, service or domain type.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "web/http_message.hpp"

namespace procura::web {

// Where a request runs: cheap handlers that never block may answer on the io thread; anything
// that may touch the database or hash a password must run on a worker.
enum class Dispatch { io_thread, worker };

// What the connection needs to know once a request's header is read, before its body.
struct RouteInfo {
    std::string pattern;  // the route pattern, or "unmatched": the metrics label
    std::size_t body_bytes_max = 0;
    Dispatch dispatch = Dispatch::worker;
    // The body is a secret (an opened opening-key share): once the request is answered, the
    // server overwrites the body and its read buffer instead of leaving the bytes in freed
    // memory.
    bool secret_body = false;
};

class RequestHandler {
public:
    virtual ~RequestHandler() = default;

    // Classifies a request by method and target alone. Thread-safe; never blocks.
    virtual RouteInfo classify(std::string_view method, std::string_view target) const = 0;

    // The largest body any route accepts: the limit while the header is still being read.
    virtual std::size_t body_bytes_max() const = 0;

    // Answers request. Never throws; sets response.route for the metrics. Thread-safe; may
    // block when the route's dispatch is worker.
    virtual Response handle(const Request& request) const = 0;

    // A cached answer to request, if one is held. Never blocks (an io thread may call it).
    virtual std::optional<Response> cached(const Request& request) const = 0;
};

}  // namespace procura::web
