// JSON <-> auth mapping for the HTTP API: the login request in, the session and the caller
// out; user administration's requests in and users (never a password hash) and reset codes
// out (docs/openapi.yaml). Reads with web/json_fields.hpp.
#pragma once

#include <optional>
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

struct NewUserInput {
    std::string username;
    core::Role role = core::Role::supplier;
    std::optional<std::string> password;  // absent: a reset code is issued instead
};
// {"username": string, "role": role, "password"?: string}; exactly these members.
core::Result<NewUserInput> parse_new_user(const Json& object);

struct RoleChangeInput {
    core::Role role = core::Role::supplier;
    std::int64_t version = 0;
};
// {"role": role, "version": integer}, both required.
core::Result<RoleChangeInput> parse_role_change(const Json& object);

struct PasswordResetInput {
    std::string code;
    std::string new_password;
};
// {"code": string, "new_password": string}, both required.
core::Result<PasswordResetInput> parse_password_reset(const Json& object);

// {"id","username","role","active","password_set","version","created_at"}: no hash.
Json user_to_json(const auth::User& user);
// {"user_id","code","expires_at"}: the code, shown this once.
Json reset_to_json(const auth::IssuedReset& reset);

// {"token","user_id","role","expires_at"}.
Json login_to_json(const auth::LoginResult& login);
// {"user_id","username","role"}.
Json caller_to_json(const core::Caller& caller);

}  // namespace procura::web
