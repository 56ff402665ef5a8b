#include "bidding/opening_ceremony.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "bidding/commitment.hpp"
#include "bidding/opening.hpp"
#include "bidding/rules.hpp"
#include "core/assert.hpp"
#include "core/hash.hpp"
#include "core/json_text.hpp"
#include "signing/opening_key.hpp"

namespace procura::bidding {
namespace {

// One line of the opening record from a stored bid and what opening it found (whose document
// text moves into the line).
OpenedBidRecord record_of(const Bid& b, OpenedBid&& o) {
    OpenedBidRecord r;
    r.bid_id = b.id;
    r.supplier_id = b.supplier_id;
    r.lot_id = b.lot_id;
    r.version = b.version;
    r.received_at_ms = b.received_at_ms;
    r.sha256_hex = b.sha256_hex;
    r.valid = o.status == OpenedStatus::valid;
    r.reason_code = o.reason_code;
    r.reason = o.reason;
    r.signature_status = o.signature_status;
    r.decryption_status = o.decryption_status;
    if (o.document) {
        r.price_minor = o.document->price.amount_minor;
        r.currency = o.document->price.currency;
        r.document_json = std::move(o.document->raw_json);
    }
    return r;
}

// The opened version's leaf; with its salt it reveals what the version's earlier leaves
// committed to.
core::AuditEvent opened_event(std::int64_t now_ms, const OpenedBidRecord& r, std::int64_t tender_id,
                              const std::string& salt_hex) {
    nlohmann::json payload = {{"tender_id", tender_id},
                              {"supplier_id", r.supplier_id},
                              {"lot_id", r.lot_id},
                              {"sha256", r.sha256_hex},
                              {"valid", r.valid},
                              {"reason", r.reason_code},
                              {"signature", r.signature_status},
                              {"decryption", r.decryption_status}};
    if (r.price_minor) {
        payload["price"] = {{"amount_minor", *r.price_minor}, {"currency", r.currency}};
    }
    if (!salt_hex.empty()) payload["salt"] = salt_hex;
    return core::AuditEvent{
        now_ms, 0, "bid.opened", "bid", r.bid_id, r.version, core::compact_json(payload)};
}

BidReveal reveal_of(const Bid& b) {
    return BidReveal{b.id,     b.version,    b.tender_id, b.supplier_id,
                     b.lot_id, b.sha256_hex, b.salt_hex,  b.state};
}

// Every version of the tender's bids that has a salt, ordered by bid id.
std::vector<BidReveal> reveals_of(const std::vector<Bid>& bids) {
    std::vector<BidReveal> out;
    for (const Bid& b : bids) {
        if (!b.salt_hex.empty()) out.push_back(reveal_of(b));
    }
    std::sort(out.begin(), out.end(),
              [](const BidReveal& x, const BidReveal& y) { return x.bid_id < y.bid_id; });
    return out;
}

// The opening's batches (BidStore::insert_opening): each batch's bids verified and decrypted in
// parallel, its bodies freed before its lines are made, and the counts kept for the tender's
// own event.
class OpenInBatches final : public OpeningBatches {
public:
    // reveals: the leaves of the tender's replaced and withdrawn versions, which the opening
    // publishes beside the opened ones (read before the opening: after the deadline no version
    // is stored, replaced or withdrawn any more).
    OpenInBatches(const OpeningInputs& inputs, const tender::Tender& t, std::int64_t now_ms,
                  std::vector<core::AuditEvent> reveals)
        : inputs_(inputs), tender_(t), now_ms_(now_ms), reveals_(std::move(reveals)) {}

    void restart() override {
        bids_ = 0;
        valid_ = 0;
        revealed_ = 0;
    }

