#include "signing/signature.hpp"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "signing/key_policy.hpp"
#include "signing/openssl_handles.hpp"

namespace procura::signing {
namespace {

using core::ErrorKind;
using core::make_error;

using CMSHandle = std::unique_ptr<CMS_ContentInfo, OpenSSLDeleter<CMS_ContentInfo_free>>;
using X509StoreHandle = std::unique_ptr<X509_STORE, OpenSSLDeleter<X509_STORE_free>>;
using X509StoreCtxHandle = std::unique_ptr<X509_STORE_CTX, OpenSSLDeleter<X509_STORE_CTX_free>>;

struct X509StackFree {
    void operator()(STACK_OF(X509) * stack) const { sk_X509_pop_free(stack, X509_free); }
};
using X509StackHandle = std::unique_ptr<STACK_OF(X509), X509StackFree>;

core::Error refuse(std::string code, std::string message) {
    return make_error(ErrorKind::unprocessable, std::move(code), std::move(message), "signature");
}

bool strong_digest(const X509_ALGOR* digest) {
    const int nid = OBJ_obj2nid(digest->algorithm);
    return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

// Verifies the chain from signer to the CA at at_ms, using the other certificates carried in
// the signature as untrusted intermediates.
core::Status verify_chain(const Certificate& ca, X509* signer, STACK_OF(X509) * carried,
                          std::int64_t at_ms) {
    X509StoreHandle store(X509_STORE_new());
    X509StoreCtxHandle ctx(X509_STORE_CTX_new());
    if (!store || !ctx || X509_STORE_add_cert(store.get(), ca.get()) != 1 ||
        X509_STORE_CTX_init(ctx.get(), store.get(), signer, carried) != 1) {
        return openssl_error(ErrorKind::internal, "verify_setup_failed",
                             "cannot set up certificate verification");
    }
    X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(at_ms / 1000));
    if (X509_verify_cert(ctx.get()) == 1) return {};
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

}  // namespace

core::Result<std::string> sign(std::string_view content, const Certificate& signer,
                               const PrivateKey& key, Attachment attachment) {
    BIOHandle in = memory_bio(content);
    unsigned int flags = CMS_BINARY;
    if (attachment == Attachment::detached) flags |= CMS_DETACHED;
    CMSHandle cms(CMS_sign(signer.get(), key.get(), nullptr, in.get(), flags));
    BIOHandle out(BIO_new(BIO_s_mem()));
    if (!cms || !out || i2d_CMS_bio(out.get(), cms.get()) != 1) {
        return openssl_error(ErrorKind::internal, "sign_failed", "cannot create the signature");
    }
    return bio_contents(out.get());
}

core::Result<VerifiedSignature> SignatureVerifier::verify(
    std::string_view der, std::optional<std::string_view> detached_content,
    const VerifyOptions& options) const {
    if (der.size() > options.signature_bytes_max) {
        return make_error(ErrorKind::payload_too_large, "too_large",
                          "the signature is larger than " +
                              std::to_string(options.signature_bytes_max) + " bytes",
                          "signature");
    }
    BIOHandle in = memory_bio(der);
    CMSHandle cms(d2i_CMS_bio(in.get(), nullptr));
    if (!cms) {
        return openssl_error(ErrorKind::bad_request, "not_cms", "not a DER CMS structure",
                             "signature");
    }
    if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
        return refuse("not_signed_data", "the CMS structure is not SignedData");
    }
    STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms.get());
    if (signers == nullptr || sk_CMS_SignerInfo_num(signers) != 1) {
        return refuse("one_signer_required", "a signature must have exactly one signer");
    }
    const bool detached = CMS_is_detached(cms.get()) == 1;
    if (detached != detached_content.has_value()) {
        return detached ? refuse("missing_content",
                                 "the signature is detached but no content was given")
                        : refuse("unexpected_content",
                                 "the signature carries its content; none may be given");
    }
    CMS_SignerInfo* signer_info = sk_CMS_SignerInfo_value(signers, 0);

    X509StackHandle carried(CMS_get1_certs(cms.get()));
    X509* signer_cert = nullptr;
    for (int i = 0; carried && i < sk_X509_num(carried.get()); ++i) {
        X509* candidate = sk_X509_value(carried.get(), i);
        if (CMS_SignerInfo_cert_cmp(signer_info, candidate) == 0) signer_cert = candidate;
    }
    if (signer_cert == nullptr) {
        return refuse("untrusted_certificate",
                      "the signature does not carry its signer's certificate");
    }
    PROCURA_TRY(verify_chain(ca_, signer_cert, carried.get(), options.at_ms));

    X509_up_ref(signer_cert);
    const Certificate signer = Certificate::adopt(signer_cert);
    VerifiedSignature result;
    result.signer_user = signer.user_id();
    result.signer_subject = signer.subject();
    result.signer_serial_hex = signer.serial_hex();
    if (options.is_revoked && options.is_revoked(result.signer_serial_hex, options.at_ms)) {
        return refuse("certificate_revoked", "the signer's certificate was revoked");
    }
    if (options.expected_user && result.signer_user != options.expected_user) {
        return make_error(ErrorKind::forbidden, "wrong_signer",
                          "the signature was made by someone other than the submitting user",
                          "signature");
    }
    X509_ALGOR* digest = nullptr;
    X509_ALGOR* signature_algorithm = nullptr;
    CMS_SignerInfo_get0_algs(signer_info, nullptr, nullptr, &digest, &signature_algorithm);
    if (digest == nullptr || !strong_digest(digest)) {
        return refuse("weak_digest", "the signature must use SHA-256, SHA-384 or SHA-512");
    }
    auto strength = check_key_strength(X509_get0_pubkey(signer_cert), "signature");
    if (!strength) return refuse("weak_key", strength.error().message);

    BIOHandle content_in = detached ? memory_bio(*detached_content) : BIOHandle();
    BIOHandle out(BIO_new(BIO_s_mem()));
    // The chain was verified above at the receipt time, so CMS_verify checks only the
    // signature (it would otherwise check the chain again, at the current time).
    if (!out || CMS_verify(cms.get(), nullptr, nullptr, content_in.get(), out.get(),
                           CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
        return openssl_error(ErrorKind::unprocessable, "bad_signature",
                             "the signature does not match the content", "signature");
    }
    result.content = bio_contents(out.get());
    if (result.content.size() > options.content_bytes_max) {
        return make_error(ErrorKind::payload_too_large, "too_large",
                          "the signed content is larger than " +
                              std::to_string(options.content_bytes_max) + " bytes",
                          "signature");
    }
    return result;
}

}  // namespace procura::signing
