#include "web/json_pki.hpp"

#include "core/time.hpp"

namespace procura::web {

Json certificate_to_json(const pki::UserCertificate& c, std::int64_t now_ms) {
    Json revocation = nullptr;
    if (c.revocation) {
        revocation = Json{{"revoked_at", core::format_rfc3339_ms(c.revocation->at_ms)},
                          {"reason", pki::to_string(c.revocation->reason)},
                          {"revoked_by", c.revocation->by}};
    }
    return Json{{"serial", c.serial_hex},
                {"user_id", c.user_id},
                {"subject", c.subject},
                {"key_sha256", c.key_sha256},
                {"status", pki::to_string(pki::status_at(c, now_ms))},
                {"not_before", core::format_rfc3339_ms(c.not_before_ms)},
                {"not_after", core::format_rfc3339_ms(c.not_after_ms)},
                {"issued_at", core::format_rfc3339_ms(c.issued_at_ms)},
                {"revocation", revocation},
                {"pem", c.pem},
                {"pem_url", "/api/v1/certificates/" + c.serial_hex + "/pem"}};
}

}  // namespace procura::web
