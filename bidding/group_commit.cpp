#include "bidding/group_commit.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <utility>

#include "bidding/rules.hpp"
#include "core/hash.hpp"

namespace procura::bidding {

GroupCommit::GroupCommit(GroupCommitDependencies dependencies, std::size_t bids_per_group_max,
                         const BidQuota& quota)
    : d_(std::move(dependencies)), bids_per_group_max_(bids_per_group_max), quota_(quota) {}

void GroupCommit::write(PendingBid& pending) {
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
        writing_ = true;
        const Bids group = take_group();
        lock.unlock();
        // Whatever happens in write_group, its requests are released and another may write
        // the next group.
        struct Release {
            GroupCommit& commit;
            std::unique_lock<std::mutex>& lock;
            const Bids& group;
            ~Release() {
                if (!lock.owns_lock()) lock.lock();
                // Notified under the lock: a woken request returns (and destroys its
                // PendingBid) only once the lock is released.
                for (PendingBid* p : group) {
                    if (!p->stored && !p->error && !p->existing) {
                        p->error = core::internal("bid_not_written", "the bid could not be stored");
                    }
                    p->done = true;
                    p->wake.notify_one();
                }
                commit.writing_ = false;
                if (!commit.queue_.empty()) commit.queue_.front()->wake.notify_one();
            }
        } release{*this, lock, group};
        try {
            write_group(group);
        } catch (const std::exception& e) {
            // Never out of here with this request's entry possibly still queued: the group's
            // bids get "bid_not_written" (Release) and the loop goes on.
            spdlog::error("bidding: writing a group of {} bids failed: {}", group.size(), e.what());
        } catch (...) {
            spdlog::error("bidding: writing a group of {} bids failed", group.size());
        }
    }
}

GroupCommit::Bids GroupCommit::take_group() {
    // Every bid queued by now, in order, but no two that clash (rules::clash_in_group); the
    // others stay queued, in order, for the next group. Room for the whole group is made
    // before anything is taken from the queue, so that no allocation fails between the two.
    Bids group;
    Bids later;
    group.reserve(std::min(queue_.size(), bids_per_group_max_));
    later.reserve(queue_.size());
    while (!queue_.empty() && group.size() < bids_per_group_max_) {
        PendingBid* next = queue_.front();
        queue_.pop_front();
        const bool clash = std::any_of(group.begin(), group.end(), [&](PendingBid* p) {
            return rules::clash_in_group(p->write.bid, next->write.bid);
        });
        (clash ? later : group).push_back(next);
    }
    queue_.insert(queue_.begin(), later.begin(), later.end());
    return group;
}

void GroupCommit::write_group(const Bids& all) {
    const Bids signed_in = confirm_sessions(all);
    const Bids signed_validly = check_revocations(signed_in);
    const Bids current = refresh_terms(signed_validly);
    const Bids fresh = answer_resends(current);
    const Bids within_versions = check_versions(fresh);
    const Bids within_storage = check_storage(within_versions);
    const Bids holding = hold_deposits(within_storage);
    std::vector<money::Transfer> releases = store_bids(holding);
    if (!releases.empty()) {
        // While more bids wait, the releases go with their group's deposits (one ledger
        // transaction less per group); the last group of a burst writes its own.
        bool more_waiting = false;
        {
            std::lock_guard lock(queue_mutex_);
            more_waiting = !queue_.empty();
        }
        d_.security.release(std::move(releases), more_waiting);
    }
    const std::optional<ledger::SignedTreeHead> head = d_.head.recent();
    for (PendingBid* p : all) p->head = head;
}

// Stage 1. A bid submitted with its session's hash is stored only if that session is still
// valid now (not logged out, expired or deactivated since the request was authenticated from a
// recent check), and still names the bid's supplier. Fails closed.
GroupCommit::Bids GroupCommit::confirm_sessions(const Bids& bids) {
    std::vector<std::string> hashes;
    for (PendingBid* p : bids) {
        if (core::is_sha256_hex(p->session_hash)) hashes.push_back(p->session_hash);
    }
    core::Result<std::map<std::string, core::Caller>> sessions =
        std::map<std::string, core::Caller>{};
    if (!hashes.empty() && d_.confirm_sessions) sessions = d_.confirm_sessions(hashes);
    Bids out;
    for (PendingBid* p : bids) {
        if (p->session_hash.empty()) {
            out.push_back(p);
            continue;
        }
        if (!d_.confirm_sessions || !core::is_sha256_hex(p->session_hash)) {
            p->error = core::internal("session_unconfirmed",
                                      "the session could not be confirmed; nothing was stored");
        } else if (!sessions) {
            p->error = sessions.error();
        } else if (const auto found = sessions->find(p->session_hash); found == sessions->end()) {
            p->error = core::unauthenticated(
                "invalid_token",
                "the session ended before the bid could be stored; nothing was "
                "stored");
        } else if (found->second.user_id != p->write.bid.supplier_id ||
                   found->second.role != core::Role::supplier) {
            p->error = core::forbidden("forbidden", "only suppliers submit bids");
        } else {
            out.push_back(p);
        }
    }
    return out;
}

