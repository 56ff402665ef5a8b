#include "web/json_suppliers.hpp"

#include "core/time.hpp"

namespace procura::web {

core::Result<suppliers::SupplierRegistration> parse_supplier_registration(const Json& object) {
    PROCURA_TRY(check_members(object, "",
                              {"organisation_name", "registration_number", "address", "contact",
                               "bank_account", "username", "password"}));
    suppliers::SupplierRegistration r;
    PROCURA_TRY_ASSIGN(r.organisation_name, required_string(object, "", "organisation_name"));
    PROCURA_TRY_ASSIGN(r.registration_number, required_string(object, "", "registration_number"));
    PROCURA_TRY_ASSIGN(
        const Json* address,
        required_object(object, "", "address", {"street", "postal_code", "city", "country"}));
    PROCURA_TRY_ASSIGN(r.address.street, required_string(*address, "address.", "street"));
    PROCURA_TRY_ASSIGN(r.address.postal_code, required_string(*address, "address.", "postal_code"));
    PROCURA_TRY_ASSIGN(r.address.city, required_string(*address, "address.", "city"));
    PROCURA_TRY_ASSIGN(r.address.country, required_string(*address, "address.", "country"));
    PROCURA_TRY_ASSIGN(const Json* contact,
                       required_object(object, "", "contact", {"name", "email", "phone"}));
    PROCURA_TRY_ASSIGN(r.contact.name, required_string(*contact, "contact.", "name"));
    PROCURA_TRY_ASSIGN(r.contact.email, required_string(*contact, "contact.", "email"));
    PROCURA_TRY_ASSIGN(r.contact.phone, required_string(*contact, "contact.", "phone"));
    PROCURA_TRY_ASSIGN(const Json* bank,
                       required_object(object, "", "bank_account", {"iban", "bic"}));
    PROCURA_TRY_ASSIGN(r.bank_account.iban, required_string(*bank, "bank_account.", "iban"));
    PROCURA_TRY_ASSIGN(r.bank_account.bic, required_string(*bank, "bank_account.", "bic"));
    PROCURA_TRY_ASSIGN(r.username, required_string(object, "", "username"));
    PROCURA_TRY_ASSIGN(r.password, required_string(object, "", "password"));
    return r;
}

Json supplier_to_json(const suppliers::Supplier& s) {
    Json review = nullptr;
    if (s.review) {
        review =
            Json{{"by", s.review->by},
                 {"at", core::format_rfc3339_ms(s.review->at_ms)},
                 {"reason", s.review->reason.empty() ? Json(nullptr) : Json(s.review->reason)}};
    }
    return Json{
        {"id", s.id},
        {"user_id", s.user_id},
        {"organisation_name", s.organisation_name},
        {"registration_number", s.registration_number},
        {"address",
         {{"street", s.address.street},
          {"postal_code", s.address.postal_code},
          {"city", s.address.city},
          {"country", s.address.country}}},
        {"contact",
         {{"name", s.contact.name}, {"email", s.contact.email}, {"phone", s.contact.phone}}},
        {"bank_account", {{"iban", s.bank_account.iban}, {"bic", s.bank_account.bic}}},
        {"status", suppliers::to_string(s.status)},
        {"registered_at", core::format_rfc3339_ms(s.registered_at_ms)},
        {"review", review}};
}

}  // namespace procura::web
