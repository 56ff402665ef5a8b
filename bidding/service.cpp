#include "bidding/service.hpp"

#include <map>
#include <utility>

#include "bidding/commitment.hpp"
#include "bidding/rules.hpp"
#include "core/hash.hpp"
#include "signing/envelope.hpp"

namespace procura::bidding {

BiddingService::BiddingService(BiddingDependencies dependencies, BiddingLimits limits)
    : d_(std::move(dependencies)),
      limits_(limits),
      terms_(d_.tenders, limits_.tenders_cached_max),
      keys_({d_.bids, d_.certificates, d_.ca, d_.ca_key, d_.clock},
            limits_.opening_certificate_extra_ms),
      security_(d_.ledger, limits_.accounts_cached_max),
      head_(d_.log, limits_.receipt_head_reuse_ms),
      group_({d_.bids, d_.tenders, d_.certificates, terms_, security_, head_, d_.confirm_sessions},
             limits_.bids_per_group_max,
             BidQuota{limits_.versions_max, limits_.supplier_bytes_max}),
      ceremony_({d_.bids, d_.certificates, terms_, keys_, d_.verifier, d_.clock}, limits_) {}

core::Status BiddingService::check_committee_ready(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto found, d_.tenders.find(tender_id));
    if (!found) {
        return core::not_found("tender_not_found", "no tender " + std::to_string(tender_id));
    }
    return keys_.check_committee_ready(*found);
}

core::Result<std::int64_t> BiddingService::make_opening_key(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto found, d_.tenders.find(tender_id));
    if (!found) {
        return core::not_found("tender_not_found", "no tender " + std::to_string(tender_id));
    }
    PROCURA_TRY(keys_.check_committee_ready(*found));
    PROCURA_TRY_ASSIGN(auto key, keys_.create_for_publication(*found));
    return found->version;
}

core::Result<std::string> BiddingService::opening_certificate(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto t, terms_.published_tender(tender_id));
    PROCURA_TRY_ASSIGN(auto key, keys_.find(t));
    return key.certificate_pem;
}

core::Result<BidReceipt> BiddingService::submit(const core::Caller& caller, std::int64_t tender_id,
                                                std::int64_t lot_id, std::string_view body,
                                                const std::string& session_hash) {
    PROCURA_TRY_ASSIGN(auto terms, admit(caller, tender_id, lot_id, body.size()));
    PROCURA_TRY_ASSIGN(auto checked, check_and_stamp(caller, *terms, body));
    // The token's time is the receipt time: the deadline is checked against it, so that the
    // receipt and the platform's decision can never disagree (a large bid may take a while to
    // verify after it arrived). Refused on the current deadline only: the cached one may have
    // been extended.
    if (!rules::check_receipt_time(*terms, checked.stamp.time_ms)) {
        PROCURA_TRY_ASSIGN(terms, terms_.published_terms(tender_id, true));
        PROCURA_TRY(rules::check_receipt_time(*terms, checked.stamp.time_ms));
    }
    PendingBid pending;
    pending.session_hash = session_hash;
    PROCURA_TRY(prepare_write(pending, caller, std::move(terms), lot_id, body, std::move(checked)));
    group_.write(pending);
    return answer(caller, pending);
}

core::Result<std::shared_ptr<const tender::Tender>> BiddingService::admit(
    const core::Caller& caller, std::int64_t tender_id, std::int64_t lot_id,
    std::size_t body_bytes) {
    if (caller.role != core::Role::supplier) {
        return core::forbidden("forbidden", "only suppliers submit bids");
    }
    // The cached terms, without a database read: the bid's group reads the versions of its
    // tenders once for all its bids and checks again any bid whose tender changed meanwhile;
    // the group's transaction then compares the version under the tender's row lock.
    // A refusal is decided on the current terms only: the cached ones may be behind (a deadline
    // extended, a lot added).
    PROCURA_TRY_ASSIGN(auto terms, terms_.published_terms(tender_id, false));
    const std::int64_t now = d_.clock.now_ms();
    if (rules::refuse_bid(*terms, lot_id, now)) {
        PROCURA_TRY_ASSIGN(terms, terms_.published_terms(tender_id, true));
        if (auto refused = rules::refuse_bid(*terms, lot_id, now)) return *refused;
    }
    PROCURA_TRY(rules::check_body_size(body_bytes, limits_.bid_bytes_max));
    return terms;
}

