// The rules of settlement batches as pure functions: who may do what (finance only, four-eyes
// approval), which milestones and deposits a batch for a cut-off takes and which it leaves out
// and why, the order and numbering of items, the totals of the preview, the ledger transfers
// and bank files that execution derives from a stored batch, and the CSV report. No clock, no
// I/O: everything execution writes follows from the batch as stored, so a re-run after a crash
// produces the same transfers and byte-identical files.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/identity.hpp"
#include "core/result.hpp"
#include "money/model.hpp"
#include "settlement/batches/model.hpp"
#include "settlement/batches/pain001.hpp"

namespace procura::settlement::batches::rules {

// 403 "forbidden_role" unless the caller is a finance user.
core::Status check_finance(const core::Caller& caller);
// Reading batches, files and reports: finance and auditors; 403 "forbidden_role" otherwise.
core::Status check_can_read(const core::Caller& caller);
// Setting a buyer's bank account: finance and administrators; 403 "forbidden_role" otherwise.
core::Status check_can_set_buyer_account(const core::Caller& caller);
// Approval: a finance user (403 "forbidden_role") other than the preparer (403 "four_eyes"),
// of a prepared batch (409 "batch_not_prepared").
core::Status check_can_approve(const Batch& batch, const core::Caller& caller);
// Execution: a finance user (403 "forbidden_role") of an approved batch or of one whose
// execution was interrupted (executing); 409 "batch_not_approved" for a prepared one. An
// executed batch passes: executing it again changes nothing.
core::Status check_can_execute(const Batch& batch, const core::Caller& caller);
// Why the posting of batch batch_id stops when the batch is no longer executing (a
// cancellation committed during the execution): 409 "batch_cancelled". The executing guard of
// every batch store returns it (BatchStore::executing_guard).
core::Error cancelled_during_execution(std::int64_t batch_id);
// Cancellation: a finance user (403 "forbidden_role") with a reason of 1 to 1,000 bytes
// (422 "reason_required", "reason_too_long"), of a prepared, approved or executing batch
// (409 "batch_not_cancellable" for an executed or cancelled one). For an executing batch the
// service and the store also check that nothing was posted (409 "batch_posted").
core::Status check_can_cancel(const Batch& batch, const core::Caller& caller,
                              const std::string& reason);

// The buyer account with name trimmed, IBAN in electronic format (mod-97 and country length
// checked) and BIC upper case (optional). Errors 422: "missing_field" (buyer_id, name),
// "field_too_long", "bad_iban" (field "iban"), "bad_bic" (field "bic").
core::Result<BuyerAccount> normalise_buyer_account(const BuyerAccount& input);

// The ledger transfer id of item `number` of batch `batch_id`: "stl:<batch>:<number>", at most
// 35 characters (it is also the bank file's EndToEndId).
std::string transfer_id(std::int64_t batch_id, std::int32_t number);
// The ledger batch id of a settlement batch's transfers: "settlement-<batch>".
std::string ledger_batch_id(std::int64_t batch_id);

struct Selection {
    std::vector<Item> items;  // numbered from 1 in order (payments, then deposits)
    std::vector<Skipped> skipped;
};

// The items of a batch for cutoff_ms, computed in parallel on at most `threads` threads (0:
// all) with identical results for any thread count:
// - a milestone accepted at or before the cut-off (accepted_at_ms <= cutoff_ms) is a payment
//   from its buyer's bank account to its supplier, unless the supplier has no approved
//   registration ("supplier_not_approved"), no IBAN ("supplier_without_iban"), the buyer has
//   no bank account ("buyer_without_bank_account"), or the bank file would refuse the
//   payment (check_payment_batch's code, e.g. "bad_iban"): then it is skipped with the reason;
// - a pending deposit of an active bid on a lot with awards: forfeited when that bid's award
//   was declined at or before the cut-off; refunded when its award was signed at or before the
//   cut-off; held while its award is current ('awarded', or decided after the cut-off);
//   otherwise (a losing bid) refunded once the lot's first award is at or before the cut-off.
//   A lot closed as unsuccessful, or a cancelled tender, at or before the cut-off releases
//   its deposits as refunds; a cancellation also refunds a held winner's (never a declined
//   one's, which stays forfeited).
// Items are ordered payments first by (buyer account, currency, contract, milestone number),
// then deposits by (tender, lot, pending id), and taken in that order while each currency's
// items add up to less than batch_currency_sum_max_minor (an item that would reach it waits for
// a later batch; one that reaches it alone is skipped as "amount_too_large"), up to items_max
// (the rest waits for the next batch, never skipped), and numbered from 1. The pending deposit
// of a replaced or withdrawn bid (its release by bidding failed) is refunded at once. Skipped
// entries are ordered by source key.
Selection select_items(const PrepareInput& input, std::int64_t cutoff_ms, std::size_t items_max,
                       int threads);

// Sums per currency and per (supplier, currency) of the items, sorted.
Totals totals(const std::vector<Item>& items);

// The ledger accounts of a batch's payments: the buyer's operating account per (buyer account
// id, currency) and the supplier's operating account per (supplier id, currency).
struct LedgerAccounts {
    // Account id by (owner id, currency).
    using ByOwner = std::map<std::pair<std::int64_t, std::string>, std::int64_t>;
    ByOwner buyers;
    ByOwner suppliers;
};

// The one linked group of transfers that executes the batch, in item order: a payment is a
// single transfer from the buyer's to the supplier's account (code 2); a refund voids and a
// forfeit posts the deposit's pending transfer (code 1), amounts and accounts taken from the
// pending transfer. Ids from transfer_id; every transfer but the last is linked.
// Precondition: accounts holds every payment's accounts.
std::vector<money::Transfer> ledger_transfers(const Batch& batch, const LedgerAccounts& accounts);

// A bank file to write: its metadata (sha256 and xml empty) and the payments it carries.
struct PlannedFile {
    BankFile file;
    PaymentBatch payments;
};

// The bank files of a batch: its payment items in item order, grouped by (buyer account,
// currency) in order of first appearance, split after pain001_payments_max payments, numbered
// from 1. Message id "STL-<batch>-<n>", payment information id "STL-<batch>-<n>-1", creation
// time and requested execution date the batch's approval time: so the files are fixed once a
// batch is approved. Precondition: the batch is approved (approved_at_ms > 0).
std::vector<PlannedFile> plan_files(const Batch& batch);

// The batch report (RFC 4180, CRLF): one row per item with its transfer id, kind, source,
// tender, lot, supplier, creditor, IBAN, amount in major units, currency and bank file number
// (0 for refunds and forfeits, which move no money at the bank).
std::string report_csv(const Batch& batch, const std::vector<PlannedFile>& files);

}  // namespace procura::settlement::batches::rules
