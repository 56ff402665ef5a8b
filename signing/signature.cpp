#include "signing/signature.hpp"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <deque>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "signing/key_policy.hpp"
#include "signing/openssl_handles.hpp"

namespace procura::signing {
namespace {

using core::ErrorKind;

using CMSHandle = std::unique_ptr<CMS_ContentInfo, OpenSSLDeleter<CMS_ContentInfo_free>>;
using X509StoreHandle = std::unique_ptr<X509_STORE, OpenSSLDeleter<X509_STORE_free>>;
using X509StoreCtxHandle = std::unique_ptr<X509_STORE_CTX, OpenSSLDeleter<X509_STORE_CTX_free>>;

struct X509StackFree {
    void operator()(STACK_OF(X509) * stack) const { sk_X509_pop_free(stack, X509_free); }
};
using X509StackHandle = std::unique_ptr<STACK_OF(X509), X509StackFree>;
struct X509BorrowedStackFree {
    void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};

core::Error refuse(std::string code, std::string message) {
    return core::unprocessable(std::move(code), std::move(message), "signature");
}

bool strong_digest(const X509_ALGOR* digest) {
    const int nid = OBJ_obj2nid(digest->algorithm);
    return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

// Seconds since the epoch of an ASN.1 time, or nullopt when it cannot be read.
std::optional<std::int64_t> epoch_seconds(const ASN1_TIME* time) {
    struct tm parsed {};
    if (time == nullptr || ASN1_TIME_to_tm(time, &parsed) != 1) return std::nullopt;
    return static_cast<std::int64_t>(timegm(&parsed));
}

// The span of seconds t (as X509_verify_cert compares them: notBefore <= t < notAfter) at which
// every certificate of a verified path is valid.
struct ValidityWindow {
    std::int64_t not_before_s = std::numeric_limits<std::int64_t>::min();
    std::int64_t not_after_s = std::numeric_limits<std::int64_t>::max();
};

// Verifies the chain from signer to the CA at at_ms, using the other certificates carried in
// the signature as untrusted intermediates. On success, returns the validity window of the
// path that was verified, or nullopt when a time on it cannot be read (then nothing is cached).
core::Result<std::optional<ValidityWindow>> verify_chain(const Certificate& ca, X509* signer,
                                                         STACK_OF(X509) * carried,
                                                         std::int64_t at_ms) {
    X509StoreHandle store(X509_STORE_new());
    X509StoreCtxHandle ctx(X509_STORE_CTX_new());
    if (!store || !ctx || X509_STORE_add_cert(store.get(), ca.get()) != 1 ||
        X509_STORE_CTX_init(ctx.get(), store.get(), signer, carried) != 1) {
        return openssl_error(ErrorKind::internal, "verify_setup_failed",
                             "cannot set up certificate verification");
    }
    X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(at_ms / 1000));
    if (X509_verify_cert(ctx.get()) == 1) {
        std::optional<ValidityWindow> window = ValidityWindow{};
        STACK_OF(X509)* path = X509_STORE_CTX_get0_chain(ctx.get());
        for (int i = 0; path && i < sk_X509_num(path); ++i) {
            X509* cert = sk_X509_value(path, i);
            const auto not_before = epoch_seconds(X509_get0_notBefore(cert));
            const auto not_after = epoch_seconds(X509_get0_notAfter(cert));
            if (!not_before || !not_after) return std::optional<ValidityWindow>();
            window->not_before_s = std::max(window->not_before_s, *not_before);
            window->not_after_s = std::min(window->not_after_s, *not_after);
        }
        if (path == nullptr || sk_X509_num(path) == 0) return std::optional<ValidityWindow>();
        return window;
    }
    const int error = X509_STORE_CTX_get_error(ctx.get());
    const std::string reason = X509_verify_cert_error_string(error);
    ERR_clear_error();
    if (error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID) {
        return refuse("certificate_not_valid_at_time",
                      "the signer's certificate was not valid at that time: " + reason);
    }
    return refuse("untrusted_certificate",
                  "the signer's certificate does not chain to the platform CA: " + reason);
}

// What a successful chain verification established about a signer, reused while at_ms falls
// inside [valid_from_s, valid_until_s].
struct VerifiedChain {
    std::int64_t valid_from_s = 0;
    std::int64_t valid_until_s = 0;
    std::optional<core::UserId> signer_user;
    std::string signer_subject;
    std::string signer_serial_hex;
    std::optional<std::string> weak_key_message;  // set when the key fails the key policy
};

// SHA-256 over the length-prefixed DER of the signer's certificate, then of every carried
// certificate in order: the inputs of the chain verification besides the CA and the time.
std::optional<std::string> chain_key(X509* signer, STACK_OF(X509) * carried) {
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    using MDCtxHandle = std::unique_ptr<EVP_MD_CTX, OpenSSLDeleter<EVP_MD_CTX_free>>;
    MDCtxHandle md(EVP_MD_CTX_new());
    if (sha256 == nullptr || !md || EVP_DigestInit_ex(md.get(), sha256, nullptr) != 1) {
        return std::nullopt;
    }
    auto add = [&](X509* cert) {
        unsigned char* der = nullptr;
        const int length = i2d_X509(cert, &der);
        if (length <= 0) return false;
        const unsigned char prefix[4] = {
            static_cast<unsigned char>(length >> 24), static_cast<unsigned char>(length >> 16),
            static_cast<unsigned char>(length >> 8), static_cast<unsigned char>(length)};
        const bool ok = EVP_DigestUpdate(md.get(), prefix, sizeof prefix) == 1 &&
                        EVP_DigestUpdate(md.get(), der, static_cast<std::size_t>(length)) == 1;
        OPENSSL_free(der);
        return ok;
    };
    if (!add(signer)) return std::nullopt;
    for (int i = 0; carried && i < sk_X509_num(carried); ++i) {
        if (!add(sk_X509_value(carried, i))) return std::nullopt;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    if (EVP_DigestFinal_ex(md.get(), digest, &digest_length) != 1) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(digest), digest_length);
}

// The cache key of a signer named by issuer and serial number: the issuer name's DER, then the
// serial's type (positive or negative) and content octets.
std::optional<std::string> issuer_serial_key(const X509_NAME* issuer, const ASN1_INTEGER* serial) {
    const unsigned char* name_der = nullptr;
    std::size_t name_length = 0;
    if (X509_NAME_get0_der(issuer, &name_der, &name_length) != 1) return std::nullopt;
    std::string key(reinterpret_cast<const char*>(name_der), name_length);
    key.push_back(static_cast<char>(ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER));
    key.append(reinterpret_cast<const char*>(ASN1_STRING_get0_data(serial)),
               static_cast<std::size_t>(ASN1_STRING_length(serial)));
    return key;
}

// A serial number as upper-case hex, as Certificate::serial_hex() writes it.
std::optional<std::string> serial_hex(const ASN1_INTEGER* serial) {
    BNHandle bn(ASN1_INTEGER_to_BN(serial, nullptr));
    if (!bn) return std::nullopt;
    char* hex = BN_bn2hex(bn.get());
    if (hex == nullptr) return std::nullopt;
    std::string out(hex);
    OPENSSL_free(hex);
    return out;
}

// A looked-up signer certificate, parsed, and the chain key it has when the signature carries
// no other certificate. Shared between threads read-only (OpenSSL's reference counts are
// atomic, and the public key was decoded when the certificate was parsed).
struct KnownCertificate {
    std::shared_ptr<X509> cert;
    std::optional<std::string> chain_key_alone;
};

}  // namespace

// Bounded map from a string key to V; the oldest insertion is evicted first. With
// keep_existing, a second insertion under a key keeps the first value (the same value, put by a
// racing thread); otherwise it replaces it. Thread-safe.
template <class V, bool keep_existing>
struct BoundedCache {
    explicit BoundedCache(std::size_t max) : entries_max(max) {}

