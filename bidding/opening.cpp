// Thread safety. open_bids shares three objects between its threads, all read-only:
//  - the SignatureVerifier, whose verify() is documented thread-safe (its caches lock);
//  - the opening Certificate (an X509): signing::open compares it with each recipient info
//    (issuer and serial, or subject key identifier) and hands it to
//    CMS_decrypt_set1_pkey_and_peer, which only takes a reference. OpenSSL 3 computes an X509's
//    cached extensions under the certificate's own lock, so concurrent readers are safe;
//  - the opening PrivateKey (an EVP_PKEY): CMS_decrypt_set1_pkey_and_peer takes a reference
//    (an atomic count) and makes a new EVP_PKEY_CTX from it for each envelope; the ECDH
//    derivation and the AES-GCM decryption run on that context and on the envelope's own
//    CMS_ContentInfo, which every call parses afresh. OpenSSL 3 documents an EVP_PKEY as safe
//    to use from several threads at once as long as nobody modifies it (crypto(7), "Thread
//    safety"), and nothing on the decryption path modifies it: rebuild_opening_key reads the
//    key through OpenSSL 3's decoders (d2i_AutoPrivateKey), so it is provider-native and no
//    export to a provider is cached into it on first use.
// The test results_are_identical_for_one_two_four_and_all_threads opens the same bids
// repeatedly on 1, 2, 4 and all threads and compares every field.
// Each bid writes only its own slot of the result vector.
#include "bidding/opening.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include "core/assert.hpp"
#include "signing/envelope.hpp"

namespace procura::bidding {
namespace {

OpenedBid refuse(OpenedBid opened, std::string code, std::string reason) {
    opened.status = OpenedStatus::invalid;
    opened.reason_code = std::move(code);
    opened.reason = std::move(reason);
    return opened;
}

std::string mismatch(const char* what, std::int64_t in_document, std::int64_t received_for) {
    return std::string("the bid document names ") + what + " " + std::to_string(in_document) +
           " but the bid was received for " + what + " " + std::to_string(received_for);
}

}  // namespace

std::string_view to_string(OpenedStatus status) {
    switch (status) {
        case OpenedStatus::valid:
            return "valid";
        case OpenedStatus::invalid:
            return "invalid";
    }
    PROCURA_ASSERT(false);
    return {};
}

OpenedBid open_bid(const SealedBid& bid, const OpeningInputs& inputs) {
    OpenedBid opened;
    opened.bid_id = bid.bid_id;

    signing::VerifyOptions options;
    options.at_ms = bid.received_at_ms;
    options.expected_user = bid.supplier_id;
    options.is_revoked = inputs.is_revoked;
    options.content_bytes_max = inputs.bid_bytes_max;
    options.signature_bytes_max = inputs.bid_bytes_max;
    auto verified = inputs.verifier.verify(bid.body, std::nullopt, options);
    if (!verified) {
        opened.signature_status = verified.error().code;
        opened.decryption_status = std::string(decryption_not_attempted);
        return refuse(std::move(opened), "signature_invalid",
                      "the signature is not valid: " + verified.error().message);
    }
    opened.signature_status = "valid";
    opened.signer_subject = verified->signer_subject;

    auto plaintext = signing::open(verified->content, inputs.opening_key,
                                   inputs.opening_certificate, inputs.bid_bytes_max);
    if (!plaintext) {
        opened.decryption_status = plaintext.error().code;
        if (plaintext.error().code == "not_for_this_recipient") {
            return refuse(std::move(opened), "not_for_this_tender",
                          "the bid is not sealed to this tender's opening certificate");
        }
        return refuse(std::move(opened), plaintext.error().code,
                      "the envelope cannot be opened: " + plaintext.error().message);
    }
    opened.decryption_status = "decrypted";

    auto document = parse_bid_document(*plaintext);
    if (!document) {
        return refuse(std::move(opened), document.error().code, document.error().message);
    }
    opened.document = std::move(*document);
    const BidDocument& d = *opened.document;
    if (d.tender_id != bid.tender_id) {
        return refuse(std::move(opened), "tender_mismatch",
                      mismatch("tender", d.tender_id, bid.tender_id));
    }
    if (d.lot_id != bid.lot_id) {
        return refuse(std::move(opened), "lot_mismatch", mismatch("lot", d.lot_id, bid.lot_id));
    }
    if (d.supplier_id != bid.supplier_id) {
        return refuse(std::move(opened), "supplier_mismatch",
                      mismatch("supplier", d.supplier_id, bid.supplier_id));
    }
    opened.status = OpenedStatus::valid;
    return opened;
}

std::vector<OpenedBid> open_bids(const std::vector<SealedBid>& bids, const OpeningInputs& inputs,
                                 int max_threads) {
    PROCURA_ASSERT(max_threads >= 0);
    std::vector<OpenedBid> results(bids.size());
    tbb::task_arena arena(max_threads == 0 ? tbb::task_arena::automatic : max_threads);
    arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, bids.size(), 1),
                          [&](const tbb::blocked_range<std::size_t>& range) {
                              for (std::size_t i = range.begin(); i != range.end(); ++i) {
                                  results[i] = open_bid(bids[i], inputs);
                              }
                          });
    });
    return results;
}

}  // namespace procura::bidding
