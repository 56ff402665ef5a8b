#include "pki/model.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace procura::pki {
namespace {

constexpr std::array<std::pair<RevocationReason, std::string_view>, 5> reason_names{{
    {RevocationReason::unspecified, "unspecified"},
    {RevocationReason::key_compromise, "keyCompromise"},
    {RevocationReason::affiliation_changed, "affiliationChanged"},
    {RevocationReason::superseded, "superseded"},
    {RevocationReason::cessation_of_operation, "cessationOfOperation"},
}};

}  // namespace

std::string_view to_string(RevocationReason reason) {
    for (const auto& [value, name] : reason_names) {
        if (value == reason) return name;
    }
    return "unspecified";
}

std::optional<RevocationReason> parse_revocation_reason(std::string_view text) {
    for (const auto& [value, name] : reason_names) {
        if (name == text) return value;
    }
    return std::nullopt;
}

std::string_view to_string(CertificateStatus status) {
    switch (status) {
        case CertificateStatus::active:
            return "active";
        case CertificateStatus::revoked:
            return "revoked";
        case CertificateStatus::expired:
            return "expired";
    }
    return "active";
}

CertificateStatus status_at(const UserCertificate& certificate, std::int64_t now_ms) {
    if (certificate.revocation && certificate.revocation->at_ms <= now_ms) {
        return CertificateStatus::revoked;
    }
    if (now_ms >= certificate.not_after_ms) return CertificateStatus::expired;
    return CertificateStatus::active;
}

core::Result<std::string> normalise_serial(const std::string& serial_hex) {
    std::string upper = serial_hex;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (upper.empty() || upper.size() > 40 ||
        upper.find_first_not_of("0123456789ABCDEF") != std::string::npos) {
        return core::bad_request(
            "bad_serial", "a certificate serial number is 1 to 40 hexadecimal digits", "serial");
    }
    return upper;
}

}  // namespace procura::pki
