// BatchService: the use cases of settlement batches for finance users. prepare takes every
// due milestone payment and deposit refund or forfeit into a stored batch (computed in
// parallel), approve is a second finance user's, execute posts all of a batch's ledger
// transfers as one linked group with ids derived from (batch, item) and writes the bank files
// (pain.001.001.09, validated against the XSD before anything is posted) and a CSV report.
// Execute may be run again at any time, also after a crash at any point: it posts each
// transfer exactly once and writes byte-identical files, because everything it writes follows
// from the stored batch. Talks to its ports only; thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"
#include "money/service.hpp"
#include "money/store.hpp"
#include "settlement/batches/model.hpp"
#include "settlement/batches/store.hpp"

namespace procura::settlement::batches {

namespace rules {
struct LedgerAccounts;
}

// Progress of a long step: stage ("selecting", "validating", "posting", "writing"), done of
// total. Called on the calling thread.
using Progress = std::function<void(std::string_view stage, std::size_t done, std::size_t total)>;
// The fault seam of the crash test: called with the name of each checkpoint of execute
// ("start", "started", "files_built", "accounts_opened", "posted", "finished") before going on.
using Checkpoint = std::function<void(std::string_view name)>;

// The names passed to a Checkpoint, in order.
inline constexpr const char* execute_checkpoints[] = {"start",           "started", "files_built",
                                                      "accounts_opened", "posted",  "finished"};

class BatchService {
public:
    // store, money and clock must outlive the service. pain001_xsd is the path of the XSD that
    // bank files are validated against before release. The service keeps its own
    // money::LedgerService over money whose linked groups may be as long as a batch.
    BatchService(BatchStore& store, money::MoneyStore& money, const core::Clock& clock,
                 std::string pain001_xsd, BatchLimits limits = {});

    // Prepares a batch for cutoff_ms (see rules::select_items). Errors: 403 "forbidden_role";
    // 422 "bad_cutoff" (before 1970), "cutoff_in_future" (after the clock's now);
    // 422 "nothing_to_settle" when no item is due (the message counts the skipped ones and
    // names the first reason); 409 "item_taken" if racing preparations kept taking its items
    // (three attempts); store errors.
    core::Result<Batch> prepare(const core::Caller& caller, std::int64_t cutoff_ms,
                                const Progress& progress = {});

    // Approves a prepared batch (rules::check_can_approve); 404 "batch_not_found".
    core::Result<Batch> approve(const core::Caller& caller, std::int64_t id);

    // Executes an approved batch, or finishes an interrupted execution; an executed batch is
    // returned unchanged. Order: the XSD is loaded (503 "schema_unavailable" naming the file:
    // nothing changed), the start is recorded (state executing), the bank files are written
    // and validated (a failure leaves the batch executing with nothing posted), the ledger
    // accounts are opened, all transfers are posted as one linked group (409 "ledger_refused"
    // naming the item if the ledger refuses one: nothing posted), then the files and the
    // executed state are stored with their audit events in one transaction.
    core::Result<Batch> execute(const core::Caller& caller, std::int64_t id,
                                const Progress& progress = {});

    // Cancels a prepared or approved batch with a reason (rules::check_can_cancel); its items
    // are free for a later batch. 404 "batch_not_found".
    core::Result<Batch> cancel(const core::Caller& caller, std::int64_t id,
                               const std::string& reason);

    // The batch with its items (finance and auditors). 404 "batch_not_found".
    core::Result<Batch> get(const core::Caller& caller, std::int64_t id);
    // The latest batches, without items.
    core::Result<std::vector<Batch>> list(const core::Caller& caller);
    // A bank file of an executed batch with its xml. 404 "file_not_found".
    core::Result<BankFile> file(const core::Caller& caller, std::int64_t id, std::int32_t number);
    // The CSV report of an executed batch, made from the stored batch (rules::report_csv).
    // 404 "report_not_found" before execution.
    core::Result<std::string> report(const core::Caller& caller, std::int64_t id);

    // Sets the bank account of a buyer (rules::normalise_buyer_account; finance or admin).
    core::Result<BuyerAccount> set_buyer_account(const core::Caller& caller,
                                                 const BuyerAccount& input);
    core::Result<std::vector<BuyerAccount>> buyer_accounts(const core::Caller& caller);

    // Test seam: checkpoint is called at each step of execute (see execute_checkpoints). Not
    // thread-safe: set it before use.
    void set_checkpoint(Checkpoint checkpoint) { checkpoint_ = std::move(checkpoint); }

private:
    core::Result<Batch> load(std::int64_t id, bool with_items);

    // The stages of execute that use the service's ports, in order; write_files, between the
    // first two, needs none. service.cpp says what each requires and what a crash after it
    // leaves.
    core::Result<Batch> start_execution(const core::Caller& caller, Batch b);
    core::Result<rules::LedgerAccounts> open_accounts(const core::Caller& caller, const Batch& b);
    core::Status post_transfers(const core::Caller& caller, const Batch& b,
                                const rules::LedgerAccounts& accounts, const Progress& progress);
    core::Status finish_execution(const core::Caller& caller, const Batch& b,
                                  const std::vector<BankFile>& files, const Progress& progress);

    void checkpoint(std::string_view name) const {
        if (checkpoint_) checkpoint_(name);
    }

    BatchStore& store_;
    const core::Clock& clock_;
    money::LedgerService ledger_;
    std::string pain001_xsd_;
    BatchLimits limits_;
    Checkpoint checkpoint_;
};

}  // namespace procura::settlement::batches
