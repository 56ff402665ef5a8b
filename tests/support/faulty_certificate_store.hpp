// FaultyCertificateStore: the certificate store port (pki/store.hpp) forwarded to a wrapped
// store through a FaultPlan (fault_injection.hpp). One header per port, so that a test compiles
// only the ports it wraps. Thread-safe as the wrapped store is.
#pragma once

#include <type_traits>

#include "pki/store.hpp"
#include "tests/support/fault_injection.hpp"

namespace procura::testing {

class FaultyCertificateStore final : public pki::CertificateStore {
public:
    // inner and plan must outlive this.
    FaultyCertificateStore(pki::CertificateStore& inner, FaultPlan& plan)
        : inner_(inner), plan_(plan) {}

    core::Result<std::int64_t> insert(const pki::UserCertificate& c,
                                      const core::AuditEvent& audit) override {
        return plan_.call("insert", [&] { return inner_.insert(c, audit); });
    }
    core::Result<std::optional<pki::UserCertificate>> find(const std::string& serial_hex) override {
        return plan_.call("find", [&] { return inner_.find(serial_hex); });
    }
    core::Result<std::vector<pki::UserCertificate>> find_many(
        const std::vector<std::string>& serials_hex) override {
        return plan_.call("find_many", [&] { return inner_.find_many(serials_hex); });
    }
    core::Result<std::vector<pki::UserCertificate>> list_for_user(core::UserId user) override {
        return plan_.call("list_for_user", [&] { return inner_.list_for_user(user); });
    }
    core::Result<std::vector<pki::UserCertificate>> list_revoked(std::int64_t now_ms) override {
        return plan_.call("list_revoked", [&] { return inner_.list_revoked(now_ms); });
    }
    core::Status revoke(const std::string& serial_hex, const pki::Revocation& revocation,
                        const core::AuditEvent& audit) override {
        return plan_.call("revoke", [&] { return inner_.revoke(serial_hex, revocation, audit); });
    }

private:
    pki::CertificateStore& inner_;
    FaultPlan& plan_;
};

static_assert(!std::is_abstract_v<FaultyCertificateStore>);

}  // namespace procura::testing
