// LedgerService: the use cases of the double-entry money ledger. Accounts are opened for a
// buyer, a supplier, a tender's escrow or the platform, in one currency; money moves only as
// transfers between two accounts of that currency, each with a client-chosen unique id, so
// that re-sending a batch (after a time-out, a crash) never moves money twice. Authorisation
// is the calling module's (bidding, settlement): this service trusts its caller and records
// the actor in the audit events. Thread-safe: no mutable state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "money/model.hpp"
#include "money/rules.hpp"
#include "money/store.hpp"

namespace procura::money {

struct LedgerLimits {
    std::size_t transfers_per_batch_max = 8'000;
};

class LedgerService {
public:
    // store and clock must outlive the service.
    LedgerService(MoneyStore& store, const core::Clock& clock, LedgerLimits limits = {});

    // Opens an account with zero balances (spec's id and balances are ignored). Errors:
    // validate_account's; conflict "account_exists" for a second account of the same owner,
    // currency and kind.
    core::Result<Account> open_account(core::UserId actor, const Account& spec);

    // The account of spec's owner, currency and kind, opened (with spec's flags) if there is
    // none yet; a racing opener's account is returned rather than an error.
    core::Result<Account> account_for(core::UserId actor, const Account& spec);

    // 404 "account_not_found".
    core::Result<Account> get_account(std::int64_t id);

    // 404 "transfer_not_found". A pending transfer carries its pending_state.
    core::Result<Transfer> get_transfer(const std::string& id);

    // Applies a batch of transfers (model.hpp for the kinds, rules.hpp's plan_batch for the
    // per-transfer rules and errors), stamped with the clock's time. Returns one result per
    // request: created, exists (same id and fields: nothing changed) or failed with its error;
    // a failure fails its whole linked group, which then changes nothing. Errors of the whole
    // call (nothing changed): unprocessable "batch_empty"; payload_too_large
    // "batch_too_large"; the store's unavailable/internal errors; guard's conflict when the
    // guard (if given; PostingGuard) does not hold at commit time.
    core::Result<std::vector<TransferResult>> create_transfers(
        core::UserId actor, const std::vector<Transfer>& requests,
        const PostingGuard* guard = nullptr);

    // Checks the ledger invariants (rules.hpp: check_invariants) over the whole store. The
    // report lists every violation; an error means the check could not run.
    core::Result<InvariantReport> check();

private:
    MoneyStore& store_;
    const core::Clock& clock_;
    LedgerLimits limits_;
};

}  // namespace procura::money
