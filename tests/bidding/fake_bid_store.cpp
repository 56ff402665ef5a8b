#include "tests/bidding/fake_bid_store.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/assert.hpp"
#include "core/utf8.hpp"

namespace procura::bidding {

std::int64_t FakeBidStore::append_audit(const core::AuditEvent& event) {
    core::StoredAuditEvent stored;
    stored.seq = static_cast<std::int64_t>(state_.audit.size()) + 1;
    stored.event = event;
    stored.prev_hash = state_.audit.empty() ? core::Sha256{} : state_.audit.back().hash;
    stored.hash = core::chain_hash(stored.prev_hash, stored.seq, event);
    state_.audit.push_back(stored);
    return stored.seq;
}

core::Result<std::optional<OpeningKeyRecord>> FakeBidStore::find_opening_key(
    std::int64_t tender_id) {
    std::lock_guard lock(mutex_);
    auto it = state_.opening_keys.find(tender_id);
    if (it == state_.opening_keys.end()) return std::optional<OpeningKeyRecord>{};
    return std::optional<OpeningKeyRecord>{it->second};
}

core::Result<OpeningKeyRecord> FakeBidStore::insert_opening_key(const OpeningKeyRecord& key,
                                                                const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    // First writer wins: a later key is dropped with its audit event, as INSERT IGNORE does.
    if (auto it = state_.opening_keys.find(key.tender_id); it != state_.opening_keys.end()) {
        return it->second;
    }
    OpeningKeyRecord stored = key;
    // MariaDB returns the shares ordered by number.
    std::stable_sort(stored.shares.begin(), stored.shares.end(),
                     [](const auto& a, const auto& b) { return a.number < b.number; });
    state_.opening_keys.emplace(key.tender_id, stored);
    append_audit(audit);
    return stored;
}

core::Result<bool> FakeBidStore::discard_draft_opening_key(std::int64_t tender_id,
                                                           const core::AuditEvent& audit) {
    // Read outside the lock, as insert_bids reads the terms (tender_terms may lock a test's
    // own state).
    const std::optional<tender::Tender> t =
        tender_terms ? tender_terms(tender_id) : std::optional<tender::Tender>{};
    if (!t || t->state != tender::TenderState::draft) return false;
    std::lock_guard lock(mutex_);
    if (state_.opening_keys.erase(tender_id) == 0) return false;
    append_audit(audit);
    return true;
}

core::Result<std::optional<Bid>> FakeBidStore::find_bid(std::int64_t bid_id) {
    std::lock_guard lock(mutex_);
    auto it = state_.bids.find(bid_id);
    if (it == state_.bids.end()) return std::optional<Bid>{};
    return std::optional<Bid>{it->second};
}

core::Result<std::optional<Bid>> FakeBidStore::find_bid_by_hash(std::int64_t tender_id,
                                                                const std::string& sha256_hex) {
    std::lock_guard lock(mutex_);
    for (const auto& [id, b] : state_.bids) {
        if (b.tender_id == tender_id && b.sha256_hex == sha256_hex) {
            Bid summary = b;
            summary.body.clear();  // as the port says: without the body
            return std::optional<Bid>{std::move(summary)};
        }
    }
    return std::optional<Bid>{};
}

core::Result<std::vector<Bid>> FakeBidStore::find_active_bids(const std::vector<BidKey>& keys) {
    std::lock_guard lock(mutex_);
    std::vector<Bid> out;
    for (const auto& [id, b] : state_.bids) {
        if (b.state != BidState::active) continue;
        for (const BidKey& k : keys) {
            if (b.tender_id == k.tender_id && b.supplier_id == k.supplier_id &&
                b.lot_id == k.lot_id) {
                Bid summary = b;
                summary.body.clear();
                out.push_back(std::move(summary));
                break;
            }
        }
    }
    return out;
}

core::Result<std::vector<ActiveBodyBytes>> FakeBidStore::find_active_body_bytes(
    const std::vector<BidKey>& suppliers) {
    std::lock_guard lock(mutex_);
    std::vector<ActiveBodyBytes> out;
    for (const auto& [id, b] : state_.bids) {
        if (b.state != BidState::active) continue;
        const bool asked = std::any_of(suppliers.begin(), suppliers.end(), [&](const BidKey& k) {
            return k.tender_id == b.tender_id && k.supplier_id == b.supplier_id;
        });
        if (asked) {
            out.push_back(
                {{b.tender_id, b.supplier_id, b.lot_id}, static_cast<std::int64_t>(b.body.size())});
        }
    }
    return out;
}

bool FakeBidStore::body_stored(std::int64_t tender_id, const std::string& sha256_hex) const {
    for (const auto& [id, b] : state_.bids) {
        if (b.tender_id == tender_id && b.sha256_hex == sha256_hex) return true;
    }
    return false;
}

std::optional<core::Error> FakeBidStore::refusal(const BidWrite& w, const TenderTerms* terms,
                                                 std::int64_t versions_max, std::int64_t& version) {
    const Bid& b = w.bid;
    const std::optional<tender::Tender>* t = nullptr;
    if (terms != nullptr) t = &terms->at(b.tender_id);
    if (t != nullptr && (!*t || (*t)->state == tender::TenderState::cancelled)) {
        return core::conflict("tender_cancelled",
                              "the tender was cancelled before the bid could be stored; nothing "
                              "was stored");
    }
    if (state_.openings.count(b.tender_id) != 0 ||
        (t != nullptr && b.received_at_ms >= (*t)->submission_deadline_ms.value_or(0))) {
        return core::conflict("submission_closed",
                              "the submission deadline passed before the bid could be stored; "
                              "nothing was stored");
    }
    if (t != nullptr && w.tender_version != 0 && w.tender_version != (*t)->version) {
        return core::conflict("tender_amended",
                              "the tender's terms changed while the bid was being stored; nothing "
                              "was stored: send it again");
    }
    // Versions go on after the highest of the (tender, supplier, lot), withdrawn ones included:
    // versions_max bounds every version a supplier stores for a lot.
    std::int64_t highest = 0;
    for (const auto& [id, other] : state_.bids) {
        if (other.tender_id == b.tender_id && other.supplier_id == b.supplier_id &&
            other.lot_id == b.lot_id) {
            highest = std::max(highest, other.version);
        }
    }
    version = highest + 1;
    if (version > versions_max) {
        return core::conflict(
            "too_many_versions",
            "a supplier may send at most " + std::to_string(versions_max) + " versions of a bid",
            "bid");
    }
    return std::nullopt;
}

core::Result<std::vector<BidWritten>> FakeBidStore::insert_bids(std::vector<BidWrite> bids,
                                                                const BidQuota& quota) {
    const std::int64_t versions_max = quota.versions_max;
    if (on_insert_bids) on_insert_bids(bids.size());
    TenderTerms terms;
    if (tender_terms) {
        for (const BidWrite& w : bids) {
            if (terms.count(w.bid.tender_id) == 0) {
                terms.emplace(w.bid.tender_id, tender_terms(w.bid.tender_id));
            }
        }
    }
    std::lock_guard lock(mutex_);
    // Each bid is refused on its own first; a body already stored among the others (or twice
    // among them) then refuses the whole group, as the unique key rolls the transaction back.
    std::vector<BidWritten> written(bids.size());
    std::vector<std::int64_t> versions(bids.size(), 0);
    std::vector<std::size_t> stored_bids;
    for (std::size_t i = 0; i < bids.size(); ++i) {
        written[i].error =
            refusal(bids[i], tender_terms ? &terms : nullptr, versions_max, versions[i]);
        if (written[i].error) continue;
        const Bid& b = bids[i].bid;
        // The supplier's active bodies on the tender, with this bid in place of the one it
        // replaces and the group's earlier bids of the supplier in place of theirs.
        std::map<std::int64_t, std::int64_t> bytes_per_lot;
        for (const auto& [id, other] : state_.bids) {
            if (other.tender_id == b.tender_id && other.supplier_id == b.supplier_id &&
                other.state == BidState::active) {
                bytes_per_lot[other.lot_id] = static_cast<std::int64_t>(other.body.size());
            }
        }
        for (std::size_t j : stored_bids) {
            const Bid& earlier = bids[j].bid;
            if (earlier.tender_id == b.tender_id && earlier.supplier_id == b.supplier_id) {
                bytes_per_lot[earlier.lot_id] = static_cast<std::int64_t>(earlier.body.size());
            }
        }
        bytes_per_lot[b.lot_id] = static_cast<std::int64_t>(b.body.size());
        std::int64_t total = 0;
        for (const auto& [lot, bytes] : bytes_per_lot) total += bytes;
        if (total > quota.supplier_bytes_max) {
            written[i].error = supplier_storage_full(quota.supplier_bytes_max);
            continue;
        }
        bool duplicate = body_stored(b.tender_id, b.sha256_hex);
        for (std::size_t j : stored_bids) {
            duplicate = duplicate || (bids[j].bid.tender_id == b.tender_id &&
                                      bids[j].bid.sha256_hex == b.sha256_hex);
        }
        if (duplicate) {
            return core::conflict("duplicate_bid", "this tender already has a bid with this body",
                                  "bid");
        }
        stored_bids.push_back(i);
    }
    for (std::size_t i : stored_bids) {
        const Bid& b = bids[i].bid;
        core::AuditEvent audit = bids[i].audit;
        for (auto& [id, other] : state_.bids) {
            if (other.tender_id == b.tender_id && other.supplier_id == b.supplier_id &&
                other.lot_id == b.lot_id && other.state == BidState::active) {
                other.state = BidState::replaced;
                other.body.clear();  // only the active version's body is kept
                written[i].replaced_sha256 = other.sha256_hex;
                audit.action = "bid.replaced";
            }
        }
        Bid stored = b;
        stored.id = state_.next_bid_id++;
        stored.version = versions[i];
        stored.state = BidState::active;
        stored.withdrawn_at_ms.reset();
        audit.entity_id = stored.id;
        audit.entity_version = stored.version;
        stored.log_seq = append_audit(audit);
        state_.bids.emplace(stored.id, stored);
        written[i].stored = std::move(stored);
    }
    return written;
}

core::Status FakeBidStore::withdraw_bid(std::int64_t bid_id, std::int64_t at_ms,
                                        const core::AuditEvent& audit) {
    // The bid's tender as it is now (read outside the lock, as insert_bids reads it).
    std::optional<std::optional<tender::Tender>> terms;
    if (tender_terms) {
        std::optional<std::int64_t> tender_id;
        {
            std::lock_guard lock(mutex_);
            if (auto it = state_.bids.find(bid_id); it != state_.bids.end()) {
                tender_id = it->second.tender_id;
            }
        }
        if (tender_id) terms = tender_terms(*tender_id);
    }
    std::lock_guard lock(mutex_);
    auto it = state_.bids.find(bid_id);
    if (it != state_.bids.end() && terms) {
        const std::optional<tender::Tender>& t = *terms;
        if (!t || t->state != tender::TenderState::published) {
            return core::conflict("tender_cancelled", "the tender is cancelled");
        }
        if (at_ms >= t->submission_deadline_ms.value_or(0)) {
            return core::conflict("submission_closed",
                                  "bids can be withdrawn only before the submission deadline");
        }
    }
    if (it != state_.bids.end() && state_.openings.count(it->second.tender_id) != 0) {
        return core::conflict("submission_closed",
                              "bids can be withdrawn only before the submission deadline");
    }
    if (it == state_.bids.end() || it->second.state != BidState::active) {
        return core::conflict("not_active", "only the current version of a bid can be withdrawn");
    }
    it->second.state = BidState::withdrawn;
    it->second.body.clear();
    it->second.withdrawn_at_ms = at_ms;
    append_audit(audit);
    return {};
}

core::Result<std::vector<Bid>> FakeBidStore::list_bids(std::int64_t tender_id, bool with_bodies) {
    std::lock_guard lock(mutex_);
    std::vector<Bid> out;
    for (const auto& [id, b] : state_.bids) {
        if (b.tender_id != tender_id) continue;
        if (with_bodies && b.state != BidState::active) continue;
        out.push_back(b);
        if (!with_bodies) out.back().body.clear();
    }
    return out;
}

core::Result<std::optional<std::int64_t>> FakeBidStore::find_opened_at(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto record, find_opening(tender_id));
    if (!record) return std::optional<std::int64_t>{};
    return std::optional<std::int64_t>{record->opened_at_ms};
}

