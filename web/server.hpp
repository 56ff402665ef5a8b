// The HTTP/1.1 server of `procura serve`: Beast over Asio, kept behind a pimpl so that this
// header pulls in no Beast or Asio headers (they stay inside web/server.cpp).
//
// Threading: a fixed set of io threads runs one io_context and does socket I/O only: accept,
// read and parse, write. Each connection is a session on its own strand. A parsed request is
// posted to a separate fixed worker pool (worker_threads), where the handler runs and may block
// on the database or on Argon2; the finished response is posted back to the session's strand
// for writing. So a slow database call occupies one worker, never an io thread, and other
// connections keep being served. At most pending_requests_max requests wait for or occupy
// workers; a request beyond that is answered 503 at once. Cheap routes that never block
// (/healthz, /metrics, /api/v1/openapi.yaml) are answered on the io thread.
//
// Every connection has time-outs on every read and write, a header size limit and a body size
// limit (larger for the document upload route only). run() returns after stop() or SIGINT /
// SIGTERM: the listener closes, idle connections close, in-flight requests get a bounded time
// to finish, then the threads are joined.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "auth/service.hpp"
#include "bidding/service.hpp"
#include "core/result.hpp"
#include "ledger/log.hpp"
#include "pki/service.hpp"
#include "signing/tsa.hpp"
#include "suppliers/service.hpp"
#include "tender/service.hpp"

namespace procura::settlement::awards {
class AwardService;
}
namespace procura::settlement::batches {
class BatchService;
}  // namespace procura::settlement::batches

namespace procura::web {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;   // 0 = ephemeral, see Server::port()
    std::size_t io_threads = 2;  // socket I/O only
    // Handlers: blocking DB and Argon2 work, and bids waiting for their group's commit (a
    // waiting thread costs little; Argon2 runs at most one per core, see auth/password.cpp).
    std::size_t worker_threads = 64;
    std::size_t header_bytes_max = 16 * 1024;
    std::size_t body_bytes_max = 1024 * 1024;               // JSON bodies
    std::size_t document_body_bytes_max = 8 * 1024 * 1024;  // document upload route only
    std::chrono::seconds read_timeout{30};
    std::chrono::seconds write_timeout{30};
    std::chrono::seconds idle_timeout{60};  // keep-alive idle
    std::size_t connections_max = 10000;
    std::size_t pending_requests_max = 1024;  // queued for workers; beyond -> 503
    // How long an anonymous notice-board response may be served from memory (0 disables).
    // Changes made through this server invalidate it at once; see web/public_cache.hpp.
    std::chrono::milliseconds public_cache_ttl{1000};
    // POST /tsa per client address: requests per second on average, and the burst (0: off).
    double time_stamp_rate_per_second = 50;
    double time_stamp_burst = 100;
    // POST /api/v1/suppliers (public, and it hashes a password) per client address.
    double registration_rate_per_second = 0.2;
    double registration_burst = 5;
};

// The use cases the HTTP layer serves. The referenced services must outlive the Server.
// The platform's public keys and its time-stamp authority, when `procura keys init` has made
// them and the server was given the key directory.
struct PublicKeyInfrastructure {
    const signing::TimeStampAuthority& tsa;
    std::string ca_pem;
    std::string tsa_pem;
};

// The audit log's public reads, its health for /metrics, and the key its heads are signed with.
struct LogAccess {
    ledger::LogQueries& queries;
    const ledger::LogHealth& health;
    std::string public_key_pem;
};

struct Services {
    auth::AuthService& auth;
    tender::TenderService& tenders;
    std::function<core::Status()> readiness;  // DB ping for /readyz; runs on a worker thread
    // Absent: POST /tsa and /api/v1/pki/* answer 503 pki_not_initialised.
    const PublicKeyInfrastructure* pki = nullptr;
    // Absent (no CA key loaded): the certificate routes answer 503 pki_not_initialised.
    pki::CertificateService* certificates = nullptr;
    // Absent (no log key loaded): the /api/v1/log routes answer 503 log_not_initialised.
    const LogAccess* log = nullptr;
    // Absent (no platform keys): the bid and opening routes answer 503 pki_not_initialised.
    bidding::BiddingService* bidding = nullptr;
    // Absent: the supplier registry routes answer 503.
    suppliers::SupplierService* suppliers = nullptr;
    // Absent: the evaluation, award and contract routes (web/api_awards.cpp) answer 503.
    settlement::awards::AwardService* awards = nullptr;
    // Absent: the settlement batch routes (web/api_settlement.cpp) answer 503.
    settlement::batches::BatchService* batches = nullptr;
};

class Server {
public:
    // Resolves host, binds and listens (port 0 picks a free port). Starts no thread yet.
    // Errors: unavailable with a message naming host:port when the address cannot be resolved,
    // bound or listened on; bad_request for options that cannot work (zero threads or limits).
    static core::Result<std::unique_ptr<Server>> create(const ServerOptions& options,
                                                        Services services);
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
