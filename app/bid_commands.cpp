// `procura bid ...`: the supplier's own tool for sealed bids, doing what the plain-openssl
// recipe (docs/bidding-with-openssl.md, tests/e2e/bidding.sh) does, plus checking the receipt:
// - seal:    the bid document (checked against the schema first, unless --no-check) encrypted to
//            the tender's opening certificate: CMS AuthEnvelopedData, AES-256-GCM, SHA-256 KDF;
// - sign:    attached CMS SignedData over the envelope with SHA-256, with the supplier's
//            encrypted PKCS#8 key (passphrase from PROCURA_KEY_PASSPHRASE or --passphrase-file),
//            carrying the certificate unless --no-certificate (the server then looks it up);
// - submit:  POST /api/v1/tenders/{id}/bids?lot_id=N (application/cms), the receipt JSON saved;
// - verify-receipt: without trusting the server's word, that the bid file has the receipt's
//            SHA-256, that the receipt's RFC 3161 token is over that hash and signed by a TSA
//            whose certificate chains to the CA, and that the bid's audit-log leaf (recomputed
//            from the entry's fields, a bid.received or bid.replaced event whose commitment is
//            the one recomputed from the receipt's salt, tender, supplier and lot and the bid
//            file's hash, bidding/commitment.hpp) is in a freshly fetched signed tree head
//            (signature checked with the log key) by an inclusion proof checked with
//            ledger/merkle_verify.hpp.
// Every command prints its outcome on stdout; any failure is one line on stderr,
// "procura: <code>: <message>", and exit status 1.

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "app/cli_files.hpp"
#include "app/commands.hpp"
#include "app/keys.hpp"
#include "bidding/bid_document.hpp"
#include "bidding/commitment.hpp"
#include "core/audit.hpp"
#include "core/hash.hpp"
#include "core/time.hpp"
#include "ledger/merkle.hpp"
#include "ledger/merkle_verify.hpp"
#include "signing/envelope.hpp"
#include "signing/keys.hpp"
#include "signing/message_signature.hpp"
#include "signing/signature.hpp"
#include "signing/tsa.hpp"
#include "web/http_client.hpp"