core::Result<std::optional<OpeningRecord>> FakeBidStore::find_opening(std::int64_t tender_id) {
    std::lock_guard lock(mutex_);
    auto it = state_.openings.find(tender_id);
    if (it == state_.openings.end()) return std::optional<OpeningRecord>{};
    return std::optional<OpeningRecord>{it->second};
}

std::vector<Bid> FakeBidStore::active_page(std::int64_t tender_id, std::int64_t after_bid_id,
                                           std::size_t bytes_max) {
    PROCURA_ASSERT(bytes_max > 0);
    ++state_.active_pages_read;
    std::vector<Bid> page;
    std::size_t bytes = 0;
    for (auto it = state_.bids.upper_bound(after_bid_id); it != state_.bids.end(); ++it) {
        const Bid& b = it->second;
        if (b.tender_id != tender_id || b.state != BidState::active) continue;
        if (!page.empty() && bytes + b.body.size() > bytes_max) break;
        bytes += b.body.size();
        page.push_back(b);
    }
    return page;
}

core::Result<std::vector<Bid>> FakeBidStore::list_active_bids(std::int64_t tender_id,
                                                              std::int64_t after_bid_id,
                                                              std::size_t bytes_max) {
    std::lock_guard lock(mutex_);
    return active_page(tender_id, after_bid_id, bytes_max);
}

