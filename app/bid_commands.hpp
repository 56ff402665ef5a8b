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
//            from the entry's fields, a bid.received or bid.replaced event with that hash) is in
//            a freshly fetched signed tree head (signature checked with the log key) by an
//            inclusion proof checked with ledger/merkle_verify.hpp.
// Every command prints its outcome on stdout; any failure is one line on stderr,
// "procura: <code>: <message>", and exit status 1.
#pragma once

#include <cstdint>
#include <string>

namespace procura::app {

struct BidSealInput {
    std::string certificate_file;  // the tender's opening certificate (PEM)
    std::string in_file;           // the bid document (JSON)
    std::string out_file;          // the envelope (DER)
    bool check_document = true;    // parse_bid_document before sealing
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

int run_bid_seal(const BidSealInput& input);
int run_bid_sign(const BidSignInput& input);
int run_bid_submit(const BidSubmitInput& input);
int run_bid_verify_receipt(const BidVerifyReceiptInput& input);

}  // namespace procura::app
