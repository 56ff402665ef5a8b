// Sealed-bid intake over HTTP under concurrent load, beside the raw cost of what each bid needs
// at least (the CMS signature check with the chain cache on, as the server configures it, plus
// the RFC 3161 time stamp of its hash), measured in process in the same run. A benchmark, not a
// test; bench/intake_bench.sh starts the server and prepares DIR.
//
//   intake_bench --dir DIR [--bids N] [--clients C] [--keep-alive yes|no]
//
// DIR holds what the script prepared against a running `procura serve --key-dir KEYS`:
//   url               the server's base URL ("http://127.0.0.1:PORT")
//   tender, lots      the id of a published tender in its tendering period, its lot count
//   opening.pem       the tender's opening certificate (GET .../opening-certificate)
//   keys/             the server's key dir: ca.pem, tsa.pem, tsa.key.pem (for the ceiling)
//   suppliers         one line per supplier: "ID NAME"
//   NAME.pem, NAME.key.pem, NAME.token
//                     the supplier's certificate from POST /api/v1/certificates, its key as
//                     encrypted PKCS#8, its bearer token from POST /api/v1/auth/login
// Every key (the TSA's and the suppliers') is decrypted with PROCURA_KEY_PASSPHRASE.
//
// Steps, each timed on its own:
//   1. make N distinct bids (seal to the opening certificate, sign as the supplier) on all
//      cores, before anything is timed; bid i is from supplier i mod S on lot (i / S) mod L, so
//      two bids for one (tender, supplier, lot) row lock are S * L bids apart in the queue;
//   2. the ceiling, in process: SignatureVerifier::verify (default chain cache, revocation
//      answered "no" without a store) and TimeStampAuthority::stamp of each bid's SHA-256, on
//      1 thread and on every core; the server is idle meanwhile;
//   3. the load: C threads take the next bid from a shared counter and POST it to
//      /api/v1/tenders/T/bids?lot_id=L, each client on its own connection kept open across its
//      requests (web::HTTPConnection), as a browser or a supplier's tool uploading several bids
//      would; with --keep-alive no, one new connection per request (web::http_request). Every
//      answer must be 201;
//   4. the all-cores ceiling again. On the 2-vCPU machine the ceiling after the load came out
//      10-30 % above the one before it, run after run (three more measurements before the load
//      did not close the gap, so it is not a warm-up; this process's heap after the bids were
//      made is one suspect, the host's shared cores another). The load is compared with the
//      higher of the two: a slow ceiling never flatters the ratio.
// If DIR/pids names the server's and MariaDB's process ids ("server PID", "mariadbd PID"), the
// CPU time each used during the load is printed per bid, with the machine's idle share and
// the ceiling's CPU time per bid: where the cores went.
// It prints bids/s and p50/p99/max latency of the load, the ceiling rates, and the load as a
// percentage of the higher all-cores ceiling (target: at least 40 %).
// size-exempt: main: a benchmark's main is its script (set-up, the timed runs beside their
// baseline, the report) in the order docs/benchmarks.md describes it; kept whole so that what
// is timed, and what is not, reads top to bottom.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench/support.hpp"
#include "core/clock.hpp"
#include "core/hash.hpp"
#include "signing/envelope.hpp"
#include "signing/keys.hpp"
#include "signing/signature.hpp"
#include "signing/tsa.hpp"
#include "web/http_client.hpp"

namespace {

using procura::bench::fail;
using procura::bench::must;

using namespace procura;
using Clock = std::chrono::steady_clock;

constexpr std::size_t bid_bytes_max = 8 * 1024 * 1024;  // bidding::BiddingLimits' default
constexpr auto request_timeout = std::chrono::seconds(120);
constexpr std::size_t error_bodies_shown_max = 5;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

std::string argument(int argc, char** argv, const std::string& name, const std::string& fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == name) return argv[i + 1];
    }
    return fallback;
}

double seconds_of(const std::function<void()>& run) {
    const auto started = Clock::now();
    run();
    return std::chrono::duration<double>(Clock::now() - started).count();
}

// Runs body(i) for i in [0, count) on threads threads, each taking the next index in turn.
void parallel_for(std::size_t count, unsigned threads,
                  const std::function<void(std::size_t)>& body) {
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
            for (std::size_t i = next++; i < count; i = next++) body(i);
        });
    }
    for (std::thread& t : pool) t.join();
}

struct Supplier {
    core::UserId id = 0;
    std::string name;
    signing::Certificate certificate;
    signing::PrivateKey key;
    std::string token;
};

