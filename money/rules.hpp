// The ledger's rules as pure functions: request validation, the planning of a batch of
// transfers against the locked accounts (balances, flags, idempotency, pending transfers,
// linked groups), and the ledger invariants. Both stores (MariaDB and the in-memory fake) call
// plan_batch with what they locked and write what it planned, so the rules live in one place.
// No clock, no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/audit.hpp"
#include "core/result.hpp"
#include "money/model.hpp"

namespace procura::money {

// Checks an account to be opened: a known currency, no contradictory flags, owner_id >= 0
// (0 only for the platform). Errors: unprocessable "bad_currency" (field "currency"),
// "contradictory_flags" (field "flags"), "bad_owner_id" (field "owner_id").
core::Status validate_account(const Account& account);

// Checks one transfer request on its own (no state): id 1..64 of [A-Za-z0-9._:-] (bad_request
// "bad_transfer_id", field "id"); amount > 0 for single and pending, >= 0 for post and void
// ("amount_not_positive", field "amount_minor"); accounts > 0 and different for single and
// pending ("account_required", "same_account"); an ISO 4217 currency where given
// ("bad_currency"); pending_id present exactly for post and void ("pending_id_required",
// "unexpected_pending_id"); code in 0..code_max ("bad_code"); reference and batch_id within
// their limits ("reference_too_long", "bad_batch_id").
core::Status validate_transfer(const Transfer& transfer);

// What a store has read under its locks before planning a batch.
struct LedgerView {
    // Every existing account the batch names (directly or through a referenced pending
    // transfer), locked. Accounts not found are simply absent.
    std::map<std::int64_t, Account> accounts;
    // Every existing transfer whose id is one of the batch's ids or pending ids, with its
    // pending_state.
    std::map<std::string, Transfer> transfers;
};

struct BatchPlan {
    std::vector<TransferResult> results;  // one per request, in request order
    // The transfers to insert, in request order (row_id 0, at_ms set): a pending transfer
    // always precedes the post or void of it.
    std::vector<Transfer> created;
    std::vector<std::size_t> created_result;  // for each of created, its index in results
    // The ids of the accounts whose balances changed; their new balances are in the view.
    std::vector<std::int64_t> changed_accounts;
};

// Plans requests (validated or not: each is validated here) at at_ms against view, which it
// updates as the transfers apply (new balances, new transfers, resolved pendings). Transfers
// apply in order; a failed transfer fails its whole linked group, whose effects are undone.
// A request whose id already exists with the same fields is "exists" and changes nothing; with
// other fields it fails with conflict "transfer_conflict". Other per-transfer errors:
// not_found "account_not_found" / "pending_not_found"; unprocessable "currency_mismatch",
// "not_a_pending_transfer", "pending_accounts_mismatch", "post_exceeds_pending",
// "void_amount_mismatch"; conflict "pending_already_posted" / "pending_already_voided",
// "exceeds_credits" / "exceeds_debits" (an account flag), "balance_overflow";
// bad_request "linked_group_open" (the batch ends inside a linked group).
BatchPlan plan_batch(const std::vector<Transfer>& requests, std::int64_t at_ms, LedgerView& view);

// Once the store has set the row_id of every plan.created transfer: copies the row ids into
// plan.results (also into the "exists" results of transfers created earlier in the batch).
void finish_results(BatchPlan& plan);

// The audit event of a created transfer (entity "transfer", entity_id = its row_id, version 1,
// action "transfer.created", ".pending", ".posted" or ".voided", payload with its fields), by
// the transfer's own actor if it names one, else by actor.
core::AuditEvent transfer_audit_event(const Transfer& transfer, core::UserId actor);

// The audit event of an opened account (entity "account", action "account.opened").
core::AuditEvent account_audit_event(const Account& account, core::UserId actor);

// What the invariant check reads from a store: every account with its stored balances and the
// balances recomputed from its transfers, and the transfers lacking their audit event.
struct AccountFacts {
    Account account;      // with the stored balances
    Balances recomputed;  // summed from the transfer rows
};

struct LedgerFacts {
    std::vector<AccountFacts> accounts;
    std::int64_t transfer_count = 0;
    std::int64_t transfers_without_audit_count = 0;
    std::vector<std::int64_t> transfers_without_audit;  // row ids, at most 20 of them
};

struct InvariantReport {
    std::int64_t account_count = 0;
    std::int64_t transfer_count = 0;
    std::int64_t currency_count = 0;
    std::vector<std::string> violations;  // one readable sentence each; empty if all hold
    bool ok() const { return violations.empty(); }
};

// The ledger invariants: per currency, total debits == total credits (posted, and pending);
// every account's stored balances equal the sums of its transfers and are not negative; no
// account breaks its flags; every transfer has its audit event.
InvariantReport check_invariants(const LedgerFacts& facts);

}  // namespace procura::money
