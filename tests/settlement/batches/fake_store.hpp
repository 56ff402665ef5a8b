// FakeBatchStore: an in-memory settlement BatchStore honouring the port's contract
// (settlement/batches/store.hpp), for service tests. Candidates are what a test puts in
// `input`; load_candidates leaves out those already taken by a batch and gives each milestone
// its buyer's account from the fake's own accounts, as the MariaDB store does. One mutex
// serialises everything.
#pragma once

#include <map>
#include <mutex>
#include <set>

#include "settlement/batches/store.hpp"

namespace procura::settlement::batches {

class FakeBatchStore final : public BatchStore {
public:
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

    // The candidates a test offers (taken ones are filtered on load).
    PrepareInput input;
    // The ledger cancel_batch looks first_transfer up in (the money store the batches' guards
    // are checked by); if null, an executing batch is cancelled without the look-up.
    money::MoneyStore* ledger = nullptr;
    std::vector<core::AuditEvent> audit_events();

private:
    std::mutex mutex_;
    std::map<std::int64_t, Batch> batches_;
    std::set<std::string> taken_;
    std::map<std::string, BuyerAccount> buyers_;
    std::vector<core::AuditEvent> audit_;
    std::int64_t file_rows_ = 0;  // the last file's row id
};

}  // namespace procura::settlement::batches
