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

// The transaction a store posts a batch in, as a PostingGuard sees it. Each store passes its
// own kind (the MariaDB store a MySQLPostingTransaction, money/mysql_store.hpp); a guard made
// for one kind of store refuses any other (internal), so that it is never "checked" outside
// the transaction it must hold in.
class PostingTransaction {
public:
    virtual ~PostingTransaction() = default;
};

// A condition another module puts on a batch of transfers, checked inside the batch's own
// transaction before anything is written, free to lock the rows it reads there: a change
// committed after the check then waits for the batch, or the batch sees it and writes
// nothing. Settlement uses one so that a settlement batch cancelled during its execution never
// posts (its cancellation locks the same row). Implemented beside the module's own adapter
// (settlement/batches/mysql_store.cpp) and fake, so that money knows no other module's tables.
class PostingGuard {
public:
    virtual ~PostingGuard() = default;
    // Ok if the batch may go on; otherwise the error apply_batch returns (a conflict naming
    // why), and nothing of the batch is written.
    virtual core::Status check(PostingTransaction& transaction) const = 0;
};

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
    // is checked first in the same transaction (PostingGuard); if it fails, its error is
    // returned and nothing changed.
    virtual core::Result<std::vector<TransferResult>> apply_batch(
        const std::vector<Transfer>& requests, std::int64_t at_ms, core::UserId actor,
        const PostingGuard* guard) = 0;
    // What check_invariants needs, read in one consistent snapshot.
    virtual core::Result<LedgerFacts> ledger_facts() = 0;
};

}  // namespace procura::money
