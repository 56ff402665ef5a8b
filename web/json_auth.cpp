#include "web/json_auth.hpp"

#include "core/time.hpp"

namespace procura::web {

core::Result<LoginInput> parse_login(const Json& object) {
    PROCURA_TRY(check_members(object, "", {"username", "password"}));
    LoginInput input;
    PROCURA_TRY_ASSIGN(input.username, required_string(object, "", "username"));
    PROCURA_TRY_ASSIGN(input.password, required_string(object, "", "password"));
    return input;
}

namespace {

constexpr std::string_view roles = "officer, supplier, finance, auditor, admin";

core::Result<core::Role> required_role(const Json& object) {
    const Json* role = member(object, "role");
    if (role == nullptr) return core::bad_request("missing_field", "role is required", "role");
    return read_enum<core::Role>(*role, "role", core::parse_role, roles);
}

}  // namespace

core::Result<NewUserInput> parse_new_user(const Json& object) {
    PROCURA_TRY(check_members(object, "", {"username", "role", "password"}));
    NewUserInput input;
    PROCURA_TRY_ASSIGN(input.username, required_string(object, "", "username"));
    PROCURA_TRY_ASSIGN(input.role, required_role(object));
    if (const Json* password = member(object, "password")) {
        PROCURA_TRY_ASSIGN(input.password, read_string(*password, "password"));
    }
    return input;
}

core::Result<RoleChangeInput> parse_role_change(const Json& object) {
    PROCURA_TRY(check_members(object, "", {"role", "version"}));
    RoleChangeInput input;
    PROCURA_TRY_ASSIGN(input.role, required_role(object));
    PROCURA_TRY_ASSIGN(input.version, required_integer(object, "", "version"));
    return input;
}

core::Result<PasswordResetInput> parse_password_reset(const Json& object) {
    PROCURA_TRY(check_members(object, "", {"code", "new_password"}));
    PasswordResetInput input;
    PROCURA_TRY_ASSIGN(input.code, required_string(object, "", "code"));
    PROCURA_TRY_ASSIGN(input.new_password, required_string(object, "", "new_password"));
    return input;
}

Json user_to_json(const auth::User& user) {
    return Json{{"id", user.id},
                {"username", user.username},
                {"role", std::string(core::to_string(user.role))},
                {"active", user.active},
                {"password_set", !user.password_hash.empty()},
                {"version", user.version},
                {"created_at", core::format_rfc3339_ms(user.created_at_ms)}};
}

Json reset_to_json(const auth::IssuedReset& reset) {
    return Json{{"user_id", reset.user_id},
                {"code", reset.code},
                {"expires_at", core::format_rfc3339_ms(reset.expires_at_ms)}};
}

Json login_to_json(const auth::LoginResult& login) {
    return Json{{"token", login.token},
                {"user_id", login.user_id},
                {"role", std::string(core::to_string(login.role))},
                {"expires_at", core::format_rfc3339_ms(login.expires_at_ms)}};
}

Json caller_to_json(const core::Caller& caller) {
    return Json{{"user_id", caller.user_id},
                {"username", caller.username},
                {"role", std::string(core::to_string(caller.role))}};
}

}  // namespace procura::web
