// What the benchmark programs share: stopping with one line on stderr (and OpenSSL's error
// queue) when a step of the set-up fails, and issuing a user certificate from a PKCS#10
// request as suppliers get theirs. Header-only, for bench/*.cpp only.
#pragma once

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "core/result.hpp"
#include "signing/keys.hpp"

namespace procura::bench {

// Prints "<program>: <what>" and OpenSSL's error queue to stderr, and exits 1.
[[noreturn]] inline void fail(const std::string& what) {
    std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what.c_str());
    ERR_print_errors_fp(stderr);
    std::exit(1);
}

// result's value, or fail naming what and the error's code and message.
template <class T>
T must(core::Result<T> result, const std::string& what) {
    if (!result.ok()) fail(what + ": " + result.error().code + ": " + result.error().message);
    return std::move(*result);
}

// A certificate for user with subject name name, issued by the CA from a PKCS#10 request
// signed with key, the way suppliers get theirs.
inline signing::Certificate issue_user(const signing::Certificate& ca,
                                       const signing::PrivateKey& ca_key,
                                       const signing::PrivateKey& key, core::UserId user,
                                       const std::string& name, const signing::Validity& validity) {
    std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> req(X509_REQ_new(), X509_REQ_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
    if (!req || !out || X509_REQ_set_pubkey(req.get(), key.get()) != 1 ||
        X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0 ||
        PEM_write_bio_X509_REQ(out.get(), req.get()) != 1) {
        fail("cannot make a certificate request");
    }
    char* data = nullptr;
    const long length = BIO_get_mem_data(out.get(), &data);
    return must(
        signing::issue_from_csr(ca, ca_key, std::string(data, static_cast<std::size_t>(length)),
                                user, name, validity),
        "issue_from_csr");
}

}  // namespace procura::bench