    OpenedBatch open(std::vector<Bid> batch) override {
        std::vector<SealedBid> sealed;
        sealed.reserve(batch.size());
        for (Bid& b : batch) {
            sealed.push_back(
                {b.id, b.tender_id, b.lot_id, b.supplier_id, b.received_at_ms, std::move(b.body)});
        }
        std::vector<OpenedBid> opened = open_bids(sealed, inputs_, 0);
        sealed = {};  // the bodies are not needed any more
        OpenedBatch out;
        out.bids.reserve(opened.size());
        out.audit.reserve(opened.size());
        for (std::size_t i = 0; i < opened.size(); ++i) {
            out.bids.push_back(record_of(batch[i], std::move(opened[i])));
            out.audit.push_back(
                opened_event(now_ms_, out.bids.back(), tender_.id, batch[i].salt_hex));
            if (!batch[i].salt_hex.empty()) ++revealed_;
            ++bids_;
            if (out.bids.back().valid) ++valid_;
        }
        return out;
    }

    std::vector<core::AuditEvent> finish() override {
        std::vector<core::AuditEvent> out = reveals_;
        out.push_back(core::AuditEvent{
            now_ms_, 0, "tender.opened", "tender", tender_.id, tender_.version,
            core::compact_json(
                {{"bids", bids_}, {"valid", valid_}, {"revealed", revealed_ + reveals_.size()}})});
        return out;
    }

private:
    const OpeningInputs& inputs_;
    const tender::Tender& tender_;
    std::int64_t now_ms_;
    std::vector<core::AuditEvent> reveals_;
    std::size_t bids_ = 0;
    std::size_t valid_ = 0;
    std::size_t revealed_ = 0;  // opened versions whose salt the opening publishes
};

}  // namespace

OpeningCeremony::OpeningCeremony(OpeningCeremonyDependencies dependencies,
                                 const BiddingLimits& limits)
    : d_(dependencies),
      settle_ms_(limits.settle_ms),
      bid_bytes_max_(limits.bid_bytes_max),
      opening_batch_bytes_(limits.opening_batch_bytes) {
    PROCURA_ASSERT(opening_batch_bytes_ > 0);
}

core::Result<std::string> OpeningCeremony::my_share(const core::Caller& caller,
                                                    std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto t, d_.terms.published_tender(tender_id));
    PROCURA_TRY(rules::check_share_handout(t, caller, d_.clock.now_ms()));
    PROCURA_TRY_ASSIGN(auto key, d_.keys.find(t));
    for (const signing::SealedShare& share : key.shares) {
        if (share.member == caller.user_id) return share.envelope_der;
    }
    return core::not_found("share_not_found", "no share for this member");
}

