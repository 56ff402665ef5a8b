#include "web/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <array>
#include <map>
#include <mutex>
#include <sstream>
#include <utility>

namespace procura::web {
namespace {

std::string_view bounded_method(std::string_view method) {
    static constexpr std::array<std::string_view, 7> known = {"GET",   "HEAD",   "POST",   "PUT",
                                                              "PATCH", "DELETE", "OPTIONS"};
    for (const std::string_view m : known) {
        if (m == method) return m;
    }
    return "OTHER";
}

// Seconds; from a fast in-memory answer to a request that waited on a saturated database.
prometheus::Histogram::BucketBoundaries duration_buckets() {
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
}

}  // namespace

struct Metrics::Impl {
    struct Series {
        prometheus::Counter* requests = nullptr;
        prometheus::Histogram* duration = nullptr;
    };

    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    prometheus::Family<prometheus::Counter>& requests =
        prometheus::BuildCounter()
            .Name("procura_http_requests_total")
            .Help("HTTP requests answered, by method, route pattern and status.")
            .Register(*registry);
    prometheus::Family<prometheus::Histogram>& duration =
        prometheus::BuildHistogram()
            .Name("procura_http_request_duration_seconds")
            .Help(
                "Time from a request's last byte read to its response being ready, "
                "including the wait for a worker.")
            .Register(*registry);

    // The series already created, so that the hot path is one map lookup under a mutex rather
    // than the family's label hashing. Bounded: methods and routes are fixed sets and
    // statuses are the few the server produces.
    std::mutex mutex;
    std::map<std::string, Series, std::less<>> series;
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}

Metrics::~Metrics() = default;

void Metrics::observe(std::string_view method, std::string_view route, unsigned status,
                      double duration_seconds) {
    const std::string_view m = bounded_method(method);
    const std::string status_text = std::to_string(status);
    std::string key;
    key.reserve(m.size() + route.size() + status_text.size() + 2);
    key.append(m).append(1, ' ').append(route).append(1, ' ').append(status_text);
    Impl::Series s;
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        auto it = impl_->series.find(key);
        if (it == impl_->series.end()) {
            const prometheus::Labels labels = {
                {"method", std::string(m)}, {"route", std::string(route)}, {"status", status_text}};
            Impl::Series created;
            created.requests = &impl_->requests.Add(labels);
            created.duration = &impl_->duration.Add(labels, duration_buckets());
            it = impl_->series.emplace(std::move(key), created).first;
        }
        s = it->second;
    }
    s.requests->Increment();
    s.duration->Observe(duration_seconds);
}

std::string Metrics::exposition() const {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, impl_->registry->Collect());
    return out.str();
}

}  // namespace procura::web
