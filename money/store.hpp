// The storage port of the money ledger. Implemented by MySQLMoneyStore (MariaDB) and by
// FakeMoneyStore (tests); the same contract tests run against both
// (tests/money/store_contract.hpp).
//
// Contract:
// - insert_account stores an account with zero balances; one account per (owner, owner_id,
//   currency, kind): a second is conflict "account_exists". Its audit event commits with it.
// - apply_batch runs plan_batch (money/rules.hpp) against the current state, atomically: it
//   locks every account the batch names (ascending id), reads the transfers the batch names,
//   plans, and writes the created transfers, the new balances and one audit event per created
//   transfer (entity "transfer", entity_id = the transfer's row id) in one transaction. So
//   concurrent batches never lose an update, a pending transfer is posted or voided once, and
//   a transfer id is stored once. Failed transfers and failed linked groups change nothing.
// - Store failures are unavailable/internal errors (the whole batch then changed nothing),
//   never exceptions. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/audit.hpp"
#include "core/result.hpp"
#include "money/model.hpp"
#include "money/rules.hpp"

namespace procura::money {

class MoneyStore {
public:
    virtual ~MoneyStore() = default;

    // Stores a (id and balances ignored; validated by the caller); returns the new id. The
    // audit event's entity_id becomes that id.
    virtual core::Result<std::int64_t> insert_account(const Account& a,
                                                      const core::AuditEvent& audit) = 0;
    virtual core::Result<std::optional<Account>> find_account(std::int64_t id) = 0;
    // The account of this owner, currency and kind (there is at most one), if any.
    virtual core::Result<std::optional<Account>> find_account_of(OwnerKind owner,
                                                                 std::int64_t owner_id,
                                                                 const std::string& currency,
                                                                 AccountKind kind) = 0;
    // The transfer with this client id, with its pending_state.
    virtual core::Result<std::optional<Transfer>> find_transfer(const std::string& id) = 0;
    // One result per request, in order (see the contract above). at_ms stamps created
    // transfers and their audit events; actor is the audit events' actor. guard, if not null,
    // is checked first in the same transaction (RowGuard); if it fails, the error is its
    // conflict and nothing changed.
    virtual core::Result<std::vector<TransferResult>> apply_batch(
        const std::vector<Transfer>& requests, std::int64_t at_ms, core::UserId actor,
        const RowGuard* guard) = 0;
    // What check_invariants needs, read in one consistent snapshot.
    virtual core::Result<LedgerFacts> ledger_facts() = 0;
};

}  // namespace procura::money
