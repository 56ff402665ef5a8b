// The storage port of settlement batches. Implemented by MySQLBatchStore (MariaDB) and by
// FakeBatchStore (tests/settlement/batch_fake_store.hpp).
//
// Contract:
// - load_candidates reads, in one consistent snapshot, every accepted milestone accepted at
//   or before the cut-off and every still-pending bid-security deposit of an active bid on a
//   lot with an award, in both cases not yet taken by any batch, with the awards of those lots.
// - insert_batch stores a batch with its items and its audit event in one transaction. An
//   item's source key is taken at most once, ever: if any is already taken (a racing
//   preparation won), nothing is stored and the error is conflict "item_taken".
// - transition moves a batch from `from` to updated.state (approved: approved_by/at;
//   executing: execute_started_by/at), bumping its version, with its audit event, atomically
//   and only if the stored state is still `from`: otherwise conflict "stale_state".
// - cancel_batch moves a prepared or approved batch to cancelled (cancelled_by/at, reason,
//   version) and frees its items for later batches (their source keys become
//   "<key>#cancelled:<batch>", kept for the record), with its audit event, atomically. An
//   executing batch too if first_transfer is given and no ledger transfer with that id exists,
//   checked in the same transaction under the batch row's lock (else conflict "batch_posted"):
//   the execution's posting locks the same row in its own transaction and requires the batch
//   to be executing (executing_guard), so a cancelled batch never posts and a posted one is
//   never cancelled. Any other stored state is conflict "stale_state". Execution takes the
//   same row lock to start, so a prepared or approved batch is cancelled or started, never both.
// - finish_execution stores the bank files and the executed state, with one audit
//   event per file (entity "settlement_file", entity_id = the file's row id) and the batch's,
//   in one transaction, only if the batch is executing. Returns false, changing nothing, if it
//   is already executed (a racing execution finished first).
// - executing_guard is the condition the execution hands to the money ledger with its transfers
//   (money::PostingGuard): checked inside the posting's transaction, it locks the batch row
//   there and holds only while the batch is executing; otherwise conflict "batch_cancelled"
//   (rules::cancelled_during_execution) and nothing is posted. It is checked by the money
//   store of the same kind as this store (MariaDB with MariaDB, fake with fake).
// - Store failures are unavailable/internal errors, never exceptions. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/audit.hpp"
#include "core/result.hpp"
#include "money/store.hpp"
#include "settlement/batches/model.hpp"

namespace procura::settlement::batches {

class BatchStore {
public:
    virtual ~BatchStore() = default;

    virtual core::Result<PrepareInput> load_candidates(std::int64_t cutoff_ms) = 0;
    // Stores batch (id ignored) and its items; returns the new id, which also becomes the
    // audit event's entity_id.
    virtual core::Result<std::int64_t> insert_batch(const Batch& batch,
                                                    const core::AuditEvent& audit) = 0;
    // The batch with its skipped list and its files' metadata (xml empty); with its items if
    // with_items.
    virtual core::Result<std::optional<Batch>> find_batch(std::int64_t id, bool with_items) = 0;
    // The latest batches first, without items, at most limit.
    virtual core::Result<std::vector<Batch>> list_batches(std::size_t limit) = 0;
    virtual core::Status transition(std::int64_t id, BatchState from, const Batch& updated,
                                    const core::AuditEvent& audit) = 0;
    virtual core::Status cancel_batch(const Batch& updated, const core::AuditEvent& audit,
                                      const std::optional<std::string>& first_transfer) = 0;
    virtual core::Result<bool> finish_execution(
        const Batch& updated, const std::vector<BankFile>& files,
        const core::AuditEvent& batch_audit, const std::vector<core::AuditEvent>& file_audits) = 0;
    // A file with its xml.
    virtual core::Result<std::optional<BankFile>> find_file(std::int64_t batch_id,
                                                            std::int32_t number) = 0;
    // Inserts or replaces the bank account of account.buyer_id (version + 1); returns it.
    virtual core::Result<BuyerAccount> upsert_buyer_account(const BuyerAccount& account,
                                                            const core::AuditEvent& audit) = 0;
    virtual core::Result<std::vector<BuyerAccount>> list_buyer_accounts() = 0;
    // The guard of batch id's posting (see the contract above); it may outlive no store.
    virtual std::unique_ptr<money::PostingGuard> executing_guard(std::int64_t id) = 0;
};

}  // namespace procura::settlement::batches
