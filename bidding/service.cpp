#include "bidding/service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "bidding/opening.hpp"
#include "core/hash.hpp"
#include "core/json_text.hpp"
#include "signing/envelope.hpp"
#include "signing/opening_key.hpp"
#include "tender/rules.hpp"

namespace procura::bidding {
namespace {
using tender::TenderStatus;

bool is_member(const tender::Tender& t, core::UserId user) {
    return std::find(t.committee.begin(), t.committee.end(), user) != t.committee.end();
}

}  // namespace

std::string_view to_string(BidState state) {
    switch (state) {
        case BidState::active:
            return "active";
        case BidState::replaced:
            return "replaced";
        case BidState::withdrawn:
            return "withdrawn";
    }
    return "active";
}

BiddingService::BiddingService(BiddingDependencies dependencies, BiddingLimits limits)
    : d_(dependencies), limits_(limits) {}

core::Result<tender::Tender> BiddingService::published_tender(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto terms, published_terms(tender_id, true));
    return *terms;
}

core::Result<std::shared_ptr<const tender::Tender>> BiddingService::published_terms(
    std::int64_t tender_id, bool check_version) {
    const auto not_found = [&] {
        return core::not_found("tender_not_found",
                               "no published tender " + std::to_string(tender_id));
    };
    if (!check_version) {
        std::lock_guard lock(tenders_mutex_);
        const auto cached = tenders_.find(tender_id);
        if (cached != tenders_.end()) return cached->second;
    }
    PROCURA_TRY_ASSIGN(auto version, d_.tenders.find_version(tender_id));
    if (!version) return not_found();
    {
        std::lock_guard lock(tenders_mutex_);
        const auto cached = tenders_.find(tender_id);
        if (cached != tenders_.end() && cached->second->version == *version) {
            return cached->second;
        }
    }
    PROCURA_TRY_ASSIGN(auto found, d_.tenders.find(tender_id));
    if (!found || found->state == tender::TenderState::draft) return not_found();
    // Only the terms are kept: questions and documents change without a new version, and
    // nothing here reads them.
    tender::Tender terms = std::move(*found);
    terms.documents.clear();
    terms.amendments.clear();
    terms.questions.clear();
    auto shared = std::make_shared<const tender::Tender>(std::move(terms));
    std::lock_guard lock(tenders_mutex_);
    if (tenders_.size() >= limits_.tenders_cached_max) tenders_.clear();
    tenders_[tender_id] = shared;
    return shared;
}

std::optional<core::Error> BiddingService::refuses_bid(const tender::Tender& t, std::int64_t lot_id,
                                                       std::int64_t now) const {
    switch (tender::rules::status_at(t, now)) {
        case TenderStatus::active_tendering:
            break;
        case TenderStatus::cancelled:
            return core::conflict("tender_cancelled", "the tender is cancelled");
        case TenderStatus::closed:
            return core::conflict("submission_closed", "the submission deadline has passed");
        default:
            return core::conflict("tendering_not_open",
                                  "bids are received only in the tendering period");
    }
    if (std::none_of(t.lots.begin(), t.lots.end(),
                     [&](const tender::Lot& lot) { return lot.number == lot_id; })) {
        return core::unprocessable("unknown_lot", "the tender has no lot " + std::to_string(lot_id),
                                   "lot_id");
    }
    return std::nullopt;
}

core::Result<std::optional<std::string>> BiddingService::active_certificate_pem(core::UserId user) {
    PROCURA_TRY_ASSIGN(auto listed, d_.certificates.list_for_user(user));
    const std::int64_t now = d_.clock.now_ms();
    for (const pki::UserCertificate& c : listed) {
        if (pki::status_at(c, now) == pki::CertificateStatus::active) {
            return std::optional<std::string>{c.pem};
        }
    }
    return std::optional<std::string>{};
}

bool BiddingService::revoked_at(const std::string& serial_hex, std::int64_t at_ms) {
    auto found = d_.certificates.find(serial_hex);
    // Fail closed: a store that cannot answer counts as revoked.
    if (!found) return true;
    return *found && (*found)->revocation && (*found)->revocation->at_ms <= at_ms;
}

core::Status BiddingService::check_committee_ready(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto found, d_.tenders.find(tender_id));
    if (!found) {
        return core::not_found("tender_not_found", "no tender " + std::to_string(tender_id));
    }
    for (core::UserId member : found->committee) {
        PROCURA_TRY_ASSIGN(auto pem, active_certificate_pem(member));
        if (!pem) {
            return core::unprocessable(
                "member_without_certificate",
                "committee member " + std::to_string(member) +
                    " has no active certificate to receive an opening-key share; "
                    "they register one with POST /api/v1/certificates",
                "committee");
        }
    }
    return {};
}

