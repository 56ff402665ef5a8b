// MySQLBatchStore: the MariaDB adapter of the settlement batch store port
// (settlement/batches/store.hpp), over the tables of db/migrations/0009_settlement.sql, reading
// awards, contracts, milestones, bids, suppliers, tenders and money_transfers. The unique
// source key of settlement_items is what keeps two racing preparations from taking one item;
// state changes lock the batch row (SELECT ... FOR UPDATE) and append their audit events in
// the same transaction. This header includes no Connector/C++ header.
#pragma once

#include "db/pool.hpp"
#include "settlement/batches/store.hpp"

namespace procura::settlement::batches {

class MySQLBatchStore final : public BatchStore {
public:
    // pool must outlive the store. The schema must be migrated (db::migrate).
    explicit MySQLBatchStore(db::ConnectionPool& pool);

    core::Result<PrepareInput> load_candidates(std::int64_t cutoff_ms) override;
    core::Result<std::int64_t> insert_batch(const Batch& batch,
                                            const core::AuditEvent& audit) override;
    core::Result<std::optional<Batch>> find_batch(std::int64_t id, bool with_items) override;
    core::Result<std::vector<Batch>> list_batches(std::size_t limit) override;
    core::Status transition(std::int64_t id, BatchState from, const Batch& updated,
                            const core::AuditEvent& audit) override;
    core::Status cancel_batch(const Batch& updated, const core::AuditEvent& audit,
                              const std::optional<std::string>& first_transfer) override;
    core::Result<bool> finish_execution(const Batch& updated, const std::vector<BankFile>& files,
                                        const core::AuditEvent& batch_audit,
                                        const std::vector<core::AuditEvent>& file_audits) override;
    core::Result<std::optional<BankFile>> find_file(std::int64_t batch_id,
                                                    std::int32_t number) override;
    core::Result<BuyerAccount> upsert_buyer_account(const BuyerAccount& account,
                                                    const core::AuditEvent& audit) override;
    core::Result<std::vector<BuyerAccount>> list_buyer_accounts() override;
    std::unique_ptr<money::PostingGuard> executing_guard(std::int64_t id) override;

private:
    db::ConnectionPool& pool_;
};

}  // namespace procura::settlement::batches
