// FaultyMoneyStore: the money ledger's store port (money/store.hpp) forwarded to a wrapped
// store through a FaultPlan (fault_injection.hpp). A posting guard is handed on untouched: it
// belongs to the wrapped store's kind. One header per port, so that a test compiles only the
// ports it wraps. Thread-safe as the wrapped store is.
#pragma once

#include <type_traits>

#include "money/store.hpp"
#include "tests/support/fault_injection.hpp"

namespace procura::testing {

class FaultyMoneyStore final : public money::MoneyStore {
public:
    // inner and plan must outlive this.
    FaultyMoneyStore(money::MoneyStore& inner, FaultPlan& plan) : inner_(inner), plan_(plan) {}

    core::Result<std::int64_t> insert_account(const money::Account& a,
                                              const core::AuditEvent& audit) override {
        return plan_.call("insert_account", [&] { return inner_.insert_account(a, audit); });
    }
    core::Result<std::optional<money::Account>> find_account(std::int64_t id) override {
        return plan_.call("find_account", [&] { return inner_.find_account(id); });
    }
    core::Result<std::optional<money::Account>> find_account_of(money::OwnerKind owner,
                                                                std::int64_t owner_id,
                                                                const std::string& currency,
                                                                money::AccountKind kind) override {
        return plan_.call("find_account_of",
                          [&] { return inner_.find_account_of(owner, owner_id, currency, kind); });
    }
    core::Result<std::optional<money::Transfer>> find_transfer(const std::string& id) override {
        return plan_.call("find_transfer", [&] { return inner_.find_transfer(id); });
    }
    core::Result<std::vector<money::TransferResult>> apply_batch(
        const std::vector<money::Transfer>& requests, std::int64_t at_ms, core::UserId actor,
        const money::PostingGuard* guard) override {
        return plan_.call("apply_batch",
                          [&] { return inner_.apply_batch(requests, at_ms, actor, guard); });
    }
    core::Result<money::LedgerFacts> ledger_facts() override {
        return plan_.call("ledger_facts", [&] { return inner_.ledger_facts(); });
    }

private:
    money::MoneyStore& inner_;
    FaultPlan& plan_;
};

static_assert(!std::is_abstract_v<FaultyMoneyStore>);

}  // namespace procura::testing
