// Users' certificates: what the platform CA issued to whom, and when and why it was revoked.
// A certificate binds a user's key to the user id in its subject (UID); suppliers sign bids
// with it and committee members receive their sealed opening-key shares under it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/identity.hpp"
#include "core/result.hpp"
#include "signing/crl.hpp"

namespace procura::pki {

using signing::RevocationReason;

// The RFC 5280 names: "unspecified", "keyCompromise", "affiliationChanged", "superseded",
// "cessationOfOperation".
std::string_view to_string(RevocationReason reason);
std::optional<RevocationReason> parse_revocation_reason(std::string_view text);

struct Revocation {
    std::int64_t at_ms = 0;
    RevocationReason reason = RevocationReason::unspecified;
    core::UserId by = 0;  // who revoked it: the holder or an administrator
};

struct UserCertificate {
    std::int64_t id = 0;     // the row's number; the audit events' entity id
    std::string serial_hex;  // upper-case hex, as in the certificate
    core::UserId user_id = 0;
    std::string subject;     // RFC 2253, e.g. "UID=42,CN=olga,O=Procura"
    std::string key_sha256;  // SHA-256 of the SubjectPublicKeyInfo, hex
    std::string pem;
    std::int64_t not_before_ms = 0;
    std::int64_t not_after_ms = 0;
    std::int64_t issued_at_ms = 0;
    std::optional<Revocation> revocation;
};

enum class CertificateStatus { active, revoked, expired };

std::string_view to_string(CertificateStatus status);

// Revoked if revoked at or before now_ms; else expired if now_ms is past notAfter; else active.
CertificateStatus status_at(const UserCertificate& certificate, std::int64_t now_ms);

// A serial number as stored (upper-case hex of at most 40 digits, a 20-octet serial, as
// BN_bn2hex writes it), from any case; or 400 "bad_serial" naming the field "serial".
core::Result<std::string> normalise_serial(const std::string& serial_hex);

}  // namespace procura::pki