    std::optional<V> find(const std::string& key) const {
        if (entries_max == 0) return std::nullopt;
        std::shared_lock lock(mutex);
        const auto found = entries.find(key);
        if (found == entries.end()) return std::nullopt;
        return found->second;
    }

    void insert(const std::string& key, V value) {
        if (entries_max == 0) return;
        std::unique_lock lock(mutex);
        if (auto found = entries.find(key); found != entries.end()) {
            if (!keep_existing) found->second = std::move(value);
            return;
        }
        while (entries.size() >= entries_max && !order.empty()) {
            entries.erase(order.front());
            order.pop_front();
        }
        entries.emplace(key, std::move(value));
        order.push_back(key);
    }

    std::size_t size() const {
        std::shared_lock lock(mutex);
        return entries.size();
    }

    const std::size_t entries_max;
    mutable std::shared_mutex mutex;
    std::unordered_map<std::string, V> entries;  // guarded by mutex
    std::deque<std::string> order;               // guarded by mutex; insertion order
    mutable std::atomic<std::uint64_t> hits{0};
    mutable std::atomic<std::uint64_t> misses{0};
};

// Issuer-and-serial key to a signer certificate whose chain was verified.
struct SignatureVerifier::CertificateCache : BoundedCache<KnownCertificate, true> {
    using BoundedCache::BoundedCache;
};

// Chain key to VerifiedChain.
struct SignatureVerifier::ChainCache : BoundedCache<VerifiedChain, false> {
    using BoundedCache::BoundedCache;
};

SignatureVerifier::SignatureVerifier(Certificate ca, std::size_t chain_cache_entries_max,
                                     std::size_t certificate_cache_entries_max)
    : ca_(std::move(ca)),
      cache_(std::make_unique<ChainCache>(chain_cache_entries_max)),
      certificates_(std::make_unique<CertificateCache>(certificate_cache_entries_max)) {}
SignatureVerifier::~SignatureVerifier() = default;
SignatureVerifier::SignatureVerifier(SignatureVerifier&&) noexcept = default;
SignatureVerifier& SignatureVerifier::operator=(SignatureVerifier&&) noexcept = default;

ChainCacheStats SignatureVerifier::cache_stats() const {
    ChainCacheStats stats;
    if (!cache_) return stats;
    stats.hits = cache_->hits.load(std::memory_order_relaxed);
    stats.misses = cache_->misses.load(std::memory_order_relaxed);
    stats.entries = cache_->size();
    if (!certificates_) return stats;
    stats.certificate_hits = certificates_->hits.load(std::memory_order_relaxed);
    stats.certificate_misses = certificates_->misses.load(std::memory_order_relaxed);
    stats.certificate_entries = certificates_->size();
    return stats;
}

core::Result<std::string> sign(std::string_view content, const Certificate& signer,
                               const PrivateKey& key, Attachment attachment,
                               SignerCertificate certificate) {
    BIOHandle in = memory_bio(content);
    unsigned int flags = CMS_BINARY;
    if (attachment == Attachment::detached) flags |= CMS_DETACHED;
    if (certificate == SignerCertificate::left_out) flags |= CMS_NOCERTS;
    CMSHandle cms(CMS_sign(signer.get(), key.get(), nullptr, in.get(), flags));
    BIOHandle out(BIO_new(BIO_s_mem()));
    if (!cms || !out || i2d_CMS_bio(out.get(), cms.get()) != 1) {
        return openssl_error(ErrorKind::internal, "sign_failed", "cannot create the signature");
    }
    return bio_contents(out.get());
}

// One signature being verified, as verify()'s steps hand it on.
struct SignedMessage {
    CMSHandle cms;
    CMS_SignerInfo* signer_info = nullptr;  // owned by cms
    bool detached = false;
    X509StackHandle carried;  // the certificates the signature carries
    X509* signer_cert = nullptr;
    // A signer certificate the signature does not carry: from the verifier's certificates, or
    // looked up through find_certificate (new: to be kept once its chain has verified).
    std::optional<KnownCertificate> known;
    std::optional<std::string> known_key;
    bool known_is_new = false;
};

// The steps of SignatureVerifier::verify, in order; each returns the refusal that stops it.
struct VerifySteps {
    // The structure: DER CMS SignedData of at most signature_bytes_max, with one signer, and
    // detached exactly when content is given.
    static core::Result<SignedMessage> parse(std::string_view der, bool content_given,
                                             const VerifyOptions& options) {
        if (der.size() > options.signature_bytes_max) {
            return core::payload_too_large("too_large",
                                           "the signature is larger than " +
                                               std::to_string(options.signature_bytes_max) +
                                               " bytes",
                                           "signature");
        }
        BIOHandle in = memory_bio(der);
        SignedMessage m;
        m.cms.reset(d2i_CMS_bio(in.get(), nullptr));
        if (!m.cms) {
            return openssl_error(ErrorKind::bad_request, "not_cms", "not a DER CMS structure",
                                 "signature");
        }
        if (OBJ_obj2nid(CMS_get0_type(m.cms.get())) != NID_pkcs7_signed) {
            return refuse("not_signed_data", "the CMS structure is not SignedData");
        }
        STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(m.cms.get());
        if (signers == nullptr || sk_CMS_SignerInfo_num(signers) != 1) {
            return refuse("one_signer_required", "a signature must have exactly one signer");
        }
        m.detached = CMS_is_detached(m.cms.get()) == 1;
        if (m.detached != content_given) {
            return m.detached ? refuse("missing_content",
                                       "the signature is detached but no content was given")
                              : refuse("unexpected_content",
                                       "the signature carries its content; none may be given");
        }
        m.signer_info = sk_CMS_SignerInfo_value(signers, 0);
        m.carried.reset(CMS_get1_certs(m.cms.get()));
        return m;
    }

