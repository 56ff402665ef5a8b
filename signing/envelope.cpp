#include "signing/envelope.hpp"

#include <openssl/cms.h>
#include <openssl/core_names.h>
#include <openssl/objects.h>

#include <climits>

#include "signing/openssl_handles.hpp"

namespace procura::signing {
namespace {

using core::ErrorKind;

using CMSHandle = std::unique_ptr<CMS_ContentInfo, OpenSSLDeleter<CMS_ContentInfo_free>>;

// memory_bio() and d2i take int and long lengths; content and envelopes stay below both.
constexpr std::size_t bytes_max = static_cast<std::size_t>(INT_MAX);
// What an envelope may add to its content: version, recipient infos with a certificate's
// issuer and serial, algorithm identifiers, the GCM nonce and tag. Generous for one recipient.
constexpr std::size_t envelope_overhead_bytes_max = 64 * 1024;

bool is_ec_p256(EVP_PKEY* key) {
    if (key == nullptr || !EVP_PKEY_is_a(key, "EC")) return false;
    char group[64] = {};
    std::size_t length = 0;
    return EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                          &length) == 1 &&
           std::string_view(group, length) == "prime256v1";
}

core::Error too_large(std::size_t content_bytes_max) {
    return core::payload_too_large("too_large", "the sealed content is larger than " +
                                                    std::to_string(content_bytes_max) + " bytes");
}

// Refuses weak algorithms in any recipient info and tells whether one of them is addressed to
// recipient (by issuer and serial or by subject key identifier).
core::Result<bool> check_recipient_infos(CMS_ContentInfo* cms, X509* recipient) {
    STACK_OF(CMS_RecipientInfo)* infos = CMS_get0_RecipientInfos(cms);
    bool addressed = false;
    for (int i = 0; i < sk_CMS_RecipientInfo_num(infos); ++i) {
        CMS_RecipientInfo* info = sk_CMS_RecipientInfo_value(infos, i);
        switch (CMS_RecipientInfo_type(info)) {
            case CMS_RECIPINFO_TRANS: {
                X509_ALGOR* algorithm = nullptr;
                if (CMS_RecipientInfo_ktri_get0_algs(info, nullptr, nullptr, &algorithm) != 1 ||
                    algorithm == nullptr ||
                    OBJ_obj2nid(algorithm->algorithm) == NID_rsaEncryption) {
                    return core::unprocessable(
                        "rsa_pkcs1_transport",
                        "a content key is wrapped with RSA PKCS#1 v1.5 key transport, which is "
                        "open to padding-oracle attacks; seal to an EC P-256 certificate");
                }
                addressed = addressed || CMS_RecipientInfo_ktri_cert_cmp(info, recipient) == 0;
                break;
            }
            case CMS_RECIPINFO_AGREE: {
                X509_ALGOR* algorithm = nullptr;
                if (CMS_RecipientInfo_kari_get0_alg(info, &algorithm, nullptr) != 1 ||
                    algorithm == nullptr) {
                    return core::bad_request("not_cms",
                                             "a key agreement recipient info has no algorithm");
                }
                const int scheme = OBJ_obj2nid(algorithm->algorithm);
                if (scheme == NID_dhSinglePass_stdDH_sha1kdf_scheme ||
                    scheme == NID_dhSinglePass_cofactorDH_sha1kdf_scheme) {
                    return core::unprocessable(
                        "sha1_kdf",
                        "a content key is wrapped under an ECDH key derived with SHA-1; seal "
                        "with the SHA-256 KDF (openssl cms -keyopt ecdh_kdf_md:sha256)");
                }
                STACK_OF(CMS_RecipientEncryptedKey)* keys = CMS_RecipientInfo_kari_get0_reks(info);
                for (int k = 0; k < sk_CMS_RecipientEncryptedKey_num(keys); ++k) {
                    CMS_RecipientEncryptedKey* key = sk_CMS_RecipientEncryptedKey_value(keys, k);
                    addressed =
                        addressed || CMS_RecipientEncryptedKey_cert_cmp(key, recipient) == 0;
                }
                break;
            }
            default:
                // Key-encryption-key and password recipients are never ours: we hold a
                // certificate. They are skipped, not refused, so that others may use them.
                break;
        }
    }
    return addressed;
}

}  // namespace

