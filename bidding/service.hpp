// Bid submission with verifiable receipts, and the k-of-n opening ceremony.
//
// Receipt: a bid is accepted only from the logged-in supplier whose registered, unrevoked
// certificate signed it, only if its envelope is sealed to this tender's opening certificate,
// only while the tender is in active.tendering by the server's clock (a bid at the submission
// deadline, to the millisecond, is refused), and only under the size limit. The receipt is an
// RFC 3161 token over SHA-256(body) and the bid's leaf in the audit log.
//
// Opening: after the opening time each committee member submits the plaintext of their share
// (opened locally from the sealed share). Shares are held in memory only, never stored; once k
// are in, the key is rebuilt and checked against the opening certificate, every latest bid is
// verified and decrypted in parallel, the key and the shares are wiped, and the opening record
// is stored and published. If the server restarts before k shares are in, members submit
// theirs again.
//
// Group commit: a checked and time-stamped bid waits for its group's write. Whichever request
// finds no write under way writes every bid queued by then (at most bids_per_group_max, at most
// one per body): first one read each, for the whole group, of its sessions, its signers'
// revocations, its tenders' versions and its bodies already stored (resends); then the
// deposits of the group in one ledger batch, the bids and their audit events in one
// transaction, the releases of the deposits they replace in the next group's deposit batch (or
// a batch of their own when no bid waits). Each bid keeps its own outcome: a bid the store
// refuses alone fails alone, and if the group's transaction fails as a whole its bids are
// written again one by one. A request is answered only after its bid's transaction committed.
//
// Caches: published tenders' terms (a bid is checked against the cached terms; its group reads
// the tenders' versions and checks again any bid whose tender changed, and the group's
// transaction compares the version under the row lock; a refusal is never decided on cached
// terms alone), opening certificates (they never change) and money-account ids (accounts are
// never deleted). Each is bounded and emptied when full.
//
// Thread-safe: the share table, the caches and the write queue are behind mutexes; everything
// else is in the stores.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "bidding/model.hpp"
#include "bidding/store.hpp"
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
    // Bid-security deposits: a pending transfer of the tender's bid_security_minor from the
    // supplier's bid-security account to the tender's escrow account for every received bid,
    // voided when the bid is replaced or withdrawn. Absent: no deposits are recorded.
    money::LedgerService* ledger = nullptr;
    // The callers of the sessions with these token hashes that are valid now (auth's
    // AuthService::confirm_sessions): a bid submitted with its session's hash is stored only if
    // its session is still valid when its group is written. Absent: not checked.
    std::function<core::Result<std::map<std::string, core::Caller>>(
        const std::vector<std::string>& token_hashes_hex)>
        confirm_sessions;
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

struct ShareOutcome {
    int shares_in = 0;
    int threshold = 0;
    bool opened = false;
};

class BiddingService {
public:
    BiddingService(BiddingDependencies dependencies, BiddingLimits limits);

    // Before a tender is published: every committee member holds an active certificate
    // (unprocessable "member_without_certificate", field "committee", naming the member).
    core::Status check_committee_ready(std::int64_t tender_id);

    // The tender's opening certificate (PEM), creating the opening key on first use: a fresh
    // P-256 key, split k-of-n, each share sealed to a member's certificate, the key wiped.
    // not_found for drafts and unknown tenders.
    core::Result<std::string> opening_certificate(std::int64_t tender_id);

    // Suppliers only. lot_id is a lot number of the tender. Errors: 403 forbidden; 404; 409
    // "tendering_not_open" (before the enquiry deadline) / "submission_closed" (at or after the
    // deadline) / "tender_cancelled"; 422 "unknown_lot"; 413 "bid_too_large"; the signature's
    // and envelope's own codes (422, field "bid"); a body already received from this supplier
    // gives that bid's receipt (repeated = true). session_hash, if given, is the hash of the
    // caller's session token: the bid's group confirms that session (see
    // BiddingDependencies::confirm_sessions) before anything is written, so that the caller may
    // have been authenticated from a recent check (AuthService::authenticate_recent); 401
    // "invalid_token" if it ended meanwhile.
    core::Result<BidReceipt> submit(const core::Caller& caller, std::int64_t tender_id,
                                    std::int64_t lot_id, std::string_view body,
                                    const std::string& session_hash = {});

    // The bid's supplier, before the submission deadline, an active bid only.
    core::Status withdraw(const core::Caller& caller, std::int64_t tender_id, std::int64_t bid_id);

    // Before the opening: the caller's own bids (suppliers) or all (officers, auditors, admins);
    // nothing else about a bid. 403 for the public.
    core::Result<std::vector<BidSummary>> list(const core::Caller& caller, std::int64_t tender_id);

    // A committee member's sealed share (DER CMS AuthEnvelopedData to their certificate),
    // after the opening time (409 "opening_not_yet" before). 403 for non-members.
    core::Result<std::string> my_share(const core::Caller& caller, std::int64_t tender_id);

    // A member's opened share. 409 "opening_not_yet" (not stored) before the opening time,
    // "already_opened" after; 403 for non-members; 422 "bad_share" and the rebuild's codes.
    core::Result<ShareOutcome> submit_share(const core::Caller& caller, std::int64_t tender_id,
                                            std::string share);

