#include "settlement/batches/pain001.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlstring.h>

#include <algorithm>
#include <array>
#include <climits>
#include <filesystem>
#include <map>
#include <mutex>
#include <utility>

#include "core/money.hpp"
#include "core/time.hpp"

namespace procura::settlement::batches {
namespace {

constexpr const char* pain001_namespace = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";
constexpr std::size_t max35 = 35;
constexpr std::size_t max140 = 140;
constexpr std::size_t iban_chars_max = 34;
// The schema's amounts and sums (ActiveOrHistoricCurrencyAndAmount, DecimalNumber) allow 18
// total digits; 10^18 minor units would need 19.
constexpr std::int64_t sum_minor_limit = 1'000'000'000'000'000'000;
// 9999-12-31T23:59:59.999Z: xs:dateTime years beyond four digits are legal but no bank takes them.
constexpr std::int64_t instant_ms_max = 253'402'300'799'999;
constexpr std::size_t validation_messages_max = 5;

// ISO 4217 minor units that are not 2. Codes with no minor unit ("N.A.": precious metals,
// SDR, bond units, test and no-currency codes) are listed with -1. Sorted for binary search.
constexpr std::array<std::pair<std::string_view, int>, 39> exponents_not_two = {{
    {"BHD", 3},  {"BIF", 0},  {"CLF", 4},  {"CLP", 0},  {"DJF", 0},  {"GNF", 0},  {"IQD", 3},
    {"ISK", 0},  {"JOD", 3},  {"JPY", 0},  {"KMF", 0},  {"KRW", 0},  {"KWD", 3},  {"LYD", 3},
    {"OMR", 3},  {"PYG", 0},  {"RWF", 0},  {"TND", 3},  {"UGX", 0},  {"UYI", 0},  {"UYW", 4},
    {"VND", 0},  {"VUV", 0},  {"XAF", 0},  {"XAG", -1}, {"XAU", -1}, {"XBA", -1}, {"XBB", -1},
    {"XBC", -1}, {"XBD", -1}, {"XDR", -1}, {"XOF", 0},  {"XPD", -1}, {"XPF", 0},  {"XPT", -1},
    {"XSU", -1}, {"XTS", -1}, {"XUA", -1}, {"XXX", -1},
}};

core::Error internal(std::string code, std::string message) {
    return core::internal(std::move(code), std::move(message));
}

// "payment 2: " for a field under payments[2], "" for a batch-level field.
std::string message_prefix(const std::optional<std::size_t>& index) {
    return index ? "payment " + std::to_string(*index) + ": " : std::string{};
}

std::string field_name(const std::optional<std::size_t>& index, const std::string& field) {
    return index ? "payments[" + std::to_string(*index) + "]." + field : field;
}

// UTF-8 characters, counted as the schema's length facets count them (the text is known to be
// valid UTF-8 when this is called).
std::size_t utf8_length(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

// A text the schema types as Max35Text / Max140Text: present, valid UTF-8 (what libxml2 needs
// to write it), no control characters (XML 1.0 cannot carry most of them and a bank file has no
// use for line breaks in a name), at most `chars_max` characters.
core::Status check_text(std::string_view text, std::size_t chars_max,
                        const std::optional<std::size_t>& index, const std::string& field) {
    const std::string prefix = message_prefix(index);
    const std::string name = field_name(index, field);
    if (text.empty())
        return core::unprocessable("missing_field", prefix + field + " is missing", name);
    const std::string copy(text);
    if (xmlCheckUTF8(reinterpret_cast<const xmlChar*>(copy.c_str())) == 0 ||
        copy.size() != std::char_traits<char>::length(copy.c_str())) {
        return core::unprocessable("invalid_field", prefix + field + " is not valid UTF-8", name);
    }
    if (std::any_of(text.begin(), text.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u < 0x20 || u == 0x7F;
        })) {
        return core::unprocessable("invalid_field", prefix + field + " contains control characters",
                                   name);
    }
    if (utf8_length(text) > chars_max) {
        return core::unprocessable(
            "field_too_long",
            prefix + field + " is longer than " + std::to_string(chars_max) + " characters", name);
    }
    return {};
}

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper_or_digit(char c) { return is_upper(c) || is_digit(c); }

// ISO 13616 / ISO 7064 MOD 97-10, on an IBAN whose shape is already checked: the first four
// characters move to the end, letters read as 10..35, and the number must be 1 modulo 97.
// suppliers/rules.cpp has the same check (plus per-country lengths), but only inside the
// suppliers library, which would drag auth/ into settlement; a bank file only needs the
// checksum, since suppliers normalised the IBAN when it was registered.
bool iban_mod97_ok(std::string_view iban) {
    unsigned remainder = 0;
    const auto add = [&](char c) {
        if (is_digit(c)) {
            remainder = (remainder * 10 + static_cast<unsigned>(c - '0')) % 97;
        } else {
            remainder = (remainder * 100 + static_cast<unsigned>(c - 'A' + 10)) % 97;
        }
    };
    for (char c : iban.substr(4)) add(c);
    for (char c : iban.substr(0, 4)) add(c);
    return remainder == 1;
}

core::Status check_party(const Party& party, const std::optional<std::size_t>& index,
                         const std::string& role) {
    const std::string prefix = message_prefix(index);
    PROCURA_TRY(check_text(party.name, max140, index, role + ".name"));

    const std::string iban_field = field_name(index, role + ".iban");
    const std::string& iban = party.iban;
    if (iban.empty()) {
        return core::unprocessable("missing_field", prefix + "the " + role + " IBAN is missing",
                                   iban_field);
    }
    const bool shape_ok = iban.size() >= 5 && iban.size() <= iban_chars_max && is_upper(iban[0]) &&
                          is_upper(iban[1]) && is_digit(iban[2]) && is_digit(iban[3]) &&
                          std::all_of(iban.begin() + 4, iban.end(), is_upper_or_digit);
    if (!shape_ok) {
        return core::unprocessable(
            "bad_iban",
            prefix + "the " + role +
                " IBAN must be two letters, two check digits and 1 to 30 upper "
                "case letters or digits, without spaces",
            iban_field);
    }
    if (!iban_mod97_ok(iban)) {
        return core::unprocessable(
            "bad_iban", prefix + "the " + role + " IBAN fails its mod-97 check digits", iban_field);
    }

    if (party.bic) {
        const std::string& bic = *party.bic;
        const bool bic_ok = (bic.size() == 8 || bic.size() == 11) &&
                            std::all_of(bic.begin(), bic.begin() + 4, is_upper_or_digit) &&
                            is_upper(bic[4]) && is_upper(bic[5]) &&
                            std::all_of(bic.begin() + 6, bic.end(), is_upper_or_digit);
        if (!bic_ok) {
            return core::unprocessable("bad_bic",
                                       prefix + "the " + role +
                                           " BIC must be 8 or 11 upper case letters or digits "
                                           "(ISO 9362)",
                                       field_name(index, role + ".bic"));
        }
    }
    return {};
}

core::Status check_instant(std::int64_t ms, const std::string& field) {
    if (ms < 0 || ms > instant_ms_max) {
        return core::unprocessable("bad_date", field + " must lie between 1970 and 9999", field);
    }
    return {};
}

// The control sum in minor units. Precondition: check_payment_batch accepted the batch.
std::int64_t sum_minor(const PaymentBatch& batch) {
    std::int64_t sum = 0;
    for (const Payment& p : batch.payments) sum += p.amount_minor;
    return sum;
}

void init_libxml2() {
    static std::once_flag once;
    std::call_once(once, [] { xmlInitParser(); });
}

const xmlChar* xml(const char* text) { return reinterpret_cast<const xmlChar*>(text); }
const xmlChar* xml(const std::string& text) { return xml(text.c_str()); }

// Builds the tree. libxml2 returns null only when out of memory; the builder remembers that
// and the caller checks once at the end, which keeps the element list readable.
class TreeBuilder {
public:
    explicit TreeBuilder(xmlNsPtr ns) : ns_(ns) {}

