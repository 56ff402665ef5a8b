#include "money/service.hpp"

namespace procura::money {

LedgerService::LedgerService(MoneyStore& store, const core::Clock& clock, LedgerLimits limits)
    : store_(store), clock_(clock), limits_(limits) {}

core::Result<Account> LedgerService::open_account(core::UserId actor, const Account& spec) {
    PROCURA_TRY(validate_account(spec));
    Account a = spec;
    a.id = 0;
    a.balances = {};
    a.created_at_ms = clock_.now_ms();
    PROCURA_TRY_ASSIGN(auto id, store_.insert_account(a, account_audit_event(a, actor)));
    a.id = id;
    return a;
}

core::Result<Account> LedgerService::account_for(core::UserId actor, const Account& spec) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        PROCURA_TRY_ASSIGN(auto found, store_.find_account_of(spec.owner, spec.owner_id,
                                                              spec.currency, spec.kind));
        if (found) return std::move(*found);
        auto opened = open_account(actor, spec);
        if (opened || opened.error().code != "account_exists") return opened;
    }
    return core::internal("account_lost", "an account was reported to exist but cannot be read");
}

core::Result<Account> LedgerService::get_account(std::int64_t id) {
    PROCURA_TRY_ASSIGN(auto found, store_.find_account(id));
    if (!found) {
        return core::not_found("account_not_found", "no account " + std::to_string(id), "id");
    }
    return *found;
}

core::Result<Transfer> LedgerService::get_transfer(const std::string& id) {
    PROCURA_TRY_ASSIGN(auto found, store_.find_transfer(id));
    if (!found) {
        return core::not_found("transfer_not_found", "no transfer " + id, "id");
    }
    return *found;
}

core::Result<std::vector<TransferResult>> LedgerService::create_transfers(
    core::UserId actor, const std::vector<Transfer>& requests, const PostingGuard* guard) {
    if (requests.empty()) {
        return core::unprocessable("batch_empty", "the batch has no transfers", "transfers");
    }
    if (requests.size() > limits_.transfers_per_batch_max) {
        return core::payload_too_large(
            "batch_too_large",
            "a batch has at most " + std::to_string(limits_.transfers_per_batch_max) + " transfers",
            "transfers");
    }
    return store_.apply_batch(requests, clock_.now_ms(), actor, guard);
}

core::Result<InvariantReport> LedgerService::check() {
    PROCURA_TRY_ASSIGN(auto facts, store_.ledger_facts());
    return check_invariants(facts);
}

}  // namespace procura::money
