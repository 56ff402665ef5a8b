#include "settlement/batches/service.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "core/json_text.hpp"
#include "core/time.hpp"
#include "settlement/batches/pain001.hpp"
#include "settlement/batches/rules.hpp"

namespace procura::settlement::batches {
namespace {

using core::ErrorKind;
using Json = nlohmann::json;

core::Error posted_error(std::int64_t id) {
    return core::conflict("batch_posted",
                          "batch " + std::to_string(id) +
                              " is posted in the ledger and cannot be cancelled: run its execution "
                              "again to finish it");
}

// How often prepare recomputes after a racing preparation took one of its items.
constexpr int prepare_attempts_max = 3;

core::AuditEvent batch_event(std::int64_t at_ms, core::UserId actor, std::string action,
                             const Batch& b, const Json& payload) {
    return core::AuditEvent{at_ms, actor,     std::move(action),          "settlement_batch",
                            b.id,  b.version, core::compact_json(payload)};
}

core::Error batch_not_found(std::int64_t id) {
    return core::not_found("batch_not_found", "there is no settlement batch " + std::to_string(id));
}

money::LedgerLimits ledger_limits(const BatchLimits& limits) {
    money::LedgerLimits l;
    l.transfers_per_batch_max = std::max(l.transfers_per_batch_max, limits.items_per_batch_max);
    return l;
}

// Stage "write files" of execute: the bank files of b, written and validated in memory before
// any money moves. Requires b as stored (executing). They follow from the stored batch alone,
// so a rerun writes them byte for byte again; nothing is stored here, so a failure or a crash
// leaves the batch executing with nothing posted. Errors: internal "bank_file_invalid", those
// of write_pain001.
core::Result<std::vector<BankFile>> write_files(const Batch& b, const Pain001Validator& validator,
                                                const Progress& progress) {
    std::vector<rules::PlannedFile> planned = rules::plan_files(b);
    std::vector<BankFile> files;
    files.reserve(planned.size());
    for (std::size_t n = 0; n < planned.size(); ++n) {
        if (progress) progress("validating", n, planned.size());
        PROCURA_TRY_ASSIGN(auto xml, write_pain001(planned[n].payments));
        if (auto valid = validator.validate(xml); !valid) {
            return core::internal("bank_file_invalid",
                                  "bank file " + std::to_string(planned[n].file.number) +
                                      " of batch " + std::to_string(b.id) +
                                      " does not validate: " + valid.error().message);
        }
        BankFile f = planned[n].file;
        f.sha256_hex = core::sha256_hex(xml);
        f.xml = std::move(xml);
        files.push_back(std::move(f));
    }
    if (progress) progress("validating", planned.size(), planned.size());
    return files;
}

// The audit events of the written bank files, one per file (entity ids set by the store).
std::vector<core::AuditEvent> file_events(const std::vector<BankFile>& files, std::int64_t at_ms,
                                          core::UserId actor, std::int64_t batch_id) {
    std::vector<core::AuditEvent> events;
    for (const BankFile& f : files) {
        events.push_back(
            core::AuditEvent{at_ms, actor, "settlement_file.written", "settlement_file", 0, 1,
                             core::compact_json(Json{{"batch_id", batch_id},
                                                     {"number", f.number},
                                                     {"message_id", f.message_id},
                                                     {"currency", f.currency},
                                                     {"payment_count", f.payment_count},
                                                     {"control_sum_minor", f.control_sum_minor},
                                                     {"sha256", f.sha256_hex}})});
    }
    return events;
}

// The operating account of (owner, owner_id) in currency, opened if it does not exist yet,
// remembered in known.
core::Status open_account(money::LedgerService& ledger, const core::Caller& caller,
                          money::OwnerKind owner, std::int64_t owner_id,
                          const std::string& currency, rules::LedgerAccounts::ByOwner& known) {
    if (known.count({owner_id, currency})) return {};
    money::Account spec;
    spec.owner = owner;
    spec.owner_id = owner_id;
    spec.currency = currency;
    spec.kind = money::AccountKind::operating;
    PROCURA_TRY_ASSIGN(auto a, ledger.account_for(caller.user_id, spec));
    known[{owner_id, currency}] = a.id;
    return {};
}

}  // namespace

BatchService::BatchService(BatchStore& store, money::MoneyStore& money, const core::Clock& clock,
                           std::string pain001_xsd, BatchLimits limits)
    : store_(store),
      clock_(clock),
      ledger_(money, clock, ledger_limits(limits)),
      pain001_xsd_(std::move(pain001_xsd)),
      limits_(limits) {}

core::Result<Batch> BatchService::load(std::int64_t id, bool with_items) {
    PROCURA_TRY_ASSIGN(auto found, store_.find_batch(id, with_items));
    if (!found) return batch_not_found(id);
    return std::move(*found);
}

core::Result<Batch> BatchService::prepare(const core::Caller& caller, std::int64_t cutoff_ms,
                                          const Progress& progress) {
    PROCURA_TRY(rules::check_finance(caller));
    if (cutoff_ms < 0) {
        return core::unprocessable("bad_cutoff", "the cut-off is before 1970", "cutoff");
    }
    if (cutoff_ms > clock_.now_ms()) {
        // A preview must show a settled past: what is accepted later belongs to a later batch.
        return core::unprocessable(
            "cutoff_in_future",
            "the cut-off " + core::format_rfc3339_ms(cutoff_ms) + " is in the future", "cutoff");
    }
    for (int attempt = 1;; ++attempt) {
        if (progress) progress("selecting", 0, 1);
        PROCURA_TRY_ASSIGN(auto input, store_.load_candidates(cutoff_ms));
        rules::Selection selection = rules::select_items(
            input, cutoff_ms, limits_.items_per_batch_max, limits_.prepare_threads);
        if (progress) progress("selecting", 1, 1);
        if (selection.items.empty()) {
            std::string message = "nothing to settle at this cut-off";
            if (!selection.skipped.empty()) {
                message += ": " + std::to_string(selection.skipped.size()) +
                           " item(s) skipped, the first: " + selection.skipped.front().reason;
            }
            return core::unprocessable("nothing_to_settle", message, "cutoff");
        }
        Batch b;
        b.state = BatchState::prepared;
        b.version = 1;
        b.cutoff_ms = cutoff_ms;
        b.prepared_by = caller.user_id;
        b.prepared_at_ms = clock_.now_ms();
        b.item_count = static_cast<std::int32_t>(selection.items.size());
        b.items = std::move(selection.items);
        b.skipped = std::move(selection.skipped);
        const Json payload = {{"cutoff_ms", cutoff_ms},
                              {"item_count", b.item_count},
                              {"skipped_count", b.skipped.size()}};
        auto id = store_.insert_batch(b, batch_event(b.prepared_at_ms, caller.user_id,
                                                     "settlement_batch.prepared", b, payload));
        if (!id) {
            if (id.error().code == "item_taken" && attempt < prepare_attempts_max) continue;
            return id.error();
        }
        b.id = *id;
        return b;
    }
}

core::Result<Batch> BatchService::approve(const core::Caller& caller, std::int64_t id) {
    PROCURA_TRY(rules::check_finance(caller));
    PROCURA_TRY_ASSIGN(auto b, load(id, true));
    PROCURA_TRY(rules::check_can_approve(b, caller));
    Batch updated = b;
    updated.state = BatchState::approved;
    updated.version += 1;
    updated.approved_by = caller.user_id;
    updated.approved_at_ms = clock_.now_ms();
    auto moved = store_.transition(
        id, BatchState::prepared, updated,
        batch_event(updated.approved_at_ms, caller.user_id, "settlement_batch.approved", updated,
                    Json{{"prepared_by", updated.prepared_by}}));
    if (!moved) {
        if (moved.error().code == "stale_state") {
            return core::conflict("batch_not_prepared",
                                  "batch " + std::to_string(id) + " was approved meanwhile");
        }
        return moved.error();
    }
    return updated;
}

core::Result<Batch> BatchService::cancel(const core::Caller& caller, std::int64_t id,
                                         const std::string& reason) {
    PROCURA_TRY(rules::check_finance(caller));
    PROCURA_TRY_ASSIGN(auto b, load(id, false));
    PROCURA_TRY(rules::check_can_cancel(b, caller, reason));
    // An executing batch whose execution stopped before posting (the ledger refused the group,
    // or the process died before it) can be cancelled too, if nothing of it was posted: the
    // group is linked, so its first transfer is there exactly when all are. The store checks
    // that again under the batch row's lock, which the posting also takes
    // (BatchStore::executing_guard).
    std::optional<std::string> first_transfer;
    if (b.state == BatchState::executing) {
        first_transfer = rules::transfer_id(id, 1);
        auto first = ledger_.get_transfer(*first_transfer);
        if (first) return posted_error(id);
        if (first.error().kind != ErrorKind::not_found) return first.error();
    }
    Batch updated = b;
    updated.state = BatchState::cancelled;
    updated.version += 1;
    updated.cancelled_by = caller.user_id;
    updated.cancelled_at_ms = clock_.now_ms();
    updated.cancel_reason = reason;
    auto cancelled = store_.cancel_batch(
        updated,
        batch_event(updated.cancelled_at_ms, caller.user_id, "settlement_batch.cancelled", updated,
                    Json{{"reason", reason}, {"cancelled_from", std::string(to_string(b.state))}}),
        first_transfer);
    if (!cancelled) {
        if (cancelled.error().code == "stale_state") {
            return core::conflict("batch_not_cancellable",
                                  "batch " + std::to_string(id) +
                                      " changed meanwhile (its execution may have started)");
        }
        return cancelled.error();
    }
    return load(id, true);
}

core::Result<Batch> BatchService::execute(const core::Caller& caller, std::int64_t id,
                                          const Progress& progress) {
    PROCURA_TRY(rules::check_finance(caller));
    PROCURA_TRY_ASSIGN(auto loaded, load(id, true));
    Batch b = std::move(loaded);
    PROCURA_TRY(rules::check_can_execute(b, caller));
    if (b.state == BatchState::executed) return b;

    // The schema first: without it no file can be released, so nothing may start.
    auto validator = Pain001Validator::open(pain001_xsd_);
    if (!validator) {
        return core::unavailable("schema_unavailable",
                                 "cannot validate bank files: " + validator.error().message);
    }
    checkpoint("start");
    PROCURA_TRY_ASSIGN(auto started, start_execution(caller, std::move(b)));
    if (started.state == BatchState::executed) return started;  // a racing execution finished
    checkpoint("started");
    PROCURA_TRY_ASSIGN(auto files, write_files(started, *validator, progress));
    checkpoint("files_built");
    PROCURA_TRY_ASSIGN(auto accounts, open_accounts(caller, started));
    checkpoint("accounts_opened");
    PROCURA_TRY(post_transfers(caller, started, accounts, progress));
    checkpoint("posted");
    PROCURA_TRY(finish_execution(caller, started, files, progress));
    checkpoint("finished");
    return load(id, true);
}

// Stage "start" of execute: records the start (approved -> executing, with its audit event)
// and returns the batch to go on with. Requires b loaded with its items, passed by
// check_can_execute and not executed. An executing batch (an interrupted execution) is
// returned as it is; when a racing execution started first, the stored batch is, which may be
// executed already. A crash after this stage leaves the batch executing with nothing posted: a
// rerun goes on from here, and a cancellation is still possible.
core::Result<Batch> BatchService::start_execution(const core::Caller& caller, Batch b) {
    if (b.state != BatchState::approved) return b;
    Batch started = b;
    started.state = BatchState::executing;
    started.version += 1;
    started.execute_started_by = caller.user_id;
    started.execute_started_at_ms = clock_.now_ms();
    auto moved = store_.transition(
        b.id, BatchState::approved, started,
        batch_event(started.execute_started_at_ms, caller.user_id,
                    "settlement_batch.execution_started", started, Json::object()));
    if (moved) return started;
    if (moved.error().code != "stale_state") return moved.error();
    // A racing execution started first: go on with the stored batch.
    PROCURA_TRY_ASSIGN(auto again, load(b.id, true));
    if (again.state == BatchState::executed) return again;
    PROCURA_TRY(rules::check_can_execute(again, caller));  // cancelled meanwhile
    return again;
}

// Stage "open accounts" of execute: the ledger accounts of the payments' buyers and suppliers,
// per currency, each opened by its own transaction if it does not exist yet (account_for
// returns an existing one, also a racing opener's). Requires b executing. A crash after it
// leaves accounts opened and nothing posted; a rerun finds them, and an account without
// transfers moves no balance.
core::Result<rules::LedgerAccounts> BatchService::open_accounts(const core::Caller& caller,
                                                                const Batch& b) {
    rules::LedgerAccounts accounts;
    for (const Item& i : b.items) {
        if (i.kind != ItemKind::payment) continue;
        PROCURA_TRY(open_account(ledger_, caller, money::OwnerKind::buyer, i.buyer_account_id,
                                 i.currency, accounts.buyers));
        PROCURA_TRY(open_account(ledger_, caller, money::OwnerKind::supplier, i.supplier_id,
                                 i.currency, accounts.suppliers));
    }
    return accounts;
}

// Stage "post" of execute: all of b's transfers as one linked group, whose ids follow from
// (batch, item), in one ledger transaction. Requires b executing and accounts from
// open_accounts. Exactly once: a rerun sends the same transfers, which the ledger answers with
// "exists" and does not post again. Errors: 409 "ledger_refused" naming the first refused item
// (the group is linked: nothing posted); "batch_cancelled" from the guard when a cancellation
// committed first. A crash after it leaves everything posted and the batch executing, which no
// cancellation may then undo (its first transfer exists); a rerun finishes it.
core::Status BatchService::post_transfers(const core::Caller& caller, const Batch& b,
                                          const rules::LedgerAccounts& accounts,
                                          const Progress& progress) {
    const std::vector<money::Transfer> transfers = rules::ledger_transfers(b, accounts);
    if (progress) progress("posting", 0, transfers.size());
    // Posted only while the batch is still executing, checked under its row's lock in the
    // posting's own transaction: a cancellation committed meanwhile stops it.
    const std::unique_ptr<money::PostingGuard> guard = store_.executing_guard(b.id);
    PROCURA_TRY_ASSIGN(auto posted,
                       ledger_.create_transfers(caller.user_id, transfers, guard.get()));
    for (std::size_t n = 0; n < posted.size(); ++n) {
        const money::TransferResult& r = posted[n];
        if (r.status != money::TransferStatus::failed) continue;
        // The first failure names the cause; the others are "linked_transfer_failed".
        if (r.error && r.error->code == "linked_transfer_failed") continue;
        return core::conflict("ledger_refused",
                              "the ledger refused item " + std::to_string(n + 1) + " (" +
                                  transfers[n].id + ") of batch " + std::to_string(b.id) + ": " +
                                  (r.error ? r.error->code + ": " + r.error->message : "failed") +
                                  "; nothing was posted");
    }
    if (progress) progress("posting", transfers.size(), transfers.size());
    return {};
}

// Stage "finish" of execute: stores the bank files and the executed state with their audit
// events in one transaction of the store, which does nothing if a racing execution finished
// first. Requires b executing, posted, and its files from write_files. A crash after it leaves
// the batch executed; a rerun returns it unchanged.
core::Status BatchService::finish_execution(const core::Caller& caller, const Batch& b,
                                            const std::vector<BankFile>& files,
                                            const Progress& progress) {
    Batch done = b;
    done.state = BatchState::executed;
    done.version += 1;
    done.executed_by = caller.user_id;
    done.executed_at_ms = clock_.now_ms();
    const std::vector<core::AuditEvent> events =
        file_events(files, done.executed_at_ms, caller.user_id, b.id);
    Json file_hashes = Json::array();
    for (const BankFile& f : files) file_hashes.push_back(f.sha256_hex);
    if (progress) progress("writing", 0, 1);
    PROCURA_TRY(store_.finish_execution(
        done, files,
        batch_event(done.executed_at_ms, caller.user_id, "settlement_batch.executed", done,
                    Json{{"item_count", done.item_count}, {"files_sha256", file_hashes}}),
        events));
    if (progress) progress("writing", 1, 1);
    return {};
}

core::Result<Batch> BatchService::get(const core::Caller& caller, std::int64_t id) {
    PROCURA_TRY(rules::check_can_read(caller));
    return load(id, true);
}

core::Result<std::vector<Batch>> BatchService::list(const core::Caller& caller) {
    PROCURA_TRY(rules::check_can_read(caller));
    return store_.list_batches(limits_.batches_per_page_max);
}

core::Result<BankFile> BatchService::file(const core::Caller& caller, std::int64_t id,
                                          std::int32_t number) {
    PROCURA_TRY(rules::check_can_read(caller));
    PROCURA_TRY_ASSIGN(auto f, store_.find_file(id, number));
    if (!f) {
        return core::not_found("file_not_found", "batch " + std::to_string(id) +
                                                     " has no bank file " + std::to_string(number) +
                                                     " (is it executed?)");
    }
    return std::move(*f);
}

core::Result<std::string> BatchService::report(const core::Caller& caller, std::int64_t id) {
    PROCURA_TRY(rules::check_can_read(caller));
    // Made anew from the stored batch on each request, as execute made its files: it follows
    // from the items and the approval time alone, and a batch of a million payments gives a
    // report far larger than one database value should hold.
    PROCURA_TRY_ASSIGN(auto loaded, load(id, true));
    if (loaded.state != BatchState::executed) {
        return core::not_found("report_not_found",
                               "batch " + std::to_string(id) + " has no report (is it executed?)");
    }
    return rules::report_csv(loaded, rules::plan_files(loaded));
}

core::Result<BuyerAccount> BatchService::set_buyer_account(const core::Caller& caller,
                                                           const BuyerAccount& input) {
    PROCURA_TRY(rules::check_can_set_buyer_account(caller));
    PROCURA_TRY_ASSIGN(auto account, rules::normalise_buyer_account(input));
    account.updated_by = caller.user_id;
    account.updated_at_ms = clock_.now_ms();
    const core::AuditEvent audit{account.updated_at_ms,
                                 caller.user_id,
                                 "buyer_bank_account.set",
                                 "buyer_bank_account",
                                 0,
                                 0,
                                 core::compact_json(Json{{"buyer_id", account.buyer_id},
                                                         {"name", account.name},
                                                         {"iban", account.iban},
                                                         {"bic", account.bic}})};
    return store_.upsert_buyer_account(account, audit);
}

core::Result<std::vector<BuyerAccount>> BatchService::buyer_accounts(const core::Caller& caller) {
    if (caller.role != core::Role::auditor) PROCURA_TRY(rules::check_can_set_buyer_account(caller));
    return store_.list_buyer_accounts();
}

}  // namespace procura::settlement::batches
