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
