// The in-memory PKI the fuzz targets share: a root CA and the keys and certificates each target
// needs, all made at start-up with signing/'s own functions at a fixed instant. Nothing is read
// from files. A failure here is a broken harness, not a finding: it prints the error and aborts
// before the first input.
//
// Also the sample injection both CMS targets use. The seed corpus is made by the stock
// `openssl` command with its own CA, so those seeds stop at the certificate chain (verify) or
// find no recipient (open). The harness therefore makes valid inputs for its own PKI at
// start-up and, through libFuzzer's custom mutator hook, now and then hands one of them to the
// mutator in place of a corpus input; whatever reaches new code from there joins the corpus.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "signing/keys.hpp"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace procura::fuzz {

// 2026-11-27T00:00:00Z: the instant signatures are checked at and the TSA's clock reads.
inline constexpr std::int64_t t0_ms = 1'795'737'600'000;

inline signing::Validity around_t0() {
    return signing::Validity{t0_ms - core::ms_per_day, t0_ms + 365 * core::ms_per_day};
}

[[noreturn]] inline void set_up_failed(const char* what, const std::string& why) {
    std::fprintf(stderr, "fuzz set-up: %s failed: %s\n", what, why.c_str());
    std::abort();
}

// The value of a set-up step, or a message on stderr and abort().
template <class T>
T require(core::Result<T> result, const char* what) {
    if (!result.ok()) set_up_failed(what, result.error().code + " " + result.error().message);
    return std::move(result).value();
}

// A PKCS#10 request (PEM) for key, self-signed with SHA-256: the input issue_from_csr wants.
// signing/ has no function that makes requests (users bring their own), hence OpenSSL here.
inline std::string make_csr_pem(const signing::PrivateKey& key) {
    std::unique_ptr<X509_REQ, void (*)(X509_REQ*)> request(X509_REQ_new(), X509_REQ_free);
    std::unique_ptr<BIO, void (*)(BIO*)> out(BIO_new(BIO_s_mem()), BIO_free_all);
    if (!request || !out || X509_REQ_set_version(request.get(), 0) != 1 ||
        X509_REQ_set_pubkey(request.get(), key.get()) != 1 ||
        X509_REQ_sign(request.get(), key.get(), EVP_sha256()) <= 0 ||
        PEM_write_bio_X509_REQ(out.get(), request.get()) != 1) {
        set_up_failed("CSR", "OpenSSL error");
    }
    char* pem = nullptr;
    const long length = BIO_get_mem_data(out.get(), &pem);
    return std::string(pem, static_cast<std::size_t>(length));
}

struct PKI {
    signing::PrivateKey ca_key = require(signing::PrivateKey::generate_ec_p256(), "CA key");
    signing::Certificate ca =
        require(signing::make_root_ca(ca_key, "Procura fuzz CA", around_t0()), "root CA");
};

// One call in inject_every calls starts from one of samples (in turn) instead of the input
// libFuzzer picked; every other call is libFuzzer's own mutation. Half the injected samples go
// out unchanged, half mutated once.
inline std::size_t mutate_or_inject(const std::vector<std::string>& samples, std::uint8_t* data,
                                    std::size_t size, std::size_t max_size, unsigned int seed) {
    constexpr unsigned int inject_every = 32;
    if (!samples.empty() && seed % inject_every == 0) {
        const std::string& sample = samples[(seed / inject_every) % samples.size()];
        if (sample.size() <= max_size) {
            std::memcpy(data, sample.data(), sample.size());
            size = sample.size();
            if ((seed / inject_every / 16) % 2 == 0) return size;
        }
    }
    return LLVMFuzzerMutate(data, size, max_size);
}

}  // namespace procura::fuzz
