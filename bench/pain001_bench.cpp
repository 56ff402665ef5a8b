// Writes a pain.001.001.09 file of 10,000 payments and validates it against the XSD, printing
// the time of each step (target: under one second together) and the process's peak resident
// memory. Usage: pain001_bench <path to pain.001.001.09.xsd> [payments]
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "settlement/batches/pain001.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;  // KiB on Linux
}

}  // namespace

int main(int argc, char* argv[]) {
    using namespace procura::settlement::batches;
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s <pain.001.001.09.xsd> [payments]\n", argv[0]);
        return 2;
    }
    const std::string xsd_path = argv[1];
    const std::size_t count = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10'000;

    const char* const ibans[] = {"GB29NWBK60161331926819", "FR1420041010050500013M02606",
                                 "NL91ABNA0417164300", "CH9300762011623852957"};
    PaymentBatch batch;
    batch.message_id = "BENCH-0001";
    batch.created_at_ms = 1'717'243'200'000;
    batch.initiating_party_name = "City of Example, Finance";
    batch.debtor = Party{"City of Example", "DE89370400440532013000", std::string("COBADEFFXXX")};
    batch.payment_info_id = "BENCH-PMT-0001";
    batch.requested_execution_date_ms = 1'717'372'800'000;
    batch.payments.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        Payment p;
        p.end_to_end_id = "tr-" + std::to_string(1'000'000 + i);
        p.creditor = Party{"Supplier " + std::to_string(i) + " & Sons GmbH", ibans[i % 4], {}};
        p.amount_minor = static_cast<std::int64_t>(1 + (i * 7919) % 10'000'000);
        p.currency = "EUR";
        p.remittance = "Contract C-" + std::to_string(i) + " milestone 1 <final>";
        batch.payments.push_back(std::move(p));
    }
    const long rss_before_kib = peak_rss_kib();

    const auto open_start = Clock::now();
    auto validator = Pain001Validator::open(xsd_path);
    const double open_ms = ms_since(open_start);
    if (!validator) {
        std::fprintf(stderr, "%s\n", validator.error().message.c_str());
        return 1;
    }

    const auto write_start = Clock::now();
    auto xml = write_pain001(batch);
    const double write_ms = ms_since(write_start);
    if (!xml) {
        std::fprintf(stderr, "write failed: %s\n", xml.error().message.c_str());
        return 1;
    }

    const auto validate_start = Clock::now();
    const auto status = validator->validate(*xml);
    const double validate_ms = ms_since(validate_start);
    if (!status.ok()) {
        std::fprintf(stderr, "validation failed: %s\n", status.error().message.c_str());
        return 1;
    }

    const auto csv_start = Clock::now();
    const std::string csv = payments_csv(batch);
    const double csv_ms = ms_since(csv_start);

    std::printf("payments            %zu\n", count);
    std::printf("document bytes      %zu\n", xml->size());
    std::printf("schema load ms      %.1f\n", open_ms);
    std::printf("write ms            %.1f\n", write_ms);
    std::printf("validate ms         %.1f\n", validate_ms);
    std::printf("write+validate ms   %.1f (target < 1000)\n", write_ms + validate_ms);
    std::printf("csv ms              %.1f (%zu bytes)\n", csv_ms, csv.size());
    std::printf("peak rss KiB        %ld (%ld before writing)\n", peak_rss_kib(), rss_before_kib);
    return write_ms + validate_ms < 1000.0 ? 0 : 3;
}
