#include "signing/tsa.hpp"

#include <openssl/err.h>
#include <openssl/ts.h>

#include <cstring>

#include "signing/openssl_handles.hpp"

namespace procura::signing {
namespace {

using core::ErrorKind;

using TSReqHandle = std::unique_ptr<TS_REQ, OpenSSLDeleter<TS_REQ_free>>;
using TSRespHandle = std::unique_ptr<TS_RESP, OpenSSLDeleter<TS_RESP_free>>;
using TSRespCtxHandle = std::unique_ptr<TS_RESP_CTX, OpenSSLDeleter<TS_RESP_CTX_free>>;
using ASN1ObjectHandle = std::unique_ptr<ASN1_OBJECT, OpenSSLDeleter<ASN1_OBJECT_free>>;

struct CallbackData {
    const core::Clock* clock;
};

// A positive 127-bit random serial number.
ASN1_INTEGER* serial_callback(TS_RESP_CTX* ctx, void* /*data*/) {
    BIGNUM* raw = nullptr;
    if (BN_hex2bn(&raw, random_serial_hex().c_str()) == 0) {
        TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION, "cannot create a serial number");
        TS_RESP_CTX_add_failure_info(ctx, TS_INFO_ADD_INFO_NOT_AVAILABLE);
        return nullptr;
    }
    BNHandle bn(raw);
    return BN_to_ASN1_INTEGER(bn.get(), nullptr);
}

// The time from the injected clock, to the microsecond field OpenSSL asks for.
int time_callback(TS_RESP_CTX* /*ctx*/, void* data, long* seconds, long* microseconds) {
    const auto* cb = static_cast<const CallbackData*>(data);
    const std::int64_t now = cb->clock->now_ms();
    *seconds = static_cast<long>(now / 1000);
    *microseconds = static_cast<long>((now % 1000) * 1000);
    return 1;
}

}  // namespace

core::Result<TimeStampAuthority> TimeStampAuthority::create(Certificate cert, PrivateKey key,
                                                            const core::Clock& clock,
                                                            TSAOptions options) {
    // RFC 3161 section 2.3: the extended key usage must be present, critical, and include
    // timeStamping.
    const int eku_index = X509_get_ext_by_NID(cert.get(), NID_ext_key_usage, -1);
    const bool critical_eku =
        eku_index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert.get(), eku_index)) == 1;
    if (!cert.matches(key) || !critical_eku ||
        (X509_get_extended_key_usage(cert.get()) & XKU_TIMESTAMP) == 0) {
        return core::bad_request("not_a_tsa_certificate",
                                 "the TSA needs a certificate with the timeStamping extended key "
                                 "usage that matches its key",
                                 "certificate");
    }
    ASN1ObjectHandle policy(OBJ_txt2obj(options.policy_oid.c_str(), 1));
    if (!policy) {
        return openssl_error(ErrorKind::bad_request, "bad_policy_oid",
                             "the TSA policy is not a dotted OID", "policy_oid");
    }
    return TimeStampAuthority(std::move(cert), std::move(key), clock, std::move(options));
}