    // The signer's certificate: carried by the signature, else known to the verifier, else
    // asked of options.find_certificate by issuer and serial.
    static core::Status find_signer(const SignatureVerifier& v, SignedMessage& m,
                                    const VerifyOptions& options) {
        // Exactly one carried certificate may match the signer: with two (a forged one with the
        // victim's issuer and serial beside the victim's real one) the chain checked and the
        // key the signature is verified with could belong to different certificates.
        for (int i = 0; m.carried && i < sk_X509_num(m.carried.get()); ++i) {
            X509* candidate = sk_X509_value(m.carried.get(), i);
            if (CMS_SignerInfo_cert_cmp(m.signer_info, candidate) != 0) continue;
            if (m.signer_cert != nullptr) {
                return refuse("ambiguous_signer",
                              "the signature carries more than one certificate matching its "
                              "signer");
            }
            m.signer_cert = candidate;
        }
        if (m.signer_cert != nullptr) return {};
        if (!options.find_certificate) {
            return refuse("untrusted_certificate",
                          "the signature does not carry its signer's certificate");
        }
        ASN1_OCTET_STRING* key_id = nullptr;
        X509_NAME* issuer = nullptr;
        ASN1_INTEGER* serial = nullptr;
        if (CMS_SignerInfo_get0_signer_id(m.signer_info, &key_id, &issuer, &serial) != 1 ||
            issuer == nullptr || serial == nullptr) {
            ERR_clear_error();
            return refuse("unknown_signer",
                          "the signature carries no certificate and names its signer by key "
                          "identifier; only issuer and serial number can be looked up");
        }
        m.known_key = issuer_serial_key(issuer, serial);
        if (m.known_key) m.known = v.certificates_->find(*m.known_key);
        if (m.known) {
            v.certificates_->hits.fetch_add(1, std::memory_order_relaxed);
        } else {
            v.certificates_->misses.fetch_add(1, std::memory_order_relaxed);
            PROCURA_TRY(look_up_signer(v, m, serial, options));
        }
        m.signer_cert = m.known->cert.get();
        return {};
    }

