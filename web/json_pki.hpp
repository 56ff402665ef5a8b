// JSON mapping of users' certificates for the HTTP API (docs/openapi.yaml, schema
// Certificate).
#pragma once

#include <cstdint>

#include "pki/model.hpp"
#include "web/json_fields.hpp"

namespace procura::web {

// A user's certificate with its status at now_ms.
Json certificate_to_json(const pki::UserCertificate& certificate, std::int64_t now_ms);

}  // namespace procura::web
