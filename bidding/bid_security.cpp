#include "bidding/bid_security.hpp"

#include <utility>

namespace procura::bidding {
namespace {

std::string release_id(std::int64_t tender_id, std::string_view sha256_hex) {
    return "bsv:" + std::to_string(tender_id) + ":" + std::string(sha256_hex.substr(0, 32));
}

core::Error refused_by_ledger(const money::TransferResult& r) {
    return r.error.value_or(
        core::internal("transfer_failed", "the ledger refused the bid security"));
}

}  // namespace

std::string bid_security_transfer_id(std::int64_t tender_id, std::string_view sha256_hex) {
    return "bs:" + std::to_string(tender_id) + ":" + std::string(sha256_hex.substr(0, 32));
}

BidSecurity::BidSecurity(money::LedgerService* ledger, std::size_t accounts_cached_max)
    : ledger_(ledger), accounts_cached_max_(accounts_cached_max) {}

core::Result<std::int64_t> BidSecurity::account_id(core::UserId actor, const money::Account& spec) {
    const auto key = std::make_tuple(static_cast<int>(spec.owner), spec.owner_id, spec.currency,
                                     static_cast<int>(spec.kind));
    {
        std::lock_guard lock(accounts_mutex_);
        if (const auto it = accounts_.find(key); it != accounts_.end()) return it->second;
    }
    PROCURA_TRY_ASSIGN(auto account, ledger_->account_for(actor, spec));
    std::lock_guard lock(accounts_mutex_);
    if (accounts_.size() >= accounts_cached_max_) accounts_.clear();
    accounts_[key] = account.id;
    return account.id;
}

core::Result<money::Transfer> BidSecurity::deposit_of(const DepositRequest& request) {
    const tender::Tender& t = *request.terms;
    money::Account supplier;
    supplier.owner = money::OwnerKind::supplier;
    supplier.owner_id = request.supplier_id;
    supplier.currency = t.currency;
    supplier.kind = money::AccountKind::bid_security;
    PROCURA_TRY_ASSIGN(const std::int64_t from, account_id(request.supplier_id, supplier));
    money::Account escrow;
    escrow.owner = money::OwnerKind::tender_escrow;
    escrow.owner_id = t.id;
    escrow.currency = t.currency;
    escrow.kind = money::AccountKind::escrow;
    PROCURA_TRY_ASSIGN(const std::int64_t to, account_id(request.supplier_id, escrow));
    money::Transfer deposit;
    deposit.id = bid_security_transfer_id(t.id, request.sha256_hex);
    deposit.kind = money::TransferKind::pending;
    deposit.debit_account_id = from;
    deposit.credit_account_id = to;
    deposit.amount_minor = t.bid_security_minor;
    deposit.currency = t.currency;
    deposit.code = bid_security_transfer_code;
    deposit.reference = "bid security, tender " + std::to_string(t.id);
    deposit.batch_id = "tender-" + std::to_string(t.id);
    deposit.actor = request.supplier_id;  // the supplier deposits
    return deposit;
}

std::optional<core::Error> BidSecurity::check_still_held(const std::string& transfer_id) {
    auto held = ledger_->get_transfer(transfer_id);
    if (!held) return held.error();
    if (held->pending_state != money::PendingState::pending) {
        return core::conflict("bid_security_released",
                              "the bid security of this exact bid was released; seal the "
                              "document again to submit it anew",
                              "bid");
    }
    return std::nullopt;
}

std::vector<DepositHeld> BidSecurity::hold(const std::vector<DepositRequest>& requests) {
    std::vector<DepositHeld> held(requests.size());
    if (ledger_ == nullptr) return held;
    std::vector<money::Transfer> batch;
    std::vector<std::size_t> owners;  // batch[k] is the deposit of requests[owners[k]]
    for (std::size_t i = 0; i < requests.size(); ++i) {
        if (requests[i].terms->bid_security_minor <= 0) continue;
        auto deposit = deposit_of(requests[i]);
        if (!deposit) {
            held[i].error = deposit.error();
            continue;
        }
        batch.push_back(std::move(*deposit));
        owners.push_back(i);
    }
    // The releases left by earlier groups ride in the same ledger batch. Its transfers are
    // independent (not linked): each is created, exists or fails on its own. Each deposit's
    // audit event names its supplier; the releases are recorded by the platform (actor 0).
    const std::size_t deposits_n = batch.size();
    std::vector<money::Transfer> carried;
    {
        std::lock_guard lock(due_mutex_);
        carried.swap(releases_due_);
    }
    batch.insert(batch.end(), carried.begin(), carried.end());
    if (batch.empty()) return held;
    auto results = ledger_->create_transfers(0, batch);
    if (!results) {
        // Nothing of the batch was written: the carried releases wait for the next one.
        release(std::move(carried), true);
        for (std::size_t k = 0; k < deposits_n; ++k) held[owners[k]].error = results.error();
        return held;
    }
    for (std::size_t k = 0; k < deposits_n; ++k) {
        const money::TransferResult& r = (*results)[k];
        DepositHeld& h = held[owners[k]];
        h.created = r.status == money::TransferStatus::created;
        if (r.status == money::TransferStatus::failed) {
            h.error = refused_by_ledger(r);
        } else if (r.status == money::TransferStatus::exists) {
            // A resend: the deposit must still be held, not one voided after a failed attempt.
            h.error = check_still_held(batch[k].id);
        }
    }
    return held;
}

std::optional<money::Transfer> BidSecurity::release_of(const tender::Tender& terms,
                                                       const std::string& sha256_hex) const {
    if (ledger_ == nullptr || terms.bid_security_minor <= 0) return std::nullopt;
    money::Transfer release;
    release.id = release_id(terms.id, sha256_hex);
    release.kind = money::TransferKind::void_pending;
    release.pending_id = bid_security_transfer_id(terms.id, sha256_hex);
    release.code = bid_security_transfer_code;
    release.reference = "bid security released, tender " + std::to_string(terms.id);
    release.batch_id = "tender-" + std::to_string(terms.id);
    return release;
}

void BidSecurity::release(std::vector<money::Transfer> releases, bool later) {
    if (releases.empty()) return;
    // Nothing written (the database failed): the next group tries again.
    if (later || ledger_ == nullptr || !ledger_->create_transfers(0, releases)) {
        std::lock_guard lock(due_mutex_);
        releases_due_.insert(releases_due_.end(), std::make_move_iterator(releases.begin()),
                             std::make_move_iterator(releases.end()));
    }
}

core::Status BidSecurity::release_now(const tender::Tender& terms, const std::string& sha256_hex) {
    const std::optional<money::Transfer> release = release_of(terms, sha256_hex);
    if (!release) return {};
    PROCURA_TRY_ASSIGN(auto results, ledger_->create_transfers(0, {*release}));
    const money::TransferResult& r = results.front();
    if (r.status == money::TransferStatus::failed) return refused_by_ledger(r);
    return {};
}

}  // namespace procura::bidding
