#include "signing/keys.hpp"

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <charconv>
#include <cstring>
#include <ctime>

#include "core/hash.hpp"
#include "signing/key_policy.hpp"
#include "signing/openssl_handles.hpp"

namespace procura::signing {
namespace {

using core::ErrorKind;

constexpr std::string_view encrypted_key_header = "-----BEGIN ENCRYPTED PRIVATE KEY-----";

// Hands the passphrase to PEM_read_bio_PrivateKey without needing a NUL terminator.
int passphrase_callback(char* buf, int size, int /*rwflag*/, void* user) {
    const auto* passphrase = static_cast<const std::string_view*>(user);
    if (passphrase->size() > static_cast<std::size_t>(size)) return -1;
    std::memcpy(buf, passphrase->data(), passphrase->size());
    return static_cast<int>(passphrase->size());
}

bool set_time(ASN1_TIME* field, std::int64_t epoch_ms) {
    return ASN1_TIME_set(field, static_cast<time_t>(epoch_ms / 1000)) != nullptr;
}

std::int64_t time_ms(const ASN1_TIME* t) {
    struct tm parsed {};
    if (ASN1_TIME_to_tm(t, &parsed) != 1) return 0;
    return static_cast<std::int64_t>(timegm(&parsed)) * 1000;
}

bool add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
    X509ExtensionHandle ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

X509NameHandle make_name(std::initializer_list<std::pair<const char*, std::string>> entries) {
    X509NameHandle name(X509_NAME_new());
    PROCURA_ASSERT(name != nullptr);
    for (const auto& [field, value] : entries) {
        const int ok = X509_NAME_add_entry_by_txt(
            name.get(), field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.data()),
            static_cast<int>(value.size()), -1, 0);
        if (ok != 1) return nullptr;
    }
    return name;
}

// A certificate skeleton: version 3, serial, validity, subject, issuer name, public key.
core::Result<X509Handle> new_certificate(const X509_NAME* subject, const X509_NAME* issuer,
                                         EVP_PKEY* public_key, const Validity& validity) {
    if (validity.not_after_ms <= validity.not_before_ms) {
        return core::bad_request("bad_validity", "not_after must be later than not_before",
                                 "validity");
    }
    X509Handle cert(X509_new());
    BIGNUM* raw_serial = nullptr;
    const std::string serial = random_serial_hex();
    if (!cert || X509_set_version(cert.get(), 2) != 1 ||
        BN_hex2bn(&raw_serial, serial.c_str()) == 0) {
        return openssl_error(ErrorKind::internal, "x509_failed", "cannot create a certificate");
    }
    BNHandle bn(raw_serial);
    ASN1IntegerHandle asn1_serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    if (!asn1_serial || X509_set_serialNumber(cert.get(), asn1_serial.get()) != 1 ||
        !set_time(X509_getm_notBefore(cert.get()), validity.not_before_ms) ||
        !set_time(X509_getm_notAfter(cert.get()), validity.not_after_ms) ||
        X509_set_subject_name(cert.get(), subject) != 1 ||
        X509_set_issuer_name(cert.get(), issuer) != 1 ||
        X509_set_pubkey(cert.get(), public_key) != 1) {
        return openssl_error(ErrorKind::internal, "x509_failed", "cannot fill a certificate");
    }
    return cert;
}

core::Result<Certificate> sign_and_adopt(X509Handle cert, const PrivateKey& signer) {
    if (X509_sign(cert.get(), signer.get(), EVP_sha256()) <= 0) {
        return openssl_error(ErrorKind::internal, "x509_sign_failed", "cannot sign a certificate");
    }
    return Certificate::adopt(cert.release());
}

struct Extension {
    int nid;
    const char* value;
};

// Issues a certificate for subject_key named by name_entries, signed by signer: by issuer, or
// self-signed when issuer is null. Every certificate gets subject and authority key identifiers
// besides the given extensions. field names the input at fault when the name is invalid.
core::Result<Certificate> issue(
    const Certificate* issuer, const PrivateKey& signer, EVP_PKEY* subject_key,
    std::initializer_list<std::pair<const char*, std::string>> name_entries, const char* field,
    const Validity& validity, X509_REQ* request, std::initializer_list<Extension> extensions) {
    X509NameHandle name = make_name(name_entries);
    if (!name) {
        return openssl_error(ErrorKind::bad_request, "bad_name", "invalid certificate name", field);
    }
    const X509_NAME* issuer_name =
        issuer != nullptr ? X509_get_subject_name(issuer->get()) : name.get();
    PROCURA_TRY_ASSIGN(auto cert, new_certificate(name.get(), issuer_name, subject_key, validity));
    X509* issuer_cert = issuer != nullptr ? issuer->get() : cert.get();
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer_cert, cert.get(), request, nullptr, 0);
    for (const Extension& e : extensions) {
        if (!add_extension(cert.get(), &ctx, e.nid, e.value)) {
            return openssl_error(ErrorKind::internal, "x509_failed",
                                 "cannot add certificate extensions");
        }
    }
    if (!add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash") ||
        !add_extension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always")) {
        return openssl_error(ErrorKind::internal, "x509_failed", "cannot add key identifiers");
    }
    return sign_and_adopt(std::move(cert), signer);
}

}  // namespace