    xmlNodePtr element(xmlNodePtr parent, const char* name) {
        if (parent == nullptr) return fail();
        xmlNodePtr node = xmlNewChild(parent, ns_, xml(name), nullptr);
        return node != nullptr ? node : fail();
    }

    // xmlNewTextChild escapes &, <, > and quotes in the content; xmlNewChild would not.
    xmlNodePtr text(xmlNodePtr parent, const char* name, const std::string& content) {
        if (parent == nullptr) return fail();
        xmlNodePtr node = xmlNewTextChild(parent, ns_, xml(name), xml(content));
        return node != nullptr ? node : fail();
    }

    void attribute(xmlNodePtr node, const char* name, const std::string& value) {
        if (node == nullptr || xmlNewProp(node, xml(name), xml(value)) == nullptr) fail();
    }

    bool failed() const { return failed_; }

private:
    xmlNodePtr fail() {
        failed_ = true;
        return nullptr;
    }

    xmlNsPtr ns_;
    bool failed_ = false;
};

void add_party(TreeBuilder& b, xmlNodePtr parent, const char* element, const Party& party) {
    xmlNodePtr node = b.element(parent, element);
    b.text(node, "Nm", party.name);
}

void add_account(TreeBuilder& b, xmlNodePtr parent, const char* element, const Party& party) {
    xmlNodePtr id = b.element(b.element(parent, element), "Id");
    b.text(id, "IBAN", party.iban);
}

void add_agent(TreeBuilder& b, xmlNodePtr parent, const char* element, const Party& party) {
    xmlNodePtr institution = b.element(b.element(parent, element), "FinInstnId");
    if (party.bic) {
        b.text(institution, "BICFI", *party.bic);
    } else {
        // The EPC convention for "the debtor's bank is the one receiving this file".
        b.text(b.element(institution, "Othr"), "Id", "NOTPROVIDED");
    }
}

struct DocDeleter {
    void operator()(xmlDocPtr doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

// libxml2 messages collected from its structured error callbacks: the first few in full, the
// rest only counted.
struct Messages {
    std::vector<std::string> first;
    std::size_t total = 0;

    void add(const xmlError* error) {
        if (error == nullptr) return;
        ++total;
        if (first.size() >= validation_messages_max) return;
        std::string text = error->message != nullptr ? error->message : "unknown error";
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
        if (error->line > 0) text = "line " + std::to_string(error->line) + ": " + text;
        first.push_back(std::move(text));
    }

    std::string joined() const {
        std::string out;
        for (const std::string& m : first) {
            if (!out.empty()) out += "; ";
            out += m;
        }
        if (total > first.size()) {
            out += " (" + std::to_string(total) + " messages in all)";
        }
        return out;
    }
};

void collect_message(void* context, xmlErrorPtr error) {
    static_cast<Messages*>(context)->add(error);
}

// The parser hands its structured-error callback the parser context (its userData); the
// collector rides in the context's _private slot.
void collect_parser_message(void* context, xmlErrorPtr error) {
    auto* parser = static_cast<xmlParserCtxtPtr>(context);
    static_cast<Messages*>(parser->_private)->add(error);
}

}  // namespace

std::optional<int> currency_exponent(std::string_view currency) {
    static_assert(std::is_sorted(exponents_not_two.begin(), exponents_not_two.end()));
    if (!core::is_iso4217_currency(currency)) return std::nullopt;
    const auto it = std::lower_bound(exponents_not_two.begin(), exponents_not_two.end(), currency,
                                     [](const std::pair<std::string_view, int>& entry,
                                        std::string_view code) { return entry.first < code; });
    if (it == exponents_not_two.end() || it->first != currency) return 2;
    if (it->second < 0) return std::nullopt;
    return it->second;
}

std::string format_minor_units(std::int64_t amount_minor, int exponent) {
    PROCURA_ASSERT(exponent >= 0 && exponent <= 18);
    // The magnitude in unsigned arithmetic, so that INT64_MIN has one too.
    const std::uint64_t magnitude =
        amount_minor < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(amount_minor)
                         : static_cast<std::uint64_t>(amount_minor);
    std::string digits = std::to_string(magnitude);
    const auto places = static_cast<std::size_t>(exponent);
    if (places > 0) {
        if (digits.size() <= places) digits.insert(0, places + 1 - digits.size(), '0');
        digits.insert(digits.size() - places, 1, '.');
    }
    return amount_minor < 0 ? "-" + digits : digits;
}

core::Status check_payment_batch(const PaymentBatch& batch) {
    const std::optional<std::size_t> batch_level;
    if (batch.payments.empty()) {
        return core::unprocessable("no_payments", "a payment file needs at least one payment",
                                   "payments");
    }
    if (batch.payments.size() > pain001_payments_max) {
        return core::unprocessable("too_many_payments",
                                   "a payment file holds at most " +
                                       std::to_string(pain001_payments_max) + " payments, not " +
                                       std::to_string(batch.payments.size()),
                                   "payments");
    }
    PROCURA_TRY(check_text(batch.message_id, max35, batch_level, "message_id"));
    PROCURA_TRY(check_text(batch.payment_info_id, max35, batch_level, "payment_info_id"));
    PROCURA_TRY(
        check_text(batch.initiating_party_name, max140, batch_level, "initiating_party_name"));
    PROCURA_TRY(check_party(batch.debtor, batch_level, "debtor"));
    PROCURA_TRY(check_instant(batch.created_at_ms, "created_at_ms"));
    PROCURA_TRY(check_instant(batch.requested_execution_date_ms, "requested_execution_date_ms"));

    const std::string& currency = batch.payments.front().currency;
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < batch.payments.size(); ++i) {
        const Payment& p = batch.payments[i];
        const std::optional<std::size_t> index = i;
        const std::string prefix = message_prefix(index);
        PROCURA_TRY(check_text(p.end_to_end_id, max35, index, "end_to_end_id"));
        PROCURA_TRY(check_party(p.creditor, index, "creditor"));
        if (!p.remittance.empty()) {
            PROCURA_TRY(check_text(p.remittance, max140, index, "remittance"));
        }
        if (!currency_exponent(p.currency)) {
            return core::unprocessable(
                "bad_currency",
                prefix + "'" + p.currency + "' is not an ISO 4217 currency with a minor unit",
                field_name(index, "currency"));
        }
        if (p.currency != currency) {
            return core::unprocessable("mixed_currencies",
                                       prefix + "the currency " + p.currency +
                                           " differs from the batch's " + currency +
                                           "; one file pays in one currency",
                                       field_name(index, "currency"));
        }
        if (p.amount_minor <= 0) {
            return core::unprocessable("bad_amount",
                                       prefix + "the amount must be greater than zero",
                                       field_name(index, "amount_minor"));
        }
        if (__builtin_add_overflow(sum, p.amount_minor, &sum) || sum >= sum_minor_limit) {
            return core::unprocessable("amount_too_large",
                                       prefix +
                                           "the control sum reaches 10^18 minor units, more "
                                           "than the 18 digits a pain.001 amount may have",
                                       field_name(index, "amount_minor"));
        }
    }
    return {};
}

core::Result<std::string> write_pain001(const PaymentBatch& batch) {
    PROCURA_TRY(check_payment_batch(batch));
    init_libxml2();

    const int exponent = *currency_exponent(batch.payments.front().currency);
    const std::string count = std::to_string(batch.payments.size());
    const std::string control_sum = format_minor_units(sum_minor(batch), exponent);

    DocPtr doc(xmlNewDoc(xml("1.0")));
    if (!doc) return internal("xml_write_failed", "libxml2 could not create a document");
    xmlNodePtr root = xmlNewDocNode(doc.get(), nullptr, xml("Document"), nullptr);
    if (root == nullptr) return internal("xml_write_failed", "libxml2 could not add an element");
    xmlDocSetRootElement(doc.get(), root);
    xmlNsPtr ns = xmlNewNs(root, xml(pain001_namespace), nullptr);
    if (ns == nullptr) return internal("xml_write_failed", "libxml2 could not add a namespace");
    xmlSetNs(root, ns);

    TreeBuilder b(ns);
    xmlNodePtr initiation = b.element(root, "CstmrCdtTrfInitn");

    xmlNodePtr header = b.element(initiation, "GrpHdr");
    b.text(header, "MsgId", batch.message_id);
    b.text(header, "CreDtTm", core::format_rfc3339_ms(batch.created_at_ms));
    b.text(header, "NbOfTxs", count);
    b.text(header, "CtrlSum", control_sum);
    add_party(b, header, "InitgPty", Party{batch.initiating_party_name, {}, {}});

    xmlNodePtr info = b.element(initiation, "PmtInf");
    b.text(info, "PmtInfId", batch.payment_info_id);
    b.text(info, "PmtMtd", "TRF");
    b.text(info, "NbOfTxs", count);
    b.text(info, "CtrlSum", control_sum);
    b.text(b.element(info, "ReqdExctnDt"), "Dt",
           core::format_rfc3339_ms(batch.requested_execution_date_ms).substr(0, 10));
    add_party(b, info, "Dbtr", batch.debtor);
    add_account(b, info, "DbtrAcct", batch.debtor);
    add_agent(b, info, "DbtrAgt", batch.debtor);

    for (const Payment& p : batch.payments) {
        xmlNodePtr tx = b.element(info, "CdtTrfTxInf");
        b.text(b.element(tx, "PmtId"), "EndToEndId", p.end_to_end_id);
        xmlNodePtr amount =
            b.text(b.element(tx, "Amt"), "InstdAmt", format_minor_units(p.amount_minor, exponent));
        b.attribute(amount, "Ccy", p.currency);
        if (p.creditor.bic) add_agent(b, tx, "CdtrAgt", p.creditor);
        add_party(b, tx, "Cdtr", p.creditor);
        add_account(b, tx, "CdtrAcct", p.creditor);
        if (!p.remittance.empty()) b.text(b.element(tx, "RmtInf"), "Ustrd", p.remittance);
    }
    if (b.failed()) return internal("xml_write_failed", "libxml2 could not add an element");

    xmlChar* buffer = nullptr;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc.get(), &buffer, &size, "UTF-8", 1);
    if (buffer == nullptr || size <= 0) {
        xmlFree(buffer);
        return internal("xml_write_failed", "libxml2 could not serialise the document");
    }
    std::string out(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(size));
    xmlFree(buffer);
    return out;
}

struct Pain001Validator::Schema {
    xmlSchemaPtr schema = nullptr;
    ~Schema() {
        if (schema != nullptr) xmlSchemaFree(schema);
    }
};

Pain001Validator::Pain001Validator(std::unique_ptr<Schema> schema) : schema_(std::move(schema)) {}
Pain001Validator::Pain001Validator(Pain001Validator&&) noexcept = default;
Pain001Validator& Pain001Validator::operator=(Pain001Validator&&) noexcept = default;
Pain001Validator::~Pain001Validator() = default;

core::Result<Pain001Validator> Pain001Validator::open(const std::string& xsd_path) {
    init_libxml2();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(xsd_path, ec)) {
        return internal("schema_unavailable", "the pain.001 schema file is missing: " + xsd_path);
    }
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(xsd_path.c_str());
    if (parser == nullptr) {
        return internal("schema_unavailable", "libxml2 could not open the schema " + xsd_path);
    }
    Messages messages;
    xmlSchemaSetParserStructuredErrors(parser, collect_message, &messages);
    auto schema = std::make_unique<Schema>();
    schema->schema = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    if (schema->schema == nullptr) {
        return internal("schema_unavailable",
                        "the schema " + xsd_path + " does not compile: " + messages.joined());
    }
    return Pain001Validator(std::move(schema));
}