core::Result<std::string> TimeStampAuthority::respond(std::string_view request_der) const {
    if (request_der.size() > options_.request_bytes_max) {
        return core::payload_too_large("too_large",
                                       "a time-stamp request has at most " +
                                           std::to_string(options_.request_bytes_max) + " bytes",
                                       "body");
    }
    {
        // Only DER that parses as a TimeStampReq gets a TimeStampResp.
        BIOHandle probe = memory_bio(request_der);
        TSReqHandle request(d2i_TS_REQ_bio(probe.get(), nullptr));
        if (!request) {
            return openssl_error(ErrorKind::bad_request, "not_ts_request",
                                 "the body is not a DER RFC 3161 time-stamp request", "body");
        }
    }
    TSRespCtxHandle ctx(TS_RESP_CTX_new());
    ASN1ObjectHandle policy(OBJ_txt2obj(options_.policy_oid.c_str(), 1));
    CallbackData data{clock_};
    const auto seconds = static_cast<int>(options_.accuracy_ms / 1000);
    const auto millis = static_cast<int>(options_.accuracy_ms % 1000);
    if (!ctx || !policy || TS_RESP_CTX_set_signer_cert(ctx.get(), cert_.get()) != 1 ||
        TS_RESP_CTX_set_signer_key(ctx.get(), key_.get()) != 1 ||
        TS_RESP_CTX_set_signer_digest(ctx.get(), EVP_sha256()) != 1 ||
        TS_RESP_CTX_set_def_policy(ctx.get(), policy.get()) != 1 ||
        TS_RESP_CTX_add_md(ctx.get(), EVP_sha256()) != 1 ||
        TS_RESP_CTX_add_md(ctx.get(), EVP_sha384()) != 1 ||
        TS_RESP_CTX_add_md(ctx.get(), EVP_sha512()) != 1 ||
        TS_RESP_CTX_set_accuracy(ctx.get(), seconds, millis, 0) != 1 ||
        TS_RESP_CTX_set_clock_precision_digits(ctx.get(), 3) != 1) {
        return openssl_error(ErrorKind::internal, "tsa_setup_failed",
                             "cannot set up the time-stamp response");
    }
    TS_RESP_CTX_set_serial_cb(ctx.get(), serial_callback, nullptr);
    TS_RESP_CTX_set_time_cb(ctx.get(), time_callback, &data);
    // The ESS signingCertificateV2 attribute (SHA-256) binds the token to this certificate.
    if (TS_RESP_CTX_set_ess_cert_id_digest(ctx.get(), EVP_sha256()) != 1) {
        return openssl_error(ErrorKind::internal, "tsa_setup_failed",
                             "cannot set the ESS certificate id digest");
    }

    BIOHandle in = memory_bio(request_der);
    TSRespHandle response(TS_RESP_create_response(ctx.get(), in.get()));
    BIOHandle out(BIO_new(BIO_s_mem()));
    if (!response || !out || i2d_TS_RESP_bio(out.get(), response.get()) != 1) {
        return openssl_error(ErrorKind::internal, "tsa_failed",
                             "cannot create the time-stamp response");
    }
    ERR_clear_error();
    return bio_contents(out.get());
}

namespace {
// Defined below, with the token verification that also reads TSTInfo.
core::Result<VerifiedTimeStamp> read_tst_info(TS_TST_INFO* info);
}  // namespace

core::Result<StampedToken> TimeStampAuthority::stamp(const core::Sha256& digest) const {
    using ImprintHandle = std::unique_ptr<TS_MSG_IMPRINT, OpenSSLDeleter<TS_MSG_IMPRINT_free>>;
    using AlgorHandle = std::unique_ptr<X509_ALGOR, OpenSSLDeleter<X509_ALGOR_free>>;
    TSReqHandle request(TS_REQ_new());
    ImprintHandle imprint(TS_MSG_IMPRINT_new());
    AlgorHandle algorithm(X509_ALGOR_new());
    if (!request || !imprint || !algorithm || TS_REQ_set_version(request.get(), 1) != 1 ||
        X509_ALGOR_set0(algorithm.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr) != 1 ||
        TS_MSG_IMPRINT_set_algo(imprint.get(), algorithm.get()) != 1 ||
        TS_MSG_IMPRINT_set_msg(imprint.get(), const_cast<unsigned char*>(digest.data()),
                               static_cast<int>(digest.size())) != 1 ||
        TS_REQ_set_msg_imprint(request.get(), imprint.get()) != 1 ||
        TS_REQ_set_cert_req(request.get(), 1) != 1) {
        return openssl_error(ErrorKind::internal, "stamp_failed", "cannot build a request");
    }
    unsigned char* der = nullptr;
    const int length = i2d_TS_REQ(request.get(), &der);
    if (length <= 0) return openssl_error(ErrorKind::internal, "stamp_failed", "cannot encode");
    const std::string request_der(reinterpret_cast<const char*>(der),
                                  static_cast<std::size_t>(length));
    OPENSSL_free(der);
    PROCURA_TRY_ASSIGN(auto reply, respond(request_der));
    const auto* cursor = reinterpret_cast<const unsigned char*>(reply.data());
    TSRespHandle response(d2i_TS_RESP(nullptr, &cursor, static_cast<long>(reply.size())));
    if (!response || ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(
                         TS_RESP_get_status_info(response.get()))) != TS_STATUS_GRANTED) {
        return openssl_error(ErrorKind::internal, "stamp_failed",
                             "the TSA refused its own request");
    }
    unsigned char* token = nullptr;
    const int token_length = i2d_PKCS7(TS_RESP_get_token(response.get()), &token);
    if (token_length <= 0) {
        return openssl_error(ErrorKind::internal, "stamp_failed", "cannot encode the token");
    }
    StampedToken out;
    out.token.assign(reinterpret_cast<const char*>(token), static_cast<std::size_t>(token_length));
    OPENSSL_free(token);
    PROCURA_TRY_ASSIGN(auto info, read_tst_info(TS_RESP_get_tst_info(response.get())));
    out.time_ms = info.time_ms;
    return out;
}