struct PreparedBid {
    std::size_t supplier = 0;  // index into the suppliers
    int lot = 0;
    std::string body;  // DER CMS SignedData over the sealed envelope
};

// CPU time (user + system) a process has used so far, in seconds; negative if it cannot be
// read (the process ended).
double process_cpu_s(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(in, stat)) return -1;
    // Fields after the command, which is in parentheses and may hold spaces: utime and stime
    // are the 14th and 15th fields of the line, the 12th and 13th after ')'.
    const std::size_t close = stat.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream fields(stat.substr(close + 1));
    std::string field;
    double ticks = 0;
    for (int k = 1; k <= 13 && fields >> field; ++k) {
        if (k == 12 || k == 13) ticks += std::stod(field);
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The machine's idle and total CPU time so far, in clock ticks (the "cpu" line of /proc/stat;
// idle counts iowait too).
std::pair<double, double> machine_idle_total() {
    std::ifstream in("/proc/stat");
    std::string label;
    in >> label;
    double idle = 0;
    double total = 0;
    for (int k = 1; k <= 8; ++k) {
        double value = 0;
        if (!(in >> value)) break;
        total += value;
        if (k == 4 || k == 5) idle += value;
    }
    return {idle, total};
}

// The CPU time of the processes named in DIR/pids and of this one, and the machine's idle
// share, between two calls of sample().
struct CpuWatch {
    std::vector<std::pair<std::string, long>> processes;  // (name, pid)
    std::vector<double> cpu_s;
    double self_s = 0;
    std::pair<double, double> machine;

    static double self_cpu_s() { return process_cpu_s(static_cast<long>(getpid())); }
    // The CPU time of each process since earlier, in ms per bid (or in ms if bids is 0), and
    // the machine's idle share.
    std::string usage_since(const CpuWatch& earlier, std::size_t bids) const {
        const double per = bids == 0 ? 1.0 : static_cast<double>(bids);
        std::string out;
        char line[160];
        for (std::size_t k = 0; k < processes.size(); ++k) {
            if (cpu_s[k] < 0 || earlier.cpu_s[k] < 0) continue;
            std::snprintf(line, sizeof line, " %s %.3f ms,", processes[k].first.c_str(),
                          1000 * (cpu_s[k] - earlier.cpu_s[k]) / per);
            out += line;
        }
        const double idle = machine.first - earlier.machine.first;
        const double total = machine.second - earlier.machine.second;
        std::snprintf(line, sizeof line, " this program %.3f ms; machine idle %.1f%%",
                      1000 * (self_s - earlier.self_s) / per, total > 0 ? 100 * idle / total : 0.0);
        return out + line;
    }
    void sample() {
        cpu_s.clear();
        for (const auto& p : processes) cpu_s.push_back(process_cpu_s(p.second));
        self_s = self_cpu_s();
        machine = machine_idle_total();
    }
};

double percentile_ms(const std::vector<double>& sorted_ms, double p) {
    if (sorted_ms.empty()) return 0;
    const auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted_ms.size() - 1) + 0.5);
    return sorted_ms[std::min(rank, sorted_ms.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // the script watches the output as it comes
    const std::string dir = argument(argc, argv, "--dir", "");
    if (dir.empty()) fail("usage: intake_bench --dir DIR [--bids N] [--clients C]");
    const std::size_t bids_n = std::stoul(argument(argc, argv, "--bids", "5000"));
    const unsigned clients =
        static_cast<unsigned>(std::stoul(argument(argc, argv, "--clients", "64")));
    const std::string keep_alive_arg = argument(argc, argv, "--keep-alive", "yes");
    if (keep_alive_arg != "yes" && keep_alive_arg != "no") fail("--keep-alive is yes or no");
    const bool keep_alive = keep_alive_arg == "yes";
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const char* passphrase_env = std::getenv("PROCURA_KEY_PASSPHRASE");
    if (passphrase_env == nullptr) fail("PROCURA_KEY_PASSPHRASE is not set");
    const std::string passphrase = passphrase_env;

    const std::string url = trimmed(read_file(dir + "/url"));
    const std::int64_t tender_id = std::stoll(read_file(dir + "/tender"));
    const int lots = std::stoi(read_file(dir + "/lots"));
    const signing::Certificate opening =
        must(signing::Certificate::from_pem(read_file(dir + "/opening.pem")), "opening.pem");
    const std::string ca_pem = read_file(dir + "/keys/ca.pem");
    const core::SystemClock clock;
    const signing::TimeStampAuthority tsa =
        must(signing::TimeStampAuthority::create(
                 must(signing::Certificate::from_pem(read_file(dir + "/keys/tsa.pem")), "tsa.pem"),
                 must(signing::PrivateKey::from_encrypted_pem(read_file(dir + "/keys/tsa.key.pem"),
                                                              passphrase),
                      "tsa.key.pem"),
                 clock, signing::TSAOptions{}),
             "TSA");

    std::vector<Supplier> suppliers;
    {
        std::istringstream lines(read_file(dir + "/suppliers"));
        core::UserId id = 0;
        std::string name;
        while (lines >> id >> name) {
            const std::string base = dir + "/" + name;
            suppliers.push_back(Supplier{
                id, name,
                must(signing::Certificate::from_pem(read_file(base + ".pem")), name + ".pem"),
                must(signing::PrivateKey::from_encrypted_pem(read_file(base + ".key.pem"),
                                                             passphrase),
                     name + ".key.pem"),
                trimmed(read_file(base + ".token"))});
        }
    }
    if (suppliers.empty() || lots < 1 || bids_n == 0 || clients == 0) fail("nothing to do");

    // 1. The bids, made before anything is timed.
    std::vector<PreparedBid> bids(bids_n);
    const double make_s = seconds_of([&] {
        parallel_for(bids_n, cores, [&](std::size_t i) {
            const std::size_t s = i % suppliers.size();
            const int lot =
                static_cast<int>((i / suppliers.size()) % static_cast<std::size_t>(lots)) + 1;
            const std::string document =
                "{\"tender_id\":" + std::to_string(tender_id) +
                ",\"lot_id\":" + std::to_string(lot) +
                ",\"supplier_id\":" + std::to_string(suppliers[s].id) +
                ",\"price\":{\"amount_minor\":" + std::to_string(100'000'000 + i) +
                ",\"currency\":\"EUR\"},\"validity_days\":90,\"declarations\":"
                "{\"no_conflict_of_interest\":true,\"not_debarred\":true},"
                "\"technical\":{\"completion_weeks\":12,\"bench_bid\":" +
                std::to_string(i) + "}}";
            const std::string sealed = must(signing::seal(document, opening), "seal");
            bids[i] =
                PreparedBid{s, lot,
                            must(signing::sign(sealed, suppliers[s].certificate, suppliers[s].key,
                                               signing::Attachment::attached),
                                 "sign")};
        });
    });
    std::size_t body_bytes = 0;
    for (const PreparedBid& b : bids) body_bytes += b.body.size();
    std::printf(
        "prepared %zu bids from %zu suppliers on %d lots in %.2f s (%zu bytes each on "
        "average)\n",
        bids_n, suppliers.size(), lots, make_s, body_bytes / bids_n);

    // 2. The ceiling: verify with the chain cache on (the server's verifier) + time stamp.
    const auto ceiling = [&](unsigned threads) {
        // A fresh verifier per measurement, with the default cache sizes, as `serve` makes it.
        const signing::SignatureVerifier verifier(
            must(signing::Certificate::from_pem(ca_pem), "ca.pem"));
        std::atomic<std::size_t> failures{0};
        const double s = seconds_of([&] {
            parallel_for(bids_n, threads, [&](std::size_t i) {
                signing::VerifyOptions options;
                options.at_ms = clock.now_ms();
                options.expected_user = suppliers[bids[i].supplier].id;
                options.is_revoked = [](const std::string&, std::int64_t) { return false; };
                options.content_bytes_max = bid_bytes_max;
                options.signature_bytes_max = bid_bytes_max;
                auto verified = verifier.verify(bids[i].body, std::nullopt, options);
                if (!verified) {
                    ++failures;
                    return;
                }
                if (!tsa.stamp(core::sha256(bids[i].body))) ++failures;
            });
        });
        if (failures > 0) fail(std::to_string(failures.load()) + " bids failed verify or stamp");
        const signing::ChainCacheStats stats = verifier.cache_stats();
        std::printf(
            "ceiling, verify + stamp on %u thread%s: %.0f bids/s (chain cache %llu hits, "
            "%llu misses)\n",
            threads, threads == 1 ? "" : "s", static_cast<double>(bids_n) / s,
            static_cast<unsigned long long>(stats.hits),
            static_cast<unsigned long long>(stats.misses));
        return static_cast<double>(bids_n) / s;
    };
    CpuWatch watch;
    {
        std::ifstream pids(dir + "/pids");
        std::string name;
        long pid = 0;
        while (pids >> name >> pid) watch.processes.emplace_back(name, pid);
    }
    const double ceiling_1 = ceiling(1);
    watch.sample();
    const CpuWatch before_ceiling = watch;
    const double ceiling_before = ceiling(cores);
    watch.sample();
    const double ceiling_cpu_ms_per_bid =
        1000 * (watch.self_s - before_ceiling.self_s) / static_cast<double>(bids_n);
    // Anything else busy meanwhile lowers the ceiling (the server and MariaDB should idle).
    std::printf("CPU during the all-cores ceiling:%s\n",
                watch.usage_since(before_ceiling, 0).c_str());
    const CpuWatch before_load = watch;

    // 3. The load.
    const std::string target =
        url + "/api/v1/tenders/" + std::to_string(tender_id) + "/bids?lot_id=";
    std::vector<double> latency_ms(bids_n);
    std::vector<double> done_s(bids_n);  // when each answer came, from the start of the load
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> refused{0};
    std::mutex shown_mutex;
    std::size_t shown = 0;
    const auto load_started = Clock::now();
    const double load_s = seconds_of([&] {
        std::vector<std::thread> pool;
        for (unsigned c = 0; c < clients; ++c) {
            pool.emplace_back([&] {
                web::HTTPConnection connection;  // this client's own connection
                for (std::size_t i = next++; i < bids_n; i = next++) {
                    const PreparedBid& b = bids[i];
                    const web::HeaderList headers = {
                        {"Authorization", "Bearer " + suppliers[b.supplier].token},
                        {"Content-Type", "application/cms"}};
                    const auto started = Clock::now();
                    const std::string lot_url = target + std::to_string(b.lot);
                    auto reply =
                        keep_alive
                            ? connection.request("POST", lot_url, headers, b.body, request_timeout)
                            : web::http_request("POST", lot_url, headers, b.body, request_timeout);
                    const auto done = Clock::now();
                    latency_ms[i] =
                        std::chrono::duration<double, std::milli>(done - started).count();
                    done_s[i] = std::chrono::duration<double>(done - load_started).count();
                    if (reply && reply->status == 201) continue;
                    ++refused;
                    const std::lock_guard lock(shown_mutex);
                    if (shown++ < error_bodies_shown_max) {
                        std::fprintf(
                            stderr, "intake_bench: bid %zu: %s\n", i,
                            reply ? (std::to_string(reply->status) + " " + reply->body).c_str()
                                  : (reply.error().code + ": " + reply.error().message).c_str());
                    }
                }
            });
        }
        for (std::thread& t : pool) t.join();
    });
    watch.sample();
    std::sort(latency_ms.begin(), latency_ms.end());
    const double rate = static_cast<double>(bids_n) / load_s;
    std::printf(
        "intake over HTTP, %u clients, %s: %zu bids in %.2f s = "
        "%.0f bids/s; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
        clients, keep_alive ? "keep-alive connections" : "one connection per request", bids_n,
        load_s, rate, percentile_ms(latency_ms, 0.50), percentile_ms(latency_ms, 0.99),
        latency_ms.back());
    // The rate in each fifth of the answers, in the order they came: whether it holds up as the
    // tender fills.
    std::sort(done_s.begin(), done_s.end());
    std::printf("rate by fifth of the run (bids/s):");
    for (std::size_t f = 0; f < 5; ++f) {
        const std::size_t first = bids_n * f / 5;
        const std::size_t last = bids_n * (f + 1) / 5;
        if (last <= first) continue;
        const double from = first == 0 ? 0.0 : done_s[first - 1];
        const double span = done_s[last - 1] - from;
        std::printf(" %.0f", span > 0 ? static_cast<double>(last - first) / span : 0.0);
    }
    std::printf("\n");
    // Where the cores went during the load, per bid ("this program" is the clients).
    std::printf("CPU per bid during the load:%s; the ceiling's verify + stamp %.3f ms\n",
                watch.usage_since(before_load, bids_n).c_str(), ceiling_cpu_ms_per_bid);
    // 4. The ceiling again: the load is compared with the higher of the two.
    const double ceiling_after = ceiling(cores);
    const double ceiling_all = std::max(ceiling_before, ceiling_after);
    std::printf(
        "all-cores ceiling before the load %.0f, after %.0f bids/s (%.1f%% apart); the "
        "higher counts\n",
        ceiling_before, ceiling_after,
        100 * std::abs(ceiling_before - ceiling_after) / ceiling_all);
    std::printf(
        "intake / ceiling on %u cores = %.1f%% (target >= 40%%); / 1-thread ceiling = %.1f%%\n",
        cores, 100 * rate / ceiling_all, 100 * rate / ceiling_1);
    if (refused > 0)
        fail(std::to_string(refused.load()) + " of " + std::to_string(bids_n) +
             " bids were not answered 201");
    return 0;
}