    // The signer certificate from options.find_certificate, checked to be the signer's.
    static core::Status look_up_signer(const SignatureVerifier& v, SignedMessage& m,
                                       const ASN1_INTEGER* serial, const VerifyOptions& options) {
        const std::optional<std::string> serial_text = serial_hex(serial);
        if (!serial_text) {
            return openssl_error(ErrorKind::internal, "verify_setup_failed",
                                 "cannot read the signer's serial number");
        }
        const std::optional<std::string> pem = options.find_certificate(*serial_text);
        if (!pem) {
            return refuse("unknown_signer",
                          "no certificate is known with the signer's serial " + *serial_text);
        }
        BIOHandle pem_in = memory_bio(*pem);
        X509* parsed = PEM_read_bio_X509(pem_in.get(), nullptr, nullptr, nullptr);
        ERR_clear_error();
        if (parsed == nullptr) {
            return refuse("unknown_signer",
                          "the certificate found for serial " + *serial_text + " cannot be read");
        }
        m.known.emplace();
        m.known->cert = std::shared_ptr<X509>(parsed, X509_free);
        if (CMS_SignerInfo_cert_cmp(m.signer_info, parsed) != 0) {
            return refuse("unknown_signer", "the certificate found for serial " + *serial_text +
                                                " is not the signer's");
        }
        m.known->chain_key_alone =
            v.cache_->entries_max > 0 ? chain_key(parsed, nullptr) : std::nullopt;
        m.known_is_new = true;
        return {};
    }

