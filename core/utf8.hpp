// Cutting UTF-8 text to a byte budget without splitting a character (a half character is
// invalid UTF-8, which a utf8mb4 column in strict mode refuses and a JSON encoder replaces).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace procura::core {

// At most max_bytes of text, ending at a character boundary.
inline std::string utf8_prefix(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return std::string(text);
    std::size_t n = max_bytes;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    return std::string(text.substr(0, n));
}

}  // namespace procura::core