core::Result<PrivateKey> PrivateKey::generate_ec_p256() {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    if (key == nullptr) {
        return openssl_error(ErrorKind::internal, "keygen_failed", "cannot generate a P-256 key");
    }
    return PrivateKey(Handle(key, EVP_PKEY_free));
}

PrivateKey PrivateKey::adopt(evp_pkey_st* key) {
    PROCURA_ASSERT(key != nullptr);
    return PrivateKey(Handle(key, EVP_PKEY_free));
}

core::Result<PrivateKey> PrivateKey::from_encrypted_pem(std::string_view pem,
                                                        std::string_view passphrase) {
    if (pem.find(encrypted_key_header) == std::string_view::npos) {
        return core::bad_request("not_encrypted_key",
                                 "expected an encrypted PKCS#8 PEM key (BEGIN ENCRYPTED PRIVATE "
                                 "KEY); keys are never kept in clear");
    }
    BIOHandle bio = memory_bio(pem);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback,
                                            const_cast<std::string_view*>(&passphrase));
    if (key == nullptr) {
        return openssl_error(ErrorKind::unauthenticated, "wrong_passphrase",
                             "cannot decrypt the private key: wrong passphrase or damaged file");
    }
    return PrivateKey(Handle(key, EVP_PKEY_free));
}

core::Result<std::string> PrivateKey::to_encrypted_pem(std::string_view passphrase) const {
    if (passphrase.empty()) {
        return core::bad_request("empty_passphrase",
                                 "a private key is written only under a non-empty passphrase");
    }
    BIOHandle bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), EVP_aes_256_cbc(), passphrase.data(),
                                      static_cast<int>(passphrase.size()), nullptr, nullptr) != 1) {
        return openssl_error(ErrorKind::internal, "key_write_failed",
                             "cannot write the encrypted private key");
    }
    return bio_contents(bio.get());
}

std::string PrivateKey::public_key_pem() const {
    BIOHandle bio(BIO_new(BIO_s_mem()));
    PROCURA_ASSERT(bio && PEM_write_bio_PUBKEY(bio.get(), key_.get()) == 1);
    return bio_contents(bio.get());
}

core::Result<Certificate> Certificate::from_pem(std::string_view pem) {
    BIOHandle bio = memory_bio(pem);
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (cert == nullptr) {
        return openssl_error(ErrorKind::bad_request, "bad_certificate", "not a PEM certificate",
                             "certificate");
    }
    return adopt(cert);
}

Certificate Certificate::adopt(x509_st* cert) {
    PROCURA_ASSERT(cert != nullptr);
    return Certificate(Handle(cert, X509_free));
}

std::string Certificate::to_pem() const {
    BIOHandle bio(BIO_new(BIO_s_mem()));
    PROCURA_ASSERT(bio && PEM_write_bio_X509(bio.get(), cert_.get()) == 1);
    return bio_contents(bio.get());
}

std::string Certificate::subject() const {
    BIOHandle bio(BIO_new(BIO_s_mem()));
    PROCURA_ASSERT(bio);
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert_.get()), 0,
                       XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    return bio_contents(bio.get());
}

std::string Certificate::serial_hex() const {
    BNHandle bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert_.get()), nullptr));
    PROCURA_ASSERT(bn);
    char* hex = BN_bn2hex(bn.get());
    std::string out(hex);
    OPENSSL_free(hex);
    return out;
}

std::int64_t Certificate::not_before_ms() const {
    return time_ms(X509_get0_notBefore(cert_.get()));
}
std::int64_t Certificate::not_after_ms() const { return time_ms(X509_get0_notAfter(cert_.get())); }

