// Certificate registration and revocation: a user sends a PKCS#10 request (PEM) and the
// platform CA issues a certificate whose subject carries the user id; a user holds one
// unrevoked certificate at a time; the holder or an administrator revokes it with an RFC 5280
// reason, at the moment of the request (never backdated: a bid received before a revocation
// stays valid, and a revocation cannot be used to undo one). The CRL is published so that
// outsiders can check certificates with stock openssl. Thread-safe: no mutable state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"
#include "pki/model.hpp"
#include "pki/store.hpp"
#include "signing/keys.hpp"

namespace procura::pki {

struct CertificatePolicy {
    std::int64_t validity_ms = 2LL * 365 * core::ms_per_day;  // of a user's certificate
    std::size_t csr_bytes_max = 16 * 1024;
    std::int64_t crl_validity_ms = core::ms_per_day;  // nextUpdate - thisUpdate
};

struct CRL {
    std::string pem;
    std::int64_t this_update_ms = 0;
    std::int64_t next_update_ms = 0;
};

class CertificateService {
public:
    // ca, ca_key, store and clock must outlive the service; ca_key must match ca.
    CertificateService(CertificateStore& store, const signing::Certificate& ca,
                       const signing::PrivateKey& ca_key, const core::Clock& clock,
                       CertificatePolicy policy);

    // Any active user, for themselves. Errors (field "csr"): 422 "csr_required"; 413
    // "csr_too_large"; 400 "bad_csr", "csr_signature_invalid", "weak_key"; 409
    // "certificate_active" (revoke the current one first), "key_already_registered".
    core::Result<UserCertificate> register_csr(const core::Caller& caller,
                                               std::string_view csr_pem);

    // Anyone: certificates are public, like a CA's repository. 404 "certificate_not_found".
    core::Result<UserCertificate> get(const std::string& serial_hex);

    // The holder, an administrator or an auditor; newest first. 403 otherwise.
    core::Result<std::vector<UserCertificate>> list_for_user(const core::Caller& caller,
                                                             core::UserId user);

    // The holder or an administrator. reason_text is an RFC 5280 name (default
    // "unspecified"; 422 "bad_reason" otherwise). 404 "certificate_not_found"; 409
    // "already_revoked"; 403 for anyone else.
    core::Result<UserCertificate> revoke(const core::Caller& caller, const std::string& serial_hex,
                                         std::string_view reason_text);

    // Whether the certificate was revoked at or before at_ms (for signature verification at a
    // receipt time). An unknown serial is reported as not revoked: chain verification, not
    // this, decides whether the platform issued it.
    core::Result<bool> revoked_at(const std::string& serial_hex, std::int64_t at_ms);

    // A fresh CRL of every unexpired revoked certificate, signed by the CA.
    core::Result<CRL> crl();

private:
    CertificateStore& store_;
    const signing::Certificate& ca_;
    const signing::PrivateKey& ca_key_;
    const core::Clock& clock_;
    CertificatePolicy policy_;
};

}  // namespace procura::pki
