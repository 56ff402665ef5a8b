#include "pki/service.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/json_text.hpp"
#include "signing/crl.hpp"

namespace procura::pki {
namespace {

// Version 1 of a certificate is its issue, version 2 its revocation.
core::AuditEvent audit_event(std::int64_t at_ms, core::UserId actor, std::string action,
                             const UserCertificate& c, std::int64_t version,
                             const nlohmann::json& payload) {
    return core::AuditEvent{at_ms, actor,   std::move(action),          "certificate",
                            c.id,  version, core::compact_json(payload)};
}

bool may_see_all(core::Role role) {
    return role == core::Role::admin || role == core::Role::auditor;
}

}  // namespace

CertificateService::CertificateService(CertificateStore& store, const signing::Certificate& ca,
                                       const signing::PrivateKey& ca_key, const core::Clock& clock,
                                       CertificatePolicy policy)
    : store_(store), ca_(ca), ca_key_(ca_key), clock_(clock), policy_(policy) {}

core::Result<UserCertificate> CertificateService::register_csr(const core::Caller& caller,
                                                               std::string_view csr_pem) {
    if (csr_pem.empty()) {
        return core::unprocessable("csr_required",
                                   "a PKCS#10 certificate request in PEM is required", "csr");
    }
    if (csr_pem.size() > policy_.csr_bytes_max) {
        return core::payload_too_large("csr_too_large",
                                       "the certificate request is larger than " +
                                           std::to_string(policy_.csr_bytes_max) + " bytes",
                                       "csr");
    }
    const std::int64_t now = clock_.now_ms();
    PROCURA_TRY_ASSIGN(
        auto issued, signing::issue_from_csr(ca_, ca_key_, csr_pem, caller.user_id, caller.username,
                                             {now, now + policy_.validity_ms}));

    UserCertificate c;
    c.serial_hex = issued.serial_hex();
    c.user_id = caller.user_id;
    c.subject = issued.subject();
    c.key_sha256 = issued.public_key_sha256_hex();
    c.pem = issued.to_pem();
    c.not_before_ms = issued.not_before_ms();
    c.not_after_ms = issued.not_after_ms();
    c.issued_at_ms = now;
    const nlohmann::json payload = {{"serial", c.serial_hex},
                                    {"user_id", c.user_id},
                                    {"key_sha256", c.key_sha256},
                                    {"not_after_ms", c.not_after_ms}};
    PROCURA_TRY_ASSIGN(auto id, store_.insert(c, audit_event(now, caller.user_id,
                                                             "certificate.issued", c, 1, payload)));
    c.id = id;
    return c;
}

core::Result<UserCertificate> CertificateService::get(const std::string& serial_hex) {
    PROCURA_TRY_ASSIGN(auto serial, normalise_serial(serial_hex));
    PROCURA_TRY_ASSIGN(auto found, store_.find(serial));
    if (!found) {
        return core::not_found("certificate_not_found", "no certificate with serial " + serial,
                               "serial");
    }
    return std::move(*found);
}

core::Result<std::vector<UserCertificate>> CertificateService::list_for_user(
    const core::Caller& caller, core::UserId user) {
    if (caller.user_id != user && !may_see_all(caller.role)) {
        return core::forbidden("forbidden",
                               "only the holder, an administrator or an auditor may list a user's "
                               "certificates");
    }
    return store_.list_for_user(user);
}

core::Result<UserCertificate> CertificateService::revoke(const core::Caller& caller,
                                                         const std::string& serial_hex,
                                                         std::string_view reason_text) {
    const auto reason = reason_text.empty() ? std::optional(RevocationReason::unspecified)
                                            : parse_revocation_reason(reason_text);
    if (!reason) {
        return core::unprocessable("bad_reason",
                                   "the reason must be one of unspecified, keyCompromise, "
                                   "affiliationChanged, superseded, cessationOfOperation",
                                   "reason");
    }
    PROCURA_TRY_ASSIGN(auto certificate, get(serial_hex));
    if (certificate.user_id != caller.user_id && caller.role != core::Role::admin) {
        return core::forbidden("forbidden",
                               "only the holder or an administrator may revoke a certificate");
    }
    const Revocation revocation{clock_.now_ms(), *reason, caller.user_id};
    const nlohmann::json payload = {{"serial", certificate.serial_hex},
                                    {"user_id", certificate.user_id},
                                    {"reason", to_string(*reason)}};
    PROCURA_TRY(store_.revoke(certificate.serial_hex, revocation,
                              audit_event(revocation.at_ms, caller.user_id, "certificate.revoked",
                                          certificate, 2, payload)));
    certificate.revocation = revocation;
    return certificate;
}

core::Result<bool> CertificateService::revoked_at(const std::string& serial_hex,
                                                  std::int64_t at_ms) {
    PROCURA_TRY_ASSIGN(auto serial, normalise_serial(serial_hex));
    PROCURA_TRY_ASSIGN(auto found, store_.find(serial));
    return found && found->revocation && found->revocation->at_ms <= at_ms;
}

core::Result<CRL> CertificateService::crl() {
    const std::int64_t now = clock_.now_ms();
    PROCURA_TRY_ASSIGN(auto revoked, store_.list_revoked(now));
    std::vector<signing::RevokedCertificate> entries;
    entries.reserve(revoked.size());
    for (const UserCertificate& c : revoked) {
        entries.push_back({c.serial_hex, c.revocation->at_ms, c.revocation->reason});
    }
    CRL result{{}, now, now + policy_.crl_validity_ms};
    PROCURA_TRY_ASSIGN(auto pem,
                       signing::make_crl_pem(ca_, ca_key_, entries,
                                             {result.this_update_ms, result.next_update_ms}));
    result.pem = std::move(pem);
    return result;
}

}  // namespace procura::pki
