#include "core/text.hpp"

#include <algorithm>

namespace procura::core {

std::string trim(std::string_view text) {
    const auto blank = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!text.empty() && blank(text.front())) text.remove_prefix(1);
    while (!text.empty() && blank(text.back())) text.remove_suffix(1);
    return std::string(text);
}

Result<std::string> text_field(std::string_view value, const std::string& field,
                               std::size_t max_bytes) {
    std::string t = trim(value);
    if (t.empty()) return unprocessable("missing_field", field + " is required", field);
    if (t.size() > max_bytes) {
        return unprocessable("field_too_long",
                             field + " exceeds " + std::to_string(max_bytes) + " bytes", field);
    }
    const bool control = std::any_of(t.begin(), t.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
    if (control) return unprocessable("invalid_field", field + " has control characters", field);
    return t;
}

}  // namespace procura::core
