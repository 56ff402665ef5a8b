// The HTTP/1.1 server of `procura serve`: Beast over Asio, kept behind a pimpl so that this
// header pulls in no Beast or Asio headers (they stay inside web/server.cpp). It serves one
// RequestHandler (web/handler.hpp) and knows nothing of routes or services.
//
// Threading: a fixed set of io threads runs one io_context and does socket I/O only: accept,
// read and parse, write. Each connection is a session on its own strand. A parsed request is
// posted to a separate fixed worker pool (worker_threads), where the handler runs and may block
// on the database or on Argon2; the finished response is posted back to the session's strand
// for writing. So a slow database call occupies one worker, never an io thread, and other
// connections keep being served. At most pending_requests_max requests wait for or occupy
// workers; a request beyond that is answered 503 at once. Requests the handler classifies as
// io_thread work are answered on the io thread.
//
// Every connection has time-outs on every read and write, a header size limit and the body
// size limit of its route. run() returns after stop() or SIGINT / SIGTERM: the listener
// closes, idle connections close, in-flight requests get a bounded time to finish, then the
// threads are joined.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "web/handler.hpp"
#include "web/metrics.hpp"

namespace procura::web {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;   // 0 = ephemeral, see Server::port()
    std::size_t io_threads = 2;  // socket I/O only
    // Handlers: blocking DB and Argon2 work, and bids waiting for their group's commit (a
    // waiting thread costs little; Argon2 runs at most one per core, see auth/password.cpp).
    std::size_t worker_threads = 64;
    std::size_t header_bytes_max = 16 * 1024;
    std::chrono::seconds read_timeout{30};
    std::chrono::seconds write_timeout{30};
    std::chrono::seconds idle_timeout{60};  // keep-alive idle
    std::size_t connections_max = 10000;
    std::size_t pending_requests_max = 1024;  // queued for workers; beyond -> 503
};

class Server {
public:
    // Resolves host, binds and listens (port 0 picks a free port). Starts no thread yet.
    // handler and metrics (every answered request is observed there) must outlive the
    // server. Errors: unavailable with a message naming host:port when the address cannot be
    // resolved, bound or listened on; bad_request for options that cannot work (zero threads
    // or limits).
    static core::Result<std::unique_ptr<Server>> create(const ServerOptions& options,
                                                        const RequestHandler& handler,
                                                        Metrics& metrics);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // The bound port (the real one when options.port was 0).
    std::uint16_t port() const;

    // Serves until stop() is called or SIGINT/SIGTERM arrives; then stops accepting, lets
    // in-flight requests finish (bounded wait), closes connections, joins every thread it
    // started and returns. Call it once, from one thread.
    void run();

    // Asks run() to return. Thread-safe; idempotent; may be called before run().
    void stop();

    struct Impl;

private:
    explicit Server(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace procura::web
