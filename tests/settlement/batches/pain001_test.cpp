#include "settlement/batches/pain001.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace {

using procura::core::ErrorKind;
using namespace procura::settlement::batches;
namespace bdata = boost::unit_test::data;

const std::string xsd_path = PROCURA_PAIN001_XSD;

// Published example IBANs with correct check digits.
const char* const debtor_iban = "DE89370400440532013000";
const char* const creditor_ibans[] = {"GB29NWBK60161331926819", "FR1420041010050500013M02606",
                                      "NL91ABNA0417164300"};

Payment payment(std::size_t i, std::int64_t amount_minor, const std::string& currency = "EUR") {
    Payment p;
    p.end_to_end_id = "tr-2024-000" + std::to_string(i);
    p.creditor = Party{"Supplier " + std::to_string(i), creditor_ibans[i % 3], std::nullopt};
    p.amount_minor = amount_minor;
    p.currency = currency;
    p.remittance = "Contract C-17 milestone " + std::to_string(i);
    return p;
}

PaymentBatch batch_of(std::vector<Payment> payments) {
    PaymentBatch b;
    b.message_id = "PROCURA-SETTLE-0001";
    b.created_at_ms = 1'717'243'200'123;  // 2024-06-01T12:00:00.123Z
    b.initiating_party_name = "City of Example, Finance";
    b.debtor = Party{"City of Example", debtor_iban, std::string("COBADEFFXXX")};
    b.payment_info_id = "PMT-0001";
    b.requested_execution_date_ms = 1'717'372'800'000;  // 2024-06-03
    b.payments = std::move(payments);
    return b;
}

