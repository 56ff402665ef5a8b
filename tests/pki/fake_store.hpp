// FakeCertificateStore: an in-memory CertificateStore honouring the port's contract
// (pki/store.hpp), for service tests.
#pragma once

#include <mutex>
#include <vector>

#include "pki/store.hpp"

namespace procura::pki {

class FakeCertificateStore final : public CertificateStore {
public:
    core::Result<std::int64_t> insert(const UserCertificate& c,
                                      const core::AuditEvent& audit) override;
    core::Result<std::optional<UserCertificate>> find(const std::string& serial_hex) override;
    core::Result<std::vector<UserCertificate>> list_for_user(core::UserId user) override;
    core::Result<std::vector<UserCertificate>> list_revoked(std::int64_t now_ms) override;
    core::Status revoke(const std::string& serial_hex, const Revocation& revocation,
                        const core::AuditEvent& audit) override;

    std::vector<core::AuditEvent> audit_events();

private:
    std::mutex mutex_;
    std::vector<UserCertificate> rows_;  // ascending id
    std::vector<core::AuditEvent> audit_;
};

}  // namespace procura::pki