namespace {

using PKCS7Handle = std::unique_ptr<PKCS7, OpenSSLDeleter<PKCS7_free>>;
using TSTInfoHandle = std::unique_ptr<TS_TST_INFO, OpenSSLDeleter<TS_TST_INFO_free>>;

// genTime (to the millisecond), serial and policy of a token's TSTInfo.
core::Result<VerifiedTimeStamp> read_tst_info(TS_TST_INFO* info) {
    VerifiedTimeStamp result;
    const ASN1_GENERALIZEDTIME* time = TS_TST_INFO_get_time(info);
    struct tm parsed {};
    if (time == nullptr || ASN1_TIME_to_tm(time, &parsed) != 1) {
        return core::unprocessable("time_stamp_invalid", "the token's time cannot be read",
                                   "time_stamp");
    }
    result.time_ms = static_cast<std::int64_t>(timegm(&parsed)) * 1000;
    const std::string text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(time)),
                           static_cast<std::size_t>(ASN1_STRING_length(time)));
    if (const auto dot = text.find('.'); dot != std::string::npos) {
        std::int64_t millis = 0;
        int digits = 0;
        for (std::size_t i = dot + 1; i < text.size() && digits < 3; ++i, ++digits) {
            if (text[i] < '0' || text[i] > '9') break;
            millis = millis * 10 + (text[i] - '0');
        }
        for (; digits < 3; ++digits) millis *= 10;
        result.time_ms += millis;
    }
    BNHandle serial(ASN1_INTEGER_to_BN(TS_TST_INFO_get_serial(info), nullptr));
    if (serial) {
        char* hex = BN_bn2hex(serial.get());
        result.serial_hex = hex;
        OPENSSL_free(hex);
    }
    char oid[128] = {};
    OBJ_obj2txt(oid, sizeof oid, TS_TST_INFO_get_policy_id(info), 1);
    result.policy_oid = oid;
    return result;
}

}  // namespace

core::Result<VerifiedTimeStamp> verify_time_stamp(std::string_view response_der,
                                                  std::string_view data, const Certificate& ca) {
    constexpr std::size_t bytes_max = 64 * 1024 * 1024;
    if (response_der.size() > bytes_max || data.size() > bytes_max) {
        return core::payload_too_large(
            "too_large", "time-stamp responses and data are limited to 64 MiB", "time_stamp");
    }
    BIOHandle in = memory_bio(response_der);
    TSRespHandle response(d2i_TS_RESP_bio(in.get(), nullptr));
    if (!response) {
        return openssl_error(ErrorKind::bad_request, "not_ts_response",
                             "not a DER RFC 3161 time-stamp response", "time_stamp");
    }
    TS_TST_INFO* info = TS_RESP_get_tst_info(response.get());
    if (ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(response.get()))) >
            TS_STATUS_GRANTED_WITH_MODS ||
        info == nullptr) {
        return core::unprocessable("not_granted", "the time-stamp request was rejected",
                                   "time_stamp");
    }
    using VerifyCtxHandle = std::unique_ptr<TS_VERIFY_CTX, OpenSSLDeleter<TS_VERIFY_CTX_free>>;
    VerifyCtxHandle ctx(TS_VERIFY_CTX_new());
    X509_STORE* store = X509_STORE_new();
    BIO* data_bio = BIO_new_mem_buf(data.data(), static_cast<int>(data.size()));
    if (!ctx || store == nullptr || data_bio == nullptr ||
        X509_STORE_add_cert(store, ca.get()) != 1) {
        X509_STORE_free(store);
        BIO_free(data_bio);
        return openssl_error(ErrorKind::internal, "verify_setup_failed",
                             "cannot set up time-stamp verification");
    }
    // The context owns the store and the data BIO from here on.
    TS_VERIFY_CTX_set_store(ctx.get(), store);
    TS_VERIFY_CTX_set_data(ctx.get(), data_bio);
    // TS_VFY_SIGNER: a TSA name in the token, if any, must name the signer.
    TS_VERIFY_CTX_set_flags(ctx.get(),
                            TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_DATA | TS_VFY_SIGNER);
    if (TS_RESP_verify_response(ctx.get(), response.get()) != 1) {
        return openssl_error(ErrorKind::unprocessable, "time_stamp_invalid",
                             "the time-stamp token does not verify for this data", "time_stamp");
    }
    return read_tst_info(info);
}