    // When the tender's bids were opened, if they were.
    core::Result<std::optional<std::int64_t>> opened_at(std::int64_t tender_id);

    // The published opening record; not_found "not_opened" before the opening.
    core::Result<OpeningRecord> opening(std::int64_t tender_id);

private:
    // A bid waiting in the write queue, owned by the request that waits for it.
    struct PendingBid {
        // The terms the bid was checked against; the group replaces them with the current
        // ones if the tender's version moved meanwhile (and checks the bid again).
        std::shared_ptr<const tender::Tender> tender;
        std::string signer_serial_hex;  // the group checks its revocation
        std::string session_hash;       // the group confirms the session, if given
        BidWrite write;
        bool done = false;
        std::condition_variable wake;  // under queue_mutex_: done, or first in the queue
        // Set when done: the stored bid or the bid's own error, and the log head to put in
        // its receipt; or existing, a bid with this body stored before (a resend).
        std::optional<Bid> stored;
        std::optional<core::Error> error;
        std::optional<Bid> existing;
        std::optional<ledger::SignedTreeHead> head;
        // This request created the bid's deposit (not found it held by an earlier attempt of
        // the same body): only then may a failure release it.
        bool deposit_created = false;
    };
    // Queues pending and returns once its group has been written (pending.done).
    void write_in_group(PendingBid& pending);
    // Writes a group (see the header comment); sets each bid's stored or error.
    void write_group(const std::vector<PendingBid*>& all);

    // The tender if it is published (or later), from the cache when its version is current.
    core::Result<tender::Tender> published_tender(std::int64_t tender_id);
    // The same as shared terms. check_version false: a cached copy is returned without asking
    // the database for the version (a bid's group checks it, see write_group).
    core::Result<std::shared_ptr<const tender::Tender>> published_terms(std::int64_t tender_id,
                                                                        bool check_version);
    // Why a bid for lot_id may not be received under terms t at now, if it may not.
    std::optional<core::Error> refuses_bid(const tender::Tender& t, std::int64_t lot_id,
                                           std::int64_t now) const;
    core::Result<OpeningKeyRecord> ensure_opening_key(const tender::Tender& tender);
    // The tender's opening certificate, parsed once per tender and kept (it never changes).
    core::Result<std::shared_ptr<const signing::Certificate>> cached_opening_certificate(
        const tender::Tender& tender);
    core::Result<std::optional<std::string>> active_certificate_pem(core::UserId user);
    bool revoked_at(const std::string& serial_hex, std::int64_t at_ms);
    // The pending deposit of the bid with this body (idempotent), and its void.
    money::Transfer security_deposit(const tender::Tender& tender, std::int64_t from_account_id,
                                     std::int64_t to_account_id, const std::string& sha256_hex);
    money::Transfer security_release(const tender::Tender& tender, const std::string& sha256_hex);
    // The id of the money account of spec's owner, currency and kind, opened on first use.
    core::Result<std::int64_t> account_id(core::UserId actor, const money::Account& spec);
    // The deposits of a group, in one ledger batch: the error of each bid whose deposit could
    // not be held (nullopt for the others, and for every bid when there is no deposit).
    std::vector<std::optional<core::Error>> hold_securities(const std::vector<PendingBid*>& group);
    core::Status release_security(const tender::Tender& tender, const std::string& sha256_hex);
    // The log's latest signed tree head, read again once the last read is older than
    // limits_.receipt_head_reuse_ms; nullopt without a log or if it cannot be read.
    std::optional<ledger::SignedTreeHead> recent_head();
    core::Result<ShareOutcome> open_tender(const tender::Tender& tender,
                                           const signing::PrivateKey& key,
                                           const signing::Certificate& certificate);

    BiddingDependencies d_;
    BiddingLimits limits_;

    std::mutex tenders_mutex_;
    std::map<std::int64_t, std::shared_ptr<const tender::Tender>> tenders_;  // terms only
    std::mutex accounts_mutex_;
    // (owner kind, owner id, currency, account kind) -> account id
    std::map<std::tuple<int, std::int64_t, std::string, int>, std::int64_t> accounts_;

    std::mutex queue_mutex_;
    std::deque<PendingBid*> queue_;
    bool writing_ = false;  // a request is writing a group
    // Releases of deposits left for the next group's ledger batch; only the writer of a group
    // touches it (writing_ hands it over under queue_mutex_).
    std::vector<money::Transfer> releases_due_;
    std::mutex head_mutex_;
    std::optional<ledger::SignedTreeHead> head_;  // the last head read, and when
    std::chrono::steady_clock::time_point head_read_at_{};
    std::mutex certificates_mutex_;
    std::map<std::int64_t, std::shared_ptr<const signing::Certificate>> opening_certificates_;
    std::mutex shares_mutex_;
    // tender -> member -> opened share; wiped when used or when the tender is opened.
    std::map<std::int64_t, std::map<core::UserId, std::string>> shares_;
    std::set<std::int64_t> opened_;  // tenders this process opened (checked under the lock)
};

}  // namespace procura::bidding
