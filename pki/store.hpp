// The storage port of the pki module. Implemented by MySQLCertificateStore (MariaDB) and by
// FakeCertificateStore (tests); the same contract tests run against both
// (tests/pki/store_contract.hpp).
//
// Contract:
// - insert keeps a user at one unrevoked certificate (conflict "certificate_active") and a key
//   registered once across all users and all time (conflict "key_already_registered"), even
//   when requests race; the audit event commits with the row (its entity_id becomes the new
//   row's id).
// - revoke is one-way: revoking a revoked certificate is conflict "already_revoked"; an
//   unknown serial is not_found "certificate_not_found". The audit event commits with it.
// - Store failures are unavailable/internal errors, never exceptions. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/audit.hpp"
#include "core/result.hpp"
#include "pki/model.hpp"

namespace procura::pki {

class CertificateStore {
public:
    virtual ~CertificateStore() = default;

    // Stores c (c.id and c.revocation ignored); returns the new id.
    virtual core::Result<std::int64_t> insert(const UserCertificate& c,
                                              const core::AuditEvent& audit) = 0;
    virtual core::Result<std::optional<UserCertificate>> find(const std::string& serial_hex) = 0;
    // The certificates with any of these serials (hex, as find takes them), in one read; a
    // serial with no certificate has none in the answer. Order unspecified. The default asks
    // find for each.
    virtual core::Result<std::vector<UserCertificate>> find_many(
        const std::vector<std::string>& serials_hex) {
        std::vector<UserCertificate> out;
        for (const std::string& serial : serials_hex) {
            PROCURA_TRY_ASSIGN(auto found, find(serial));
            if (found) out.push_back(std::move(*found));
        }
        return out;
    }
    // The user's certificates, newest first.
    virtual core::Result<std::vector<UserCertificate>> list_for_user(core::UserId user) = 0;
    // Every revoked certificate that has not expired by now_ms, ascending revocation time: the
    // content of the CRL.
    virtual core::Result<std::vector<UserCertificate>> list_revoked(std::int64_t now_ms) = 0;
    virtual core::Status revoke(const std::string& serial_hex, const Revocation& revocation,
                                const core::AuditEvent& audit) = 0;
};

}  // namespace procura::pki
