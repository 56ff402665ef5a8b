#include "tests/settlement/batches/fake_store.hpp"

#include <algorithm>
#include <utility>

#include "settlement/batches/rules.hpp"

namespace procura::settlement::batches {

// In MariaDB's order: milestones and awards by id, releases by (tender, lot), deposits of
// stored bids by bid before those without one; each milestone with its buyer's account as the
// store holds it at the read (MariaDB joins buyer_bank_accounts), whatever a test offered.
core::Result<PrepareInput> FakeBatchStore::load_candidates(std::int64_t cutoff_ms) {
    std::lock_guard lock(mutex_);
    PrepareInput out;
    out.awards = input.awards;
    std::stable_sort(
        out.awards.begin(), out.awards.end(),
        [](const AwardFact& a, const AwardFact& b) { return a.award_id < b.award_id; });
    out.releases = input.releases;
    std::stable_sort(out.releases.begin(), out.releases.end(),
                     [](const LotRelease& a, const LotRelease& b) {
                         return std::pair(a.tender_id, a.lot_id) < std::pair(b.tender_id, b.lot_id);
                     });
    for (const MilestoneCandidate& m : input.milestones) {
        if (m.accepted_at_ms <= cutoff_ms &&
            !taken_.count("milestone:" + std::to_string(m.milestone_id))) {
            out.milestones.push_back(m);
            const auto account = buyers_.find(m.buyer_id);
            out.milestones.back().buyer_account =
                account == buyers_.end() ? std::nullopt : std::optional(account->second);
        }
    }
    std::stable_sort(out.milestones.begin(), out.milestones.end(),
                     [](const MilestoneCandidate& a, const MilestoneCandidate& b) {
                         return a.milestone_id < b.milestone_id;
                     });
    for (const DepositCandidate& d : input.deposits) {
        if (!taken_.count("deposit:" + d.pending_id)) out.deposits.push_back(d);
    }
    std::stable_sort(out.deposits.begin(), out.deposits.end(),
                     [](const DepositCandidate& a, const DepositCandidate& b) {
                         return a.bid_id != 0 && (b.bid_id == 0 || a.bid_id < b.bid_id);
                     });
    return out;
}

core::Result<std::int64_t> FakeBatchStore::insert_batch(const Batch& batch,
                                                        const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    // A key taken by another batch, or named twice here: MariaDB's unique source key refuses
    // both.
    std::set<std::string> keys;
    for (const Item& i : batch.items) {
        if (taken_.count(i.source_key) || !keys.insert(i.source_key).second) {
            return core::conflict("item_taken", "another batch took " + i.source_key);
        }
    }
    const std::int64_t id = static_cast<std::int64_t>(batches_.size()) + 1;
    Batch stored = batch;
    stored.id = id;
    // Read back by number, as MariaDB orders them.
    std::stable_sort(stored.items.begin(), stored.items.end(),
                     [](const Item& a, const Item& b) { return a.number < b.number; });
    for (const Item& i : batch.items) taken_.insert(i.source_key);
    batches_[id] = stored;
    core::AuditEvent e = audit;
    e.entity_id = id;
    audit_.push_back(e);
    return id;
}

core::Result<std::optional<Batch>> FakeBatchStore::find_batch(std::int64_t id, bool with_items) {
    std::lock_guard lock(mutex_);
    const auto found = batches_.find(id);
    if (found == batches_.end()) return std::optional<Batch>();
    Batch b = found->second;
    if (!with_items) b.items.clear();
    for (BankFile& f : b.files) f.xml.clear();
    return std::optional<Batch>(std::move(b));
}

core::Result<std::vector<Batch>> FakeBatchStore::list_batches(std::size_t limit) {
    std::lock_guard lock(mutex_);
    std::vector<Batch> out;
    for (auto it = batches_.rbegin(); it != batches_.rend() && out.size() < limit; ++it) {
        Batch b = it->second;
        b.items.clear();
        b.files.clear();
        out.push_back(std::move(b));
    }
    return out;
}

core::Status FakeBatchStore::transition(std::int64_t id, BatchState from, const Batch& updated,
                                        const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    const auto found = batches_.find(id);
    if (found == batches_.end()) {
        return core::not_found("batch_not_found", "no batch");
    }
    if (found->second.state != from) {
        return core::conflict("stale_state", "state changed");
    }
    Batch& b = found->second;
    b.state = updated.state;
    b.version = updated.version;
    b.approved_by = updated.approved_by;
    b.approved_at_ms = updated.approved_at_ms;
    b.execute_started_by = updated.execute_started_by;
    b.execute_started_at_ms = updated.execute_started_at_ms;
    audit_.push_back(audit);
    return {};
}

// Whether first_transfer exists is asked of `ledger` (when set) before the fake's own lock is
// taken, so that the two fakes' locks are never held together: unlike MariaDB's row lock, this
// does not stop a posting between the look-up and the cancellation (the fakes' users run
// cancellations and executions on one thread).
core::Status FakeBatchStore::cancel_batch(const Batch& updated, const core::AuditEvent& audit,
                                          const std::optional<std::string>& first_transfer) {
    bool posted = false;
    if (first_transfer && ledger != nullptr) {
        PROCURA_TRY_ASSIGN(auto found, ledger->find_transfer(*first_transfer));
        posted = found.has_value();
    }
    std::lock_guard lock(mutex_);
    const auto found = batches_.find(updated.id);
    if (found == batches_.end()) {
        return core::not_found("batch_not_found", "no batch");
    }
    Batch& b = found->second;
    if (b.state != BatchState::prepared && b.state != BatchState::approved &&
        !(first_transfer && b.state == BatchState::executing)) {
        return core::conflict("stale_state", "state changed");
    }
    if (b.state == BatchState::executing && posted) {
        return core::conflict("batch_posted", "batch " + std::to_string(b.id) + " is posted");
    }
    b.state = BatchState::cancelled;
    b.version = updated.version;
    b.cancelled_by = updated.cancelled_by;
    b.cancelled_at_ms = updated.cancelled_at_ms;
    b.cancel_reason = updated.cancel_reason;
    for (Item& i : b.items) {
        taken_.erase(i.source_key);
        i.source_key += "#cancelled:" + std::to_string(b.id);
    }
    audit_.push_back(audit);
    return {};
}

core::Result<bool> FakeBatchStore::finish_execution(
    const Batch& updated, const std::vector<BankFile>& files, const core::AuditEvent& batch_audit,
    const std::vector<core::AuditEvent>& file_audits) {
    std::lock_guard lock(mutex_);
    const auto found = batches_.find(updated.id);
    if (found == batches_.end()) {
        return core::not_found("batch_not_found", "no batch");
    }
    Batch& b = found->second;
    if (b.state == BatchState::executed) return false;
    if (b.state != BatchState::executing) {
        return core::conflict("stale_state", "state changed");
    }
    b.state = BatchState::executed;
    b.version = updated.version;
    b.executed_by = updated.executed_by;
    b.executed_at_ms = updated.executed_at_ms;
    b.files = files;
    std::stable_sort(b.files.begin(), b.files.end(),
                     [](const BankFile& x, const BankFile& y) { return x.number < y.number; });
    // A file's event names the file's row, numbered across batches as MariaDB's ids are.
    for (std::size_t n = 0; n < files.size(); ++n) {
        const std::int64_t row_id = ++file_rows_;
        if (n < file_audits.size()) {
            core::AuditEvent e = file_audits[n];
            e.entity_id = row_id;
            audit_.push_back(e);
        }
    }
    audit_.push_back(batch_audit);
    return true;
}

core::Result<std::optional<BankFile>> FakeBatchStore::find_file(std::int64_t batch_id,
                                                                std::int32_t number) {
    std::lock_guard lock(mutex_);
    const auto found = batches_.find(batch_id);
    if (found == batches_.end()) return std::optional<BankFile>();
    for (const BankFile& f : found->second.files) {
        if (f.number == number) return std::optional<BankFile>(f);
    }
    return std::optional<BankFile>();
}

core::Result<BuyerAccount> FakeBatchStore::upsert_buyer_account(const BuyerAccount& account,
                                                                const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    auto found = buyers_.find(account.buyer_id);
    BuyerAccount stored = account;
    if (found == buyers_.end()) {
        stored.id = static_cast<std::int64_t>(buyers_.size()) + 1;
        stored.version = 1;
    } else {
        stored.id = found->second.id;
        stored.version = found->second.version + 1;
    }
    buyers_[account.buyer_id] = stored;
    core::AuditEvent e = audit;
    e.entity_id = stored.id;
    e.entity_version = stored.version;
    audit_.push_back(e);
    return stored;
}

core::Result<std::vector<BuyerAccount>> FakeBatchStore::list_buyer_accounts() {
    std::lock_guard lock(mutex_);
    std::vector<BuyerAccount> out;
    for (const auto& [k, v] : buyers_) out.push_back(v);
    return out;
}

std::vector<core::AuditEvent> FakeBatchStore::audit_events() {
    std::lock_guard lock(mutex_);
    return audit_;
}

namespace {

// Holds while the fake's batch is executing; the fake money store checks it under its own lock.
class FakeExecutingGuard final : public money::PostingGuard {
public:
    FakeExecutingGuard(FakeBatchStore& store, std::int64_t batch_id)
        : store_(store), batch_id_(batch_id) {}

    core::Status check(money::PostingTransaction&) const override {
        auto current = store_.find_batch(batch_id_, false);
        if (current && *current && (*current)->state == BatchState::executing) return {};
        return rules::cancelled_during_execution(batch_id_);
    }

private:
    FakeBatchStore& store_;
    std::int64_t batch_id_;
};

}  // namespace

std::unique_ptr<money::PostingGuard> FakeBatchStore::executing_guard(std::int64_t id) {
    return std::make_unique<FakeExecutingGuard>(*this, id);
}

}  // namespace procura::settlement::batches
