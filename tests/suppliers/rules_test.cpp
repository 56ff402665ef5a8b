#include "suppliers/rules.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

using namespace procura;
using namespace procura::suppliers;
namespace data = boost::unit_test::data;

namespace {

// Published examples of valid IBANs (ECBS, national banking associations), mixed spacing.
const char* const valid_ibans[] = {
    "GB82 WEST 1234 5698 7654 32",
    "DE89 3704 0044 0532 0130 00",
    "NL91 ABNA 0417 1643 00",
    "BE68 5390 0754 7034",
    "FR14 2004 1010 0505 0001 3M02 606",
    "NO93 8601 1117 947",
    "CH93 0076 2011 6238 5295 7",
    "MT84 MALT 0110 0001 2345 MTLC AST0 01S",
    "AT61 1904 3002 3457 3201",
    "PL61109010140000071219812874",
    "IT60 X054 2811 1010 0000 0123 456",
    "ES91 2100 0418 4502 0005 1332",
    "SE45 5000 0000 0583 9825 7466",
    "FI21 1234 5600 0007 85",
    "PT50 0002 0123 1234 5678 9015 4",
    "de89370400440532013000",
};

struct BadIban {
    const char* text;
    const char* why;
};

std::ostream& operator<<(std::ostream& out, const BadIban& b) { return out << b.why; }

const BadIban invalid_ibans[] = {
    {"GB82 WEST 1234 5698 7654 33", "wrong check digits (last digit changed)"},
    {"GB28 WEST 1234 5698 7654 32", "check digits transposed"},
    {"DE89 3704 0044 0532 0130 0", "too short for DE, wrong checksum as well"},
    {"DE51 3704 0044 0532 0130 0", "DE with 21 characters and right check digits"},
    {"DE54 3704 0044 0532 0130 001", "DE with 23 characters and right check digits"},
    {"NL58 ABNA 0417 1643 0", "NL with 17 characters and right check digits"},
    {"US78 1234 5678 90", "a country without IBANs"},
    {"1282 WEST 1234 5698 7654 32", "no country code"},
    {"GBXX WEST 1234 5698 7654 32", "letters as check digits"},
    {"GB82 WEST 1234 5698 7654 3!", "punctuation in the BBAN"},
    {"GB82", "nothing after the check digits"},
    {"GB82 WEST 1234 5698 7654 3212 3456 7890 1234", "longer than 34 characters"},
};

SupplierRegistration valid_registration() {
    SupplierRegistration r;
    r.organisation_name = "  Müller Bau GmbH ";
    r.registration_number = " hrb 12345 b";
    r.address = {"Hauptstraße 1", "10115", "Berlin", "de"};
    r.contact = {"Anna Müller", "anna@mueller-bau.example", "+49 (30) 123-456.78"};
    r.bank_account = {"de89 3704 0044 0532 0130 00", "cobadeffxxx"};
    r.username = "mueller";
    r.password = "a long passphrase";
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(supplier_rules)

BOOST_DATA_TEST_CASE(valid_ibans_are_accepted_in_electronic_format, data::make(valid_ibans), text) {
    auto iban = rules::normalise_iban(text);
    BOOST_REQUIRE_MESSAGE(iban.ok(), text);
    BOOST_TEST(iban->find(' ') == std::string::npos);
    BOOST_TEST(iban->size() == rules::iban_length(iban->substr(0, 2)));
}

BOOST_DATA_TEST_CASE(invalid_ibans_are_refused_naming_the_field, data::make(invalid_ibans), bad) {
    auto iban = rules::normalise_iban(bad.text);
    BOOST_REQUIRE(!iban.ok());
    BOOST_TEST((iban.error().kind == core::ErrorKind::unprocessable));
    BOOST_TEST(iban.error().code == "bad_iban");
    BOOST_TEST(iban.error().field == "bank_account.iban");
}

BOOST_AUTO_TEST_CASE(a_wrong_length_is_reported_as_such) {
    auto short_de = rules::normalise_iban("DE51 3704 0044 0532 0130 0");
    BOOST_REQUIRE(!short_de.ok());
    BOOST_TEST(short_de.error().message.find("22 characters, not 21") != std::string::npos);
    auto checksum = rules::normalise_iban("GB82 WEST 1234 5698 7654 33");
    BOOST_REQUIRE(!checksum.ok());
    BOOST_TEST(checksum.error().message.find("check digits") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_eu_and_eea_state_has_an_iban_length) {
    for (const char* country : {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR",
                                "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL",
                                "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"}) {
        BOOST_TEST_CONTEXT(country) { BOOST_TEST(rules::iban_length(country) >= 15u); }
    }
    BOOST_TEST(rules::iban_length("NO") == 15u);
    BOOST_TEST(rules::iban_length("MT") == 31u);
    BOOST_TEST(rules::iban_length("US") == 0u);
}

BOOST_AUTO_TEST_CASE(empty_iban_is_a_missing_field) {
    auto r = rules::normalise_iban("   ");
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().code == "missing_field");
    BOOST_TEST(r.error().field == "bank_account.iban");
}

BOOST_AUTO_TEST_CASE(bics_have_the_iso_9362_shape) {
    for (const char* good : {"COBADEFF", "COBADEFFXXX", "deutdeff500", "NWBKGB2L", "BNPAFRPP"}) {
        BOOST_TEST_CONTEXT(good) { BOOST_TEST(rules::normalise_bic(good).ok()); }
    }
    BOOST_TEST(*rules::normalise_bic(" cobadeffxxx ") == "COBADEFFXXX");
    for (const char* bad : {"COBADEF", "COBADEFFX", "COBADEFFXX", "COBADEFFXXXX", "C0BADEFF",
                            "COBA1EFF", "COBADEF!", "COBA DEFF"}) {
        BOOST_TEST_CONTEXT(bad) {
            auto r = rules::normalise_bic(bad);
            BOOST_REQUIRE(!r.ok());
            BOOST_TEST(r.error().code == "bad_bic");
            BOOST_TEST(r.error().field == "bank_account.bic");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_registration_is_trimmed_and_normalised) {
    auto r = rules::normalise_registration(valid_registration(), SupplierLimits{});
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(r->organisation_name == "Müller Bau GmbH");
    BOOST_TEST(r->registration_number == "HRB 12345 B");
    BOOST_TEST(r->address.country == "DE");
    BOOST_TEST(r->contact.phone == "+493012345678");
    BOOST_TEST(r->bank_account.iban == "DE89370400440532013000");
    BOOST_TEST(r->bank_account.bic == "COBADEFFXXX");
    BOOST_TEST(r->username == "mueller");
    BOOST_TEST(r->password == "a long passphrase");
}

struct FieldCase {
    const char* name;
    void (*spoil)(SupplierRegistration&);
    const char* field;
    const char* code;
};

std::ostream& operator<<(std::ostream& out, const FieldCase& c) { return out << c.name; }

const FieldCase field_cases[] = {
    {"no name", [](SupplierRegistration& r) { r.organisation_name = "  "; }, "organisation_name",
     "missing_field"},
    {"long name", [](SupplierRegistration& r) { r.organisation_name = std::string(201, 'x'); },
     "organisation_name", "field_too_long"},
    {"control character", [](SupplierRegistration& r) { r.organisation_name = "A\x1b[31mB"; },
     "organisation_name", "invalid_field"},
    {"no number", [](SupplierRegistration& r) { r.registration_number.clear(); },
     "registration_number", "missing_field"},
    {"long number", [](SupplierRegistration& r) { r.registration_number = std::string(65, '1'); },
     "registration_number", "field_too_long"},
    {"no street", [](SupplierRegistration& r) { r.address.street.clear(); }, "address.street",
     "missing_field"},
    {"no postal code", [](SupplierRegistration& r) { r.address.postal_code.clear(); },
     "address.postal_code", "missing_field"},
    {"long postal code",
     [](SupplierRegistration& r) { r.address.postal_code = "12345678901234567"; },
     "address.postal_code", "field_too_long"},
    {"no city", [](SupplierRegistration& r) { r.address.city.clear(); }, "address.city",
     "missing_field"},
    {"no country", [](SupplierRegistration& r) { r.address.country.clear(); }, "address.country",
     "missing_field"},
    {"three-letter country", [](SupplierRegistration& r) { r.address.country = "DEU"; },
     "address.country", "bad_country"},
    {"digit country", [](SupplierRegistration& r) { r.address.country = "D1"; }, "address.country",
     "bad_country"},
    {"no contact", [](SupplierRegistration& r) { r.contact.name.clear(); }, "contact.name",
     "missing_field"},
    {"no email", [](SupplierRegistration& r) { r.contact.email.clear(); }, "contact.email",
     "missing_field"},
    {"email without at", [](SupplierRegistration& r) { r.contact.email = "anna.example"; },
     "contact.email", "bad_email"},
    {"email two ats", [](SupplierRegistration& r) { r.contact.email = "a@b@example.org"; },
     "contact.email", "bad_email"},
    {"email no dot", [](SupplierRegistration& r) { r.contact.email = "anna@localhost"; },
     "contact.email", "bad_email"},
    {"email blank", [](SupplierRegistration& r) { r.contact.email = "anna m@example.org"; },
     "contact.email", "bad_email"},
    {"no phone", [](SupplierRegistration& r) { r.contact.phone = " "; }, "contact.phone",
     "missing_field"},
    {"phone letters", [](SupplierRegistration& r) { r.contact.phone = "+49 30 CALL ME"; },
     "contact.phone", "bad_phone"},
    {"phone short", [](SupplierRegistration& r) { r.contact.phone = "12345"; }, "contact.phone",
     "bad_phone"},
    {"phone long", [](SupplierRegistration& r) { r.contact.phone = "+1234567890123456"; },
     "contact.phone", "bad_phone"},
    {"phone inner plus", [](SupplierRegistration& r) { r.contact.phone = "49+30123456"; },
     "contact.phone", "bad_phone"},
    {"no iban", [](SupplierRegistration& r) { r.bank_account.iban.clear(); }, "bank_account.iban",
     "missing_field"},
    {"iban checksum",
     [](SupplierRegistration& r) { r.bank_account.iban = "DE89370400440532013001"; },
     "bank_account.iban", "bad_iban"},
    {"iban length", [](SupplierRegistration& r) { r.bank_account.iban = "DE5137040044053201300"; },
     "bank_account.iban", "bad_iban"},
    {"no bic", [](SupplierRegistration& r) { r.bank_account.bic.clear(); }, "bank_account.bic",
     "missing_field"},
    {"bic nine", [](SupplierRegistration& r) { r.bank_account.bic = "COBADEFFX"; },
     "bank_account.bic", "bad_bic"},
};

BOOST_DATA_TEST_CASE(each_bad_field_is_named, data::make(field_cases), c) {
    SupplierRegistration r = valid_registration();
    c.spoil(r);
    auto result = rules::normalise_registration(r, SupplierLimits{});
    BOOST_REQUIRE(!result.ok());
    BOOST_TEST((result.error().kind == core::ErrorKind::unprocessable));
    BOOST_TEST(result.error().field == c.field);
    BOOST_TEST(result.error().code == c.code);
}

BOOST_AUTO_TEST_CASE(limits_are_inclusive) {
    SupplierRegistration r = valid_registration();
    r.organisation_name = std::string(200, 'x');
    r.registration_number = std::string(64, '1');
    r.address.postal_code = std::string(16, '9');
    r.contact.phone = "+123456789012345";
    BOOST_TEST(rules::normalise_registration(r, SupplierLimits{}).ok());
    r.contact.phone = "123456";
    BOOST_TEST(rules::normalise_registration(r, SupplierLimits{}).ok());
}

BOOST_AUTO_TEST_CASE(statuses_round_trip) {
    for (SupplierStatus s :
         {SupplierStatus::pending, SupplierStatus::approved, SupplierStatus::rejected}) {
        BOOST_TEST((parse_supplier_status(to_string(s)) == s));
    }
    BOOST_TEST(!parse_supplier_status("Pending").has_value());
    BOOST_TEST(!parse_supplier_status("").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