core::Result<ShareOutcome> OpeningCeremony::submit_share(const core::Caller& caller,
                                                         std::int64_t tender_id,
                                                         std::string share) {
    // Whatever happens below, the caller's copy of the share does not outlive this call.
    struct Wipe {
        std::string& secret;
        ~Wipe() { core::secure_wipe(secret); }
    } wipe{share};

    PROCURA_TRY_ASSIGN(auto t, d_.terms.published_tender(tender_id));
    PROCURA_TRY(rules::check_share_intake(t, caller, d_.clock.now_ms(), settle_ms_));
    PROCURA_TRY_ASSIGN(auto opened, d_.bids.find_opening(tender_id));
    if (opened) return core::conflict("already_opened", "the bids are already opened");
    PROCURA_TRY(rules::check_share_size(share));
    PROCURA_TRY_ASSIGN(auto key, d_.keys.find(t));
    PROCURA_TRY_ASSIGN(auto certificate, signing::Certificate::from_pem(key.certificate_pem));
    // A share is checked on its own before it is kept, so that a malformed or foreign one is
    // refused at once instead of spoiling the set later.
    PROCURA_TRY_ASSIGN(auto number, signing::check_share(tender_id, share, certificate));
    const auto own =
        std::find_if(key.shares.begin(), key.shares.end(),
                     [&](const signing::SealedShare& s) { return s.member == caller.user_id; });
    if (own == key.shares.end() || own->number != number) {
        return core::unprocessable(
            "not_your_share",
            "this is share " + std::to_string(number) + "; hand in the share sealed to you",
            "share");
    }
    // The share must be exactly the one sealed to the member at key creation: a wrong one
    // (altered, or from an older copy) is refused now, so that it cannot spoil the honest
    // shares handed in after it. The message names no share byte and no commitment.
    if (!signing::share_matches(share, own->commitment_sha256)) {
        return core::unprocessable(
            "share_mismatch",
            "share " + std::to_string(number) +
                " is not the share sealed to you: open your share envelope again and hand in "
                "its content unchanged",
            "share");
    }

    std::lock_guard lock(shares_mutex_);
    if (opened_.count(tender_id) > 0) {
        return core::conflict("already_opened", "the bids are already opened");
    }
    auto& held = shares_[tender_id];
    core::secure_wipe(held[caller.user_id]);
    held[caller.user_id] = share;
    ShareOutcome outcome{static_cast<int>(held.size()), key.threshold, false};
    if (outcome.shares_in < key.threshold) return outcome;

    std::vector<std::string> plain;
    for (auto& [member, text] : held) plain.push_back(text);
    auto rebuilt = signing::rebuild_opening_key(tender_id, plain, certificate,
                                                static_cast<std::uint8_t>(key.threshold));
    for (std::string& text : plain) core::secure_wipe(text);
    if (!rebuilt) {
        // The newest share spoiled the set (or an earlier one did): drop the newest one so
        // that its member can send the right one, and keep the others.
        core::secure_wipe(held[caller.user_id]);
        held.erase(caller.user_id);
        return rebuilt.error();
    }
    // The rebuilt key lives only in this scope: EVP_PKEY_free clears its private part.
    PROCURA_TRY_ASSIGN(auto result, open_tender(t, *rebuilt, certificate));
    for (auto& [member, text] : held) core::secure_wipe(text);
    shares_.erase(tender_id);
    opened_.insert(tender_id);
    result.shares_in = outcome.shares_in;
    return result;
}

bool OpeningCeremony::revoked_at(const std::string& serial_hex, std::int64_t at_ms) {
    auto found = d_.certificates.find(serial_hex);
    if (!found) return true;
    return *found && (*found)->revocation && (*found)->revocation->at_ms <= at_ms;
}

core::Result<ShareOutcome> OpeningCeremony::open_tender(const tender::Tender& t,
                                                        const signing::PrivateKey& key,
                                                        const signing::Certificate& certificate) {
    OpeningInputs inputs{
        key, certificate, d_.verifier,
        [this](const std::string& serial, std::int64_t at) { return revoked_at(serial, at); },
        bid_bytes_max_};
    const std::int64_t now = d_.clock.now_ms();
    // The replaced and withdrawn versions are revealed too, so that every bid leaf written
    // before the opening can be checked.
    PROCURA_TRY_ASSIGN(auto versions, d_.bids.list_bids(t.id, false));
    std::vector<core::AuditEvent> reveals;
    for (const Bid& b : versions) {
        if (b.state == BidState::active || b.salt_hex.empty()) continue;
        reveals.push_back(core::AuditEvent{now, 0, "bid.revealed", "bid", b.id, b.version,
                                           reveal_payload(reveal_of(b))});
    }
    OpenInBatches batches(inputs, t, now, std::move(reveals));
    PROCURA_TRY(d_.bids.insert_opening(t.id, now, opening_batch_bytes_, batches));
    return ShareOutcome{static_cast<int>(t.threshold_k), static_cast<int>(t.threshold_k), true};
}

core::Result<std::optional<std::int64_t>> OpeningCeremony::opened_at(std::int64_t tender_id) {
    return d_.bids.find_opened_at(tender_id);
}

core::Result<OpeningRecord> OpeningCeremony::opening(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto found, d_.bids.find_opening(tender_id));
    if (!found) {
        return core::not_found("not_opened", "the bids of tender " + std::to_string(tender_id) +
                                                 " have not been opened");
    }
    // The salts are published from the opening on; they are the bids' own and never change.
    PROCURA_TRY_ASSIGN(auto bids, d_.bids.list_bids(tender_id, false));
    found->revealed = reveals_of(bids);
    return std::move(*found);
}

}  // namespace procura::bidding
