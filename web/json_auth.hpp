// JSON <-> auth mapping for the HTTP API: the login request in, the session and the caller
// out (docs/openapi.yaml). Reads with web/json_fields.hpp.
#pragma once

#include <string>

#include "auth/model.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"
#include "web/json_fields.hpp"

namespace procura::web {

struct LoginInput {
    std::string username;
    std::string password;
};
// {"username": string, "password": string}, both required.
core::Result<LoginInput> parse_login(const Json& object);

// {"token","user_id","role","expires_at"}.
Json login_to_json(const auth::LoginResult& login);
// {"user_id","username","role"}.
Json caller_to_json(const core::Caller& caller);

}  // namespace procura::web
