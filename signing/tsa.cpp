#include "signing/tsa.hpp"

#include <openssl/err.h>
#include <openssl/ts.h>

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
        return core::make_error(ErrorKind::bad_request, "not_a_tsa_certificate",
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
        return core::make_error(ErrorKind::payload_too_large, "too_large",
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

}  // namespace procura::signing