core::Result<BiddingService::Checked> BiddingService::check_and_stamp(const core::Caller& caller,
                                                                      const tender::Tender& terms,
                                                                      std::string_view body) {
    signing::VerifyOptions options;
    options.at_ms = d_.clock.now_ms();
    options.expected_user = caller.user_id;
    // Revocation is checked by the bid's group, for all its signers in one read, against the
    // receipt time (GroupCommit::check_revocations).
    options.find_certificate = [this](const std::string& serial) -> std::optional<std::string> {
        auto found = d_.certificates.find(serial);
        if (!found || !*found) return std::nullopt;
        return (*found)->pem;
    };
    options.content_bytes_max = limits_.bid_bytes_max;
    options.signature_bytes_max = limits_.bid_bytes_max;
    // Read here (a database read on first use), off the crypto pool; its error, if any, comes
    // after the signature's, as the envelope check that needs it does.
    auto opening_certificate = keys_.certificate(terms);
    const core::Sha256 digest = core::sha256(body);
    std::optional<core::Result<signing::VerifiedSignature>> verified;
    std::optional<core::Result<signing::StampedToken>> stamped;
    const auto run = [&] {
        verified.emplace(d_.verifier.verify(body, std::nullopt, options));
        if (!*verified) return;
        if (!opening_certificate) {
            verified.emplace(opening_certificate.error());
            return;
        }
        if (auto sealed = signing::check_envelope((*verified)->content, **opening_certificate,
                                                  limits_.bid_bytes_max);
            !sealed) {
            verified.emplace(sealed.error());
            return;
        }
        stamped.emplace(d_.tsa.stamp(digest));
    };
    if (d_.crypto != nullptr) {
        d_.crypto->run(run);
    } else {
        run();
    }
    PROCURA_TRY_ASSIGN(auto signature, std::move(*verified));
    PROCURA_TRY_ASSIGN(auto stamp, std::move(*stamped));
    return Checked{std::move(signature), std::move(stamp), core::to_hex(digest), options.at_ms};
}

core::Status BiddingService::prepare_write(PendingBid& pending, const core::Caller& caller,
                                           std::shared_ptr<const tender::Tender> terms,
                                           std::int64_t lot_id, std::string_view body,
                                           Checked checked) {
    // As stored, for the group's revocation check; anything else is no certificate of ours.
    auto serial = pki::normalise_serial(checked.signature.signer_serial_hex);
    if (!serial) {
        return core::unprocessable("untrusted_certificate",
                                   "the signer's certificate has no usable serial number",
                                   "signature");
    }
    pending.signer_serial_hex = std::move(*serial);
    pending.write.tender_version = terms->version;
    Bid& bid = pending.write.bid;
    bid.tender_id = terms->id;
    bid.supplier_id = caller.user_id;
    bid.lot_id = lot_id;
    bid.body = std::string(body);
    bid.sha256_hex = std::move(checked.sha256_hex);
    bid.received_at_ms = checked.stamp.time_ms;
    bid.timestamp_token = std::move(checked.stamp.token);
    bid.security_transfer_id = bid_security_transfer_id(bid.tender_id, bid.sha256_hex);
    // Who bids on which lot is secret until the opening: the leaf carries a commitment to the
    // supplier, the lot and the body's hash under a fresh salt, and the platform as its actor
    // (bidding/commitment.hpp). The opening publishes the salt.
    bid.salt_hex = new_salt_hex();
    const std::string commitment = bid_commitment_hex(bid.salt_hex, bid.tender_id, bid.supplier_id,
                                                      bid.lot_id, bid.sha256_hex);
    pending.write.audit = core::AuditEvent{checked.checked_at_ms,
                                           0,
                                           "bid.received",
                                           "bid",
                                           0,
                                           1,
                                           sealed_receipt_payload(bid, commitment)};
    pending.tender = std::move(terms);
    return {};
}

core::Result<BidReceipt> BiddingService::answer(const core::Caller& caller, PendingBid& pending) {
    // A resend of a stored body is recognised by the bid's group (one read for the group): it
    // gets the stored bid's receipt, and the fresh time stamp is dropped.
    const auto resent = [&](const Bid& existing) -> core::Result<BidReceipt> {
        PROCURA_TRY(rules::check_resend(existing, caller.user_id));
        return receipt_of(existing, true, std::nullopt);
    };
    if (pending.existing) return resent(*pending.existing);
    if (pending.error) {
        if (pending.error->code == "duplicate_bid") {
            // A racing resend of the same body: answer with the receipt that won.
            auto winner =
                d_.bids.find_bid_by_hash(pending.write.bid.tender_id, pending.write.bid.sha256_hex);
            if (winner && *winner) return resent(**winner);
        }
        return *pending.error;
    }
    return receipt_of(*pending.stored, false, std::move(pending.head));
}