core::Result<std::string> seal(std::string_view content, const Certificate& recipient) {
    if (!is_ec_p256(X509_get0_pubkey(recipient.get()))) {
        return core::bad_request("unsupported_recipient",
                                 "envelopes are sealed only to EC P-256 certificates", "recipient");
    }
    if (content.size() > bytes_max) return too_large(bytes_max);
    CMSHandle cms(CMS_AuthEnvelopedData_create(EVP_aes_256_gcm()));
    if (!cms) {
        return openssl_error(ErrorKind::internal, "seal_failed", "cannot create an envelope");
    }
    // The envelope carries its ciphertext (CMS_encrypt does the same unless told CMS_DETACHED).
    CMS_set_detached(cms.get(), 0);
    // As `openssl cms -encrypt -keyopt ecdh_kdf_md:sha256` does: CMS_KEY_PARAM keeps the
    // recipient's key context open so that the KDF digest can be set before CMS_final.
    CMS_RecipientInfo* info = CMS_add1_recipient_cert(cms.get(), recipient.get(), CMS_KEY_PARAM);
    EVP_PKEY_CTX* context = info != nullptr ? CMS_RecipientInfo_get0_pkey_ctx(info) : nullptr;
    if (context == nullptr || EVP_PKEY_CTX_ctrl_str(context, "ecdh_kdf_md", "sha256") <= 0) {
        return openssl_error(ErrorKind::internal, "seal_failed",
                             "cannot add the recipient with a SHA-256 KDF");
    }
    BIOHandle in = memory_bio(content);
    BIOHandle out(BIO_new(BIO_s_mem()));
    if (!out || CMS_final(cms.get(), in.get(), nullptr, CMS_BINARY) != 1 ||
        i2d_CMS_bio(out.get(), cms.get()) != 1) {
        return openssl_error(ErrorKind::internal, "seal_failed", "cannot seal the content");
    }
    return bio_contents(out.get());
}

namespace {

// Everything open() checks before it decrypts: structure, type, algorithms, addressee, size.
core::Result<CMSHandle> parse_checked(std::string_view der, const Certificate& recipient,
                                      std::size_t content_bytes_max) {
    const std::size_t der_bytes_max = content_bytes_max > bytes_max - envelope_overhead_bytes_max
                                          ? bytes_max
                                          : content_bytes_max + envelope_overhead_bytes_max;
    if (der.size() > der_bytes_max) return too_large(content_bytes_max);
    const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
    const unsigned char* cursor = begin;
    CMSHandle cms(der.empty()
                      ? nullptr
                      : d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(der.size())));
    if (!cms || cursor != begin + der.size()) {
        return openssl_error(ErrorKind::bad_request, "not_cms", "not one DER-encoded CMS structure",
                             "envelope");
    }
    if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_id_smime_ct_authEnvelopedData) {
        return core::unprocessable("not_auth_enveloped",
                                   "expected CMS AuthEnvelopedData (authenticated encryption); "
                                   "other CMS types, such as EnvelopedData, are refused",
                                   "envelope");
    }
    PROCURA_TRY_ASSIGN(auto addressed, check_recipient_infos(cms.get(), recipient.get()));
    if (!addressed) {
        return core::unprocessable("not_for_this_recipient",
                                   "the envelope is not sealed to this certificate", "envelope");
    }
    // With AES-GCM the ciphertext is exactly as long as the content, so the limit is checked
    // before anything is decrypted.
    ASN1_OCTET_STRING** encrypted = CMS_get0_content(cms.get());
    if (encrypted == nullptr || *encrypted == nullptr) {
        return core::unprocessable("decrypt_failed", "the envelope carries no encrypted content",
                                   "envelope");
    }
    if (static_cast<std::size_t>(ASN1_STRING_length(*encrypted)) > content_bytes_max) {
        return too_large(content_bytes_max);
    }
    return cms;
}

}  // namespace

core::Status check_envelope(std::string_view der, const Certificate& recipient,
                            std::size_t content_bytes_max) {
    PROCURA_TRY_ASSIGN(auto cms, parse_checked(der, recipient, content_bytes_max));
    return {};
}

core::Result<std::string> open(std::string_view der, const PrivateKey& key,
                               const Certificate& recipient, std::size_t content_bytes_max) {
    PROCURA_TRY_ASSIGN(auto parsed, parse_checked(der, recipient, content_bytes_max));
    CMSHandle cms = std::move(parsed);
    BIOHandle out(BIO_new(BIO_s_mem()));
    // CMS_decrypt writes plaintext before it checks the GCM tag; on failure `out` is dropped.
    if (!out ||
        CMS_decrypt_set1_pkey_and_peer(cms.get(), key.get(), recipient.get(), nullptr) != 1 ||
        CMS_decrypt(cms.get(), nullptr, nullptr, nullptr, out.get(), CMS_BINARY) != 1) {
        return openssl_error(ErrorKind::unprocessable, "decrypt_failed",
                             "the envelope cannot be decrypted or fails authentication",
                             "envelope");
    }
    std::string content = bio_contents(out.get());
    if (content.size() > content_bytes_max) return too_large(content_bytes_max);
    return content;
}

}  // namespace procura::signing