namespace procura::app {
namespace {

struct BidSealInput {
    std::string certificate_file;  // the tender's opening certificate (PEM)
    std::string in_file;           // the bid document (JSON)
    std::string out_file;          // the envelope (DER)
    bool no_check = false;         // --no-check: seal without parse_bid_document first
};

struct BidSignInput {
    std::string certificate_file;  // the supplier's certificate (PEM)
    std::string key_file;          // its encrypted PKCS#8 private key (PEM)
    std::string passphrase_file;   // empty: PROCURA_KEY_PASSPHRASE
    std::string in_file;           // the envelope (DER)
    std::string out_file;          // the signed bid (DER CMS SignedData, attached)
    bool leave_out_certificate = false;
};

struct BidSubmitInput {
    std::string server;  // http://HOST:PORT
    std::string token;   // bearer token (PROCURA_TOKEN)
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;
    std::string in_file;       // the signed bid
    std::string receipt_file;  // optional: where the receipt JSON goes
    std::int64_t timeout_ms = 30'000;
};

struct BidVerifyReceiptInput {
    std::string receipt_file;
    std::string bid_file;
    std::string server;             // for the log (and the CA, TSA and log key when not given)
    std::string ca_file;            // optional: pinned CA certificate (recommended)
    std::string tsa_file;           // optional: the TSA certificate
    std::string log_key_file;       // optional: pinned log public key
    std::int64_t wait_ms = 10'000;  // how long to wait for the leaf to reach a signed head
    std::int64_t timeout_ms = 30'000;
};

using Json = nlohmann::json;
using ledger::Hash;

template <class T>
T take(core::Result<T> result, const std::string& context = {}) {
    if (!result) {
        const core::Error& e = result.error();
        fail(e.code, context.empty() ? e.message : context + ": " + e.message);
    }
    return std::move(*result);
}

void take(const core::Status& status, const std::string& context = {}) {
    if (!status) {
        const core::Error& e = status.error();
        fail(e.code, context.empty() ? e.message : context + ": " + e.message);
    }
}

template <class Input>
int run_guarded(void (*body)(const Input&), const Input& input) {
    try {
        body(input);
        return 0;
    } catch (const CommandFailure& failure) {
        std::fprintf(stderr, "procura: %s: %s\n", failure.code.c_str(), failure.message.c_str());
        return 1;
    }
}

signing::Certificate read_certificate(const std::string& path) {
    return take(signing::Certificate::from_pem(read_file(path)), path);
}

// ---- HTTP -----------------------------------------------------------------------------------

std::string join_url(const std::string& server, const std::string& path) {
    std::string base = server;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + path;
}

// The server's JSON error body as a CommandFailure ("procura: <code>: <message>"), or the status
// line when the body is not one.
[[noreturn]] void fail_with_reply(const web::HTTPReply& reply, const std::string& what) {
    const Json body = Json::parse(reply.body, nullptr, false);
    if (body.is_object() && body.contains("error") && body["error"].is_object()) {
        const Json& error = body["error"];
        std::string message = error.value("message", std::string("(no message)"));
        const std::string field = error.value("field", std::string());
        if (!field.empty()) message += " (field " + field + ")";
        fail(error.value("code", std::string("http_") + std::to_string(reply.status)), message);
    }
    fail("http_" + std::to_string(reply.status),
         what + " answered HTTP " + std::to_string(reply.status));
}

std::string http_get(const std::string& server, const std::string& path, std::int64_t timeout_ms) {
    const std::string url = join_url(server, path);
    auto reply = take(web::http_request("GET", url, {}, {}, std::chrono::milliseconds(timeout_ms)));
    if (reply.status != 200) fail_with_reply(reply, "GET " + url);
    return std::move(reply.body);
}

// ---- JSON fields ----------------------------------------------------------------------------

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// ---- seal -----------------------------------------------------------------------------------

void seal_bid(const BidSealInput& input) {
    const signing::Certificate recipient = read_certificate(input.certificate_file);
    const std::string document = read_file(input.in_file);
    if (!input.no_check) {
        auto parsed = bidding::parse_bid_document(document);
        if (!parsed) {
            const core::Error& e = parsed.error();
            fail(e.code,
                 input.in_file + (e.field.empty() ? "" : ": " + e.field) + ": " + e.message);
        }
    }
    const std::string envelope = take(signing::seal(document, recipient), "sealing");
    write_file(input.out_file, envelope);
    std::printf("sealed: %s -> %s (%zu bytes, AES-256-GCM, to %s)\n", input.in_file.c_str(),
                input.out_file.c_str(), envelope.size(), recipient.subject().c_str());
}

// ---- sign -----------------------------------------------------------------------------------

void sign_bid(const BidSignInput& input) {
    const signing::Certificate certificate = read_certificate(input.certificate_file);
    const std::string passphrase = take(read_passphrase(input.passphrase_file));
    const signing::PrivateKey key =
        take(signing::PrivateKey::from_encrypted_pem(read_file(input.key_file), passphrase),
             input.key_file);
    if (!certificate.matches(key)) {
        fail("key_mismatch", input.key_file + " is not the key of " + input.certificate_file);
    }
    const std::string envelope = read_file(input.in_file);
    const auto first = envelope.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (envelope[first] == '{' || envelope[first] == '[')) {
        fail("not_sealed", input.in_file +
                               " looks like a plain JSON document: seal it first (procura bid "
                               "seal), then sign the envelope");
    }
    const std::string signed_bid =
        take(signing::sign(envelope, certificate, key, signing::Attachment::attached,
                           input.leave_out_certificate ? signing::SignerCertificate::left_out
                                                       : signing::SignerCertificate::carried),
             "signing");
    write_file(input.out_file, signed_bid);
    std::printf("signed: %s -> %s (%zu bytes, SHA-256, by %s%s)\n", input.in_file.c_str(),
                input.out_file.c_str(), signed_bid.size(), certificate.subject().c_str(),
                input.leave_out_certificate ? ", certificate left out" : "");
}

// ---- submit ---------------------------------------------------------------------------------

void submit_bid(const BidSubmitInput& input) {
    if (input.token.empty()) fail("missing_token", "no token: pass --token or set PROCURA_TOKEN");
    const std::string body = read_file(input.in_file);
    const std::string url =
        join_url(input.server, "/api/v1/tenders/" + std::to_string(input.tender_id) +
                                   "/bids?lot_id=" + std::to_string(input.lot_id));
    const web::HeaderList headers = {{"Authorization", "Bearer " + input.token},
                                     {"Content-Type", "application/cms"},
                                     {"Accept", "application/json"}};
    const web::HTTPReply reply = take(
        web::http_request("POST", url, headers, body, std::chrono::milliseconds(input.timeout_ms)));
    if (reply.status != 200 && reply.status != 201) fail_with_reply(reply, "POST " + url);
    const Json receipt = parse_object(reply.body, "the server's receipt");
    if (!input.receipt_file.empty()) write_file(input.receipt_file, reply.body);
    const std::string where = "the server's receipt";
    const std::string hash = field<std::string>(receipt, "sha256", where);
    std::printf("received: bid %lld version %lld at %s, sha256 %s\n",
                static_cast<long long>(field<std::int64_t>(receipt, "bid_id", where)),
                static_cast<long long>(field<std::int64_t>(receipt, "version", where)),
                field<std::string>(receipt, "received_at", where).c_str(), hash.c_str());
    if (receipt.value("repeated", false)) {
        std::printf("note: the server already had this exact bid; this is its first receipt\n");
    }
    if (lower(hash) != core::sha256_hex(body)) {
        fail("hash_mismatch", "the receipt's sha256 is not the SHA-256 of " + input.in_file);
    }
}

// ---- verify-receipt -------------------------------------------------------------------------

// A PEM from a file when given, else fetched from the server with a note saying so.
std::string pinned_or_fetched(const std::string& file, const BidVerifyReceiptInput& input,
                              const std::string& path, const char* what, const char* flag) {
    if (!file.empty()) return read_file(file);
    std::printf(
        "note: %s fetched from %s%s; pin it with %s FILE (a copy obtained out of band) "
        "so that the check does not rest on the server's word\n",
        what, input.server.c_str(), path.c_str(), flag);
    return http_get(input.server, path, input.timeout_ms);
}

// (2) The RFC 3161 token is over digest, by a TSA chaining to the CA.
void check_time_stamp(const Json& receipt, const core::Sha256& digest,
                      const BidVerifyReceiptInput& input) {
    const std::string& rf = input.receipt_file;
    const signing::Certificate ca =
        take(signing::Certificate::from_pem(pinned_or_fetched(
                 input.ca_file, input, "/api/v1/pki/ca.pem", "the CA certificate was", "--ca")),
             "the CA certificate");
    const signing::Certificate tsa =
        take(signing::Certificate::from_pem(pinned_or_fetched(
                 input.tsa_file, input, "/api/v1/pki/tsa.pem", "the TSA certificate was", "--tsa")),
             "the TSA certificate");
    const std::string token =
        take(signing::base64_decode(field<std::string>(receipt, "timestamp_token", rf)),
             rf + ": timestamp_token");
    const signing::VerifiedTimeStamp stamp =
        take(signing::verify_time_stamp_token(token, digest, ca, &tsa),
             "the receipt's time-stamp token");
    std::printf(
        "ok: the RFC 3161 token is over that hash, signed by a TSA certified by %s, "
        "time %s (serial %s)\n",
        ca.subject().c_str(), core::format_rfc3339_ms(stamp.time_ms).c_str(),
        stamp.serial_hex.c_str());
}

// (3a) A fresh signed tree head that covers leaf_index, its signature checked with the log
// key. The leaf is sequenced shortly after the receipt: this waits up to input.wait_ms.
SignedHead head_covering(std::uint64_t leaf_index, const std::string& log_key,
                         const BidVerifyReceiptInput& input) {
    const auto give_up =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(input.wait_ms);
    for (;;) {
        const Json json = parse_object(http_get(input.server, "/api/v1/log/sth", input.timeout_ms),
                                       "the signed tree head");
        const SignedHead head = verified_head(json, log_key, "the signed tree head");
        if (head.tree_size > leaf_index) {
            std::printf("ok: a fresh signed tree head (size %llu, %s) verifies with the log key\n",
                        static_cast<unsigned long long>(head.tree_size),
                        core::format_rfc3339_ms(head.timestamp_ms).c_str());
            return head;
        }
        if (std::chrono::steady_clock::now() >= give_up) {
            fail("not_in_log", "leaf " + std::to_string(leaf_index) +
                                   " is not in the latest signed tree head (size " +
                                   std::to_string(head.tree_size) + ") after waiting " +
                                   std::to_string(input.wait_ms) + " ms");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

// What the bid's leaf must carry: the commitment recomputed from the receipt's salt, tender,
// supplier and lot and the bid file's own hash. A receipt without a salt (a bid stored before
// commitments) is checked by the hash its leaf names instead.
struct ExpectedLeaf {
    std::int64_t bid_id = 0;
    std::int64_t version = 0;
    std::int64_t tender_id = 0;
    std::string digest_hex;
    std::string commitment_hex;  // empty: the legacy leaf's sha256 is compared
};

ExpectedLeaf expected_leaf(const Json& receipt, const std::string& rf,
                           const std::string& digest_hex) {
    ExpectedLeaf out;
    out.bid_id = field<std::int64_t>(receipt, "bid_id", rf);
    out.version = field<std::int64_t>(receipt, "version", rf);
    out.digest_hex = digest_hex;
    const auto salt = receipt.find("salt");
    if (salt == receipt.end() || salt->is_null()) return out;
    const std::string salt_hex = lower(field<std::string>(receipt, "salt", rf));
    if (!core::is_sha256_hex(salt_hex)) fail("bad_receipt", rf + ": salt is not 64 hex digits");
    out.tender_id = field<std::int64_t>(receipt, "tender_id", rf);
    const auto supplier = field<std::int64_t>(receipt, "supplier_id", rf);
    const auto lot = field<std::int64_t>(receipt, "lot_id", rf);
    out.commitment_hex =
        bidding::bid_commitment_hex(salt_hex, out.tender_id, supplier, lot, digest_hex);
    std::printf(
        "ok: commitment %s recomputed from the salt, tender %lld, supplier %lld, lot %lld and "
        "the bid's hash\n",
        out.commitment_hex.c_str(), static_cast<long long>(out.tender_id),
        static_cast<long long>(supplier), static_cast<long long>(lot));
    return out;
}

// (3b) The log's entry at leaf_index, checked field by field to be this bid's receipt
// (bid.received or bid.replaced of bid_id at version, committing to the expected values).
core::StoredAuditEvent bid_entry(std::uint64_t leaf_index, const ExpectedLeaf& expected,
                                 const BidVerifyReceiptInput& input) {
    const std::int64_t bid_id = expected.bid_id;
    const std::int64_t version = expected.version;
    const std::string index_text = std::to_string(leaf_index);
    const Json page = parse_object(http_get(input.server,
                                            "/api/v1/log/entries?start=" + index_text +
                                                "&end=" + std::to_string(leaf_index + 1),
                                            input.timeout_ms),
                                   "the log entry");
    const auto entries = field<std::vector<Json>>(page, "entries", "the log entry page");
    if (entries.size() != 1) fail("not_in_log", "the log has no entry " + index_text);
    const Json& entry = entries.front();
    const std::string where = "log entry " + index_text;
    if (field<std::uint64_t>(entry, "leaf_index", where) != leaf_index) {
        fail("wrong_log_entry", where + ": the server sent another leaf");
    }
    core::StoredAuditEvent stored = log_entry(entry, where);
    const core::AuditEvent& event = stored.event;
    if (event.action != "bid.received" && event.action != "bid.replaced") {
        fail("wrong_log_entry",
             where + " is a " + event.action + " event, not bid.received or bid.replaced");
    }
    if (event.entity_type != "bid" || event.entity_id != bid_id ||
        event.entity_version != version) {
        fail("wrong_log_entry", where + " is about " + event.entity_type + " " +
                                    std::to_string(event.entity_id) + " version " +
                                    std::to_string(event.entity_version) + ", not bid " +
                                    std::to_string(bid_id) + " version " + std::to_string(version));
    }
    const Json payload = parse_object(event.payload_json, where + " payload_json");
    if (expected.commitment_hex.empty()) {
        if (lower(field<std::string>(payload, "sha256", where + " payload")) !=
            expected.digest_hex) {
            fail("wrong_log_entry", where + " records another SHA-256 than the bid's");
        }
        return stored;
    }
    if (field<std::int64_t>(payload, "tender_id", where + " payload") != expected.tender_id ||
        field<std::string>(payload, "commitment", where + " payload") != expected.commitment_hex) {
        fail("wrong_log_entry", where +
                                    " commits to another tender, supplier, lot or bid than the "
                                    "receipt's salt and the bid file give");
    }
    return stored;
}

// (3c) The inclusion proof of leaf in head's tree, fetched and checked against head's root.
void check_inclusion(std::uint64_t leaf_index, const Hash& leaf, const SignedHead& head,
                     const std::string& action, const BidVerifyReceiptInput& input) {
    const std::string index_text = std::to_string(leaf_index);
    const Json proof =
        parse_object(http_get(input.server,
                              "/api/v1/log/proof/inclusion?leaf_index=" + index_text +
                                  "&tree_size=" + std::to_string(head.tree_size),
                              input.timeout_ms),
                     "the inclusion proof");
    if (field<std::uint64_t>(proof, "leaf_index", "the inclusion proof") != leaf_index ||
        field<std::uint64_t>(proof, "tree_size", "the inclusion proof") != head.tree_size) {
        fail("not_in_log", "the inclusion proof is not for leaf " + index_text +
                               " in the tree of size " + std::to_string(head.tree_size));
    }
    take(ledger::verify_inclusion(leaf_index, head.tree_size, leaf,
                                  hex_hashes(proof, "the inclusion proof"), head.root),
         "the " + action + " entry of leaf " + index_text + " is not in the signed tree");
}

void verify_bid_receipt(const BidVerifyReceiptInput& input) {
    const Json receipt = parse_object(read_file(input.receipt_file), input.receipt_file);
    const std::string& rf = input.receipt_file;
    const std::string bid = read_file(input.bid_file);
    const core::Sha256 digest = core::sha256(bid);
    const std::string digest_hex = core::to_hex(digest);

    // (1) The bid file is what the receipt is for.
    if (lower(field<std::string>(receipt, "sha256", rf)) != digest_hex) {
        fail("hash_mismatch", "the SHA-256 of " + input.bid_file + " (" + digest_hex +
                                  ") is not the receipt's sha256");
    }
    std::printf("ok: %s has the receipt's SHA-256 %s\n", input.bid_file.c_str(),
                digest_hex.c_str());
    check_time_stamp(receipt, digest, input);

    // (3) The bid's leaf is in a fresh signed tree head.
    const auto leaf_index = field<std::uint64_t>(receipt, "log_leaf_index", rf);
    const std::string log_key = pinned_or_fetched(input.log_key_file, input, "/api/v1/log/key.pem",
                                                  "the log key was", "--log-key");
    const ExpectedLeaf expected = expected_leaf(receipt, rf, digest_hex);
    const SignedHead head = head_covering(leaf_index, log_key, input);
    const core::StoredAuditEvent entry = bid_entry(leaf_index, expected, input);
    // The leaf hash comes from the fields just checked, never from the server's leaf_hash.
    const Hash leaf = ledger::leaf_hash(core::canonical_bytes(entry.seq, entry.event));
    check_inclusion(leaf_index, leaf, head, entry.event.action, input);
    std::printf("ok: log leaf %s (%s of bid %lld version %lld, sha256 %s) is in that tree\n",
                std::to_string(leaf_index).c_str(), entry.event.action.c_str(),
                static_cast<long long>(expected.bid_id), static_cast<long long>(expected.version),
                digest_hex.c_str());
}

int run_bid_seal(const BidSealInput& input) { return run_guarded(seal_bid, input); }
int run_bid_sign(const BidSignInput& input) { return run_guarded(sign_bid, input); }
int run_bid_submit(const BidSubmitInput& input) { return run_guarded(submit_bid, input); }
int run_bid_verify_receipt(const BidVerifyReceiptInput& input) {
    return run_guarded(verify_bid_receipt, input);
}

// bid seal and bid sign.
void add_seal_and_sign(CLI::App& bid_app, int& exit_code) {
    CLI::App* bid = &bid_app;
    auto seal_input = std::make_shared<BidSealInput>();
    auto* bid_seal =
        bid->add_subcommand("seal",
                            "Encrypt a bid document to the tender's opening certificate (CMS "
                            "AuthEnvelopedData, AES-256-GCM, ECDH with a SHA-256 KDF)");
    bid_seal
        ->add_option("--certificate", seal_input->certificate_file,
                     "The tender's opening certificate "
                     "(GET /api/v1/tenders/{id}/opening-certificate)")
        ->required();
    bid_seal->add_option("--in", seal_input->in_file, "The bid document (JSON)")->required();
    bid_seal->add_option("--out", seal_input->out_file, "The sealed envelope to write (DER)")
        ->required();
    bid_seal->add_flag("--no-check", seal_input->no_check,
                       "Seal without checking the document against the bid-document schema");
    bid_seal->callback([seal_input, &exit_code] {
        configure_logging(false);
        exit_code = run_bid_seal(*seal_input);
    });
    auto sign_input = std::make_shared<BidSignInput>();
    auto* bid_sign = bid->add_subcommand(
        "sign",
        "Sign a sealed envelope (attached CMS SignedData, SHA-256) with your key; the "
        "passphrase comes from PROCURA_KEY_PASSPHRASE or --passphrase-file");
    bid_sign
        ->add_option("--certificate", sign_input->certificate_file,
                     "Your certificate from the platform (PEM)")
        ->required();
    bid_sign->add_option("--key", sign_input->key_file, "Your encrypted PKCS#8 private key (PEM)")
        ->required();
    bid_sign
        ->add_option("--passphrase-file", sign_input->passphrase_file,
                     "File whose first line is the key passphrase")
        ->envname("PROCURA_KEY_PASSPHRASE_FILE");
    bid_sign->add_option("--in", sign_input->in_file, "The sealed envelope (from bid seal)")
        ->required();
    bid_sign->add_option("--out", sign_input->out_file, "The signed bid to write (DER)")
        ->required();
    bid_sign->add_flag("--no-certificate", sign_input->leave_out_certificate,
                       "Leave your certificate out of the signature (the server looks it up)");
    bid_sign->callback([sign_input, &exit_code] {
        configure_logging(false);
        exit_code = run_bid_sign(*sign_input);
    });
}

// bid submit and bid verify-receipt.
void add_submit_and_verify(CLI::App& bid_app, int& exit_code) {
    CLI::App* bid = &bid_app;
    auto submit_input = std::make_shared<BidSubmitInput>();
    auto* bid_submit =
        bid->add_subcommand("submit", "Send a signed bid to the server and save the receipt");
    bid_submit->add_option("--server", submit_input->server, "The server, http://HOST:PORT")
        ->envname("PROCURA_SERVER")
        ->required();
    bid_submit->add_option("--token", submit_input->token, "Your login token")
        ->envname("PROCURA_TOKEN");
    bid_submit->add_option("--tender", submit_input->tender_id, "The tender id")->required();
    bid_submit->add_option("--lot", submit_input->lot_id, "The lot number")->required();
    bid_submit->add_option("--in", submit_input->in_file, "The signed bid (from bid sign)")
        ->required();
    bid_submit->add_option("--receipt", submit_input->receipt_file,
                           "Where to write the receipt JSON");
    bid_submit->add_option("--timeout-ms", submit_input->timeout_ms, "Give up after this long")
        ->check(CLI::Range(100, 600'000))
        ->capture_default_str();
    bid_submit->callback([submit_input, &exit_code] {
        configure_logging(false);
        exit_code = run_bid_submit(*submit_input);
    });
    auto receipt_input = std::make_shared<BidVerifyReceiptInput>();
    auto* bid_verify_receipt =
        bid->add_subcommand("verify-receipt",
                            "Check a bid receipt: the bid's hash, the RFC 3161 token and the "
                            "bid's place in a fresh signed tree head of the audit log");
    bid_verify_receipt
        ->add_option("--receipt", receipt_input->receipt_file, "The receipt JSON (from bid submit)")
        ->required();
    bid_verify_receipt->add_option("--bid", receipt_input->bid_file, "The signed bid that was sent")
        ->required();
    bid_verify_receipt
        ->add_option("--server", receipt_input->server, "The server, http://HOST:PORT")
        ->envname("PROCURA_SERVER")
        ->required();
    bid_verify_receipt->add_option("--ca", receipt_input->ca_file,
                                   "The platform CA certificate (PEM), obtained out of band; "
                                   "fetched from the server when absent (not recommended)");
    bid_verify_receipt->add_option("--tsa", receipt_input->tsa_file,
                                   "The TSA certificate (PEM); fetched from the server when "
                                   "absent (it must chain to the CA either way)");
    bid_verify_receipt->add_option("--log-key", receipt_input->log_key_file,
                                   "The audit log's public key (PEM); fetched from the server "
                                   "when absent");
    bid_verify_receipt
        ->add_option("--wait-ms", receipt_input->wait_ms,
                     "How long to wait for the bid's leaf to reach a signed head")
        ->check(CLI::Range(0, 600'000))
        ->capture_default_str();

    bid_verify_receipt->callback([receipt_input, &exit_code] {
        configure_logging(false);
        exit_code = run_bid_verify_receipt(*receipt_input);
    });
}

}  // namespace

void add_bid_command(CommandLine cli) {
    auto* bid = cli.app.add_subcommand("bid",
                                       "Supplier tool: seal, sign and submit a bid, and "
                                       "verify its receipt");
    bid->require_subcommand(1);
    add_seal_and_sign(*bid, cli.exit_code);
    add_submit_and_verify(*bid, cli.exit_code);
}

}  // namespace procura::app
