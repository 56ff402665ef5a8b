#include "signing/message_signature.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

#include "signing/key_policy.hpp"
#include "signing/openssl_handles.hpp"

namespace procura::signing {
namespace {

using core::ErrorKind;
using MDContextHandle = std::unique_ptr<EVP_MD_CTX, OpenSSLDeleter<EVP_MD_CTX_free>>;

bool is_p256(EVP_PKEY* key) {
    char group[64] = {};
    std::size_t length = 0;
    return EVP_PKEY_is_a(key, "EC") &&
           EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &length) == 1 &&
           std::string_view(group, length) == "prime256v1";
}

}  // namespace

core::Result<std::string> sign_message(const PrivateKey& key, std::string_view message) {
    if (!is_p256(key.get())) {
        return core::bad_request("weak_key", "signed tree heads are signed with an EC P-256 key");
    }
    MDContextHandle ctx(EVP_MD_CTX_new());
    std::size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length,
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1) {
        return openssl_error(ErrorKind::internal, "sign_failed", "cannot sign");
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1) {
        return openssl_error(ErrorKind::internal, "sign_failed", "cannot sign");
    }
    signature.resize(length);
    return signature;
}

core::Status verify_message(std::string_view public_key_pem, std::string_view message,
                            std::string_view signature) {
    BIOHandle bio = memory_bio(public_key_pem);
    PKeyHandle key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!key || !is_p256(key.get())) {
        ERR_clear_error();
        return core::bad_request("bad_public_key", "not an EC P-256 public key in PEM");
    }
    MDContextHandle ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
        return openssl_error(ErrorKind::internal, "verify_failed", "cannot set up verification");
    }
    const int ok = EVP_DigestVerify(
        ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
        reinterpret_cast<const unsigned char*>(message.data()), message.size());
    ERR_clear_error();
    if (ok != 1) {
        return core::unprocessable("bad_signature", "the signature does not verify with this key");
    }
    return {};
}

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                       reinterpret_cast<const unsigned char*>(bytes.data()),
                                       static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(length));
    return out;
}

core::Result<std::string> base64_decode(std::string_view text) {
    const auto bad = [] { return core::bad_request("bad_base64", "not padded base64"); };
    if (text.size() % 4 != 0 ||
        text.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") !=
            std::string_view::npos) {
        return bad();
    }
    const std::size_t padding = text.find('=');
    if (padding != std::string_view::npos &&
        (padding + 2 < text.size() ||
         text.find_first_not_of('=', padding) != std::string_view::npos)) {
        return bad();  // '=' only as the last one or two characters
    }
    std::string out(3 * (text.size() / 4), '\0');
    const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                       reinterpret_cast<const unsigned char*>(text.data()),
                                       static_cast<int>(text.size()));
    if (length < 0) return bad();
    std::size_t size = static_cast<std::size_t>(length);
    // EVP_DecodeBlock counts padding as zero bytes: take them off.
    if (!text.empty() && text.back() == '=') --size;
    if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
    out.resize(size);
    return out;
}

}  // namespace procura::signing
