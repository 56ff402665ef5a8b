// Bid submission with verifiable receipts, and the opening ceremony: the front of the bidding
// module, handing each job to the part that owns it.
//
// Receipt: a bid is accepted only from the logged-in supplier whose registered, unrevoked
// certificate signed it, only if its envelope is sealed to this tender's opening certificate,
// only while the tender is in active.tendering by the server's clock (a bid at the submission
// deadline, to the millisecond, is refused; rules.hpp), and only under the size limit. The
// receipt is an RFC 3161 token over SHA-256(body) and the bid's leaf in the audit log.
//
// The parts: pure rules (rules.hpp), the cached terms of published tenders (terms_cache.hpp),
// opening keys (opening_keys.hpp), bid-security deposits (bid_security.hpp), the group commit
// that writes bids (group_commit.hpp), the receipts' tree head (receipt_head.hpp) and the
// opening ceremony (opening_ceremony.hpp). See docs/bidding.md.
//
// Thread-safe: every part is; the service itself holds no mutable state.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bidding/bid_security.hpp"
#include "bidding/group_commit.hpp"
#include "bidding/model.hpp"
#include "bidding/opening_ceremony.hpp"
#include "bidding/opening_keys.hpp"
#include "bidding/receipt_head.hpp"
#include "bidding/store.hpp"
#include "bidding/terms_cache.hpp"
#include "core/clock.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"
#include "core/worker_pool.hpp"
#include "ledger/log.hpp"
#include "money/service.hpp"
#include "pki/store.hpp"
#include "signing/keys.hpp"
#include "signing/signature.hpp"
#include "signing/tsa.hpp"
#include "tender/store.hpp"

namespace procura::bidding {

struct BiddingDependencies {
    BidStore& bids;
    tender::TenderStore& tenders;
    pki::CertificateStore& certificates;
    const signing::Certificate& ca;
    const signing::PrivateKey& ca_key;
    const signing::SignatureVerifier& verifier;
    const signing::TimeStampAuthority& tsa;
    ledger::LogQueries* log = nullptr;  // for the head in receipts; absent: no head
    const core::Clock& clock;
    // Bid-security deposits (bid_security.hpp). Absent: no deposits are recorded.
    money::LedgerService* ledger = nullptr;
    // The callers of the sessions with these token hashes that are valid now (auth's
    // AuthService::confirm_sessions): a bid submitted with its session's hash is stored only if
    // its session is still valid when its group is written. Absent: not checked.
    ConfirmSessions confirm_sessions;
    // Where a bid's signature check, envelope check and time stamp run (one thread per core in
    // `serve`), first come, first served, rather than on the request's thread beside every
    // other request in flight (docs/architecture.md). The signature check may ask the
    // certificate store for a signer certificate the bid does not carry, once per signer.
    // Absent: on the request's thread.
    core::WorkerPool* crypto = nullptr;
};

// A bid as others may see it before the opening: existence, supplier, lot, time and hash.
struct BidSummary {
    std::int64_t bid_id = 0;
    core::UserId supplier_id = 0;
    std::int64_t lot_id = 0;
    std::int64_t version = 0;
    BidState state = BidState::active;
    std::int64_t received_at_ms = 0;
    std::string sha256_hex;
};

// How many active bids a lot holds (the latest versions that were not withdrawn).
struct LotBidCount {
    std::int64_t lot_id = 0;
    std::int64_t active_bids = 0;
};

// What a caller may see of a tender's bids. Before the opening who bids is secret: a supplier
// sees their own bids, officers, auditors and admins only how many active bids each lot holds
// (sealed = true, items empty). After the opening they see every bid.
struct BidListing {
    bool sealed = false;
    std::vector<BidSummary> items;     // ascending bid id
    std::vector<LotBidCount> per_lot;  // only while sealed, for the roles that see counts
};

class BiddingService {
public:
    BiddingService(BiddingDependencies dependencies, BiddingLimits limits);

    // Before a tender is published: every committee member holds an active certificate
    // (unprocessable "member_without_certificate", field "committee", naming the member).
    core::Status check_committee_ready(std::int64_t tender_id);

