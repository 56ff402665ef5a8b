#include "tests/pki/fake_store.hpp"

#include <algorithm>

namespace procura::pki {

core::Result<std::int64_t> FakeCertificateStore::insert(const UserCertificate& c,
                                                        const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    for (const UserCertificate& row : rows_) {
        if (row.user_id == c.user_id && !row.revocation) {
            return core::conflict("certificate_active",
                                  "the user already holds an active certificate", "csr");
        }
    }
    for (const UserCertificate& row : rows_) {
        if (row.key_sha256 == c.key_sha256) {
            return core::conflict("key_already_registered", "this public key is already registered",
                                  "csr");
        }
    }
    UserCertificate stored = c;
    stored.id = static_cast<std::int64_t>(rows_.size()) + 1;
    stored.revocation.reset();
    rows_.push_back(stored);
    core::AuditEvent event = audit;
    event.entity_id = stored.id;
    audit_.push_back(std::move(event));
    return stored.id;
}

core::Result<std::optional<UserCertificate>> FakeCertificateStore::find(
    const std::string& serial_hex) {
    std::lock_guard lock(mutex_);
    for (const UserCertificate& row : rows_) {
        if (row.serial_hex == serial_hex) return std::optional(row);
    }
    return std::optional<UserCertificate>{};
}

core::Result<std::vector<UserCertificate>> FakeCertificateStore::list_for_user(core::UserId user) {
    std::lock_guard lock(mutex_);
    std::vector<UserCertificate> out;
    for (auto it = rows_.rbegin(); it != rows_.rend(); ++it) {
        if (it->user_id == user) out.push_back(*it);
    }
    return out;
}

core::Result<std::vector<UserCertificate>> FakeCertificateStore::list_revoked(std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    std::vector<UserCertificate> out;
    for (const UserCertificate& row : rows_) {
        if (row.revocation && row.not_after_ms > now_ms) out.push_back(row);
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.revocation->at_ms < b.revocation->at_ms;
    });
    return out;
}

core::Status FakeCertificateStore::revoke(const std::string& serial_hex,
                                          const Revocation& revocation,
                                          const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    for (UserCertificate& row : rows_) {
        if (row.serial_hex != serial_hex) continue;
        if (row.revocation) {
            return core::conflict("already_revoked", "the certificate is already revoked",
                                  "serial");
        }
        row.revocation = revocation;
        audit_.push_back(audit);
        return {};
    }
    return core::not_found("certificate_not_found", "no certificate with serial " + serial_hex,
                           "serial");
}

std::vector<core::AuditEvent> FakeCertificateStore::audit_events() {
    std::lock_guard lock(mutex_);
    return audit_;
}

}  // namespace procura::pki