core::Status Pain001Validator::validate(std::string_view xml_text) const {
    PROCURA_ASSERT(schema_ != nullptr);  // a moved-from validator is a bug
    if (xml_text.size() > static_cast<std::size_t>(INT_MAX)) {
        return core::payload_too_large("payload_too_large",
                                       "a pain.001 document over 2 GiB is not validated");
    }
    Messages messages;
    xmlParserCtxtPtr parser = xmlNewParserCtxt();
    if (parser == nullptr) return internal("xml_read_failed", "libxml2 has no parser context");
    parser->_private = &messages;
    parser->sax->serror = collect_parser_message;
    DocPtr doc(xmlCtxtReadMemory(parser, xml_text.data(), static_cast<int>(xml_text.size()),
                                 nullptr, nullptr, XML_PARSE_NONET));
    const bool well_formed = doc != nullptr && parser->wellFormed != 0;
    xmlFreeParserCtxt(parser);
    if (!well_formed) {
        return core::unprocessable(
            "xml_malformed", "the pain.001 document is not well-formed XML: " + messages.joined(),
            {});
    }

    xmlSchemaValidCtxtPtr context = xmlSchemaNewValidCtxt(schema_->schema);
    if (context == nullptr) return internal("xml_read_failed", "libxml2 has no schema context");
    xmlSchemaSetValidStructuredErrors(context, collect_message, &messages);
    const int rc = xmlSchemaValidateDoc(context, doc.get());
    xmlSchemaFreeValidCtxt(context);
    if (rc < 0) {
        return internal("xml_read_failed", "libxml2 failed while validating: " + messages.joined());
    }
    if (rc > 0) {
        return core::unprocessable(
            "schema_invalid", "the document is not valid pain.001.001.09: " + messages.joined(),
            {});
    }
    return {};
}

