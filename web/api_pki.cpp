// The platform's public key infrastructure: RFC 3161 time-stamping over HTTP (POST /tsa), the
// CA and TSA certificates, the CRL, and users' certificates issued from their own PKCS#10
// requests (pki::CertificateService checks who may register and revoke). Without the platform
// keys these routes answer 503 "pki_not_initialised".
#include <string>
#include <utility>

#include "web/api_support.hpp"
#include "web/json_pki.hpp"

namespace procura::web {
namespace {

using core::Result;
using namespace api_support;

constexpr const char* pem_type = "application/x-pem-file";

Result<const PublicKeyInfrastructure*> platform_keys(const Context& context) {
    return required_service(context.api.services.pki, "pki_not_initialised", no_platform_keys);
}

Result<pki::CertificateService*> certificate_service(const Context& context) {
    return required_service(context.api.services.certificates, "pki_not_initialised",
                            no_platform_keys);
}

// RFC 3161 over HTTP (section 3.4): the body is a DER TimeStampReq, the answer a DER
// TimeStampResp, including the DER rejections the TSA gives for unacceptable requests.
// Rate-limited per client address.
Result<Response> time_stamp(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto pki, platform_keys(context));
    if (!context.api.time_stamp_limiter.allow(request.client_address, context.api.clock.now_ms())) {
        return core::too_many_requests(
            "rate_limited", "too many time-stamp requests from this address; retry in a second");
    }
    const std::string_view type = request.header("Content-Type");
    if (type.substr(0, type.find(';')) != "application/timestamp-query") {
        return core::bad_request("wrong_content_type",
                                 "a time-stamp request is sent as application/timestamp-query",
                                 "Content-Type");
    }
    PROCURA_TRY_ASSIGN(auto reply, pki->tsa.respond(request.body));
    return body_response("application/timestamp-reply", std::move(reply));
}

Result<Response> ca_certificate(const Request&, const Context& context) {
    PROCURA_TRY_ASSIGN(auto pki, platform_keys(context));
    return body_response(pem_type, pki->ca_pem);
}

Result<Response> tsa_certificate(const Request&, const Context& context) {
    PROCURA_TRY_ASSIGN(auto pki, platform_keys(context));
    return body_response(pem_type, pki->tsa_pem);
}

// The CA's current revocation list, made afresh (it is signed at each request, so its
// thisUpdate is now and it is never stale).
Result<Response> crl(const Request&, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, certificate_service(context));
    PROCURA_TRY_ASSIGN(auto list, service->crl());
    Response response = body_response(pem_type, std::move(list.pem));
    response.with_header("Cache-Control", "no-cache");
    return response;
}

Result<Response> register_certificate(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, certificate_service(context));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto csr, string_body(request, "csr"));
    PROCURA_TRY_ASSIGN(auto issued, service->register_csr(caller, csr));
    Response response = json_response(201, certificate_to_json(issued, context.api.clock.now_ms()));
    response.with_header("Location", "/api/v1/certificates/" + issued.serial_hex);
    return response;
}

Result<Response> get_certificate(const Request&, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, certificate_service(context));
    PROCURA_TRY_ASSIGN(auto certificate, service->get(std::string(context.params.get("serial"))));
    return json_response(200, certificate_to_json(certificate, context.api.clock.now_ms()));
}

Result<Response> certificate_pem(const Request&, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, certificate_service(context));
    PROCURA_TRY_ASSIGN(auto certificate, service->get(std::string(context.params.get("serial"))));
    return body_response(pem_type, std::move(certificate.pem));
}

Result<Response> revoke_certificate(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, certificate_service(context));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto reason, string_body(request, "reason"));
    PROCURA_TRY_ASSIGN(auto revoked,
                       service->revoke(caller, std::string(context.params.get("serial")), reason));
    return json_response(200, certificate_to_json(revoked, context.api.clock.now_ms()));
}

Result<Response> user_certificates(const Request& request, const Context& context) {
    PROCURA_TRY_ASSIGN(auto service, certificate_service(context));
    PROCURA_TRY_ASSIGN(auto id, path_id(context.params, "id"));
    PROCURA_TRY_ASSIGN(auto caller, require_caller(request, context));
    PROCURA_TRY_ASSIGN(auto list, service->list_for_user(caller, id));
    Json items = Json::array();
    const std::int64_t now = context.api.clock.now_ms();
    for (const pki::UserCertificate& c : list) items.push_back(certificate_to_json(c, now));
    return json_response(200, Json{{"items", std::move(items)}});
}

}  // namespace

void add_pki_routes(RouteTable& routes) {
    routes.add("POST", "/tsa", time_stamp, Dispatch::worker, BodyLimit::time_stamp_query);
    routes.add("GET", "/api/v1/pki/ca.pem", ca_certificate, Dispatch::io_thread);
    routes.add("GET", "/api/v1/pki/tsa.pem", tsa_certificate, Dispatch::io_thread);
    routes.add("GET", "/api/v1/pki/crl.pem", crl);
    routes.add("POST", "/api/v1/certificates", register_certificate);
    routes.add("GET", "/api/v1/certificates/{serial}", get_certificate);
    routes.add("GET", "/api/v1/certificates/{serial}/pem", certificate_pem);
    routes.add("POST", "/api/v1/certificates/{serial}/revoke", revoke_certificate);
    routes.add("GET", "/api/v1/users/{id}/certificates", user_certificates);
}

}  // namespace procura::web
