#include "suppliers/rules.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/text.hpp"

namespace procura::suppliers::rules {
namespace {

core::Error missing(const std::string& field) {
    return core::unprocessable("missing_field", field + " is required", field);
}

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum_upper(char c) { return is_upper(c) || is_digit(c); }

char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), to_upper);
    return out;
}

using core::text_field;
using core::trim;

// The SWIFT IBAN registry's lengths, by country.
constexpr std::array<std::pair<std::string_view, std::size_t>, 80> iban_lengths = {{
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22},
    {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
    {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20},
    {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24},
    {"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SC", 31},
    {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24},
    {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"BI", 27}, {"LY", 25}, {"SD", 18},
}};

constexpr std::size_t iban_bytes_max = 34;

// ISO 13616 / ISO 7064 MOD 97-10: move the first four characters to the end, read letters as
// 10..35, and the number must be 1 modulo 97. Computed digit by digit; no big integers.
bool iban_checksum_ok(const std::string& iban) {
    const std::string rearranged = iban.substr(4) + iban.substr(0, 4);
    unsigned remainder = 0;
    for (char c : rearranged) {
        if (is_digit(c)) {
            remainder = (remainder * 10 + static_cast<unsigned>(c - '0')) % 97;
        } else {
            const auto value = static_cast<unsigned>(c - 'A' + 10);
            remainder = (remainder * 100 + value) % 97;
        }
    }
    return remainder == 1;
}

// A deliberately plain check: one '@', a non-empty local part, a domain of dot-separated
// labels with at least one dot, no blanks. Whether the address works is not ours to know.
bool plausible_email(const std::string& email) {
    const auto at = email.find('@');
    if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) {
        return false;
    }
    const std::string domain = email.substr(at + 1);
    if (domain.empty() || domain.find('.') == std::string::npos || domain.front() == '.' ||
        domain.back() == '.' || domain.find("..") != std::string::npos) {
        return false;
    }
    return std::none_of(email.begin(), email.end(), [](char c) {
        return c == ' ' || c == '\t' || c == ',' || c == ';' || c == '<' || c == '>';
    });
}

}  // namespace

std::size_t iban_length(std::string_view country) {
    for (const auto& [code, length] : iban_lengths) {
        if (code == country) return length;
    }
    return 0;
}

core::Result<std::string> normalise_iban(std::string_view text) {
    const std::string field = "bank_account.iban";
    std::string iban;
    for (char c : text) {
        if (c != ' ') iban.push_back(to_upper(c));
    }
    if (iban.empty()) return missing(field);
    const auto bad = [&](const std::string& why) {
        return core::unprocessable("bad_iban", "the IBAN " + why, field);
    };
    if (iban.size() > iban_bytes_max) return bad("is longer than 34 characters");
    if (iban.size() < 5 || !is_upper(iban[0]) || !is_upper(iban[1]) || !is_digit(iban[2]) ||
        !is_digit(iban[3])) {
        return bad("must start with a country code and two check digits");
    }
    if (!std::all_of(iban.begin() + 4, iban.end(), is_alnum_upper)) {
        return bad("may contain only letters and digits");
    }
    const std::string country = iban.substr(0, 2);
    const std::size_t length = iban_length(country);
    if (length == 0) return bad("has a country code (" + country + ") this platform does not know");
    if (iban.size() != length) {
        return bad("of " + country + " has " + std::to_string(length) + " characters, not " +
                   std::to_string(iban.size()));
    }
    if (!iban_checksum_ok(iban)) return bad("check digits do not match (mistyped?)");
    return iban;
}

core::Result<std::string> normalise_bic(std::string_view text) {
    const std::string field = "bank_account.bic";
    const std::string bic = upper(trim(text));
    if (bic.empty()) return missing(field);
    const bool shape = (bic.size() == 8 || bic.size() == 11) &&
                       std::all_of(bic.begin(), bic.begin() + 6, is_upper) &&
                       std::all_of(bic.begin() + 6, bic.end(), is_alnum_upper);
    if (!shape) {
        return core::unprocessable(
            "bad_bic",
            "a BIC has 8 or 11 characters: 4 letters (bank), 2 letters "
            "(country), 2 letters or digits (location), optionally 3 letters or "
            "digits (branch)",
            field);
    }
    return bic;
}

core::Result<SupplierRegistration> normalise_registration(const SupplierRegistration& r,
                                                          const SupplierLimits& limits) {
    SupplierRegistration out;
    PROCURA_TRY_ASSIGN(auto name, text_field(r.organisation_name, "organisation_name",
                                             limits.organisation_name_bytes_max));
    out.organisation_name = std::move(name);

    PROCURA_TRY_ASSIGN(auto number, text_field(r.registration_number, "registration_number",
                                               limits.registration_number_bytes_max));
    out.registration_number = upper(number);

    PROCURA_TRY_ASSIGN(auto street,
                       text_field(r.address.street, "address.street", limits.street_bytes_max));
    out.address.street = std::move(street);
    PROCURA_TRY_ASSIGN(auto postal, text_field(r.address.postal_code, "address.postal_code",
                                               limits.postal_code_bytes_max));
    out.address.postal_code = std::move(postal);
    PROCURA_TRY_ASSIGN(auto city,
                       text_field(r.address.city, "address.city", limits.city_bytes_max));
    out.address.city = std::move(city);
    const std::string country = upper(trim(r.address.country));
    if (country.empty()) return missing("address.country");
    if (country.size() != 2 || !is_upper(country[0]) || !is_upper(country[1])) {
        return core::unprocessable("bad_country",
                                   "address.country is an ISO 3166-1 alpha-2 code such as DE",
                                   "address.country");
    }
    out.address.country = country;

    PROCURA_TRY_ASSIGN(auto contact_name,
                       text_field(r.contact.name, "contact.name", limits.contact_name_bytes_max));
    out.contact.name = std::move(contact_name);
    PROCURA_TRY_ASSIGN(auto email,
                       text_field(r.contact.email, "contact.email", limits.email_bytes_max));
    if (!plausible_email(email)) {
        return core::unprocessable("bad_email", "contact.email is not an e-mail address",
                                   "contact.email");
    }
    out.contact.email = std::move(email);
    const std::string phone_text = trim(r.contact.phone);
    if (phone_text.empty()) return missing("contact.phone");
    std::string phone;
    bool phone_ok = true;
    for (std::size_t i = 0; i < phone_text.size(); ++i) {
        const char c = phone_text[i];
        if (is_digit(c) || (c == '+' && i == 0)) {
            phone.push_back(c);
        } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
            phone_ok = false;
        }
    }
    const std::size_t digits = phone.size() - (phone.starts_with('+') ? 1 : 0);
    if (!phone_ok || digits < 6 || digits > 15) {
        return core::unprocessable("bad_phone",
                                   "contact.phone has 6 to 15 digits, optionally after a '+'",
                                   "contact.phone");
    }
    out.contact.phone = std::move(phone);

    PROCURA_TRY_ASSIGN(auto iban, normalise_iban(r.bank_account.iban));
    out.bank_account.iban = std::move(iban);
    PROCURA_TRY_ASSIGN(auto bic, normalise_bic(r.bank_account.bic));
    out.bank_account.bic = std::move(bic);

    out.username = r.username;
    out.password = r.password;
    return out;
}

}  // namespace procura::suppliers::rules
