// JSON <-> supplier registry mapping for the HTTP API: the self-registration in, a supplier
// out (docs/openapi.yaml, schema Supplier). Reads with web/json_fields.hpp.
#pragma once

#include "core/result.hpp"
#include "suppliers/model.hpp"
#include "web/json_fields.hpp"

namespace procura::web {

// {"organisation_name", "registration_number", "address": {"street", "postal_code", "city",
// "country"}, "contact": {"name", "email", "phone"}, "bank_account": {"iban", "bic"},
// "username", "password"}: every member a string and required (semantic checks are the
// service's).
core::Result<suppliers::SupplierRegistration> parse_supplier_registration(const Json& object);

// A supplier as staff and the supplier itself see it.
Json supplier_to_json(const suppliers::Supplier& supplier);

}  // namespace procura::web
