// Throughput of settlement::evaluation::evaluate_all, serial (a one-thread arena) against oneTBB on
// all cores, in the same run on the same lots, and a check that both give identical results (the
// JSON of every lot compared). A benchmark, not a test.
//
//   evaluation_bench [--tenders N] [--bids B] [--rounds R] [--seed S]
//
// The heap is kept warm, as in a long-running server: glibc is told not to hand freed memory
// back to the kernel (mallopt M_TRIM_THRESHOLD, M_TOP_PAD), and one unreported warm-up round
// of each kind runs first. Otherwise each round re-faults hundreds of MiB of fresh pages, and the
// kernel's page-fault path, not the evaluation, decides the figures (it serialises the threads).
//
// Makes N tenders (default 100,000) of one lot each with B bids (default 10) from a fixed seed:
// methods in turn lowest_price, comprehensive, benchmark_price; the last two with two technical
// criteria scored by five evaluators (so the trimming runs); one bid in ten invalid. Each
// measurement runs R times (default 5), serial and parallel alternating, and the best round of
// each is reported. Prints the times, the speed-up, the peak resident memory (getrusage
// ru_maxrss), the load average before and after, and for each phase how many cores the
// process kept busy (CPU time / wall time): on a shared machine a low figure for the TBB phase
// means the other core was taken by someone else, not that the work did not split.
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "settlement/evaluation/evaluation.hpp"

namespace {

using namespace procura::settlement::evaluation;

std::uint64_t argument(int argc, char** argv, const std::string& name, std::uint64_t fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == name) return std::stoull(argv[i + 1]);
    }
    return fallback;
}

std::vector<LotInput> make_lots(std::size_t tenders, std::size_t bids, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto uniform = [&](std::int64_t low, std::int64_t high) {
        return std::uniform_int_distribution<std::int64_t>(low, high)(rng);
    };
    std::vector<LotInput> lots(tenders);
    for (std::size_t t = 0; t < tenders; ++t) {
        LotInput& lot = lots[t];
        lot.tender_id = static_cast<std::int64_t>(t + 1);
        lot.lot_id = static_cast<std::int64_t>(t + 1);
        lot.currency = "CNY";
        lot.method = static_cast<Method>(t % 3);
        if (lot.method != Method::lowest_price) {
            lot.weights.price_pct = 40;
            lot.weights.criteria = {{1, 35}, {2, 25}};
        }
        lot.benchmark = {micro_per_point, micro_per_point / 2};
        const std::int64_t estimate = uniform(100'000, 100'000'000);
        lot.bids.resize(bids);
        for (std::size_t b = 0; b < bids; ++b) {
            BidInput& bid = lot.bids[b];
            bid.bid_id = static_cast<std::int64_t>(t * bids + b + 1);
            bid.supplier_id = uniform(1, 20'000);
            bid.lot_id = lot.lot_id;
            bid.price_minor = estimate * uniform(700, 1'300) / 1'000;
            bid.currency = "CNY";
            bid.received_at_ms = 1'700'000'000'000 + uniform(0, 86'400'000);
            bid.valid = uniform(0, 9) != 0;
            if (!bid.valid) bid.invalid_reason = "signature_invalid";
            if (lot.method == Method::lowest_price) continue;
            bid.technical.resize(5);
            for (std::int64_t e = 0; e < 5; ++e) {
                bid.technical[static_cast<std::size_t>(e)].evaluator_id = e + 1;
                bid.technical[static_cast<std::size_t>(e)].scores = {
                    {1, uniform(50, 100) * micro_per_point}, {2, uniform(50'000'000, 100'000'000)}};
            }
        }
    }
    return lots;
}

double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Timing {
    double wall_s = 0;
    double cpu_s = 0;  // user + system time of the whole process over the same span
};

Timing time_of(std::vector<LotResult>& out, const std::vector<LotInput>& lots, int threads) {
    out.clear();
    out.shrink_to_fit();
    const double cpu_started = cpu_seconds();
    const auto started = std::chrono::steady_clock::now();
    out = evaluate_all(lots, threads);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return {wall, cpu_seconds() - cpu_started};
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

void print_load(const char* when) {
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) == 3) {
        std::printf("load average %-6s %.2f %.2f %.2f (1, 5, 15 min)\n", when, load[0], load[1],
                    load[2]);
    }
}

}  // namespace

int main(int argc, char** argv) {
    const auto tenders = static_cast<std::size_t>(argument(argc, argv, "--tenders", 100'000));
    const auto bids = static_cast<std::size_t>(argument(argc, argv, "--bids", 10));
    const auto rounds = std::max<std::uint64_t>(1, argument(argc, argv, "--rounds", 5));
    const auto seed = argument(argc, argv, "--seed", 20261127);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 256 << 20);
    print_load("before");
    const auto lots = make_lots(tenders, bids, seed);
    std::printf("lots %zu, bids %zu, cores %u, rounds %llu, peak RSS after generation %ld MiB\n",
                lots.size(), lots.size() * bids, cores, static_cast<unsigned long long>(rounds),
                peak_rss_kib() / 1024);

    std::vector<LotResult> serial;
    std::vector<LotResult> parallel;
    (void)time_of(serial, lots, 1);
    (void)time_of(parallel, lots, 0);
    Timing serial_best{1e300, 0};
    Timing parallel_best{1e300, 0};
    for (std::uint64_t r = 0; r < rounds; ++r) {
        const Timing s = time_of(serial, lots, 1);
        const Timing p = time_of(parallel, lots, 0);
        std::printf("round %llu: serial %.3f s (cpu %.3f s), tbb %.3f s (cpu %.3f s)\n",
                    static_cast<unsigned long long>(r + 1), s.wall_s, s.cpu_s, p.wall_s, p.cpu_s);
        if (s.wall_s < serial_best.wall_s) serial_best = s;
        if (p.wall_s < parallel_best.wall_s) parallel_best = p;
    }
    print_load("after");

    std::size_t ranked = 0;
    std::size_t flagged = 0;
    std::size_t errors = 0;
    for (std::size_t i = 0; i < lots.size(); ++i) {
        const std::string expected = to_json(serial[i]).dump();
        if (to_json(parallel[i]).dump() != expected) {
            std::fprintf(stderr, "evaluation_bench: lot %zu differs between 1 and %u threads\n", i,
                         cores);
            return 1;
        }
        errors += serial[i].ok() ? 0 : 1;
        ranked += serial[i].ranking.size();
        for (const auto& score : serial[i].ranking) flagged += score.abnormally_low ? 1 : 0;
    }
    if (errors != 0) {
        std::fprintf(stderr, "evaluation_bench: %zu lots refused\n", errors);
        return 1;
    }
    const double total_bids = static_cast<double>(lots.size() * bids);
    std::printf("identical results: yes (%zu lots, %zu bids ranked, %zu flagged abnormally low)\n",
                lots.size(), ranked, flagged);
    std::printf("serial (1 thread):  %.3f s  %.0f bids/s  (%.2f cores busy)\n", serial_best.wall_s,
                total_bids / serial_best.wall_s, serial_best.cpu_s / serial_best.wall_s);
    std::printf("tbb (%u threads):    %.3f s  %.0f bids/s  (%.2f cores busy)\n", cores,
                parallel_best.wall_s, total_bids / parallel_best.wall_s,
                parallel_best.cpu_s / parallel_best.wall_s);
    std::printf("speed-up: %.2fx on %u cores (best rounds)\n",
                serial_best.wall_s / parallel_best.wall_s, cores);
    std::printf("peak RSS: %ld MiB\n", peak_rss_kib() / 1024);
    return 0;
}
