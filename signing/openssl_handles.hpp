// Owning handles for OpenSSL objects (std::unique_ptr with the matching free function) and the
// one place that turns OpenSSL's error queue into a core::Error. Only signing/ includes this:
// OpenSSL stays out of the domain modules.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace procura::signing {

template <auto free_fn>
struct OpenSSLDeleter {
    template <class T>
    void operator()(T* p) const {
        free_fn(p);
    }
};

using PKeyHandle = std::unique_ptr<EVP_PKEY, OpenSSLDeleter<EVP_PKEY_free>>;
using X509Handle = std::unique_ptr<X509, OpenSSLDeleter<X509_free>>;
using X509ReqHandle = std::unique_ptr<X509_REQ, OpenSSLDeleter<X509_REQ_free>>;
using X509NameHandle = std::unique_ptr<X509_NAME, OpenSSLDeleter<X509_NAME_free>>;
using X509ExtensionHandle = std::unique_ptr<X509_EXTENSION, OpenSSLDeleter<X509_EXTENSION_free>>;
using BIOHandle = std::unique_ptr<BIO, OpenSSLDeleter<BIO_free_all>>;
using BNHandle = std::unique_ptr<BIGNUM, OpenSSLDeleter<BN_free>>;
using ASN1IntegerHandle = std::unique_ptr<ASN1_INTEGER, OpenSSLDeleter<ASN1_INTEGER_free>>;

// A read-only memory BIO over bytes (which must outlive it).
BIOHandle memory_bio(std::string_view bytes);
// Everything written to a memory BIO, as a string.
std::string bio_contents(BIO* bio);

// An error of the given kind and code whose message is `what`, followed by the reason of the
// most recent OpenSSL error if there is one. Clears OpenSSL's error queue for this thread.
core::Error openssl_error(core::ErrorKind kind, std::string code, const std::string& what,
                          std::string field = {});

}  // namespace procura::signing