std::optional<core::UserId> Certificate::user_id() const {
    const X509_NAME* name = X509_get_subject_name(cert_.get());
    const int index = X509_NAME_get_index_by_NID(name, NID_userId, -1);
    if (index < 0) return std::nullopt;
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    const auto* bytes = reinterpret_cast<const char*>(ASN1_STRING_get0_data(data));
    const auto length = static_cast<std::size_t>(ASN1_STRING_length(data));
    core::UserId id = 0;
    const auto [end, ec] = std::from_chars(bytes, bytes + length, id);
    if (ec != std::errc() || end != bytes + length) return std::nullopt;
    return id;
}

bool Certificate::matches(const PrivateKey& key) const {
    return X509_check_private_key(cert_.get(), key.get()) == 1;
}

std::string Certificate::public_key_sha256_hex() const {
    unsigned char* der = nullptr;
    const int length = i2d_PUBKEY(X509_get0_pubkey(cert_.get()), &der);
    if (length <= 0) return {};
    const std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return core::sha256_hex(bytes);
}

std::string random_serial_hex() {
    std::string bytes = core::random_bytes(16);
    bytes[0] = static_cast<char>(static_cast<unsigned char>(bytes[0]) & 0x7F);  // positive
    bytes[0] = static_cast<char>(static_cast<unsigned char>(bytes[0]) | 0x40);  // full length
    return core::to_hex(bytes);
}

core::Result<Certificate> make_root_ca(const PrivateKey& key, const std::string& common_name,
                                       const Validity& validity) {
    return issue(nullptr, key, key.get(), {{"O", "Procura"}, {"CN", common_name}}, "common_name",
                 validity, nullptr,
                 {{NID_basic_constraints, "critical,CA:TRUE"},
                  {NID_key_usage, "critical,keyCertSign,cRLSign"}});
}

core::Result<Certificate> issue_tsa_certificate(const Certificate& ca, const PrivateKey& ca_key,
                                                const PrivateKey& tsa_key,
                                                const std::string& common_name,
                                                const Validity& validity) {
    return issue(&ca, ca_key, tsa_key.get(), {{"O", "Procura"}, {"CN", common_name}}, "common_name",
                 validity, nullptr,
                 {{NID_basic_constraints, "critical,CA:FALSE"},
                  {NID_key_usage, "critical,digitalSignature"},
                  {NID_ext_key_usage, "critical,timeStamping"}});
}

core::Result<Certificate> issue_for_key(const Certificate& ca, const PrivateKey& ca_key,
                                        const PrivateKey& key, const std::string& common_name,
                                        const Validity& validity) {
    return issue(
        &ca, ca_key, key.get(), {{"O", "Procura"}, {"CN", common_name}}, "common_name", validity,
        nullptr,
        {{NID_basic_constraints, "critical,CA:FALSE"}, {NID_key_usage, "critical,keyAgreement"}});
}

core::Result<Certificate> issue_from_csr(const Certificate& ca, const PrivateKey& ca_key,
                                         std::string_view csr_pem, core::UserId user,
                                         const std::string& username, const Validity& validity) {
    BIOHandle bio = memory_bio(csr_pem);
    X509ReqHandle request(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
    if (!request) {
        return openssl_error(ErrorKind::bad_request, "bad_csr",
                             "not a PEM certificate signing request (PKCS#10)", "csr");
    }
    EVP_PKEY* subject_key = X509_REQ_get0_pubkey(request.get());
    if (subject_key == nullptr || X509_REQ_verify(request.get(), subject_key) != 1) {
        return openssl_error(ErrorKind::bad_request, "csr_signature_invalid",
                             "the request's signature does not verify with its own key", "csr");
    }
    PROCURA_TRY(check_key_strength(subject_key, "csr"));
    // The same certificate signs bids and receives sealed opening-key shares.
    const char* usage = EVP_PKEY_is_a(subject_key, "EC")
                            ? "critical,digitalSignature,keyAgreement"
                            : "critical,digitalSignature,keyEncipherment";
    return issue(&ca, ca_key, subject_key,
                 {{"O", "Procura"}, {"CN", username}, {"UID", std::to_string(user)}}, "username",
                 validity, request.get(),
                 {{NID_basic_constraints, "critical,CA:FALSE"}, {NID_key_usage, usage}});
}

}  // namespace procura::signing
