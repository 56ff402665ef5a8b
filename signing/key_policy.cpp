#include "signing/key_policy.hpp"

#include <openssl/core_names.h>

#include <string_view>

namespace procura::signing {

core::Status check_key_strength(EVP_PKEY* key, const std::string& field) {
    if (EVP_PKEY_is_a(key, "EC")) {
        char group[64] = {};
        std::size_t length = 0;
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                           &length) == 1 &&
            std::string_view(group, length) == "prime256v1") {
            return {};
        }
        return core::bad_request("weak_key", "EC keys must be on the P-256 curve", field);
    }
    if (EVP_PKEY_is_a(key, "RSA")) {
        if (EVP_PKEY_get_bits(key) >= 2048) return {};
        return core::bad_request("weak_key", "RSA keys must have at least 2048 bits", field);
    }
    return core::bad_request("weak_key", "the key must be EC P-256 or RSA of at least 2048 bits",
                             field);
}

}  // namespace procura::signing
