// HTTP metrics in the Prometheus text exposition format (prometheus-cpp core, no exposer: the
// server serves /metrics itself). Counter procura_http_requests_total and histogram
// procura_http_request_duration_seconds, both labelled {method, route, status}. route is a
// route pattern or "unmatched" and method one of a fixed set, so the number of label
// combinations is bounded whatever clients send. Thread-safe. Beast-free.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace procura::web {

class Metrics {
public:
    Metrics();
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // Counts one finished request and records its duration. Methods outside GET, HEAD, POST,
    // PUT, PATCH, DELETE and OPTIONS are recorded as "OTHER".
    void observe(std::string_view method, std::string_view route, unsigned status,
                 double duration_seconds);

    // Every metric in the text exposition format (version 0.0.4).
    std::string exposition() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace procura::web
