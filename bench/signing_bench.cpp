// Throughput of the signing library's hot paths, in operations per second on 1 and 2 threads:
// CMS signature verification with the certificate chain (with and without the verifier's chain
// cache, and for a signature that leaves the signer's certificate out, `-nocerts`, which the
// verifier gets from its lookup once and then keeps parsed), sealing and opening envelopes,
// and RFC 3161 time-stamp responses. A benchmark, not a test: run it through
// bench/signing_bench.sh, which measures the `openssl speed` baseline in the same run and
// passes it in, so the table can show each rate beside it.
//
//   signing_bench [--seconds S] [--rounds N] [--query FILE.tsq] [--baseline-verify-1 R]
//                 [--baseline-verify-2 R] [--only TEXT]
//
// Each cell (operation x thread count) is measured for S seconds (default 5) in each of N
// rounds (default 3); the rounds go through all the cells in turn, so that other load on the
// machine hits every cell alike, and the best round is reported (the least disturbed one).
// --only runs only the operations whose name contains TEXT (for profiling). Every operation's
// result is checked; a failure stops the program with status 1.
// size-exempt: main: a benchmark's main is its script (set-up, the timed runs beside their
// baseline, the report) in the order docs/benchmarks.md describes it; kept whole so that what
// is timed, and what is not, reads top to bottom.
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/support.hpp"
#include "core/clock.hpp"
#include "signing/envelope.hpp"
#include "signing/keys.hpp"
#include "signing/signature.hpp"
#include "signing/tsa.hpp"

namespace {

using procura::bench::fail;
using procura::bench::must;

using namespace procura;
using namespace procura::signing;

// Distinct DER TimeStampReqs made with OpenSSL's TS API: SHA-256 imprint of random data, a
// random 64-bit nonce, certificate requested (what `openssl ts -query -cert -sha256` sends).
std::vector<std::string> make_ts_requests(std::size_t count) {
    std::vector<std::string> requests;
    for (std::size_t i = 0; i < count; ++i) {
        unsigned char digest[32];
        unsigned char nonce_bytes[8];
        if (RAND_bytes(digest, sizeof digest) != 1 ||
            RAND_bytes(nonce_bytes, sizeof nonce_bytes) != 1) {
            fail("RAND_bytes");
        }
        TS_REQ* req = TS_REQ_new();
        TS_MSG_IMPRINT* imprint = TS_MSG_IMPRINT_new();
        X509_ALGOR* algorithm = X509_ALGOR_new();
        BIGNUM* nonce_bn = BN_bin2bn(nonce_bytes, sizeof nonce_bytes, nullptr);
        ASN1_INTEGER* nonce = BN_to_ASN1_INTEGER(nonce_bn, nullptr);
        X509_ALGOR_set_md(algorithm, EVP_sha256());
        if (req == nullptr || imprint == nullptr || nonce == nullptr ||
            TS_REQ_set_version(req, 1) != 1 || TS_MSG_IMPRINT_set_algo(imprint, algorithm) != 1 ||
            TS_MSG_IMPRINT_set_msg(imprint, digest, sizeof digest) != 1 ||
            TS_REQ_set_msg_imprint(req, imprint) != 1 || TS_REQ_set_nonce(req, nonce) != 1 ||
            TS_REQ_set_cert_req(req, 1) != 1) {
            fail("cannot make a time-stamp request");
        }
        unsigned char* der = nullptr;
        const int length = i2d_TS_REQ(req, &der);
        if (length <= 0) fail("i2d_TS_REQ");
        requests.emplace_back(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
        OPENSSL_free(der);
        ASN1_INTEGER_free(nonce);
        BN_free(nonce_bn);
        X509_ALGOR_free(algorithm);
        TS_MSG_IMPRINT_free(imprint);
        TS_REQ_free(req);
    }
    return requests;
}

// Runs op(thread, iteration) on `threads` threads for `seconds`; returns operations per second.
double rate(int threads, double seconds, const std::function<bool(int, std::uint64_t)>& op) {
    std::atomic<bool> stop{false};
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(threads), 0);
    std::atomic<bool> failed{false};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            ready.fetch_add(1);
            while (!go.load()) std::this_thread::yield();
            std::uint64_t n = 0;
            while (!stop.load(std::memory_order_relaxed)) {
                if (!op(t, n)) {
                    failed.store(true);
                    break;
                }
                ++n;
            }
            counts[static_cast<std::size_t>(t)] = n;
        });
    }
    while (ready.load() < threads) std::this_thread::yield();
    const auto started = std::chrono::steady_clock::now();
    go.store(true);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop.store(true);
    for (auto& worker : workers) worker.join();
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (failed.load()) fail("an operation failed during the measurement");
    std::uint64_t total = 0;
    for (auto n : counts) total += n;
    return static_cast<double>(total) / elapsed;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Row {
    std::string name;
    double one = 0;
    double two = 0;
};

}  // namespace

