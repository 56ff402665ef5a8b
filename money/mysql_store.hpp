// MySQLMoneyStore: the MariaDB adapter of the money store port (money/store.hpp), over the
// money_accounts and money_transfers tables of db/migrations/0005_money.sql. A batch locks its
// accounts in ascending id order (SELECT ... FOR UPDATE), then the audit head last, and writes
// transfers, balances and audit events with multi-row statements in one transaction; deadlocks
// are rerun by db::run_transaction, and a transfer id inserted by a racing batch makes the
// whole batch rerun once it committed (then it is "exists" or a conflict). A batch first runs
// without reading its own ids (the unique key catches a re-sent one) and reruns carefully if
// any transfer is not created, so re-sent batches cost one extra run, new ones one lookup
// less per transfer. This header includes no Connector/C++ header.
#pragma once

#include "db/pool.hpp"
#include "money/store.hpp"

namespace sql {
class Connection;
}
namespace procura::db {
class Transaction;
}

namespace procura::money {

// What a guard checked by MySQLMoneyStore::apply_batch receives: the batch's own transaction,
// inside its first attempt's statements (a guard's statements may throw Connector/C++
// exceptions; the transaction turns them into errors and rolls everything back).
class MySQLPostingTransaction final : public PostingTransaction {
public:
    explicit MySQLPostingTransaction(db::Transaction& transaction) : transaction_(transaction) {}
    db::Transaction& transaction() const { return transaction_; }

private:
    db::Transaction& transaction_;
};

class MySQLMoneyStore final : public MoneyStore {
public:
    // pool must outlive the store. The schema must be migrated (db::migrate).
    explicit MySQLMoneyStore(db::ConnectionPool& pool);

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

private:
    db::ConnectionPool& pool_;
};

// Rows per multi-row INSERT of transfers and of account balances.
inline constexpr std::size_t money_rows_per_insert_max = 500;

}  // namespace procura::money
