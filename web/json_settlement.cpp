#include "web/json_settlement.hpp"

#include "core/time.hpp"

namespace procura::web {

core::Result<std::int64_t> parse_cutoff(std::string_view body) {
    PROCURA_TRY_ASSIGN(auto object, parse_json_object(body));
    PROCURA_TRY(check_members(object, "", {"cutoff"}));
    const Json* cutoff = member(object, "cutoff");
    if (cutoff == nullptr || cutoff->is_null()) {
        return core::bad_request("missing_field",
                                 "cutoff (RFC 3339 time or milliseconds since 1970) is required",
                                 "cutoff");
    }
    if (cutoff->is_number_integer()) return read_integer(*cutoff, "cutoff");
    if (cutoff->is_string()) return read_time(*cutoff, "cutoff");
    return invalid_type("cutoff", "a string or an integer");
}

core::Result<settlement::batches::BuyerAccount> parse_buyer_account(std::string_view body) {
    PROCURA_TRY_ASSIGN(auto object, parse_json_object(body));
    PROCURA_TRY(check_members(object, "", {"buyer_id", "name", "iban", "bic"}));
    settlement::batches::BuyerAccount a;
    PROCURA_TRY_ASSIGN(a.buyer_id, optional_string(object, "buyer_id"));
    PROCURA_TRY_ASSIGN(a.name, optional_string(object, "name"));
    PROCURA_TRY_ASSIGN(a.iban, optional_string(object, "iban"));
    PROCURA_TRY_ASSIGN(a.bic, optional_string(object, "bic"));
    return a;
}

}  // namespace procura::web
