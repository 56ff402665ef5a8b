// FakeMoneyStore: an in-memory MoneyStore honouring the port's contract (money/store.hpp), for
// service tests. One mutex serialises everything, which is what the account locks of the
// MariaDB store achieve for batches that share accounts.
#pragma once

#include <map>
#include <mutex>
#include <vector>

#include "money/store.hpp"

namespace procura::money {

class FakeMoneyStore final : public MoneyStore {
public:
    core::Result<std::int64_t> insert_account(const Account& a,
                                              const core::AuditEvent& audit) override;
    core::Result<std::optional<Account>> find_account(std::int64_t id) override;
    core::Result<std::optional<Account>> find_account_of(OwnerKind owner, std::int64_t owner_id,
                                                         const std::string& currency,
                                                         AccountKind kind) override;
    core::Result<std::optional<Transfer>> find_transfer(const std::string& id) override;
    core::Result<std::vector<TransferResult>> apply_batch(const std::vector<Transfer>& requests,
                                                          std::int64_t at_ms, core::UserId actor,
                                                          const PostingGuard* guard) override;
    core::Result<LedgerFacts> ledger_facts() override;

    std::vector<core::AuditEvent> audit_events();
    // Test hook: overwrites an account's stored balances, as a corrupt row would.
    void corrupt_balances(std::int64_t account_id, const Balances& balances);

private:
    std::mutex mutex_;
    std::map<std::int64_t, Account> accounts_;
    std::map<std::string, Transfer> transfers_;  // by client id
    std::vector<core::AuditEvent> audit_;
    std::int64_t next_transfer_row_id_ = 1;
};

}  // namespace procura::money