core::Status FakeBidStore::insert_opening(std::int64_t tender_id, std::int64_t opened_at_ms,
                                          std::size_t batch_bytes_max, OpeningBatches& batches) {
    // The store's lock stands for the tender row's: no bid changes while the bids are opened.
    std::lock_guard lock(mutex_);
    if (state_.openings.count(tender_id) != 0) {
        return core::conflict("already_opened", "the bids are already opened");
    }
    batches.restart();
    // Stored as the adapter stores it: ordered by bid id, the bid's own columns from the bid,
    // the reason cut at 1000 bytes without splitting a character, and no currency without a
    // price.
    OpeningRecord stored;
    stored.tender_id = tender_id;
    stored.opened_at_ms = opened_at_ms;
    std::vector<core::AuditEvent> audit;
    std::int64_t after = 0;
    for (;;) {
        std::vector<Bid> page = active_page(tender_id, after, batch_bytes_max);
        if (page.empty()) break;
        after = page.back().id;
        std::vector<std::int64_t> ids;
        for (const Bid& b : page) ids.push_back(b.id);
        OpenedBatch batch = batches.open(std::move(page));
        if (batch.bids.size() != ids.size()) {
            return core::internal("opening_mismatch", "a batch's lines do not match its bids");
        }
        for (std::size_t i = 0; i < ids.size(); ++i) {
            OpenedBidRecord r = std::move(batch.bids[i]);
            if (r.bid_id != ids[i]) {
                return core::internal("opening_mismatch", "a batch's lines do not match its bids");
            }
            const Bid& b = state_.bids.at(r.bid_id);
            r.supplier_id = b.supplier_id;
            r.lot_id = b.lot_id;
            r.version = b.version;
            r.received_at_ms = b.received_at_ms;
            r.sha256_hex = b.sha256_hex;
            r.reason = core::utf8_prefix(r.reason, 1000);
            if (!r.price_minor) r.currency.clear();
            stored.bids.push_back(std::move(r));
        }
        for (core::AuditEvent& event : batch.audit) audit.push_back(std::move(event));
    }
    for (core::AuditEvent& event : batches.finish()) audit.push_back(std::move(event));
    state_.openings.emplace(tender_id, std::move(stored));
    for (const core::AuditEvent& event : audit) append_audit(event);
    return {};
}

FakeBidStore::State FakeBidStore::state() {
    std::lock_guard lock(mutex_);
    return state_;
}

std::vector<core::StoredAuditEvent> FakeBidStore::audit_events() {
    std::lock_guard lock(mutex_);
    return state_.audit;
}

}  // namespace procura::bidding
