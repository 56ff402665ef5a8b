// Throughput of the opening ceremony's pure part, bidding::open_bids, in bids per second on 1
// and 2 threads, beside the raw rate of what each bid costs at least (SignatureVerifier::verify
// with the chain cache disabled, then signing::open) on 1 thread, times the number of cores,
// measured in the same run. A benchmark, not a test.
//
//   opening_bench [--bids N] [--rounds R] [--suppliers S]
//
// Makes N bids (default 10,000) with our own seal and sign from S suppliers (default 4), small
// JSON documents, to an opening key created for a one-member committee and rebuilt from its
// share. Each measurement runs R times (default 3), the rounds going through all the cells in
// turn, and the best round is reported. Every result is checked: every bid must open valid.
// size-exempt: main: a benchmark's main is its script (set-up, the timed runs beside their
// baseline, the report) in the order docs/benchmarks.md describes it; kept whole so that what
// is timed, and what is not, reads top to bottom.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/support.hpp"
#include "bidding/opening.hpp"
#include "core/clock.hpp"
#include "signing/envelope.hpp"
#include "signing/keys.hpp"
#include "signing/opening_key.hpp"
#include "signing/signature.hpp"

namespace {

using procura::bench::fail;
using procura::bench::must;

using namespace procura;
using namespace procura::signing;

double seconds_of(const std::function<void()>& run) {
    const auto started = std::chrono::steady_clock::now();
    run();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

std::size_t argument(int argc, char** argv, const std::string& name, std::size_t fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == name) return static_cast<std::size_t>(std::stoul(argv[i + 1]));
    }
    return fallback;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t bid_count = argument(argc, argv, "--bids", 10'000);
    const std::size_t rounds = argument(argc, argv, "--rounds", 3);
    const std::size_t supplier_count = argument(argc, argv, "--suppliers", 4);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    constexpr std::int64_t tender_id = 7;

    const std::int64_t now_ms = core::SystemClock().now_ms();
    const Validity validity{now_ms - core::ms_per_day, now_ms + 30 * core::ms_per_day};
    const PrivateKey ca_key = must(PrivateKey::generate_ec_p256(), "CA key");
    const Certificate ca = must(make_root_ca(ca_key, "Procura bench CA", validity), "CA");

    std::vector<PrivateKey> keys;
    std::vector<Certificate> certs;
    for (std::size_t i = 0; i < supplier_count; ++i) {
        keys.push_back(must(PrivateKey::generate_ec_p256(), "supplier key"));
        certs.push_back(procura::bench::issue_user(ca, ca_key, keys.back(),
                                                   static_cast<core::UserId>(41 + i),
                                                   "supplier-" + std::to_string(41 + i), validity));
    }
    const PrivateKey officer_key = must(PrivateKey::generate_ec_p256(), "officer key");
    const Certificate officer =
        procura::bench::issue_user(ca, ca_key, officer_key, 100, "supplier-100", validity);
    const OpeningKey opening = must(
        create_opening_key(tender_id, {CommitteeMember{100, &officer}}, 1, ca, ca_key, validity),
        "create_opening_key");
    const std::string share =
        must(open(opening.shares[0].envelope_der, officer_key, officer, 4096), "open share");
    const PrivateKey opening_key =
        must(rebuild_opening_key(tender_id, {share}, opening.certificate, 1), "rebuild");

    // The bids, made on every core.
    std::vector<bidding::SealedBid> bids(bid_count);
    const double making_s = seconds_of([&] {
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < cores; ++t) {
            threads.emplace_back([&, t] {
                for (std::size_t i = t; i < bid_count; i += cores) {
                    const std::size_t s = i % supplier_count;
                    const auto supplier = static_cast<core::UserId>(41 + s);
                    const std::string document =
                        "{\"tender_id\":7,\"lot_id\":1,\"supplier_id\":" +
                        std::to_string(supplier) +
                        ",\"price\":{\"amount_minor\":" + std::to_string(100'000 + i) +
                        ",\"currency\":\"CNY\"},\"validity_days\":90,\"declarations\":"
                        "{\"no_conflict_of_interest\":true,\"not_debarred\":true},"
                        "\"technical\":{\"delivery_weeks\":6,\"colour\":\"grey\"}}";
                    const std::string envelope = must(seal(document, opening.certificate), "seal");
                    bids[i] = bidding::SealedBid{
                        static_cast<std::int64_t>(i + 1),
                        tender_id,
                        1,
                        supplier,
                        now_ms,
                        must(sign(envelope, certs[s], keys[s], Attachment::attached), "sign")};
                }
            });
        }
        for (auto& thread : threads) thread.join();
    });
    std::printf("made %zu bids (%zu bytes each) from %zu suppliers in %.1f s on %u threads\n",
                bid_count, bids[0].body.size(), supplier_count, making_s, cores);

    // The raw cost of one bid: an uncached verification and an open, on one thread (or split
    // over `threads` plain threads, to show what the machine gives two threads in this run).
    auto raw_part = [&](std::size_t first, std::size_t step) {
        const SignatureVerifier uncached(must(Certificate::from_pem(ca.to_pem()), "CA copy"), 0, 0);
        for (std::size_t i = first; i < bids.size(); i += step) {
            const auto& bid = bids[i];
            VerifyOptions options;
            options.at_ms = bid.received_at_ms;
            options.expected_user = bid.supplier_id;
            auto verified = uncached.verify(bid.body, std::nullopt, options);
            if (!verified) fail("verify: " + verified.error().message);
            auto plain = open(verified->content, opening_key, opening.certificate, 1 << 20);
            if (!plain) fail("open: " + plain.error().message);
        }
    };
    auto raw = [&] { raw_part(0, 1); };
    auto raw_2 = [&] {
        std::thread other([&] { raw_part(1, 2); });
        raw_part(0, 2);
        other.join();
    };
    auto opening_run = [&](int threads, std::size_t cache_entries) {
        const SignatureVerifier verifier(must(Certificate::from_pem(ca.to_pem()), "CA copy"),
                                         cache_entries, cache_entries);
        const bidding::OpeningInputs inputs{
            opening_key, opening.certificate, verifier, {}, 1 << 20};
        const auto opened = bidding::open_bids(bids, inputs, threads);
        for (const auto& o : opened) {
            if (o.status != bidding::OpenedStatus::valid) fail("bid invalid: " + o.reason);
        }
    };

    struct Cell {
        const char* name;
        std::function<void()> run;
        double best_s = 1e300;
    };
    const std::size_t cached = SignatureVerifier::chain_cache_entries_default;
    std::vector<Cell> cells = {
        {"raw verify (uncached) + open, 1 thread", raw},
        {"raw verify (uncached) + open, 2 threads", raw_2},
        {"open_bids, 1 thread, verifier cache on", [&] { opening_run(1, cached); }},
        {"open_bids, 2 threads, verifier cache on", [&] { opening_run(2, cached); }},
        {"open_bids, 1 thread, verifier cache off", [&] { opening_run(1, 0); }},
        {"open_bids, 2 threads, verifier cache off", [&] { opening_run(2, 0); }},
    };
    for (std::size_t r = 0; r < rounds; ++r) {
        for (auto& cell : cells) cell.best_s = std::min(cell.best_s, seconds_of(cell.run));
    }
    const double n = static_cast<double>(bid_count);
    const double raw_rate = n / cells[0].best_s;
    std::printf("cores: %u; best of %zu rounds; %zu bids per run\n", cores, rounds, bid_count);
    std::printf("%-42s %10s %14s\n", "operation", "bids/s", "of raw x cores");
    for (const auto& cell : cells) {
        const double rate = n / cell.best_s;
        std::printf("%-42s %10.0f %13.0f%%\n", cell.name, rate, 100.0 * rate / (raw_rate * cores));
    }
    std::printf("raw x cores (baseline): %.0f bids/s\n", raw_rate * cores);
    std::printf("speed-up 2 threads / 1 thread: %.2fx (cache on), %.2fx (cache off); target 1.6x\n",
                cells[2].best_s / cells[3].best_s, cells[4].best_s / cells[5].best_s);
    std::printf("raw 2 threads / 1 thread in this run: %.2fx\n", cells[0].best_s / cells[1].best_s);
    return 0;
}
