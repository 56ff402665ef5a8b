// The group commit of bid intake. A checked and time-stamped bid waits in a queue; whichever
// request finds no write under way writes every bid queued by then (at most
// bids_per_group_max, at most one per body and one per supplier and lot), as LevelDB's
// DBImpl::Write hands a batch group to one writer. A group is written as a pipeline of stages,
// each narrowing the bids that go on and setting the others' own error:
//   1. confirm_sessions   the callers' sessions are still valid (one read for the group)
//   2. check_revocations  no signer's certificate was revoked at or before its receipt time
//   3. refresh_terms      a bid whose tender changed since it was checked is checked again
//   4. answer_resends     a body already stored gets that bid's receipt, nothing is written
//   5. check_versions     a supplier stores at most versions_max versions of a lot's bid
//   6. check_storage      a supplier's active bodies on a tender stay within supplier_bytes_max
//   7. hold_deposits      the deposits of the group, in one ledger batch (BidSecurity)
//   8. store_bids         the bids and their audit events in one transaction; if it fails as a
//                         whole, each bid is written alone so that each gets its own outcome
//   9. release_deposits   of replaced bids, and of bids that were not stored after all
// A request is answered only after its bid's transaction committed. Every read fails closed:
// a store that cannot answer refuses the bids it was asked about.
//
// Thread-safe: the queue is behind a mutex; one request at a time writes a group.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bidding/bid_security.hpp"
#include "bidding/model.hpp"
#include "bidding/receipt_head.hpp"
#include "bidding/store.hpp"
#include "bidding/terms_cache.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"
#include "ledger/log.hpp"
#include "pki/store.hpp"
#include "tender/model.hpp"
#include "tender/store.hpp"

namespace procura::bidding {

// A bid waiting in the write queue, owned by the request that waits for it.
struct PendingBid {
    // The terms the bid was checked against; its group replaces them with the current ones if
    // the tender's version moved meanwhile (and checks the bid again).
    std::shared_ptr<const tender::Tender> tender;
    std::string signer_serial_hex;  // the group checks its revocation
    std::string session_hash;       // the group confirms the session, if given
    BidWrite write;
    // Set by the group: the stored bid or the bid's own error, and the log head to put in its
    // receipt; or existing, a bid with this body stored before (a resend).
    std::optional<Bid> stored;
    std::optional<core::Error> error;
    std::optional<Bid> existing;
    std::optional<ledger::SignedTreeHead> head;

private:
    friend class GroupCommit;
    bool done = false;
    std::condition_variable wake;  // under the queue's mutex: done, or first in the queue
    bool deposit_created = false;  // see DepositHeld::created
};

// The callers of the sessions with these token hashes that are valid now.
using ConfirmSessions = std::function<core::Result<std::map<std::string, core::Caller>>(
    const std::vector<std::string>& token_hashes_hex)>;

struct GroupCommitDependencies {
    BidStore& bids;
    tender::TenderStore& tenders;
    pki::CertificateStore& certificates;
    TermsCache& terms;
    BidSecurity& security;
    ReceiptHead& head;
    ConfirmSessions confirm_sessions;  // absent: sessions are not confirmed (see stage 1)
};

class GroupCommit {
public:
    // The referenced dependencies must outlive this.
    GroupCommit(GroupCommitDependencies dependencies, std::size_t bids_per_group_max,
                const BidQuota& quota);

    // Queues pending and returns once its group has been written: then exactly one of
    // pending.stored, pending.error or pending.existing is set. Never throws.
    void write(PendingBid& pending);

private:
    using Bids = std::vector<PendingBid*>;

    // Takes the next group from the queue, leaving the bids that clash with it queued in
    // order. Requires queue_mutex_ held and writing_ set by the caller.
    Bids take_group();
    // Writes a group (the stages above); sets each bid's outcome. May throw (write catches).
    void write_group(const Bids& all);

    Bids confirm_sessions(const Bids& bids);
    Bids check_revocations(const Bids& bids);
    Bids refresh_terms(const Bids& bids);
    Bids answer_resends(const Bids& bids);
    Bids check_versions(const Bids& bids);
    Bids check_storage(const Bids& bids);
    Bids hold_deposits(const Bids& bids);
    // Stores the group; returns the releases its outcomes call for (replaced bids' deposits,
    // and deposits this group made for bids that were not stored).
    std::vector<money::Transfer> store_bids(const Bids& bids);

    // Sets p's outcome from what the store did with it, adding the releases it calls for.
    void settle(PendingBid& p, BidWritten written, std::vector<money::Transfer>& releases);
    // The deposit of a bid that was not stored is released only if this group created it and
    // no bid with that body is stored: a resend of a body stored meanwhile (here or through
    // another server) shares the stored bid's deposit, which stays held.
    void release_own(const PendingBid& p, std::vector<money::Transfer>& releases);

    GroupCommitDependencies d_;
    std::size_t bids_per_group_max_;
    BidQuota quota_;
    std::mutex queue_mutex_;
    std::deque<PendingBid*> queue_;
    bool writing_ = false;  // a request is writing a group
};

}  // namespace procura::bidding