int main(int argc, char** argv) {
    double seconds = 5;
    int rounds = 3;
    std::string query_path;
    double baseline_1 = 0;
    double baseline_2 = 0;
    std::string only;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--seconds") {
            seconds = std::stod(value);
        } else if (flag == "--query") {
            query_path = value;
        } else if (flag == "--baseline-verify-1") {
            baseline_1 = std::stod(value);
        } else if (flag == "--rounds") {
            rounds = std::max(1, std::stoi(value));
        } else if (flag == "--only") {
            only = value;
        } else if (flag == "--baseline-verify-2") {
            baseline_2 = std::stod(value);
        } else {
            fail("unknown flag " + flag);
        }
    }

    const core::SystemClock clock;
    const std::int64_t now_ms = clock.now_ms();
    const Validity validity{now_ms - core::ms_per_day, now_ms + 365 * core::ms_per_day};
    const PrivateKey ca_key = must(PrivateKey::generate_ec_p256(), "CA key");
    const Certificate ca = must(make_root_ca(ca_key, "Procura bench CA", validity), "CA");
    const PrivateKey user_key = must(PrivateKey::generate_ec_p256(), "user key");
    const Certificate user =
        procura::bench::issue_user(ca, ca_key, user_key, 42, "bench-user", validity);

    // A 1 KiB bid-sized document, signed attached (SHA-256, signed attributes, the signer's
    // certificate carried): verification checks the chain user -> CA and the signature.
    const std::string content(1024, 'b');
    const std::string signature = must(sign(content, user, user_key, Attachment::attached), "sign");
    VerifyOptions options;
    options.at_ms = now_ms;
    options.expected_user = 42;
    options.is_revoked = [](const std::string&, std::int64_t) { return false; };
    const SignatureVerifier uncached(must(Certificate::from_pem(ca.to_pem()), "CA copy"), 0);
    const SignatureVerifier cached(must(Certificate::from_pem(ca.to_pem()), "CA copy"));
    if (!cached.verify(signature, std::nullopt, options).ok()) fail("verify");

    // The same document signed without the signer's certificate (as `openssl cms -sign
    // -nocerts` does); the verifier asks the platform's directory for it (here, in memory).
    const std::string signature_nocerts =
        must(sign(content, user, user_key, Attachment::attached, SignerCertificate::left_out),
             "sign -nocerts");
    VerifyOptions options_nocerts = options;
    const std::string user_pem = user.to_pem();
    const std::string user_serial = user.serial_hex();
    options_nocerts.find_certificate = [&](const std::string& serial) {
        return serial == user_serial ? std::optional<std::string>(user_pem) : std::nullopt;
    };
    const SignatureVerifier cached_nocerts(must(Certificate::from_pem(ca.to_pem()), "CA copy"));
    if (signature_nocerts.size() >= signature.size() ||
        !cached_nocerts.verify(signature_nocerts, std::nullopt, options_nocerts).ok() ||
        cached.verify(signature_nocerts, std::nullopt, options).ok()) {
        fail("verify -nocerts");
    }

    // The raw operation of the baseline, in process: one ECDSA P-256 verification of a SHA-256
    // digest through EVP_PKEY_verify (what `openssl speed ecdsap256` counts, via EVP).
    unsigned char digest[32];
    RAND_bytes(digest, sizeof digest);
    std::vector<unsigned char> raw_signature(128);
    std::size_t raw_signature_length = raw_signature.size();
    {
        std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
            EVP_PKEY_CTX_new(user_key.get(), nullptr), EVP_PKEY_CTX_free);
        if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
            EVP_PKEY_sign(ctx.get(), raw_signature.data(), &raw_signature_length, digest,
                          sizeof digest) != 1) {
            fail("raw ECDSA sign");
        }
    }
    const auto raw_verify = [&](int, std::uint64_t) {
        std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
            EVP_PKEY_CTX_new(user_key.get(), nullptr), EVP_PKEY_CTX_free);
        return ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
               EVP_PKEY_verify(ctx.get(), raw_signature.data(), raw_signature_length, digest,
                               sizeof digest) == 1;
    };

    const PrivateKey opening_key = must(PrivateKey::generate_ec_p256(), "opening key");
    const Certificate opening_cert =
        must(issue_for_key(ca, ca_key, opening_key, "bench opening key", validity), "opening");
    const std::string sealed = must(seal(content, opening_cert), "seal");

    const PrivateKey tsa_key = must(PrivateKey::generate_ec_p256(), "TSA key");
    const Certificate tsa_cert =
        must(issue_tsa_certificate(ca, ca_key, tsa_key, "Procura bench TSA", validity), "TSA cert");
    const TimeStampAuthority tsa = must(
        TimeStampAuthority::create(
            must(Certificate::from_pem(tsa_cert.to_pem()), "copy"),
            must(PrivateKey::from_encrypted_pem(must(tsa_key.to_encrypted_pem("p"), "pem"), "p"),
                 "key copy"),
            clock, TSAOptions{}),
        "TSA");
    const std::vector<std::string> requests = make_ts_requests(4096);
    // A granted response starts 30 82 .. .. 30 03 02 01 00 (status granted).
    const auto granted = [](const std::string& response) {
        return response.size() > 9 &&
               response.compare(4, 5, std::string("\x30\x03\x02\x01\x00", 5)) == 0;
    };
    if (!granted(must(tsa.respond(requests[0]), "respond"))) fail("the TSA did not grant");
    std::optional<std::string> cli_query;
    if (!query_path.empty()) {
        cli_query = read_file(query_path);
        if (!granted(must(tsa.respond(*cli_query), "respond to the openssl query"))) {
            fail("the TSA did not grant the openssl ts -query request");
        }
    }

    struct Case {
        std::string name;
        std::function<bool(int, std::uint64_t)> op;
    };
    std::vector<Case> cases;
    cases.push_back({"raw ECDSA P-256 verify (EVP, in process)", raw_verify});
    cases.push_back({"verify with chain, uncached", [&](int, std::uint64_t) {
                         return uncached.verify(signature, std::nullopt, options).ok();
                     }});
    cases.push_back({"verify with chain, cached", [&](int, std::uint64_t) {
                         return cached.verify(signature, std::nullopt, options).ok();
                     }});
    cases.push_back(
        {"verify with chain, cached, certificate-less (-nocerts)", [&](int, std::uint64_t) {
             return cached_nocerts.verify(signature_nocerts, std::nullopt, options_nocerts).ok();
         }});
    cases.push_back({"seal (1 KiB, ECDH P-256, AES-256-GCM)",
                     [&](int, std::uint64_t) { return seal(content, opening_cert).ok(); }});
    cases.push_back({"open (1 KiB)", [&](int, std::uint64_t) {
                         return open(sealed, opening_key, opening_cert, 1 << 20).ok();
                     }});
    cases.push_back({"TSA respond (TS API requests)", [&](int t, std::uint64_t n) {
                         const auto& request =
                             requests[(n * 2 + static_cast<std::uint64_t>(t)) % requests.size()];
                         auto response = tsa.respond(request);
                         return response.ok() && granted(*response);
                     }});
    if (cli_query) {
        cases.push_back({"TSA respond (openssl ts -query DER)", [&](int, std::uint64_t) {
                             auto response = tsa.respond(*cli_query);
                             return response.ok() && granted(*response);
                         }});
    }

    std::vector<Row> rows;
    for (const auto& c : cases) {
        if (c.name.find(only) != std::string::npos) rows.push_back(Row{c.name, 0, 0});
    }
    for (int round = 1; round <= rounds; ++round) {
        for (auto& row : rows) {
            const auto& op = std::find_if(cases.begin(), cases.end(), [&](const Case& c) {
                                 return c.name == row.name;
                             })->op;
            const double one = rate(1, seconds, op);
            const double two = rate(2, seconds, op);
            std::fprintf(stderr, "signing_bench: round %d: %-54s %10.0f %10.0f\n", round,
                         row.name.c_str(), one, two);
            row.one = std::max(row.one, one);
            row.two = std::max(row.two, two);
        }
    }
    const auto stats = cached.cache_stats();
    const auto stats_nocerts = cached_nocerts.cache_stats();

    std::printf("\n%-54s %12s %12s %10s %10s\n", "operation (ops/s)", "1 thread", "2 threads",
                "1t/speed", "2t/speed");
    for (const auto& row : rows) {
        const auto ratio = [](double a, double b) {
            if (b <= 0) return std::string("-");
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%.1f%%", 100 * a / b);
            return std::string(buffer);
        };
        std::printf("%-54s %12.0f %12.0f %10s %10s\n", row.name.c_str(), row.one, row.two,
                    ratio(row.one, baseline_1).c_str(), ratio(row.two, baseline_2).c_str());
    }
    if (baseline_1 > 0) {
        std::printf("%-54s %12.0f %12.0f %10s %10s\n", "openssl speed ecdsap256 verify (baseline)",
                    baseline_1, baseline_2, "100.0%", baseline_2 > 0 ? "100.0%" : "-");
    }
    std::printf("\nchain cache of the cached verifier: %llu hits, %llu misses, %zu entries\n",
                static_cast<unsigned long long>(stats.hits),
                static_cast<unsigned long long>(stats.misses), stats.entries);
    std::printf(
        "caches of the -nocerts verifier: chains %llu hits, %llu misses; certificates "
        "%llu hits, %llu misses (lookups), %zu entries\n",
        static_cast<unsigned long long>(stats_nocerts.hits),
        static_cast<unsigned long long>(stats_nocerts.misses),
        static_cast<unsigned long long>(stats_nocerts.certificate_hits),
        static_cast<unsigned long long>(stats_nocerts.certificate_misses),
        stats_nocerts.certificate_entries);
    std::printf("best of %d rounds of %.1f s per cell; content 1 KiB; CA -> user chain (depth 2)\n",
                rounds, seconds);
    return 0;
}
