// The pure rules of supplier registration: normalising and validating what the public form
// sends (IBAN with its ISO 13616 mod-97 check digits and per-country length, BIC in its
// ISO 9362 shape, e-mail, phone, country, lengths). No clock, no I/O. Every failure is a 422
// (core::ErrorKind::unprocessable) naming the field as the form nests it, for example field
// "bank_account.iban" with code "bad_iban".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "suppliers/model.hpp"

namespace procura::suppliers::rules {

// The length of an IBAN of that country (ISO 3166-1 alpha-2, upper case) in the SWIFT IBAN
// registry, or 0 for a country this table does not know: every EU and EEA state, Switzerland,
// the United Kingdom and the other European microstates, and a number of countries beyond.
std::size_t iban_length(std::string_view country);

// The IBAN in electronic format (spaces removed, upper case), if its shape (two letters, two
// check digits, alphanumeric BBAN), its country's length and its mod-97 check digits are right.
// Errors (field "bank_account.iban"): "missing_field"; "bad_iban" otherwise, the message saying
// which part is wrong (an unknown country is refused: its length cannot be checked).
core::Result<std::string> normalise_iban(std::string_view text);

// The BIC upper case, if it has the ISO 9362 shape: four letters (institution), two letters
// (country), two letters or digits (location), and optionally three letters or digits
// (branch). Errors (field "bank_account.bic"): "missing_field", "bad_bic".
core::Result<std::string> normalise_bic(std::string_view text);

// The registration with every supplier field trimmed of surrounding blanks and normalised
// (registration number, country, IBAN and BIC upper case; phone without spaces, dots, dashes
// or parentheses), or the first failure in form order. Codes: "missing_field", "field_too_long"
// (limits), "invalid_field" (control characters), "bad_country" (not two letters), "bad_email",
// "bad_phone" (6 to 15 digits, optionally after a '+'), "bad_iban", "bad_bic". Username and
// password are passed through unchanged: they are auth's to check.
core::Result<SupplierRegistration> normalise_registration(const SupplierRegistration& r,
                                                          const SupplierLimits& limits);

}  // namespace procura::suppliers::rules
