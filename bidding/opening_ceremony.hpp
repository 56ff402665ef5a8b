// The k-of-n opening ceremony. After the opening time each committee member fetches their
// sealed share, opens it with their own key, and hands in the plaintext. Shares are held in
// memory only, never stored; once k are in, the key is rebuilt and checked against the opening
// certificate, the latest bids are verified and decrypted in parallel (open_bids) in batches of
// at most BiddingLimits::opening_batch_bytes of bodies, each batch's lines stored before the
// next is read, all in the opening record's one transaction (BidStore::insert_opening), the key
// and the shares are wiped, and the record is published with one audit event per bid. If the
// server restarts before k shares are in, members hand theirs in again.
//
// Thread-safe: the share table is behind a mutex, held while a tender is opened.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "bidding/model.hpp"
#include "bidding/opening_keys.hpp"
#include "bidding/store.hpp"
#include "bidding/terms_cache.hpp"
#include "core/clock.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"
#include "pki/store.hpp"
#include "signing/keys.hpp"
#include "signing/signature.hpp"
#include "tender/model.hpp"

namespace procura::bidding {

struct ShareOutcome {
    int shares_in = 0;
    int threshold = 0;
    bool opened = false;
};

struct OpeningCeremonyDependencies {
    BidStore& bids;
    pki::CertificateStore& certificates;
    TermsCache& terms;
    OpeningKeys& keys;
    const signing::SignatureVerifier& verifier;
    const core::Clock& clock;
};

class OpeningCeremony {
public:
    // The referenced dependencies must outlive this. limits: settle_ms, bid_bytes_max and
    // opening_batch_bytes (> 0).
    OpeningCeremony(OpeningCeremonyDependencies dependencies, const BiddingLimits& limits);

    // A member's sealed share (DER CMS AuthEnvelopedData to their certificate), from the
    // opening time on: rules::check_share_handout's errors; 404 "share_not_found".
    core::Result<std::string> my_share(const core::Caller& caller, std::int64_t tender_id);

    // A member's opened share (wiped before return, whatever happens). rules::check_share_intake's
    // errors (nothing stored); 409 "already_opened"; 422 "bad_share", "not_your_share" and the
    // key rebuild's codes. Once k shares are in, the tender is opened (opened = true).
    core::Result<ShareOutcome> submit_share(const core::Caller& caller, std::int64_t tender_id,
                                            std::string share);

    // When the tender's bids were opened, if they were.
    core::Result<std::optional<std::int64_t>> opened_at(std::int64_t tender_id);

    // The published opening record; 404 "not_opened" before the opening.
    core::Result<OpeningRecord> opening(std::int64_t tender_id);

private:
    // Opens every latest bid with the rebuilt key, batch by batch, and stores the opening
    // record. Requires shares_mutex_ held.
    core::Result<ShareOutcome> open_tender(const tender::Tender& t, const signing::PrivateKey& key,
                                           const signing::Certificate& certificate);
    // Revocation for open_bids, at the receipt time; fails closed (a store that cannot
    // answer counts as revoked). Thread-safe.
    bool revoked_at(const std::string& serial_hex, std::int64_t at_ms);

    OpeningCeremonyDependencies d_;
    std::int64_t settle_ms_;
    std::size_t bid_bytes_max_;
    std::size_t opening_batch_bytes_;
    std::mutex shares_mutex_;
    // tender -> member -> opened share; wiped when used or when the tender is opened.
    std::map<std::int64_t, std::map<core::UserId, std::string>> shares_;
    std::set<std::int64_t> opened_;  // tenders this process opened (checked under the lock)
};

}  // namespace procura::bidding