// Stage 2. One read of the signers' certificates for the group: a bid whose signer's
// certificate was revoked at or before its receipt time is refused, resends included, as the
// signature check would refuse it.
GroupCommit::Bids GroupCommit::check_revocations(const Bids& bids) {
    std::vector<std::string> serials;
    for (PendingBid* p : bids) serials.push_back(p->signer_serial_hex);
    std::sort(serials.begin(), serials.end());
    serials.erase(std::unique(serials.begin(), serials.end()), serials.end());
    auto certificates = d_.certificates.find_many(serials);
    Bids out;
    for (PendingBid* p : bids) {
        if (!certificates) {
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
        out.push_back(p);
    }
    return out;
}

// Stage 3. Every bid, resends included, is judged on its tender's current terms at its
// receipt time: the cached terms it was checked against may be behind (an amendment or a
// cancellation, here or through another server). One read of the versions for the group.
GroupCommit::Bids GroupCommit::refresh_terms(const Bids& bids) {
    if (bids.empty()) return {};
    std::vector<std::int64_t> tender_ids;
    for (PendingBid* p : bids) tender_ids.push_back(p->write.bid.tender_id);
    std::sort(tender_ids.begin(), tender_ids.end());
    tender_ids.erase(std::unique(tender_ids.begin(), tender_ids.end()), tender_ids.end());
    auto versions = d_.tenders.find_versions(tender_ids);
    Bids out;
    for (PendingBid* p : bids) {
        if (!versions) {
            p->error = versions.error();
            continue;
        }
        const auto version = versions->find(p->write.bid.tender_id);
        if (version == versions->end() || version->second != p->tender->version) {
            auto terms = d_.terms.published_terms(p->write.bid.tender_id, true);
            if (!terms) {
                p->error = terms.error();
                continue;
            }
            if (auto refused =
                    rules::refuse_bid(**terms, p->write.bid.lot_id, p->write.bid.received_at_ms)) {
                p->error = std::move(*refused);
                continue;
            }
            p->tender = *terms;
            p->write.tender_version = (*terms)->version;
        }
        out.push_back(p);
    }
    return out;
}

// Stage 4. The bodies stored already, in one read: a resend is answered with the stored bid's
// receipt (the submitting request checks whose it is), and nothing of it is written.
GroupCommit::Bids GroupCommit::answer_resends(const Bids& bids) {
    if (bids.empty()) return {};
    std::vector<BidHash> hashes;
    for (PendingBid* p : bids) hashes.push_back({p->write.bid.tender_id, p->write.bid.sha256_hex});
    auto stored = d_.bids.find_bids_by_hashes(hashes);
    Bids out;
    for (PendingBid* p : bids) {
        if (!stored) {
            p->error = stored.error();
            continue;
        }
        const auto same = std::find_if(stored->begin(), stored->end(), [&](const Bid& b) {
            return b.tender_id == p->write.bid.tender_id && b.sha256_hex == p->write.bid.sha256_hex;
        });
        if (same != stored->end()) {
            p->existing = *same;
        } else {
            out.push_back(p);
        }
    }
    return out;
}

// Stage 5. A bid that would exceed versions_max is refused before anything of it is written
// (its deposit included), with one read for the group; the group's transaction checks again
// under the row locks, for a version sent meanwhile through another server.
GroupCommit::Bids GroupCommit::check_versions(const Bids& bids) {
    if (bids.empty()) return {};
    std::vector<BidKey> keys;
    for (PendingBid* p : bids) {
        keys.push_back({p->write.bid.tender_id, p->write.bid.supplier_id, p->write.bid.lot_id});
    }
    auto active = d_.bids.find_active_bids(keys);
    Bids out;
    for (PendingBid* p : bids) {
        const Bid& b = p->write.bid;
        if (!active) {
            p->error = active.error();
            continue;
        }
        const bool full = std::any_of(active->begin(), active->end(), [&](const Bid& a) {
            return a.tender_id == b.tender_id && a.supplier_id == b.supplier_id &&
                   a.lot_id == b.lot_id && a.version >= quota_.versions_max;
        });
        if (full) {
            p->error = rules::too_many_versions(quota_.versions_max);
            continue;
        }
        out.push_back(p);
    }
    return out;
}

// Stage 6. A bid that would make its supplier's active bodies on its tender exceed
// supplier_bytes_max (with it in place of the bid it replaces, and the group's earlier bids of
// the supplier in place of theirs) is refused before its deposit is held, so that it leaves no
// ledger row; one read for the group. The group's transaction counts again (bidding/store.hpp):
// a bid sent meanwhile through another server can still be refused there, after its deposit,
// which is then released as for any bid not stored.
GroupCommit::Bids GroupCommit::check_storage(const Bids& bids) {
    if (bids.empty() || quota_.supplier_bytes_max == std::numeric_limits<std::int64_t>::max()) {
        return bids;
    }
    std::vector<BidKey> suppliers;
    for (PendingBid* p : bids) {
        suppliers.push_back({p->write.bid.tender_id, p->write.bid.supplier_id, 0});
    }
    auto active = d_.bids.find_active_body_bytes(suppliers);
    // (tender, supplier) -> lot -> bytes of its active body, the group's accepted bids included.
    std::map<std::pair<std::int64_t, core::UserId>, std::map<std::int64_t, std::int64_t>> bytes;
    if (active) {
        for (const ActiveBodyBytes& a : *active) {
            bytes[{a.key.tender_id, a.key.supplier_id}][a.key.lot_id] = a.body_bytes;
        }
    }
    Bids out;
    for (PendingBid* p : bids) {
        const Bid& b = p->write.bid;
        if (!active) {
            p->error = active.error();
            continue;
        }
        std::map<std::int64_t, std::int64_t> lots = bytes[{b.tender_id, b.supplier_id}];
        lots[b.lot_id] = static_cast<std::int64_t>(b.body.size());
        std::int64_t total = 0;
        for (const auto& [lot, size] : lots) total += size;
        if (total > quota_.supplier_bytes_max) {
            p->error = supplier_storage_full(quota_.supplier_bytes_max);
            continue;
        }
        bytes[{b.tender_id, b.supplier_id}] = std::move(lots);
        out.push_back(p);
    }
    return out;
}

// Stage 7. The group's deposits in one ledger batch; a bid whose deposit is not held goes no
// further.
GroupCommit::Bids GroupCommit::hold_deposits(const Bids& bids) {
    std::vector<DepositRequest> requests;
    requests.reserve(bids.size());
    for (PendingBid* p : bids) {
        requests.push_back({p->tender.get(), p->write.bid.supplier_id, p->write.bid.sha256_hex});
    }
    const std::vector<DepositHeld> held = d_.security.hold(requests);
    Bids out;
    for (std::size_t i = 0; i < bids.size(); ++i) {
        bids[i]->deposit_created = held[i].created;
        if (held[i].error) {
            bids[i]->error = *held[i].error;
        } else {
            out.push_back(bids[i]);
        }
    }
    return out;
}

// Stage 8. The bids and their audit events in one transaction. If it fails as a whole (for
// example a body stored meanwhile by another server), each bid is written alone, so that each
// gets its own outcome.
std::vector<money::Transfer> GroupCommit::store_bids(const Bids& bids) {
    std::vector<money::Transfer> releases;
    if (bids.empty()) return releases;
    std::vector<BidWrite> writes;
    writes.reserve(bids.size());
    for (PendingBid* p : bids) writes.push_back(p->write);
    auto written = d_.bids.insert_bids(std::move(writes), quota_);
    if (written) {
        for (std::size_t i = 0; i < bids.size(); ++i) {
            settle(*bids[i], std::move((*written)[i]), releases);
        }
        return releases;
    }
    for (PendingBid* p : bids) {
        auto alone =
            bids.size() == 1 ? std::move(written) : d_.bids.insert_bids({p->write}, quota_);
        if (alone) {
            settle(*p, std::move(alone->front()), releases);
            continue;
        }
        p->error = alone.error();
        // A duplicate's deposit is the stored winner's: it stays held.
        if (alone.error().code != "duplicate_bid") release_own(*p, releases);
    }
    return releases;
}

void GroupCommit::settle(PendingBid& p, BidWritten written,
                         std::vector<money::Transfer>& releases) {
    if (written.error && written.error->code == "tender_amended") {
        // An amendment committed after the group read the tender's version. A resend of the
        // same body is stored if the deposit it made still fits: it is kept for it then
        // (settlement refunds it if none comes). Otherwise it is released, and the bid must be
        // sealed anew (its deposit id is its body's).
        auto terms = d_.terms.published_terms(p.write.bid.tender_id, true);
        if (terms && (*terms)->bid_security_minor == p.tender->bid_security_minor &&
            (*terms)->currency == p.tender->currency) {
            p.error = std::move(*written.error);
            return;
        }
        p.error = core::conflict("tender_amended",
                                 "the tender's terms changed while the bid was being stored; "
                                 "nothing was stored: seal the document again",
                                 "bid");
        release_own(p, releases);
        return;
    }
    if (written.error) {
        p.error = std::move(*written.error);
        release_own(p, releases);
        return;
    }
    p.stored = std::move(written.stored);
    if (written.replaced_sha256) {
        if (auto release = d_.security.release_of(*p.tender, *written.replaced_sha256)) {
            releases.push_back(std::move(*release));
        }
    }
}

void GroupCommit::release_own(const PendingBid& p, std::vector<money::Transfer>& releases) {
    if (!p.deposit_created) return;
    auto stored = d_.bids.find_bid_by_hash(p.write.bid.tender_id, p.write.bid.sha256_hex);
    if (!stored || *stored) return;  // unknown or stored: keep it (settlement sweeps orphans)
    if (auto release = d_.security.release_of(*p.tender, p.write.bid.sha256_hex)) {
        releases.push_back(std::move(*release));
    }
}

}  // namespace procura::bidding