core::Status validate_pain001(std::string_view xml_text, const std::string& xsd_path) {
    static std::mutex mutex;
    // Entries are never erased, so a pointer into the map stays valid after the lock is gone.
    static std::map<std::string, std::unique_ptr<Pain001Validator>> validators;
    const Pain001Validator* validator = nullptr;
    {
        std::lock_guard<std::mutex> lock(mutex);
        auto it = validators.find(xsd_path);
        if (it == validators.end()) {
            PROCURA_TRY_ASSIGN(auto opened, Pain001Validator::open(xsd_path));
            it = validators.emplace(xsd_path, std::make_unique<Pain001Validator>(std::move(opened)))
                     .first;
        }
        validator = it->second.get();
    }
    return validator->validate(xml_text);
}

std::string payments_csv(const PaymentBatch& batch) {
    const auto field = [](std::string_view text) {
        if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
        std::string quoted = "\"";
        for (char c : text) {
            if (c == '"') quoted += '"';
            quoted += c;
        }
        quoted += '"';
        return quoted;
    };
    std::string out = "end_to_end_id,creditor_name,creditor_iban,amount,currency,remittance\r\n";
    for (const Payment& p : batch.payments) {
        const int exponent = currency_exponent(p.currency).value_or(0);
        out += field(p.end_to_end_id) + ',' + field(p.creditor.name) + ',' +
               field(p.creditor.iban) + ',' + format_minor_units(p.amount_minor, exponent) + ',' +
               field(p.currency) + ',' + field(p.remittance) + "\r\n";
    }
    return out;
}

}  // namespace procura::settlement::batches
