#include "tests/money/fake_store.hpp"

#include <set>

namespace procura::money {

core::Result<std::int64_t> FakeMoneyStore::insert_account(const Account& a,
                                                          const core::AuditEvent& audit) {
    std::lock_guard lock(mutex_);
    for (const auto& [id, existing] : accounts_) {
        if (existing.owner == a.owner && existing.owner_id == a.owner_id &&
            existing.currency == a.currency && existing.kind == a.kind) {
            return core::conflict("account_exists",
                                  "there is already such an account: " + std::to_string(id));
        }
    }
    Account stored = a;
    stored.id = static_cast<std::int64_t>(accounts_.size()) + 1;
    stored.balances = {};
    accounts_[stored.id] = stored;
    core::AuditEvent event = audit;
    event.entity_id = stored.id;
    audit_.push_back(event);
    return stored.id;
}

core::Result<std::optional<Account>> FakeMoneyStore::find_account(std::int64_t id) {
    std::lock_guard lock(mutex_);
    const auto found = accounts_.find(id);
    if (found == accounts_.end()) return std::optional<Account>{};
    return std::optional<Account>{found->second};
}

core::Result<std::optional<Account>> FakeMoneyStore::find_account_of(OwnerKind owner,
                                                                     std::int64_t owner_id,
                                                                     const std::string& currency,
                                                                     AccountKind kind) {
    std::lock_guard lock(mutex_);
    for (const auto& [id, a] : accounts_) {
        if (a.owner == owner && a.owner_id == owner_id && a.currency == currency &&
            a.kind == kind) {
            return std::optional<Account>{a};
        }
    }
    return std::optional<Account>{};
}

core::Result<std::optional<Transfer>> FakeMoneyStore::find_transfer(const std::string& id) {
    std::lock_guard lock(mutex_);
    const auto found = transfers_.find(id);
    if (found == transfers_.end()) return std::optional<Transfer>{};
    return std::optional<Transfer>{found->second};
}

core::Result<std::vector<TransferResult>> FakeMoneyStore::apply_batch(
    const std::vector<Transfer>& requests, std::int64_t at_ms, core::UserId actor,
    const PostingGuard* guard) {
    std::lock_guard lock(mutex_);
    if (guard != nullptr) {
        // The fake has no transaction to hand over: a fake's guard reads its own fake state.
        PostingTransaction posting;
        PROCURA_TRY(guard->check(posting));
    }
    // The same view the MariaDB store builds: the named accounts and transfers.
    LedgerView view;
    std::set<std::int64_t> named_accounts;
    for (const Transfer& t : requests) {
        for (const std::string& id : {t.id, t.pending_id}) {
            if (const auto found = transfers_.find(id); found != transfers_.end()) {
                view.transfers[id] = found->second;
                named_accounts.insert(found->second.debit_account_id);
                named_accounts.insert(found->second.credit_account_id);
            }
        }
        named_accounts.insert(t.debit_account_id);
        named_accounts.insert(t.credit_account_id);
    }
    for (std::int64_t id : named_accounts) {
        if (const auto found = accounts_.find(id); found != accounts_.end()) {
            view.accounts[id] = found->second;
        }
    }
    BatchPlan plan = plan_batch(requests, at_ms, view);
    for (Transfer& t : plan.created) t.row_id = next_transfer_row_id_++;
    finish_results(plan);
    for (const Transfer& t : plan.created) {
        transfers_[t.id] = t;
        audit_.push_back(transfer_audit_event(t, actor));
    }
    // Pending states resolved by this batch.
    for (const Transfer& t : plan.created) {
        if (!t.pending_id.empty())
            transfers_[t.pending_id].pending_state = view.transfers[t.pending_id].pending_state;
    }
    for (std::int64_t id : plan.changed_accounts) accounts_[id] = view.accounts[id];
    return plan.results;
}

core::Result<LedgerFacts> FakeMoneyStore::ledger_facts() {
    std::lock_guard lock(mutex_);
    LedgerFacts facts;
    std::map<std::int64_t, Balances> sums;
    for (const auto& [key, t] : transfers_) {
        Balances& d = sums[t.debit_account_id];
        Balances& c = sums[t.credit_account_id];
        if (t.kind == TransferKind::pending && t.pending_state == PendingState::pending) {
            d.debits_pending += t.amount_minor;
            c.credits_pending += t.amount_minor;
        } else if (t.kind == TransferKind::single || t.kind == TransferKind::post_pending) {
            d.debits_posted += t.amount_minor;
            c.credits_posted += t.amount_minor;
        }
    }
    for (const auto& [id, a] : accounts_) facts.accounts.push_back({a, sums[id]});
    facts.transfer_count = static_cast<std::int64_t>(transfers_.size());
    std::set<std::int64_t> audited;
    for (const core::AuditEvent& e : audit_) {
        if (e.entity_type == "transfer") audited.insert(e.entity_id);
    }
    for (const auto& [key, t] : transfers_) {
        if (audited.count(t.row_id) == 0) {
            ++facts.transfers_without_audit_count;
            if (facts.transfers_without_audit.size() < 20) {
                facts.transfers_without_audit.push_back(t.row_id);
            }
        }
    }
    return facts;
}

std::vector<core::AuditEvent> FakeMoneyStore::audit_events() {
    std::lock_guard lock(mutex_);
    return audit_;
}

void FakeMoneyStore::corrupt_balances(std::int64_t account_id, const Balances& balances) {
    std::lock_guard lock(mutex_);
    accounts_[account_id].balances = balances;
}

}  // namespace procura::money
