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

    if (b.state == BatchState::approved) {
        Batch started = b;
        started.state = BatchState::executing;
        started.version += 1;
        started.execute_started_by = caller.user_id;
        started.execute_started_at_ms = clock_.now_ms();
        auto moved = store_.transition(
            id, BatchState::approved, started,
            batch_event(started.execute_started_at_ms, caller.user_id,
                        "settlement_batch.execution_started", started, Json::object()));
        if (moved) {
            b = std::move(started);
        } else if (moved.error().code == "stale_state") {
            // A racing execution started first: go on with the stored batch.
            PROCURA_TRY_ASSIGN(auto again, load(id, true));
            b = std::move(again);
            if (b.state == BatchState::executed) return b;
            PROCURA_TRY(rules::check_can_execute(b, caller));  // cancelled meanwhile
        } else {
            return moved.error();
        }
    }
    checkpoint("started");

    // The bank files, fully determined by the stored batch, written and validated before any
    // money moves.
    std::vector<rules::PlannedFile> planned = rules::plan_files(b);
    std::vector<BankFile> files;
    files.reserve(planned.size());
    for (std::size_t n = 0; n < planned.size(); ++n) {
        if (progress) progress("validating", n, planned.size());
        PROCURA_TRY_ASSIGN(auto xml, write_pain001(planned[n].payments));
        if (auto valid = validator->validate(xml); !valid) {
            return core::internal("bank_file_invalid",
                                  "bank file " + std::to_string(planned[n].file.number) +
                                      " of batch " + std::to_string(id) +
                                      " does not validate: " + valid.error().message);
        }
        BankFile f = planned[n].file;
        f.sha256_hex = core::sha256_hex(xml);
        f.xml = std::move(xml);
        files.push_back(std::move(f));
    }
    if (progress) progress("validating", planned.size(), planned.size());
    checkpoint("files_built");

    rules::LedgerAccounts accounts;
    for (const Item& i : b.items) {
        if (i.kind != ItemKind::payment) continue;
        if (!accounts.buyers.count({i.buyer_account_id, i.currency})) {
            money::Account spec;
            spec.owner = money::OwnerKind::buyer;
            spec.owner_id = i.buyer_account_id;
            spec.currency = i.currency;
            spec.kind = money::AccountKind::operating;
            PROCURA_TRY_ASSIGN(auto a, ledger_.account_for(caller.user_id, spec));
            accounts.buyers[{i.buyer_account_id, i.currency}] = a.id;
        }
        if (!accounts.suppliers.count({i.supplier_id, i.currency})) {
            money::Account spec;
            spec.owner = money::OwnerKind::supplier;
            spec.owner_id = i.supplier_id;
            spec.currency = i.currency;
            spec.kind = money::AccountKind::operating;
            PROCURA_TRY_ASSIGN(auto a, ledger_.account_for(caller.user_id, spec));
            accounts.suppliers[{i.supplier_id, i.currency}] = a.id;
        }
    }
    checkpoint("accounts_opened");

    const std::vector<money::Transfer> transfers = rules::ledger_transfers(b, accounts);
    if (progress) progress("posting", 0, transfers.size());
    // Posted only while the batch is still executing, checked under its row's lock in the
    // posting's own transaction: a cancellation committed meanwhile stops it.
    const std::unique_ptr<money::PostingGuard> guard = store_.executing_guard(id);
    PROCURA_TRY_ASSIGN(auto posted,
                       ledger_.create_transfers(caller.user_id, transfers, guard.get()));
    for (std::size_t n = 0; n < posted.size(); ++n) {
        const money::TransferResult& r = posted[n];
        if (r.status != money::TransferStatus::failed) continue;
        // The first failure names the cause; the others are "linked_transfer_failed".
        if (r.error && r.error->code == "linked_transfer_failed") continue;
        return core::conflict("ledger_refused",
                              "the ledger refused item " + std::to_string(n + 1) + " (" +
                                  transfers[n].id + ") of batch " + std::to_string(id) + ": " +
                                  (r.error ? r.error->code + ": " + r.error->message : "failed") +
                                  "; nothing was posted");
    }
    if (progress) progress("posting", transfers.size(), transfers.size());
    checkpoint("posted");

    Batch done = b;
    done.state = BatchState::executed;
    done.version += 1;
    done.executed_by = caller.user_id;
    done.executed_at_ms = clock_.now_ms();
    std::vector<core::AuditEvent> file_events;
    for (const BankFile& f : files) {
        file_events.push_back(core::AuditEvent{
            done.executed_at_ms, caller.user_id, "settlement_file.written", "settlement_file", 0, 1,
            core::compact_json(Json{{"batch_id", id},
                                    {"number", f.number},
                                    {"message_id", f.message_id},
                                    {"currency", f.currency},
                                    {"payment_count", f.payment_count},
                                    {"control_sum_minor", f.control_sum_minor},
                                    {"sha256", f.sha256_hex}})});
    }
    Json file_hashes = Json::array();
    for (const BankFile& f : files) file_hashes.push_back(f.sha256_hex);
    if (progress) progress("writing", 0, 1);
    PROCURA_TRY(store_.finish_execution(
        done, files,
        batch_event(done.executed_at_ms, caller.user_id, "settlement_batch.executed", done,
                    Json{{"item_count", done.item_count}, {"files_sha256", file_hashes}}),
        file_events));
    if (progress) progress("writing", 1, 1);
    checkpoint("finished");
    return load(id, true);
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
