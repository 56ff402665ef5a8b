// MySQLCertificateStore: the MariaDB adapter of the certificate store port (pki/store.hpp),
// over the user_certificates table of db/migrations/0003_user_certificates.sql, whose unique
// keys hold the one-active-certificate and one-registration-per-key rules even under races.
// Changes and their audit events commit in one transaction. This header includes no
// Connector/C++ header.
#pragma once

#include "db/pool.hpp"
#include "pki/store.hpp"

namespace procura::pki {

class MySQLCertificateStore final : public CertificateStore {
public:
    // pool must outlive the store. The schema must be migrated (db::migrate).
    explicit MySQLCertificateStore(db::ConnectionPool& pool);

    core::Result<std::int64_t> insert(const UserCertificate& c,
                                      const core::AuditEvent& audit) override;
    core::Result<std::optional<UserCertificate>> find(const std::string& serial_hex) override;
    core::Result<std::vector<UserCertificate>> find_many(
        const std::vector<std::string>& serials_hex) override;
    core::Result<std::vector<UserCertificate>> list_for_user(core::UserId user) override;
    core::Result<std::vector<UserCertificate>> list_revoked(std::int64_t now_ms) override;
    core::Status revoke(const std::string& serial_hex, const Revocation& revocation,
                        const core::AuditEvent& audit) override;

private:
    db::ConnectionPool& pool_;
};

}  // namespace procura::pki
