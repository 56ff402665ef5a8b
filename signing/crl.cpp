#include "signing/crl.hpp"

#include <openssl/pem.h>

#include "signing/openssl_handles.hpp"

namespace procura::signing {
namespace {

using core::ErrorKind;
using CRLHandle = std::unique_ptr<X509_CRL, OpenSSLDeleter<X509_CRL_free>>;
using RevokedHandle = std::unique_ptr<X509_REVOKED, OpenSSLDeleter<X509_REVOKED_free>>;
using TimeHandle = std::unique_ptr<ASN1_TIME, OpenSSLDeleter<ASN1_TIME_free>>;
using EnumeratedHandle = std::unique_ptr<ASN1_ENUMERATED, OpenSSLDeleter<ASN1_ENUMERATED_free>>;

core::Error failed(const std::string& what) {
    return openssl_error(ErrorKind::internal, "crl_failed", what);
}

TimeHandle make_time(std::int64_t epoch_ms) {
    return TimeHandle(ASN1_TIME_set(nullptr, static_cast<time_t>(epoch_ms / 1000)));
}

ASN1IntegerHandle integer_from_hex(const std::string& hex) {
    if (hex.empty() || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
        return ASN1IntegerHandle(nullptr);
    }
    BIGNUM* raw = nullptr;
    if (BN_hex2bn(&raw, hex.c_str()) == 0) return ASN1IntegerHandle(nullptr);
    BNHandle bn(raw);
    return ASN1IntegerHandle(BN_to_ASN1_INTEGER(bn.get(), nullptr));
}

core::Status add_entry(X509_CRL* crl, const RevokedCertificate& entry) {
    ASN1IntegerHandle serial = integer_from_hex(entry.serial_hex);
    if (!serial) {
        return core::bad_request("bad_serial", "a revoked serial number is not hexadecimal");
    }
    RevokedHandle revoked(X509_REVOKED_new());
    TimeHandle when = make_time(entry.revoked_at_ms);
    EnumeratedHandle reason(ASN1_ENUMERATED_new());
    if (!revoked || !when || !reason ||
        X509_REVOKED_set_serialNumber(revoked.get(), serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(revoked.get(), when.get()) != 1 ||
        ASN1_ENUMERATED_set(reason.get(), static_cast<long>(entry.reason)) != 1 ||
        X509_REVOKED_add1_ext_i2d(revoked.get(), NID_crl_reason, reason.get(), 0, 0) != 1) {
        return failed("cannot make a CRL entry");
    }
    if (X509_CRL_add0_revoked(crl, revoked.get()) != 1) return failed("cannot add a CRL entry");
    revoked.release();  // owned by crl now
    return {};
}

}  // namespace

core::Result<std::string> make_crl_pem(const Certificate& ca, const PrivateKey& ca_key,
                                       const std::vector<RevokedCertificate>& revoked,
                                       const CRLTimes& times) {
    if (times.next_update_ms <= times.this_update_ms) {
        return core::bad_request("bad_crl_times", "the next update must come after this update");
    }
    CRLHandle crl(X509_CRL_new());
    TimeHandle this_update = make_time(times.this_update_ms);
    TimeHandle next_update = make_time(times.next_update_ms);
    if (!crl || !this_update || !next_update || X509_CRL_set_version(crl.get(), 1) != 1 ||
        X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.get())) != 1 ||
        X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) != 1 ||
        X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) != 1) {
        return failed("cannot set up the CRL");
    }
    for (const RevokedCertificate& entry : revoked) {
        if (auto status = add_entry(crl.get(), entry); !status) return status.error();
    }

    ASN1IntegerHandle number(ASN1_INTEGER_new());
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, ca.get(), nullptr, nullptr, crl.get(), 0);
    X509ExtensionHandle key_id(
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
    if (!number || ASN1_INTEGER_set_int64(number.get(), times.this_update_ms) != 1 ||
        X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1 || !key_id ||
        X509_CRL_add_ext(crl.get(), key_id.get(), -1) != 1) {
        return failed("cannot add the CRL extensions");
    }
    if (X509_CRL_sort(crl.get()) != 1 ||
        X509_CRL_sign(crl.get(), ca_key.get(), EVP_sha256()) <= 0) {
        return failed("cannot sign the CRL");
    }
    BIOHandle out(BIO_new(BIO_s_mem()));
    if (!out || PEM_write_bio_X509_CRL(out.get(), crl.get()) != 1) {
        return failed("cannot write the CRL");
    }
    return bio_contents(out.get());
}

}  // namespace procura::signing