    // The chain: from the cache when this signer with these carried certificates was verified
    // before and at_ms falls inside the verified path's window, else in full (then cached).
    static core::Result<VerifiedChain> chain(const SignatureVerifier& v, SignedMessage& m,
                                             const VerifyOptions& options) {
        const bool caching = v.cache_->entries_max > 0;
        const bool carries_others = m.carried && sk_X509_num(m.carried.get()) > 0;
        const std::optional<std::string> key = !caching ? std::nullopt
                                               : m.known && !carries_others
                                                   ? m.known->chain_key_alone
                                                   : chain_key(m.signer_cert, m.carried.get());
        const std::int64_t at_s =
            static_cast<std::int64_t>(static_cast<time_t>(options.at_ms / 1000));
        std::optional<VerifiedChain> chain = key ? v.cache_->find(*key) : std::nullopt;
        if (chain && (at_s < chain->valid_from_s || at_s > chain->valid_until_s)) chain.reset();
        if (chain) {
            v.cache_->hits.fetch_add(1, std::memory_order_relaxed);
            return std::move(*chain);
        }
        v.cache_->misses.fetch_add(1, std::memory_order_relaxed);
        PROCURA_TRY_ASSIGN(auto window,
                           verify_chain(v.ca_, m.signer_cert, m.carried.get(), options.at_ms));
        X509_up_ref(m.signer_cert);
        const Certificate signer = Certificate::adopt(m.signer_cert);
        VerifiedChain verified;
        verified.signer_user = signer.user_id();
        verified.signer_subject = signer.subject();
        verified.signer_serial_hex = signer.serial_hex();
        auto strength = check_key_strength(X509_get0_pubkey(m.signer_cert), "signature");
        if (!strength) verified.weak_key_message = strength.error().message;
        // The boundary seconds are left to the full verification (see the header).
        if (key && window && window->not_before_s < window->not_after_s - 2) {
            verified.valid_from_s = window->not_before_s + 1;
            verified.valid_until_s = window->not_after_s - 2;
            v.cache_->insert(*key, verified);
        }
        return verified;
    }

