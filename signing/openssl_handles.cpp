#include "signing/openssl_handles.hpp"

#include <openssl/err.h>

#include <climits>

namespace procura::signing {

BIOHandle memory_bio(std::string_view bytes) {
    PROCURA_ASSERT(bytes.size() <= static_cast<std::size_t>(INT_MAX));
    BIOHandle bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    PROCURA_ASSERT(bio != nullptr);
    return bio;
}

std::string bio_contents(BIO* bio) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string();
}

core::Error openssl_error(core::ErrorKind kind, std::string code, const std::string& what,
                          std::string field) {
    std::string message = what;
    const unsigned long last = ERR_peek_last_error();
    if (last != 0) {
        char reason[256];
        ERR_error_string_n(last, reason, sizeof reason);
        message += " (" + std::string(reason) + ")";
    }
    ERR_clear_error();
    return core::make_error(kind, std::move(code), std::move(message), std::move(field));
}

}  // namespace procura::signing
