// The bank file of a settlement batch: an ISO 20022 pain.001.001.09 CustomerCreditTransfer-
// Initiation document (one debtor account, one PmtInf, one CdtTrfTxInf per payment), its
// validation against the XSD, and a CSV report of the same payments. Amounts are integer minor
// units throughout; decimals are produced by string formatting, never floating point. This
// file posts nothing and knows no ledger: the batch arrives fully decided. The XSD is read from
// a path the caller passes (configuration), never from a copy inside the project.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace procura::settlement::batches {

// An account holder: a name (1 to 140 characters), an IBAN in electronic format (upper case,
// no spaces) and optionally the BIC of the account's bank.
struct Party {
    std::string name;
    std::string iban;
    std::optional<std::string> bic;
};

struct Payment {
    std::string end_to_end_id;  // the ledger transfer id; 1 to 35 characters (Max35Text)
    Party creditor;
    std::int64_t amount_minor = 0;  // > 0, in the minor unit of `currency`
    std::string currency;           // ISO 4217; the same for every payment of a batch
    std::string remittance;         // unstructured, at most 140 characters; empty: none sent
};

struct PaymentBatch {
    std::string message_id;  // 1 to 35 characters, unique per file sent to the bank
    std::int64_t created_at_ms = 0;
    std::string initiating_party_name;
    Party debtor;
    std::string payment_info_id;                   // 1 to 35 characters
    std::int64_t requested_execution_date_ms = 0;  // the UTC date of this instant is used
    std::vector<Payment> payments;
};

// The most payments one file may carry; a longer batch is refused rather than written.
inline constexpr std::size_t pain001_payments_max = 100'000;

// The number of decimal places of the currency's minor unit per ISO 4217 (2 for EUR, USD,
// GBP, CHF; 0 for JPY, KRW; 3 for KWD, BHD; 4 for CLF), or nullopt for a code that is not an
// active ISO 4217 currency or has no minor unit (gold, SDR, test codes).
std::optional<int> currency_exponent(std::string_view currency);

// The amount in major units as an exact decimal string: (12345, 2) -> "123.45",
// (5, 2) -> "0.05", (-7, 0) -> "-7". Precondition: 0 <= exponent <= 18.
std::string format_minor_units(std::int64_t amount_minor, int exponent);

// Checks everything write_pain001 needs before it writes: at least one and at most
// pain001_payments_max payments; ids and names present, within their lengths (counted in
// characters), valid UTF-8 and free of control characters; IBANs (debtor and every creditor)
// of the shape [A-Z]{2}[0-9]{2}[A-Z0-9]{1,30} passing the ISO 7064 mod-97 check; BICs of the
// ISO 9362 shape; every amount > 0; one currency for the whole batch (the group header's
// CtrlSum adds all payments, which only means something in a single currency); the control
// sum under 10^18 minor units (the schema's 18 total digits); dates within years 1970..9999.
// Every failure is a 422 (core::ErrorKind::unprocessable) whose field names the place, for
// example "payments[2].creditor.iban", and whose message starts with "payment 2:" where one
// payment is at fault. Codes: "no_payments", "too_many_payments", "missing_field",
// "field_too_long", "invalid_field", "bad_iban", "bad_bic", "bad_amount", "bad_currency",
// "mixed_currencies", "amount_too_large", "bad_date".
core::Status check_payment_batch(const PaymentBatch& batch);

// The pain.001.001.09 document for the batch, UTF-8, indented, byte-identical for identical
// input; built with libxml2's tree API so that names and remittance texts are escaped by the
// library. The debtor agent is the debtor's BIC or, without one, FinInstnId/Othr/Id
// "NOTPROVIDED"; a creditor's BIC, when known, is written as CdtrAgt. Errors: those of
// check_payment_batch; "internal" if libxml2 fails (out of memory). Thread-safe.
core::Result<std::string> write_pain001(const PaymentBatch& batch);

// A parsed pain.001.001.09 schema, loaded once and then used for any number of validations.
// validate() is const and thread-safe: the schema is only read, and each call builds its own
// libxml2 validation context.
class Pain001Validator {
public:
    // Loads and compiles the XSD. Errors: "schema_unavailable" (internal) naming the file when
    // it is missing or does not compile, with libxml2's first messages.
    static core::Result<Pain001Validator> open(const std::string& xsd_path);

    Pain001Validator(Pain001Validator&&) noexcept;
    Pain001Validator& operator=(Pain001Validator&&) noexcept;
    ~Pain001Validator();

    // OK if the document is well-formed XML that is valid against the schema. Errors, kind
    // unprocessable: "xml_malformed" or "schema_invalid", the message listing the first five
    // libxml2 messages with their line numbers and how many there were in all;
    // "payload_too_large" for a document over 2 GiB. Network access and entity expansion are
    // off while parsing.
    core::Status validate(std::string_view xml) const;

private:
    struct Schema;
    explicit Pain001Validator(std::unique_ptr<Schema> schema);
    std::unique_ptr<Schema> schema_;
};

// Validates with a Pain001Validator for xsd_path, loaded on first use and kept for the life of
// the process (one per distinct path; a failed load is not kept, so it is retried). Errors:
// those of Pain001Validator::open and ::validate. Thread-safe.
core::Status validate_pain001(std::string_view xml, const std::string& xsd_path);

// A CSV report of the batch's payments (RFC 4180: CRLF line ends, a field holding a comma,
// quote, CR or LF is quoted with inner quotes doubled). Header row:
// end_to_end_id,creditor_name,creditor_iban,amount,currency,remittance
// with the amount in major units per currency_exponent (a currency without one is written in
// minor units). Meant for a batch that check_payment_batch accepted; it does not check again.
std::string payments_csv(const PaymentBatch& batch);

}  // namespace procura::settlement::batches
