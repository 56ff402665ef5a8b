// The storage port of settlement batches. Implemented by MySQLBatchStore (MariaDB) and by
// FakeBatchStore (tests/settlement/batches/fake_store.hpp); the contract below is checked on
// both by the same cases (tests/settlement/batches/store_contract.hpp).
//
// Contract:
// - load_candidates reads, in one consistent snapshot: every accepted milestone accepted at or
//   before the cut-off (inclusive), by milestone id, each with its supplier's registration and
//   its buyer's bank account as they are at the read (absent if there is none); every award,
//   by id; the lot releases (closed lots, cancelled tenders as lot 0), by (tender, lot); and
//   the deposits still pending in the ledger of bids out of the competition or on a lot that is
//   awarded, closed or cancelled, by bid id, then those whose bid was never stored (once the
//   tender is opened or cancelled). A milestone or deposit held by a prepared, approved,
//   executing or executed batch is no candidate; one of a cancelled batch is again.
// - insert_batch stores a batch with its items and its audit event in one transaction. An
//   item's source key is taken at most once, ever: if any is already taken (a racing
//   preparation won), or the batch names one twice, nothing is stored (no batch, no item, no
//   event) and the error is conflict "item_taken".
// - find_batch, find_file: nothing (an empty optional) for a batch or file that does not exist.
//   Items and files read back by number, whatever order they were handed in.
// - transition, cancel_batch and finish_execution of a batch that does not exist are not_found
//   "batch_not_found", changing nothing.
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
//   event per file (entity "settlement_file", entity_id = the file's row id, set by the store)
//   and then the batch's, in one transaction, only if the batch is executing (otherwise
//   conflict "stale_state"). Returns false, changing nothing, if it is already executed (a
//   racing execution finished first).
// - executing_guard is the condition the execution hands to the money ledger with its transfers
//   (money::PostingGuard): checked inside the posting's transaction, it locks the batch row
//   there and holds only while the batch is executing; otherwise (also for a batch that does
//   not exist) conflict "batch_cancelled" (rules::cancelled_during_execution) and nothing is
//   posted. It is checked by the money store of the same kind as this store (MariaDB with
//   MariaDB, fake with fake).
// - Texts are stored whole up to the bounds the rules allow: item names and remittances of
//   party_name_chars_max and remittance_chars_max characters (creditor names up to 200), a
//   cancel reason of 1,000 bytes, skipped lists of any length.
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

    // What preparation reads for cutoff_ms (see the contract above).
    virtual core::Result<PrepareInput> load_candidates(std::int64_t cutoff_ms) = 0;
    // Stores batch (id ignored) and its items; returns the new id, which also becomes the
    // audit event's entity_id.
    virtual core::Result<std::int64_t> insert_batch(const Batch& batch,
                                                    const core::AuditEvent& audit) = 0;
    // The batch with its skipped list and its files' metadata (xml empty); with its items if
    // with_items.
    virtual core::Result<std::optional<Batch>> find_batch(std::int64_t id, bool with_items) = 0;
    // The latest batches first, at most limit, with their skipped lists but without items or
    // files.
    virtual core::Result<std::vector<Batch>> list_batches(std::size_t limit) = 0;
    virtual core::Status transition(std::int64_t id, BatchState from, const Batch& updated,
                                    const core::AuditEvent& audit) = 0;
    virtual core::Status cancel_batch(const Batch& updated, const core::AuditEvent& audit,
                                      const std::optional<std::string>& first_transfer) = 0;
    virtual core::Result<bool> finish_execution(
        const Batch& updated, const std::vector<BankFile>& files,
        const core::AuditEvent& batch_audit, const std::vector<core::AuditEvent>& file_audits) = 0;
    // A file with its xml; nothing if the batch has no file of that number.
    virtual core::Result<std::optional<BankFile>> find_file(std::int64_t batch_id,
                                                            std::int32_t number) = 0;
    // Inserts or replaces the bank account of account.buyer_id (the same id, version + 1; the
    // first version is 1); returns it. The audit event's entity_id and entity_version become
    // the account's.
    virtual core::Result<BuyerAccount> upsert_buyer_account(const BuyerAccount& account,
                                                            const core::AuditEvent& audit) = 0;
    // Every buyer's account, by buyer id.
    virtual core::Result<std::vector<BuyerAccount>> list_buyer_accounts() = 0;
    // The guard of batch id's posting (see the contract above); it may outlive no store.
    virtual std::unique_ptr<money::PostingGuard> executing_guard(std::int64_t id) = 0;
};

}  // namespace procura::settlement::batches