core::Result<OpeningKeyRecord> BiddingService::ensure_opening_key(const tender::Tender& t) {
    PROCURA_TRY_ASSIGN(auto existing, d_.bids.find_opening_key(t.id));
    if (existing) return std::move(*existing);

    std::vector<signing::Certificate> certificates;
    certificates.reserve(t.committee.size());
    for (core::UserId member : t.committee) {
        PROCURA_TRY_ASSIGN(auto pem, active_certificate_pem(member));
        if (!pem) {
            return core::unprocessable(
                "member_without_certificate",
                "committee member " + std::to_string(member) + " has no active certificate",
                "committee");
        }
        PROCURA_TRY_ASSIGN(auto cert, signing::Certificate::from_pem(*pem));
        certificates.push_back(std::move(cert));
    }
    std::vector<signing::CommitteeMember> committee;
    for (std::size_t i = 0; i < t.committee.size(); ++i) {
        committee.push_back({t.committee[i], &certificates[i]});
    }
    const std::int64_t now = d_.clock.now_ms();
    const std::int64_t until =
        std::max(now, t.opening_time_ms.value_or(now)) + limits_.opening_certificate_extra_ms;
    PROCURA_TRY_ASSIGN(auto key, signing::create_opening_key(
                                     t.id, committee, static_cast<std::uint8_t>(t.threshold_k),
                                     d_.ca, d_.ca_key, {now - 60'000, until}));
    OpeningKeyRecord record{t.id, key.certificate.to_pem(), static_cast<int>(key.threshold),
                            key.shares, now};
    const nlohmann::json payload = {{"threshold", record.threshold},
                                    {"members", t.committee},
                                    {"certificate_serial", key.certificate.serial_hex()}};
    return d_.bids.insert_opening_key(
        record, core::AuditEvent{now, 0, "tender.opening_key_created", "tender", t.id, t.version,
                                 core::compact_json(payload)});
}

core::Result<std::shared_ptr<const signing::Certificate>>
BiddingService::cached_opening_certificate(const tender::Tender& t) {
    {
        std::lock_guard lock(certificates_mutex_);
        const auto it = opening_certificates_.find(t.id);
        if (it != opening_certificates_.end()) return it->second;
    }
    PROCURA_TRY_ASSIGN(auto key, ensure_opening_key(t));
    PROCURA_TRY_ASSIGN(auto certificate, signing::Certificate::from_pem(key.certificate_pem));
    auto shared = std::make_shared<const signing::Certificate>(std::move(certificate));
    std::lock_guard lock(certificates_mutex_);
    return opening_certificates_.emplace(t.id, std::move(shared)).first->second;
}

core::Result<std::string> BiddingService::opening_certificate(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    PROCURA_TRY_ASSIGN(auto key, ensure_opening_key(t));
    return key.certificate_pem;
}

namespace {

constexpr std::int32_t bid_security_code = 1;

std::string security_id(std::int64_t tender_id, const std::string& sha256_hex) {
    // Transfer ids are at most 64 characters: 128 bits of the bid's hash name it well enough.
    return "bs:" + std::to_string(tender_id) + ":" + sha256_hex.substr(0, 32);
}

// One transfer's outcome as a Status: created and exists are both success.
core::Status single_outcome(core::Result<std::vector<money::TransferResult>> results) {
    if (!results) return results.error();
    const money::TransferResult& r = results->front();
    if (r.status == money::TransferStatus::failed) {
        return r.error.value_or(
            core::internal("transfer_failed", "the ledger refused the bid security"));
    }
    return {};
}

}  // namespace

core::Result<std::int64_t> BiddingService::account_id(core::UserId actor,
                                                      const money::Account& spec) {
    const auto key = std::make_tuple(static_cast<int>(spec.owner), spec.owner_id, spec.currency,
                                     static_cast<int>(spec.kind));
    {
        std::lock_guard lock(accounts_mutex_);
        if (const auto it = accounts_.find(key); it != accounts_.end()) return it->second;
    }
    PROCURA_TRY_ASSIGN(auto account, d_.ledger->account_for(actor, spec));
    std::lock_guard lock(accounts_mutex_);
    if (accounts_.size() >= limits_.accounts_cached_max) accounts_.clear();
    accounts_[key] = account.id;
    return account.id;
}

money::Transfer BiddingService::security_deposit(const tender::Tender& t,
                                                 std::int64_t from_account_id,
                                                 std::int64_t to_account_id,
                                                 const std::string& sha256_hex) {
    money::Transfer deposit;
    deposit.id = security_id(t.id, sha256_hex);
    deposit.kind = money::TransferKind::pending;
    deposit.debit_account_id = from_account_id;
    deposit.credit_account_id = to_account_id;
    deposit.amount_minor = t.bid_security_minor;
    deposit.currency = t.currency;
    deposit.code = bid_security_code;
    deposit.reference = "bid security, tender " + std::to_string(t.id);
    deposit.batch_id = "tender-" + std::to_string(t.id);
    return deposit;
}

money::Transfer BiddingService::security_release(const tender::Tender& t,
                                                 const std::string& sha256_hex) {
    money::Transfer release;
    release.id = "bsv:" + std::to_string(t.id) + ":" + sha256_hex.substr(0, 32);
    release.kind = money::TransferKind::void_pending;
    release.pending_id = security_id(t.id, sha256_hex);
    release.code = bid_security_code;
    release.reference = "bid security released, tender " + std::to_string(t.id);
    release.batch_id = "tender-" + std::to_string(t.id);
    return release;
}

std::vector<std::optional<core::Error>> BiddingService::hold_securities(
    const std::vector<PendingBid*>& group) {
    std::vector<std::optional<core::Error>> errors(group.size());
    if (d_.ledger == nullptr) return errors;
    std::vector<money::Transfer> deposits;
    std::vector<std::size_t> owners;  // deposits[k] is the deposit of group[owners[k]]
    for (std::size_t i = 0; i < group.size(); ++i) {
        const tender::Tender& t = *group[i]->tender;
        if (t.bid_security_minor <= 0) continue;
        money::Account supplier_spec;
        supplier_spec.owner = money::OwnerKind::supplier;
        supplier_spec.owner_id = group[i]->write.bid.supplier_id;
        supplier_spec.currency = t.currency;
        supplier_spec.kind = money::AccountKind::bid_security;
        auto from = account_id(supplier_spec.owner_id, supplier_spec);
        if (!from) {
            errors[i] = from.error();
            continue;
        }
        money::Account escrow_spec;
        escrow_spec.owner = money::OwnerKind::tender_escrow;
        escrow_spec.owner_id = t.id;
        escrow_spec.currency = t.currency;
        escrow_spec.kind = money::AccountKind::escrow;
        auto to = account_id(supplier_spec.owner_id, escrow_spec);
        if (!to) {
            errors[i] = to.error();
            continue;
        }
        deposits.push_back(security_deposit(t, *from, *to, group[i]->write.bid.sha256_hex));
        deposits.back().actor = group[i]->write.bid.supplier_id;  // the supplier deposits
        owners.push_back(i);
    }
    // The releases left by the group before ride in the same ledger batch (see write_group).
    const std::size_t deposits_n = deposits.size();
    std::vector<money::Transfer> carried;
    carried.swap(releases_due_);
    deposits.insert(deposits.end(), carried.begin(), carried.end());
    if (deposits.empty()) return errors;
    // One ledger batch for the group. Its transfers are independent (not linked): each is
    // created, exists or fails on its own; a release that fails is best effort, as below. Each
    // deposit's audit event names its supplier; the releases are recorded by the platform
    // (actor 0).
    auto results = d_.ledger->create_transfers(0, deposits);
    if (!results) {
        // Nothing of the batch was written: the carried releases wait for the next one.
        releases_due_.insert(releases_due_.begin(), carried.begin(), carried.end());
    }
    for (std::size_t k = 0; k < deposits_n; ++k) {
        std::optional<core::Error>& error = errors[owners[k]];
        if (!results) {
            error = results.error();
            continue;
        }
        const money::TransferResult& r = (*results)[k];
        group[owners[k]]->deposit_created = r.status == money::TransferStatus::created;
        if (r.status == money::TransferStatus::failed) {
            error = r.error.value_or(
                core::internal("transfer_failed", "the ledger refused the bid security"));
        } else if (r.status == money::TransferStatus::exists) {
            // A resend: the deposit must still be held, not one voided after a failed attempt.
            auto held = d_.ledger->get_transfer(deposits[k].id);
            if (!held) {
                error = held.error();
            } else if (held->pending_state != money::PendingState::pending) {
                error = core::conflict("bid_security_released",
                                       "the bid security of this exact bid was released; seal the "
                                       "document again to submit it anew",
                                       "bid");
            }
        }
    }
    return errors;
}

core::Status BiddingService::release_security(const tender::Tender& t,
                                              const std::string& sha256_hex) {
    if (d_.ledger == nullptr || t.bid_security_minor <= 0) return {};
    return single_outcome(d_.ledger->create_transfers(0, {security_release(t, sha256_hex)}));
}

void BiddingService::write_in_group(PendingBid& pending) {
    std::unique_lock lock(queue_mutex_);
    queue_.push_back(&pending);
    while (!pending.done) {
        if (writing_) {
            // Woken when its group is written, or when it is first in the queue and the
            // writer has finished (it then writes the next group): one thread per wake-up,
            // not every waiting one.
            pending.wake.wait(lock);
            continue;
        }
        // This request writes the group: every bid queued by now, in order, at most one per
        // (tender, body), so that a racing resend is decided against the stored winner, and
        // one per (tender, supplier, lot), so that a replacement follows what it replaces.
        // The others stay queued, in order, for the next group.
        // Room for the whole group before anything is taken from the queue, so that no
        // allocation fails between the two.
        std::vector<PendingBid*> group;
        std::vector<PendingBid*> later;
        group.reserve(std::min(queue_.size(), limits_.bids_per_group_max));
        later.reserve(queue_.size());
        writing_ = true;
        while (!queue_.empty() && group.size() < limits_.bids_per_group_max) {
            PendingBid* next = queue_.front();
            queue_.pop_front();
            const Bid& b = next->write.bid;
            const bool clash = std::any_of(group.begin(), group.end(), [&](PendingBid* p) {
                const Bid& other = p->write.bid;
                return other.tender_id == b.tender_id &&
                       (other.sha256_hex == b.sha256_hex ||
                        (other.supplier_id == b.supplier_id && other.lot_id == b.lot_id));
            });
            if (clash) {
                later.push_back(next);
            } else {
                group.push_back(next);
            }
        }
        queue_.insert(queue_.begin(), later.begin(), later.end());
        lock.unlock();
        {
            // Whatever happens in write_group, its requests are released and another may
            // write the next group.
            struct Release {
                BiddingService& service;
                std::unique_lock<std::mutex>& lock;
                const std::vector<PendingBid*>& group;
                ~Release() {
                    if (!lock.owns_lock()) lock.lock();
                    // Notified under the lock: a woken request returns (and destroys its
                    // PendingBid) only once the lock is released.
                    for (PendingBid* p : group) {
                        if (!p->stored && !p->error && !p->existing) {
                            p->error =
                                core::internal("bid_not_written", "the bid could not be stored");
                        }
                        p->done = true;
                        p->wake.notify_one();
                    }
                    service.writing_ = false;
                    if (!service.queue_.empty()) service.queue_.front()->wake.notify_one();
                }
            } release{*this, lock, group};
            try {
                write_group(group);
            } catch (const std::exception& e) {
                // Never out of here with this request's entry possibly still queued: the group's
                // bids get "bid_not_written" (Release) and the loop goes on.
                spdlog::error("bidding: writing a group of {} bids failed: {}", group.size(),
                              e.what());
            } catch (...) {
                spdlog::error("bidding: writing a group of {} bids failed", group.size());
            }
        }
    }
}

void BiddingService::write_group(const std::vector<PendingBid*>& all) {
    // Reads for the whole group instead of one per bid: the signers' certificates (a bid whose
    // signer's certificate was revoked at or before its receipt time is refused, resends
    // included, as the signature check would), the current versions of the group's tenders,
    // then the bodies stored already (resends, answered with the stored receipt).
    // First the callers' sessions, for bids submitted with one: a session that ended (logout,
    // expiry, user deactivated) since the request was authenticated stores nothing.
    std::vector<PendingBid*> signed_in;
    {
        std::vector<std::string> hashes;
        for (PendingBid* p : all) {
            if (core::is_sha256_hex(p->session_hash)) hashes.push_back(p->session_hash);
        }
        core::Result<std::map<std::string, core::Caller>> sessions =
            std::map<std::string, core::Caller>{};
        if (!hashes.empty() && d_.confirm_sessions) sessions = d_.confirm_sessions(hashes);
        for (PendingBid* p : all) {
            if (!p->session_hash.empty()) {
                // Fail closed: a session that cannot be confirmed stores nothing.
                if (!d_.confirm_sessions || !core::is_sha256_hex(p->session_hash)) {
                    p->error =
                        core::internal("session_unconfirmed",
                                       "the session could not be confirmed; nothing was stored");
                    continue;
                }
                if (!sessions) {
                    p->error = sessions.error();
                    continue;
                }
                const auto found = sessions->find(p->session_hash);
                if (found == sessions->end()) {
                    p->error =
                        core::unauthenticated("invalid_token",
                                              "the session ended before the bid could be stored; "
                                              "nothing was stored");
                    continue;
                }
                if (found->second.user_id != p->write.bid.supplier_id ||
                    found->second.role != core::Role::supplier) {
                    p->error = core::forbidden("forbidden", "only suppliers submit bids");
                    continue;
                }
            }
            signed_in.push_back(p);
        }
    }
    std::vector<PendingBid*> signed_validly;
    {
        std::vector<std::string> serials;
        for (PendingBid* p : signed_in) serials.push_back(p->signer_serial_hex);
        std::sort(serials.begin(), serials.end());
        serials.erase(std::unique(serials.begin(), serials.end()), serials.end());
        auto certificates = d_.certificates.find_many(serials);
        for (PendingBid* p : signed_in) {
            if (!certificates) {
                // Fail closed: a store that cannot answer refuses the bid.
                p->error = certificates.error();
                continue;
            }
            const bool revoked = std::any_of(
                certificates->begin(), certificates->end(), [&](const pki::UserCertificate& c) {
                    return c.serial_hex == p->signer_serial_hex && c.revocation &&
                           c.revocation->at_ms <= p->write.bid.received_at_ms;
                });
            if (revoked) {
                p->error = core::unprocessable("certificate_revoked",
                                               "the signer's certificate was revoked", "signature");
                continue;
            }
            signed_validly.push_back(p);
        }
    }
    // Every bid, resends included, is judged on its tender's current terms at its receipt
    // time: the cached terms it was checked against may be behind (an amendment or a
    // cancellation, here or through another server).
    std::vector<PendingBid*> current;
    if (!signed_validly.empty()) {
        std::vector<std::int64_t> tender_ids;
        for (PendingBid* p : signed_validly) tender_ids.push_back(p->write.bid.tender_id);
        std::sort(tender_ids.begin(), tender_ids.end());
        tender_ids.erase(std::unique(tender_ids.begin(), tender_ids.end()), tender_ids.end());
        auto versions = d_.tenders.find_versions(tender_ids);
        for (PendingBid* p : signed_validly) {
            if (!versions) {
                p->error = versions.error();
                continue;
            }
            const auto version = versions->find(p->write.bid.tender_id);
            if (version == versions->end() || version->second != p->tender->version) {
                auto terms = published_terms(p->write.bid.tender_id, true);
                if (!terms) {
                    p->error = terms.error();
                    continue;
                }
                if (auto refused =
                        refuses_bid(**terms, p->write.bid.lot_id, p->write.bid.received_at_ms)) {
                    p->error = std::move(*refused);
                    continue;
                }
                p->tender = *terms;
                p->write.tender_version = (*terms)->version;
            }
            current.push_back(p);
        }
    }
    std::vector<PendingBid*> fresh;  // not resends
    if (!current.empty()) {
        std::vector<BidHash> hashes;
        for (PendingBid* p : current) {
            hashes.push_back({p->write.bid.tender_id, p->write.bid.sha256_hex});
        }
        auto stored = d_.bids.find_bids_by_hashes(hashes);
        for (PendingBid* p : current) {
            if (!stored) {
                p->error = stored.error();
                continue;
            }
            const auto same = std::find_if(stored->begin(), stored->end(), [&](const Bid& b) {
                return b.tender_id == p->write.bid.tender_id &&
                       b.sha256_hex == p->write.bid.sha256_hex;
            });
            if (same != stored->end()) {
                p->existing = *same;
            } else {
                fresh.push_back(p);
            }
        }
    }
    // A bid that would exceed versions_max is refused before anything of it is written (its
    // deposit included), with one read for the group; the group's transaction checks again
    // under the row locks, for a version sent meanwhile through another server.
    std::vector<PendingBid*> group;
    if (!fresh.empty()) {
        std::vector<BidKey> keys;
        for (PendingBid* p : fresh) {
            keys.push_back({p->write.bid.tender_id, p->write.bid.supplier_id, p->write.bid.lot_id});
        }
        auto active = d_.bids.find_active_bids(keys);
        for (PendingBid* p : fresh) {
            const Bid& b = p->write.bid;
            if (!active) {
                p->error = active.error();
                continue;
            }
            const bool full = std::any_of(active->begin(), active->end(), [&](const Bid& a) {
                return a.tender_id == b.tender_id && a.supplier_id == b.supplier_id &&
                       a.lot_id == b.lot_id && a.version >= limits_.versions_max;
            });
            if (full) {
                p->error =
                    core::conflict("too_many_versions",
                                   "a supplier may send at most " +
                                       std::to_string(limits_.versions_max) + " versions of a bid",
                                   "bid");
                continue;
            }
            group.push_back(p);
        }
    }
    const std::vector<std::optional<core::Error>> deposit_errors = hold_securities(group);
    std::vector<PendingBid*> holding;  // the bids whose deposit is held, in order
    for (std::size_t i = 0; i < group.size(); ++i) {
        if (deposit_errors[i]) {
            group[i]->error = *deposit_errors[i];
        } else {
            holding.push_back(group[i]);
        }
    }
    std::vector<money::Transfer> releases;
    const auto release = [&](const tender::Tender& t, const std::string& sha256_hex) {
        if (d_.ledger != nullptr && t.bid_security_minor > 0) {
            releases.push_back(security_release(t, sha256_hex));
        }
    };
    // The deposit of a bid that was not stored is released only if this request created it
    // and no bid with that body is stored: a resend of a body stored meanwhile (here or
    // through another server) shares the stored bid's deposit, which stays held.
    const auto release_own = [&](PendingBid& p) {
        if (!p.deposit_created) return;
        auto stored = d_.bids.find_bid_by_hash(p.write.bid.tender_id, p.write.bid.sha256_hex);
        if (!stored || *stored) return;  // unknown or stored: keep it (settlement sweeps orphans)
        release(*p.tender, p.write.bid.sha256_hex);
    };
    const auto settle = [&](PendingBid& p, BidWritten written) {
        if (written.error && written.error->code == "tender_amended") {
            // An amendment committed after the group read the tender's version. A resend of the
            // same body is stored if the deposit it made still fits: it is kept for it then
            // (settlement refunds it if none comes). Otherwise it is released, and the bid
            // must be sealed anew (its deposit id is its body's).
            auto terms = published_terms(p.write.bid.tender_id, true);
            if (terms && (*terms)->bid_security_minor == p.tender->bid_security_minor &&
                (*terms)->currency == p.tender->currency) {
                p.error = std::move(*written.error);
                return;
            }
            p.error = core::conflict("tender_amended",
                                     "the tender's terms changed while the bid was being stored; "
                                     "nothing was stored: seal the document again",
                                     "bid");
            release_own(p);
            return;
        }
        if (written.error) {
            p.error = std::move(*written.error);
            release_own(p);
            return;
        }
        p.stored = std::move(written.stored);
        if (written.replaced_sha256) release(*p.tender, *written.replaced_sha256);
    };
    if (!holding.empty()) {
        std::vector<BidWrite> writes;
        writes.reserve(holding.size());
        for (PendingBid* p : holding) writes.push_back(p->write);
        auto written = d_.bids.insert_bids(std::move(writes), limits_.versions_max);
        if (written) {
            for (std::size_t i = 0; i < holding.size(); ++i) {
                settle(*holding[i], std::move((*written)[i]));
            }
        } else {
            // The group failed as a whole (for example a body stored meanwhile by another
            // server): each bid is written alone, so that each gets its own outcome.
            for (PendingBid* p : holding) {
                auto alone = holding.size() == 1
                                 ? std::move(written)
                                 : d_.bids.insert_bids({p->write}, limits_.versions_max);
                if (alone) {
                    settle(*p, std::move(alone->front()));
                } else {
                    p->error = alone.error();
                    // A duplicate's deposit is the stored winner's: it stays held.
                    if (alone.error().code != "duplicate_bid") release_own(*p);
                }
            }
        }
    }
    if (!releases.empty()) {
        // Best effort: a release that fails leaves the deposit pending, which the settlement
        // of the tender releases with the others; the bids stand either way. While more bids
        // wait, the releases go with their group's deposits (one ledger transaction less per
        // group); the last group of a burst writes its own.
        bool more_waiting = false;
        {
            std::lock_guard lock(queue_mutex_);
            more_waiting = !queue_.empty();
        }
        if (more_waiting) {
            releases_due_.insert(releases_due_.end(), releases.begin(), releases.end());
        } else if (!d_.ledger->create_transfers(0, releases)) {
            // Nothing written (the database failed): the next group tries again; a release
            // never made is refunded by the settlement of the tender.
            releases_due_.insert(releases_due_.end(), releases.begin(), releases.end());
        }
    }
    const std::optional<ledger::SignedTreeHead> head = recent_head();
    for (PendingBid* p : all) p->head = head;
}

std::optional<ledger::SignedTreeHead> BiddingService::recent_head() {
    if (d_.log == nullptr) return std::nullopt;
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(head_mutex_);
        if (head_ &&
            now - head_read_at_ < std::chrono::milliseconds(limits_.receipt_head_reuse_ms)) {
            return head_;
        }
    }
    auto latest = d_.log->latest();
    if (!latest) return std::nullopt;
    std::lock_guard lock(head_mutex_);
    // Two readers may race: the older head never replaces a newer one, so receipts' heads
    // never go back.
    if (!head_ || latest->tree_size >= head_->tree_size) {
        head_ = *latest;
        head_read_at_ = now;
    }
    return head_;
}

core::Result<BidReceipt> BiddingService::submit(const core::Caller& caller, std::int64_t tender_id,
                                                std::int64_t lot_id, std::string_view body,
                                                const std::string& session_hash) {
    if (caller.role != core::Role::supplier)
        return core::forbidden("forbidden", "only suppliers submit bids");
    // The cached terms, without a database read: the bid's group reads the versions of its
    // tenders once for all its bids and checks again any bid whose tender changed meanwhile;
    // the group's transaction then compares the version under the tender's row lock.
    // A refusal is decided on the current terms only: the cached ones may be behind (a deadline
    // extended, a lot added).
    auto terms = published_terms(tender_id, false);
    if (!terms) return terms.error();
    const std::int64_t now = d_.clock.now_ms();
    if (refuses_bid(**terms, lot_id, now)) {
        terms = published_terms(tender_id, true);
        if (!terms) return terms.error();
        if (auto refused = refuses_bid(**terms, lot_id, now)) return *refused;
    }
    std::shared_ptr<const tender::Tender> t = *terms;
    if (body.size() > limits_.bid_bytes_max) {
        return core::payload_too_large(
            "bid_too_large", "a bid is at most " + std::to_string(limits_.bid_bytes_max) + " bytes",
            "bid");
    }
    if (body.empty()) {
        return core::bad_request("bid_required", "the body is the DER CMS SignedData of the bid",
                                 "bid");
    }

    signing::VerifyOptions options;
    options.at_ms = now;
    options.expected_user = caller.user_id;
    // Revocation is checked by the bid's group, for all its signers in one read, against the
    // receipt time (write_group).
    options.find_certificate = [this](const std::string& serial) -> std::optional<std::string> {
        auto found = d_.certificates.find(serial);
        if (!found || !*found) return std::nullopt;
        return (*found)->pem;
    };
    options.content_bytes_max = limits_.bid_bytes_max;
    options.signature_bytes_max = limits_.bid_bytes_max;
    // Read here (a database read on first use), off the crypto pool; its error, if any, comes
    // after the signature's, as the envelope check that needs it does.
    auto opening_cert = cached_opening_certificate(*t);
    // The signature, the envelope, and the time stamp of the body's hash (the receipt time):
    // on the crypto pool if there is one.
    const core::Sha256 digest = core::sha256(body);
    std::optional<core::Result<signing::VerifiedSignature>> verify_result;
    std::optional<core::Result<signing::StampedToken>> stamp_result;
    const auto check_and_stamp = [&] {
        verify_result.emplace(d_.verifier.verify(body, std::nullopt, options));
        if (!*verify_result) return;
        if (!opening_cert) {
            verify_result.emplace(opening_cert.error());
            return;
        }
        if (auto sealed = signing::check_envelope((*verify_result)->content, **opening_cert,
                                                  limits_.bid_bytes_max);
            !sealed) {
            verify_result.emplace(sealed.error());
            return;
        }
        stamp_result.emplace(d_.tsa.stamp(digest));
    };
    if (d_.crypto != nullptr) {
        d_.crypto->run(check_and_stamp);
    } else {
        check_and_stamp();
    }
    core::Result<signing::VerifiedSignature>& verified = *verify_result;
    if (!verified) return verified.error();
    core::Result<signing::StampedToken>& stamped = *stamp_result;
    if (!stamped) return stamped.error();
    const std::string hash_hex = core::to_hex(digest);
    // head: the log's latest head if it was read already (by the bid's group).
    const auto receipt_of = [&](const Bid& b, bool repeated,
                                std::optional<ledger::SignedTreeHead> head) {
        BidReceipt r{b.id,         b.version,         b.lot_id,      b.received_at_ms,
                     b.sha256_hex, b.timestamp_token, b.log_seq - 1, std::move(head),
                     repeated};
        if (!r.sth) r.sth = recent_head();
        return r;
    };
    // A resend of a stored body is recognised by the bid's group (one read for the group):
    // it gets the stored bid's receipt, and the fresh time stamp below is dropped.
    const auto resent = [&](const Bid& existing) -> core::Result<BidReceipt> {
        // Only the signer can send a body whose signature names them, so this is a resend.
        if (existing.supplier_id != caller.user_id) {
            return core::conflict(
                "bid_replayed", "this exact bid was already received from another supplier", "bid");
        }
        if (existing.state != BidState::active) {
            // Its receipt would suggest the bid is live again; it is not.
            return core::conflict("bid_not_active",
                                  "this exact bid was " + std::string(to_string(existing.state)) +
                                      "; seal the document again to submit it anew",
                                  "bid");
        }
        return receipt_of(existing, true, std::nullopt);
    };

    // The token's time is the receipt time: the deadline is checked against it, so that the
    // receipt and the platform's decision can never disagree (a large bid may take a while to
    // verify after it arrived).
    if (stamped->time_ms >= t->submission_deadline_ms.value_or(0)) {
        // Refused on the current deadline only: the cached one may have been extended.
        PROCURA_TRY_ASSIGN(auto current, published_terms(tender_id, true));
        if (stamped->time_ms >= current->submission_deadline_ms.value_or(0)) {
            return core::conflict("submission_closed",
                                  "the submission deadline passed while the bid was being checked");
        }
        t = current;
    }
    PendingBid pending;
    pending.session_hash = session_hash;
    // As stored, for the group's revocation check; anything else is no certificate of ours.
    auto serial = pki::normalise_serial(verified->signer_serial_hex);
    if (!serial) {
        return core::unprocessable("untrusted_certificate",
                                   "the signer's certificate has no usable serial number",
                                   "signature");
    }
    pending.signer_serial_hex = std::move(*serial);
    pending.tender = t;
    pending.write.tender_version = t->version;
    Bid& bid = pending.write.bid;
    bid.tender_id = tender_id;
    bid.supplier_id = caller.user_id;
    bid.lot_id = lot_id;
    bid.body = std::string(body);
    bid.sha256_hex = hash_hex;
    bid.received_at_ms = stamped->time_ms;
    bid.timestamp_token = std::move(stamped->token);
    const nlohmann::json payload = {{"tender_id", tender_id},
                                    {"supplier_id", caller.user_id},
                                    {"lot_id", lot_id},
                                    {"sha256", hash_hex},
                                    {"received_at_ms", stamped->time_ms}};
    pending.write.audit = core::AuditEvent{
        now, caller.user_id, "bid.received", "bid", 0, 1, core::compact_json(payload)};
    write_in_group(pending);
    if (pending.existing) return resent(*pending.existing);
    if (pending.error) {
        if (pending.error->code == "duplicate_bid") {
            // A racing resend of the same body: answer with the receipt that won.
            auto winner = d_.bids.find_bid_by_hash(tender_id, hash_hex);
            if (winner && *winner) return resent(**winner);
        }
        return *pending.error;
    }
    return receipt_of(*pending.stored, false, std::move(pending.head));
}

core::Status BiddingService::withdraw(const core::Caller& caller, std::int64_t tender_id,
                                      std::int64_t bid_id) {
    PROCURA_TRY_ASSIGN(auto found, d_.bids.find_bid(bid_id));
    if (!found || found->tender_id != tender_id || found->supplier_id != caller.user_id) {
        // Other suppliers' bids are not even confirmed to exist.
        return core::not_found("bid_not_found", "no such bid of yours");
    }
    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    const std::int64_t now = d_.clock.now_ms();
    if (tender::rules::status_at(t, now) != TenderStatus::active_tendering) {
        return core::conflict("submission_closed",
                              "bids can be withdrawn only before the submission deadline");
    }
    const nlohmann::json payload = {{"tender_id", tender_id},
                                    {"supplier_id", caller.user_id},
                                    {"lot_id", found->lot_id},
                                    {"sha256", found->sha256_hex}};
    PROCURA_TRY(
        d_.bids.withdraw_bid(bid_id, now,
                             core::AuditEvent{now, caller.user_id, "bid.withdrawn", "bid", bid_id,
                                              found->version, core::compact_json(payload)}));
    // The withdrawal stands even if the deposit cannot be released now (for example a tender
    // whose bid security was amended after this bid): settlement releases what is left.
    (void)release_security(t, found->sha256_hex);
    return {};
}

core::Result<std::vector<BidSummary>> BiddingService::list(const core::Caller& caller,
                                                           std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    const bool sees_all = caller.role == core::Role::officer ||
                          caller.role == core::Role::auditor || caller.role == core::Role::admin;
    if (!sees_all && caller.role != core::Role::supplier) {
        return core::forbidden("forbidden",
                               "bids are listed to their suppliers, officers and auditors");
    }
    PROCURA_TRY_ASSIGN(auto bids, d_.bids.list_bids(tender_id, false));
    std::vector<BidSummary> out;
    for (const Bid& b : bids) {
        if (!sees_all && b.supplier_id != caller.user_id) continue;
        out.push_back(
            {b.id, b.supplier_id, b.lot_id, b.version, b.state, b.received_at_ms, b.sha256_hex});
    }
    return out;
}

core::Result<std::string> BiddingService::my_share(const core::Caller& caller,
                                                   std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    if (!is_member(t, caller.user_id)) {
        return core::forbidden("forbidden", "only members of the opening committee hold shares");
    }
    if (t.state == tender::TenderState::cancelled) {
        return core::conflict("tender_cancelled",
                              "the tender is cancelled: its bids are never opened");
    }
    if (d_.clock.now_ms() < t.opening_time_ms.value_or(0)) {
        return core::conflict("opening_not_yet", "shares are handed out from the opening time on");
    }
    PROCURA_TRY_ASSIGN(auto key, ensure_opening_key(t));
    for (const signing::SealedShare& share : key.shares) {
        if (share.member == caller.user_id) return share.envelope_der;
    }
    return core::not_found("share_not_found", "no share for this member");
}

core::Result<ShareOutcome> BiddingService::submit_share(const core::Caller& caller,
                                                        std::int64_t tender_id, std::string share) {
    // Whatever happens below, the caller's copy of the share does not outlive this call.
    struct Wipe {
        std::string& secret;
        ~Wipe() { core::secure_wipe(secret); }
    } wipe{share};

    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    if (!is_member(t, caller.user_id)) {
        return core::forbidden("forbidden", "only members of the opening committee submit shares");
    }
    if (t.state == tender::TenderState::cancelled) {
        return core::conflict("tender_cancelled",
                              "the tender is cancelled: its bids are never opened");
    }
    if (d_.clock.now_ms() < t.opening_time_ms.value_or(0)) {
        return core::conflict("opening_not_yet",
                              "shares are accepted from the opening time on; nothing was stored");
    }
    // A bid stamped just before the deadline may still be committing: when the opening time
    // equals the deadline, the opening waits a moment more so that every accepted bid is in.
    if (d_.clock.now_ms() < t.submission_deadline_ms.value_or(0) + limits_.settle_ms) {
        return core::conflict("opening_not_yet",
                              "the last bids are still being stored; hand the share in again in a "
                              "few seconds (nothing was stored)");
    }
    PROCURA_TRY_ASSIGN(auto opened, d_.bids.find_opening(tender_id));
    if (opened) {
        return core::conflict("already_opened", "the bids are already opened");
    }
    if (share.empty() || share.size() > 4096) {
        return core::unprocessable("bad_share", "not an opening-key share", "share");
    }
    PROCURA_TRY_ASSIGN(auto key, ensure_opening_key(t));
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

core::Result<ShareOutcome> BiddingService::open_tender(const tender::Tender& t,
                                                       const signing::PrivateKey& key,
                                                       const signing::Certificate& certificate) {
    PROCURA_TRY_ASSIGN(auto all, d_.bids.list_bids(t.id, true));
    // The latest version of every bid that was not withdrawn or replaced.
    std::vector<SealedBid> sealed;
    std::vector<const Bid*> sources;
    for (const Bid& b : all) {
        if (b.state != BidState::active) continue;
        sealed.push_back({b.id, b.tender_id, b.lot_id, b.supplier_id, b.received_at_ms, b.body});
        sources.push_back(&b);
    }
    OpeningInputs inputs{
        key, certificate, d_.verifier,
        [this](const std::string& serial, std::int64_t at) { return revoked_at(serial, at); },
        limits_.bid_bytes_max};
    std::vector<OpenedBid> opened = open_bids(sealed, inputs, 0);

    const std::int64_t now = d_.clock.now_ms();
    OpeningRecord record;
    record.tender_id = t.id;
    record.opened_at_ms = now;
    std::vector<core::AuditEvent> audit;
    for (std::size_t i = 0; i < opened.size(); ++i) {
        const Bid& b = *sources[i];
        const OpenedBid& o = opened[i];
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
            r.document_json = o.document->raw_json;
        }
        nlohmann::json payload = {{"tender_id", t.id},
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
        audit.push_back(core::AuditEvent{now, 0, "bid.opened", "bid", b.id, b.version,
                                         core::compact_json(payload)});
        record.bids.push_back(std::move(r));
    }
    audit.push_back(core::AuditEvent{
        now, 0, "tender.opened", "tender", t.id, t.version,
        core::compact_json(
            {{"bids", record.bids.size()},
             {"valid", std::count_if(record.bids.begin(), record.bids.end(),
                                     [](const OpenedBidRecord& r) { return r.valid; })}})});
    PROCURA_TRY(d_.bids.insert_opening(record, audit));
    return ShareOutcome{static_cast<int>(t.threshold_k), static_cast<int>(t.threshold_k), true};
}

core::Result<std::optional<std::int64_t>> BiddingService::opened_at(std::int64_t tender_id) {
    return d_.bids.find_opened_at(tender_id);
}

core::Result<OpeningRecord> BiddingService::opening(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto found, d_.bids.find_opening(tender_id));
    if (!found) {
        return core::not_found("not_opened", "the bids of tender " + std::to_string(tender_id) +
                                                 " have not been opened");
    }
    return std::move(*found);
}

}  // namespace procura::bidding