PaymentBatch three_payments() {
    return batch_of({payment(0, 125'000), payment(1, 99), payment(2, 4'200'050)});
}

std::size_t occurrences(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

std::string written(const PaymentBatch& b) {
    auto xml = write_pain001(b);
    BOOST_TEST_REQUIRE(xml.ok(), (xml.ok() ? "" : xml.error().message));
    return *xml;
}

void require_valid(const std::string& xml) {
    const auto status = validate_pain001(xml, xsd_path);
    BOOST_TEST_REQUIRE(status.ok(), (status.ok() ? "" : status.error().message));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pain001)

BOOST_AUTO_TEST_CASE(a_batch_of_three_payments_validates_against_the_xsd) {
    const std::string xml = written(three_payments());
    require_valid(xml);
    BOOST_TEST(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0u);
    BOOST_TEST(occurrences(xml, "xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\"") == 1u);
    BOOST_TEST(occurrences(xml, "<CdtTrfTxInf>") == 3u);
    BOOST_TEST(occurrences(xml, "<NbOfTxs>3</NbOfTxs>") == 2u);  // GrpHdr and PmtInf
    BOOST_TEST(occurrences(xml, "<CtrlSum>43251.49</CtrlSum>") == 2u);
    BOOST_TEST(occurrences(xml, "<CreDtTm>2024-06-01T12:00:00.123Z</CreDtTm>") == 1u);
    BOOST_TEST(occurrences(xml, "<Dt>2024-06-03</Dt>") == 1u);
    BOOST_TEST(occurrences(xml, "<PmtMtd>TRF</PmtMtd>") == 1u);
    BOOST_TEST(occurrences(xml, "<EndToEndId>tr-2024-0001</EndToEndId>") == 1u);
    BOOST_TEST(occurrences(xml, "<InstdAmt Ccy=\"EUR\">0.99</InstdAmt>") == 1u);
    BOOST_TEST(occurrences(xml, "<IBAN>NL91ABNA0417164300</IBAN>") == 1u);
    BOOST_TEST(occurrences(xml, "<BICFI>COBADEFFXXX</BICFI>") == 1u);
    BOOST_TEST(occurrences(xml, "<Ustrd>Contract C-17 milestone 2</Ustrd>") == 1u);
}

BOOST_AUTO_TEST_CASE(counts_and_control_sum_are_exact_for_amounts_far_beyond_a_double) {
    // 1 + 99 + 10^15 minor units: 10000000000001.00, which a double would still hold, so also
    // 10^17 - 1 + 1 + 99, whose 18 digits a double cannot.
    const std::string xml =
        written(batch_of({payment(0, 1), payment(1, 99), payment(2, 1'000'000'000'000'000)}));
    require_valid(xml);
    BOOST_TEST(occurrences(xml, "<NbOfTxs>3</NbOfTxs>") == 2u);
    BOOST_TEST(occurrences(xml, "<CtrlSum>10000000000001.00</CtrlSum>") == 2u);
    BOOST_TEST(occurrences(xml, "<InstdAmt Ccy=\"EUR\">0.01</InstdAmt>") == 1u);
    BOOST_TEST(occurrences(xml, "<InstdAmt Ccy=\"EUR\">10000000000000.00</InstdAmt>") == 1u);

    const std::string wide =
        written(batch_of({payment(0, 99'999'999'999'999'999), payment(1, 1), payment(2, 99)}));
    require_valid(wide);
    BOOST_TEST(occurrences(wide, "<CtrlSum>1000000000000000.99</CtrlSum>") == 2u);
}

BOOST_AUTO_TEST_CASE(a_control_sum_of_nineteen_digits_is_refused) {
    auto b = batch_of({payment(0, 999'999'999'999'999'999), payment(1, 1)});
    const auto xml = write_pain001(b);
    BOOST_TEST_REQUIRE(!xml.ok());
    BOOST_TEST(xml.error().code == "amount_too_large");
    BOOST_TEST(xml.error().field == "payments[1].amount_minor");

    b.payments = {payment(0, INT64_MAX), payment(1, INT64_MAX)};
    BOOST_TEST(write_pain001(b).error().code == "amount_too_large");
}

BOOST_AUTO_TEST_CASE(yen_amounts_have_no_decimal_places) {
    const std::string xml =
        written(batch_of({payment(0, 1500, "JPY"), payment(1, 1, "JPY"), payment(2, 7, "JPY")}));
    require_valid(xml);
    BOOST_TEST(occurrences(xml, "<InstdAmt Ccy=\"JPY\">1500</InstdAmt>") == 1u);
    BOOST_TEST(occurrences(xml, "<InstdAmt Ccy=\"JPY\">1</InstdAmt>") == 1u);
    BOOST_TEST(occurrences(xml, "<CtrlSum>1508</CtrlSum>") == 2u);
}

const std::vector<std::string> exponent_codes = {"EUR", "USD", "GBP", "CHF", "JPY",
                                                 "KRW", "KWD", "BHD", "CLF", "SEK"};
const std::vector<int> exponent_values = {2, 2, 2, 2, 0, 0, 3, 3, 4, 2};

BOOST_DATA_TEST_CASE(currency_exponents_follow_iso_4217,
                     bdata::make(exponent_codes) ^ bdata::make(exponent_values), code, exponent) {
    const auto found = currency_exponent(code);
    BOOST_TEST_REQUIRE(found.has_value());
    BOOST_TEST(*found == exponent);
}

BOOST_AUTO_TEST_CASE(codes_without_a_minor_unit_or_unknown_have_no_exponent) {
    for (const char* code : {"XAU", "XDR", "XXX", "XTS", "eur", "EURO", "ABC", ""}) {
        BOOST_TEST(!currency_exponent(code).has_value(), code);
    }
    auto b = batch_of({payment(0, 100, "XAU")});
    const auto xml = write_pain001(b);
    BOOST_TEST_REQUIRE(!xml.ok());
    BOOST_TEST(xml.error().code == "bad_currency");
    BOOST_TEST(xml.error().field == "payments[0].currency");
}

const std::vector<std::int64_t> format_amounts = {0,  5,      99, 100,  12345,
                                                  -7, -12345, 1,  1500, INT64_MIN};
const std::vector<int> format_exponents = {2, 2, 2, 2, 2, 2, 2, 3, 0, 2};
const std::vector<std::string> format_expected = {
    "0.00",  "0.05",    "0.99",  "1.00", "123.45",
    "-0.07", "-123.45", "0.001", "1500", "-92233720368547758.08"};

BOOST_DATA_TEST_CASE(minor_units_format_as_exact_decimals,
                     bdata::make(format_amounts) ^ bdata::make(format_exponents) ^
                         bdata::make(format_expected),
                     amount, exponent, expected) {
    BOOST_TEST(format_minor_units(amount, exponent) == expected);
}

BOOST_AUTO_TEST_CASE(a_bad_creditor_iban_is_refused_naming_the_payment) {
    auto b = three_payments();
    b.payments[1].creditor.iban = "FR1420041010050500013M02607";  // last digit changed
    const auto xml = write_pain001(b);
    BOOST_TEST_REQUIRE(!xml.ok());
    BOOST_TEST((xml.error().kind == ErrorKind::unprocessable));
    BOOST_TEST(xml.error().code == "bad_iban");
    BOOST_TEST(xml.error().field == "payments[1].creditor.iban");
    BOOST_TEST(xml.error().message.rfind("payment 1: ", 0) == 0u, xml.error().message);
    BOOST_TEST(xml.error().message.find("mod-97") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ibans_of_the_wrong_shape_are_refused) {
    for (const char* iban : {"", "DE89 3704 0044 0532 0130 00", "de89370400440532013000", "DE8",
                             "DEXX370400440532013000", "DE89370400440532013000123456789012345"}) {
        auto b = three_payments();
        b.payments[2].creditor.iban = iban;
        const auto xml = write_pain001(b);
        BOOST_TEST_REQUIRE(!xml.ok(), iban);
        BOOST_TEST(xml.error().field == "payments[2].creditor.iban", iban);
    }
}

BOOST_AUTO_TEST_CASE(a_bad_debtor_iban_or_bic_is_refused) {
    auto b = three_payments();
    b.debtor.iban = "DE89370400440532013001";
    auto xml = write_pain001(b);
    BOOST_TEST_REQUIRE(!xml.ok());
    BOOST_TEST(xml.error().code == "bad_iban");
    BOOST_TEST(xml.error().field == "debtor.iban");

    b = three_payments();
    b.debtor.bic = "COBADEFF1";  // nine characters
    xml = write_pain001(b);
    BOOST_TEST_REQUIRE(!xml.ok());
    BOOST_TEST(xml.error().code == "bad_bic");
    BOOST_TEST(xml.error().field == "debtor.bic");
}

BOOST_AUTO_TEST_CASE(without_a_debtor_bic_the_agent_is_notprovided_and_creditor_bics_are_sent) {
    auto b = three_payments();
    b.debtor.bic.reset();
    b.payments[0].creditor.bic = "NWBKGB2L";
    const std::string xml = written(b);
    require_valid(xml);
    BOOST_TEST(occurrences(xml, "<Id>NOTPROVIDED</Id>") == 1u);
    BOOST_TEST(occurrences(xml, "<BICFI>NWBKGB2L</BICFI>") == 1u);
    BOOST_TEST(occurrences(xml, "<CdtrAgt>") == 1u);
}

BOOST_AUTO_TEST_CASE(xml_special_characters_are_escaped_and_the_document_stays_valid) {
    auto b = three_payments();
    b.payments[0].creditor.name = "Smith & Sons <\"Bau\"> 'Ltd' Ø";
    b.payments[1].remittance = "invoice ]]> & <script>&amp;";
    b.initiating_party_name = "Stadt Köln & Partner";
    const std::string xml = written(b);
    require_valid(xml);
    BOOST_TEST(occurrences(xml, "<Nm>Smith &amp; Sons &lt;\"Bau\"&gt; 'Ltd' Ø</Nm>") == 1u);
    BOOST_TEST(occurrences(xml, "<Ustrd>invoice ]]&gt; &amp; &lt;script&gt;&amp;amp;</Ustrd>") ==
               1u);
    BOOST_TEST(occurrences(xml, "<Nm>Stadt Köln &amp; Partner</Nm>") == 1u);
    BOOST_TEST(occurrences(xml, "<script>") == 0u);
}

BOOST_AUTO_TEST_CASE(control_characters_and_broken_utf8_are_refused) {
    auto b = three_payments();
    b.payments[2].creditor.name = "Evil\nName";
    auto xml = write_pain001(b);
    BOOST_TEST_REQUIRE(!xml.ok());
    BOOST_TEST(xml.error().code == "invalid_field");
    BOOST_TEST(xml.error().field == "payments[2].creditor.name");

    b = three_payments();
    b.payments[0].remittance = "caf\xC3";  // truncated two-byte sequence
    xml = write_pain001(b);
    BOOST_TEST_REQUIRE(!xml.ok());
    BOOST_TEST(xml.error().code == "invalid_field");
    BOOST_TEST(xml.error().field == "payments[0].remittance");
}

BOOST_AUTO_TEST_CASE(an_end_to_end_id_over_35_characters_is_refused) {
    auto b = three_payments();
    b.payments[2].end_to_end_id = std::string(36, 'x');
    const auto xml = write_pain001(b);
    BOOST_TEST_REQUIRE(!xml.ok());
    BOOST_TEST(xml.error().code == "field_too_long");
    BOOST_TEST(xml.error().field == "payments[2].end_to_end_id");
    BOOST_TEST(xml.error().message.rfind("payment 2: ", 0) == 0u, xml.error().message);
}

BOOST_AUTO_TEST_CASE(lengths_are_counted_in_characters_up_to_the_limit) {
    auto b = three_payments();
    b.payments[0].end_to_end_id = std::string(35, 'x');
    std::string accents;
    for (int i = 0; i < 35; ++i) accents += "é";  // 70 bytes, 35 characters
    b.payments[1].end_to_end_id = accents;
    std::string remittance;
    for (int i = 0; i < 140; ++i) remittance += "ü";
    b.payments[2].remittance = remittance;
    require_valid(written(b));

    b.payments[2].remittance += "u";
    const auto xml = write_pain001(b);
    BOOST_TEST_REQUIRE(!xml.ok());
    BOOST_TEST(xml.error().code == "field_too_long");
    BOOST_TEST(xml.error().field == "payments[2].remittance");
}

BOOST_AUTO_TEST_CASE(an_empty_remittance_is_left_out) {
    auto b = three_payments();
    b.payments[0].remittance.clear();
    const std::string xml = written(b);
    require_valid(xml);
    BOOST_TEST(occurrences(xml, "<RmtInf>") == 2u);
}

BOOST_AUTO_TEST_CASE(amounts_must_be_positive_and_in_one_currency) {
    for (std::int64_t amount : {std::int64_t{0}, std::int64_t{-1}, INT64_MIN}) {
        auto b = three_payments();
        b.payments[1].amount_minor = amount;
        const auto xml = write_pain001(b);
        BOOST_TEST_REQUIRE(!xml.ok());
        BOOST_TEST(xml.error().code == "bad_amount");
        BOOST_TEST(xml.error().field == "payments[1].amount_minor");
    }
    auto b = three_payments();
    b.payments[2].currency = "USD";
    const auto xml = write_pain001(b);
    BOOST_TEST_REQUIRE(!xml.ok());
    BOOST_TEST(xml.error().code == "mixed_currencies");
    BOOST_TEST(xml.error().field == "payments[2].currency");
}

BOOST_AUTO_TEST_CASE(batch_level_fields_are_checked) {
    auto b = three_payments();
    b.payments.clear();
    BOOST_TEST(write_pain001(b).error().code == "no_payments");

    b = three_payments();
    b.message_id = std::string(36, 'M');
    BOOST_TEST(write_pain001(b).error().field == "message_id");

    b = three_payments();
    b.payment_info_id.clear();
    BOOST_TEST(write_pain001(b).error().code == "missing_field");

    b = three_payments();
    b.requested_execution_date_ms = -1;
    BOOST_TEST(write_pain001(b).error().code == "bad_date");

    b = three_payments();
    b.payments.assign(pain001_payments_max + 1, payment(0, 1));
    BOOST_TEST(write_pain001(b).error().code == "too_many_payments");
}

BOOST_AUTO_TEST_CASE(a_tampered_document_fails_validation_with_a_message) {
    std::string xml = written(three_payments());
    const std::string from = "<NbOfTxs>3</NbOfTxs>";
    xml.replace(xml.find(from), from.size(), "<NbOfTxs>three</NbOfTxs>");
    const auto status = validate_pain001(xml, xsd_path);
    BOOST_TEST_REQUIRE(!status.ok());
    BOOST_TEST((status.error().kind == ErrorKind::unprocessable));
    BOOST_TEST(status.error().code == "schema_invalid");
    BOOST_TEST(status.error().message.find("NbOfTxs") != std::string::npos, status.error().message);
    BOOST_TEST(status.error().message.find("line ") != std::string::npos, status.error().message);
}

BOOST_AUTO_TEST_CASE(malformed_xml_fails_validation_with_a_message) {
    std::string xml = written(three_payments());
    xml.resize(xml.size() / 2);
    const auto status = validate_pain001(xml, xsd_path);
    BOOST_TEST_REQUIRE(!status.ok());
    BOOST_TEST(status.error().code == "xml_malformed");
    BOOST_TEST(status.error().message.find("line ") != std::string::npos, status.error().message);

    const auto empty = validate_pain001("", xsd_path);
    BOOST_TEST_REQUIRE(!empty.ok());
    BOOST_TEST(empty.error().code == "xml_malformed");
}

BOOST_AUTO_TEST_CASE(a_document_in_another_namespace_is_invalid) {
    std::string xml = written(three_payments());
    const std::string ns = "pain.001.001.09\"";
    xml.replace(xml.find(ns), ns.size(), "pain.001.001.03\"");
    const auto status = validate_pain001(xml, xsd_path);
    BOOST_TEST_REQUIRE(!status.ok());
    BOOST_TEST(status.error().code == "schema_invalid");
}

BOOST_AUTO_TEST_CASE(a_missing_schema_file_is_named) {
    const auto validator = Pain001Validator::open("/nonexistent/pain.001.001.09.xsd");
    BOOST_TEST_REQUIRE(!validator.ok());
    BOOST_TEST(validator.error().code == "schema_unavailable");
    BOOST_TEST(validator.error().message.find("/nonexistent/pain.001.001.09.xsd") !=
               std::string::npos);
    BOOST_TEST(!validate_pain001(written(three_payments()), "/nonexistent/x.xsd").ok());
}

BOOST_AUTO_TEST_CASE(one_validator_serves_several_threads) {
    auto validator = Pain001Validator::open(xsd_path);
    BOOST_TEST_REQUIRE(validator.ok());
    const std::string good = written(three_payments());
    std::string bad = good;
    bad.replace(bad.find("<PmtMtd>TRF"), 11, "<PmtMtd>XXX");
    std::vector<int> outcomes(8, -1);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < outcomes.size(); ++t) {
        threads.emplace_back([&, t] {
            int ok = 1;
            for (int i = 0; i < 20; ++i) {
                const bool good_ok = validator->validate(good).ok();
                const bool bad_ok = validator->validate(bad).ok();
                if (!good_ok || bad_ok) ok = 0;
            }
            outcomes[t] = ok;
        });
    }
    for (auto& thread : threads) thread.join();
    for (int outcome : outcomes) BOOST_TEST(outcome == 1);
}

BOOST_AUTO_TEST_CASE(identical_input_gives_byte_identical_output) {
    const std::string first = written(three_payments());
    const std::string second = written(three_payments());
    BOOST_TEST(first == second);
    auto changed = three_payments();
    changed.payments[0].amount_minor += 1;
    BOOST_TEST(written(changed) != first);
}

BOOST_AUTO_TEST_CASE(the_csv_report_quotes_per_rfc_4180) {
    auto b = three_payments();
    b.payments[0].creditor.name = "Müller, Schmidt & \"Partner\"";
    b.payments[1].remittance = "line one\nline two";
    b.payments[2].remittance.clear();
    const std::string csv = payments_csv(b);
    const std::string expected =
        "end_to_end_id,creditor_name,creditor_iban,amount,currency,remittance\r\n"
        "tr-2024-0000,\"Müller, Schmidt & \"\"Partner\"\"\",GB29NWBK60161331926819,1250.00,EUR,"
        "Contract C-17 milestone 0\r\n"
        "tr-2024-0001,Supplier 1,FR1420041010050500013M02606,0.99,EUR,\"line one\nline two\"\r\n"
        "tr-2024-0002,Supplier 2,NL91ABNA0417164300,42000.50,EUR,\r\n";
    BOOST_TEST(csv == expected);

    const std::string yen = payments_csv(batch_of({payment(0, 1500, "JPY")}));
    BOOST_TEST(yen.find(",1500,JPY,") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