    // Publication's part (lifecycle/), before the tender goes out: every committee member
    // holds an active certificate (as check_committee_ready), then the opening key is made for
    // the tender's committee and threshold (OpeningKeys::create_for_publication). Returns the
    // tender version the key was made for, so that publication can insist on it. Errors: 404
    // tender_not_found; the committee's, the store's, signing's.
    core::Result<std::int64_t> make_opening_key(std::int64_t tender_id);

    // The tender's opening certificate (PEM). Reads only: never makes a key. not_found for
    // drafts and unknown tenders, and "opening_key_missing" for a tender without a key.
    core::Result<std::string> opening_certificate(std::int64_t tender_id);

    // Suppliers only. lot_id is a lot number of the tender. Errors: 403 forbidden; 404; 409
    // "tendering_not_open" / "submission_closed" / "tender_cancelled"; 422 "unknown_lot"; 413
    // "bid_too_large"; the signature's and envelope's own codes (422, field "bid"); a body
    // already received from this supplier gives that bid's receipt (repeated = true).
    // session_hash, if given, is the hash of the caller's session token: the bid's group
    // confirms that session before anything is written, so that the caller may have been
    // authenticated from a recent check (AuthService::authenticate_recent); 401
    // "invalid_token" if it ended meanwhile.
    core::Result<BidReceipt> submit(const core::Caller& caller, std::int64_t tender_id,
                                    std::int64_t lot_id, std::string_view body,
                                    const std::string& session_hash = {});

    // The bid's supplier, before the submission deadline, an active bid only.
    core::Status withdraw(const core::Caller& caller, std::int64_t tender_id, std::int64_t bid_id);

    // Suppliers: their own bids, every version. Officers, auditors, admins: before the opening
    // the number of active bids per lot, nothing more; after it, every bid. 403 for others.
    core::Result<BidListing> list(const core::Caller& caller, std::int64_t tender_id);

    // The opening ceremony (opening_ceremony.hpp).
    core::Result<std::string> my_share(const core::Caller& caller, std::int64_t tender_id);
    core::Result<ShareOutcome> submit_share(const core::Caller& caller, std::int64_t tender_id,
                                            std::string share);
    core::Result<std::optional<std::int64_t>> opened_at(std::int64_t tender_id);
    // The opening record as published: without the bid documents (document_json is empty in
    // every line). 404 "not_opened" before the opening.
    core::Result<OpeningRecord> opening(std::int64_t tender_id);
    // The opening record with the decrypted bid documents, for the tender's evaluation panel
    // (its committee members) and auditors only: 403 "forbidden" for anyone else, before the
    // tender is even looked up past its publication.
    core::Result<OpeningRecord> opening_documents(const core::Caller& caller,
                                                  std::int64_t tender_id);

private:
    // What the crypto checks found: the signature and the receipt's time stamp.
    struct Checked {
        signing::VerifiedSignature signature;
        signing::StampedToken stamp;
        std::string sha256_hex;
        std::int64_t checked_at_ms = 0;  // the server's time of the check (the audit event's)
    };
    // The terms a bid for lot_id may be received under now: the role, the tender's state and
    // lot (decided on current terms only), the body's size.
    core::Result<std::shared_ptr<const tender::Tender>> admit(const core::Caller& caller,
                                                              std::int64_t tender_id,
                                                              std::int64_t lot_id,
                                                              std::size_t body_bytes);
    // The signature, the envelope, and the time stamp of the body's hash (the receipt time),
    // on the crypto pool if there is one.
    core::Result<Checked> check_and_stamp(const core::Caller& caller, const tender::Tender& terms,
                                          std::string_view body);
    // Fills pending with the write of a checked bid: 422 "untrusted_certificate" if its
    // signer's serial is unusable.
    core::Status prepare_write(PendingBid& pending, const core::Caller& caller,
                               std::shared_ptr<const tender::Tender> terms, std::int64_t lot_id,
                               std::string_view body, Checked checked);
    // The answer to a bid once its group is written.
    core::Result<BidReceipt> answer(const core::Caller& caller, PendingBid& pending);
    BidReceipt receipt_of(const Bid& b, bool repeated, std::optional<ledger::SignedTreeHead> head);

    BiddingDependencies d_;
    BiddingLimits limits_;
    TermsCache terms_;
    OpeningKeys keys_;
    BidSecurity security_;
    ReceiptHead head_;
    GroupCommit group_;
    OpeningCeremony ceremony_;
};

}  // namespace procura::bidding