BidReceipt BiddingService::receipt_of(const Bid& b, bool repeated,
                                      std::optional<ledger::SignedTreeHead> head) {
    BidReceipt r;
    r.bid_id = b.id;
    r.version = b.version;
    r.tender_id = b.tender_id;
    r.supplier_id = b.supplier_id;
    r.lot_id = b.lot_id;
    r.received_at_ms = b.received_at_ms;
    r.sha256_hex = b.sha256_hex;
    r.timestamp_token = b.timestamp_token;
    r.log_leaf_index = b.log_seq - 1;
    r.sth = std::move(head);
    r.repeated = repeated;
    if (!b.salt_hex.empty()) {
        r.salt_hex = b.salt_hex;
        r.commitment_hex =
            bid_commitment_hex(b.salt_hex, b.tender_id, b.supplier_id, b.lot_id, b.sha256_hex);
    }
    if (!r.sth) r.sth = head_.recent();
    return r;
}

core::Status BiddingService::withdraw(const core::Caller& caller, std::int64_t tender_id,
                                      std::int64_t bid_id) {
    PROCURA_TRY_ASSIGN(auto found, d_.bids.find_bid(bid_id));
    if (!found || found->tender_id != tender_id || found->supplier_id != caller.user_id) {
        // Other suppliers' bids are not even confirmed to exist.
        return core::not_found("bid_not_found", "no such bid of yours");
    }
    PROCURA_TRY_ASSIGN(auto t, terms_.published_tender(tender_id));
    const std::int64_t now = d_.clock.now_ms();
    PROCURA_TRY(rules::check_withdrawal(t, now));
    // Like the receipt's leaf, the withdrawal's names neither the supplier nor the lot.
    PROCURA_TRY(
        d_.bids.withdraw_bid(bid_id, now,
                             core::AuditEvent{now, 0, "bid.withdrawn", "bid", bid_id,
                                              found->version, sealed_withdrawal_payload(*found)}));
    // The withdrawal stands even if the deposit cannot be released now (for example a tender
    // whose bid security was amended after this bid): settlement releases what is left.
    (void)security_.release_now(t, found->sha256_hex);
    return {};
}

core::Result<BidListing> BiddingService::list(const core::Caller& caller, std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto t, terms_.published_tender(tender_id));
    PROCURA_TRY_ASSIGN(const bool oversees, rules::sees_all_bids(caller.role));
    PROCURA_TRY_ASSIGN(auto opened_at, d_.bids.find_opened_at(tender_id));
    PROCURA_TRY_ASSIGN(auto bids, d_.bids.list_bids(tender_id, false));
    BidListing out;
    out.sealed = !opened_at.has_value();
    std::map<std::int64_t, std::int64_t> active_per_lot;  // every lot, those without bids too
    for (const tender::Lot& lot : t.lots) active_per_lot[lot.number] = 0;
    for (const Bid& b : bids) {
        if (oversees && out.sealed) {
            if (b.state == BidState::active) ++active_per_lot[b.lot_id];
            continue;
        }
        if (!oversees && b.supplier_id != caller.user_id) continue;
        out.items.push_back(
            {b.id, b.supplier_id, b.lot_id, b.version, b.state, b.received_at_ms, b.sha256_hex});
    }
    if (oversees && out.sealed) {
        for (const auto& [lot, count] : active_per_lot) out.per_lot.push_back({lot, count});
    }
    return out;
}

core::Result<std::string> BiddingService::my_share(const core::Caller& caller,
                                                   std::int64_t tender_id) {
    return ceremony_.my_share(caller, tender_id);
}

core::Result<ShareOutcome> BiddingService::submit_share(const core::Caller& caller,
                                                        std::int64_t tender_id, std::string share) {
    return ceremony_.submit_share(caller, tender_id, std::move(share));
}

core::Result<std::optional<std::int64_t>> BiddingService::opened_at(std::int64_t tender_id) {
    return ceremony_.opened_at(tender_id);
}

core::Result<OpeningRecord> BiddingService::opening(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto record, ceremony_.opening(tender_id));
    for (OpenedBidRecord& line : record.bids) line.document_json.clear();
    return record;
}

core::Result<OpeningRecord> BiddingService::opening_documents(const core::Caller& caller,
                                                              std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto t, terms_.published_tender(tender_id));
    const bool panel =
        caller.role == core::Role::officer && rules::is_committee_member(t, caller.user_id);
    if (!panel && caller.role != core::Role::auditor) {
        return core::forbidden("forbidden",
                               "the bid documents are shown to the tender's evaluation panel and "
                               "to auditors; the public opening record is at "
                               "/api/v1/tenders/{id}/opening");
    }
    return ceremony_.opening(tender_id);
}

}  // namespace procura::bidding