core::Result<VerifiedTimeStamp> verify_time_stamp_token(std::string_view token_der,
                                                        const core::Sha256& digest,
                                                        const Certificate& ca,
                                                        const Certificate* tsa_certificate) {
    constexpr std::size_t bytes_max = 1024 * 1024;
    if (token_der.size() > bytes_max) {
        return core::payload_too_large("too_large", "time-stamp tokens are limited to 1 MiB",
                                       "time_stamp");
    }
    const auto* cursor = reinterpret_cast<const unsigned char*>(token_der.data());
    const auto* end = cursor + token_der.size();
    PKCS7Handle token(d2i_PKCS7(nullptr, &cursor, static_cast<long>(token_der.size())));
    if (!token || cursor != end) {
        return openssl_error(ErrorKind::bad_request, "not_ts_token",
                             "not one DER RFC 3161 time-stamp token", "time_stamp");
    }
    TSTInfoHandle info(PKCS7_to_TS_TST_INFO(token.get()));
    if (!info) {
        return openssl_error(ErrorKind::bad_request, "not_ts_token",
                             "the CMS structure does not hold an RFC 3161 TSTInfo", "time_stamp");
    }
    // The imprint first, with its own code: SHA-256 and exactly this digest.
    TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(info.get());
    const X509_ALGOR* algorithm = imprint != nullptr ? TS_MSG_IMPRINT_get_algo(imprint) : nullptr;
    const ASN1_OCTET_STRING* hashed =
        imprint != nullptr ? TS_MSG_IMPRINT_get_msg(imprint) : nullptr;
    if (algorithm == nullptr || hashed == nullptr ||
        OBJ_obj2nid(algorithm->algorithm) != NID_sha256 ||
        static_cast<std::size_t>(ASN1_STRING_length(hashed)) != digest.size() ||
        std::memcmp(ASN1_STRING_get0_data(hashed), digest.data(), digest.size()) != 0) {
        return core::unprocessable(
            "imprint_mismatch", "the time-stamp token is not over this SHA-256 hash", "time_stamp");
    }

    using VerifyCtxHandle = std::unique_ptr<TS_VERIFY_CTX, OpenSSLDeleter<TS_VERIFY_CTX_free>>;
    VerifyCtxHandle ctx(TS_VERIFY_CTX_new());
    X509_STORE* store = X509_STORE_new();
    STACK_OF(X509)* certs = sk_X509_new_null();
    auto* imprint_copy = static_cast<unsigned char*>(OPENSSL_malloc(digest.size()));
    const auto release = [&] {
        X509_STORE_free(store);
        sk_X509_pop_free(certs, X509_free);
        OPENSSL_free(imprint_copy);
    };
    if (!ctx || store == nullptr || certs == nullptr || imprint_copy == nullptr ||
        X509_STORE_add_cert(store, ca.get()) != 1) {
        release();
        return openssl_error(ErrorKind::internal, "verify_setup_failed",
                             "cannot set up time-stamp verification");
    }
    if (tsa_certificate != nullptr) {
        if (X509_up_ref(tsa_certificate->get()) != 1) {
            release();
            return openssl_error(ErrorKind::internal, "verify_setup_failed",
                                 "cannot set up time-stamp verification");
        }
        if (sk_X509_push(certs, tsa_certificate->get()) <= 0) {
            X509_free(tsa_certificate->get());
            release();
            return openssl_error(ErrorKind::internal, "verify_setup_failed",
                                 "cannot set up time-stamp verification");
        }
    }
    std::memcpy(imprint_copy, digest.data(), digest.size());
    // The context owns the store, the certificates and the imprint from here on.
    TS_VERIFY_CTX_set_store(ctx.get(), store);
    TS_VERIFY_CTX_set_certs(ctx.get(), certs);
    TS_VERIFY_CTX_set_imprint(ctx.get(), imprint_copy, static_cast<long>(digest.size()));
    // The flags are set here, never taken from a request: TS_VFY_SIGNATURE is always on.
    TS_VERIFY_CTX_set_flags(ctx.get(),
                            TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_IMPRINT | TS_VFY_SIGNER);
    if (TS_RESP_verify_token(ctx.get(), token.get()) != 1) {
        return openssl_error(ErrorKind::unprocessable, "time_stamp_invalid",
                             "the time-stamp token's signature or TSA certificate does not "
                             "verify against the CA",
                             "time_stamp");
    }
    ERR_clear_error();
    return read_tst_info(info.get());
}

}  // namespace procura::signing