    // The signer may sign now: not revoked at at_ms, the expected user, a strong digest and
    // a strong key.
    static core::Status check_signer(const VerifiedChain& chain, const SignedMessage& m,
                                     const VerifyOptions& options) {
        if (options.is_revoked && options.is_revoked(chain.signer_serial_hex, options.at_ms)) {
            return refuse("certificate_revoked", "the signer's certificate was revoked");
        }
        if (options.expected_user && chain.signer_user != options.expected_user) {
            return core::forbidden(
                "wrong_signer", "the signature was made by someone other than the submitting user",
                "signature");
        }
        X509_ALGOR* digest = nullptr;
        X509_ALGOR* signature_algorithm = nullptr;
        CMS_SignerInfo_get0_algs(m.signer_info, nullptr, nullptr, &digest, &signature_algorithm);
        if (digest == nullptr || !strong_digest(digest)) {
            return refuse("weak_digest", "the signature must use SHA-256, SHA-384 or SHA-512");
        }
        if (chain.weak_key_message) return refuse("weak_key", *chain.weak_key_message);
        return {};
    }

    // The signature over the content, and the content (at most content_bytes_max). The chain
    // was verified above at the receipt time, so CMS_verify checks only the signature (it would
    // otherwise check the chain again, at the current time).
    static core::Result<std::string> signed_content(
        SignedMessage& m, std::optional<std::string_view> detached_content,
        const VerifyOptions& options) {
        BIOHandle content_in = m.detached ? memory_bio(*detached_content) : BIOHandle();
        BIOHandle out(BIO_new(BIO_s_mem()));
        // CMS_verify gets exactly the certificate whose chain was checked, and does not look
        // among the carried ones (CMS_NOINTERN): the key that verifies the signature is the key
        // of the certificate that names the signer.
        X509StackHandle given(sk_X509_new_null());
        if (!given || sk_X509_push(given.get(), m.signer_cert) <= 0) {
            return openssl_error(ErrorKind::internal, "verify_setup_failed",
                                 "cannot set up signature verification");
        }
        X509_up_ref(m.signer_cert);  // the stack's reference, released with it
        if (!out || CMS_verify(m.cms.get(), given.get(), nullptr, content_in.get(), out.get(),
                               CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY | CMS_NOINTERN) != 1) {
            return openssl_error(ErrorKind::unprocessable, "bad_signature",
                                 "the signature does not match the content", "signature");
        }
        // A new stack of borrowed certificates: freed without freeing them.
        std::unique_ptr<STACK_OF(X509), X509BorrowedStackFree> used(CMS_get0_signers(m.cms.get()));
        if (!used || sk_X509_num(used.get()) != 1 ||
            X509_cmp(sk_X509_value(used.get(), 0), m.signer_cert) != 0) {
            return refuse("ambiguous_signer",
                          "the signature was not verified with the certificate checked");
        }
        std::string content = bio_contents(out.get());
        if (content.size() > options.content_bytes_max) {
            return core::payload_too_large("too_large",
                                           "the signed content is larger than " +
                                               std::to_string(options.content_bytes_max) + " bytes",
                                           "signature");
        }
        return content;
    }
};

core::Result<VerifiedSignature> SignatureVerifier::verify(
    std::string_view der, std::optional<std::string_view> detached_content,
    const VerifyOptions& options) const {
    PROCURA_ASSERT(cache_ != nullptr && certificates_ != nullptr);  // not a moved-from verifier
    PROCURA_TRY_ASSIGN(auto message,
                       VerifySteps::parse(der, detached_content.has_value(), options));
    PROCURA_TRY(VerifySteps::find_signer(*this, message, options));
    PROCURA_TRY_ASSIGN(const VerifiedChain chain, VerifySteps::chain(*this, message, options));
    if (message.known_is_new && message.known_key) {
        certificates_->insert(*message.known_key, *message.known);
    }
    PROCURA_TRY(VerifySteps::check_signer(chain, message, options));
    VerifiedSignature result;
    result.signer_user = chain.signer_user;
    result.signer_subject = chain.signer_subject;
    result.signer_serial_hex = chain.signer_serial_hex;
    PROCURA_TRY_ASSIGN(result.content,
                       VerifySteps::signed_content(message, detached_content, options));
    return result;
}

}  // namespace procura::signing
