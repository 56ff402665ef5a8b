// The double-entry money ledger's vocabulary: accounts with their balances and flags, and
// transfers between two accounts of one currency. Amounts are std::int64_t minor units with an
// ISO 4217 currency, never floating point. Value types only: no I/O, no SQL.
//
// A transfer is one of four kinds:
// - single: moves amount_minor at once (debits_posted and credits_posted grow);
// - pending: reserves amount_minor (debits_pending and credits_pending grow), to be posted or
//   voided later, exactly once (bid securities);
// - post_pending: settles the pending transfer named by pending_id. Its amount may be 0 (the
//   whole pending amount) or 1..the pending amount; the rest of the reservation is released.
//   It is stored with the amount actually posted;
// - void_pending: releases the whole reservation of pending_id. Its amount may be 0 or the
//   pending amount; it is stored with the pending amount, which it released.
// A post or void may leave its accounts and currency empty (0, ""): they are the pending
// transfer's; if given, they must be the pending transfer's.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/identity.hpp"
#include "core/result.hpp"

namespace procura::money {

enum class OwnerKind { buyer, supplier, tender_escrow, platform };
enum class AccountKind { operating, bid_security, escrow, fees, settlement };
enum class TransferKind { single, pending, post_pending, void_pending };
// The state of a pending transfer; single, post and void transfers are always `none`.
enum class PendingState { none, pending, posted, voided };

std::string_view to_string(OwnerKind v);
std::string_view to_string(AccountKind v);
std::string_view to_string(TransferKind v);
std::string_view to_string(PendingState v);
std::optional<OwnerKind> parse_owner_kind(std::string_view text);
std::optional<AccountKind> parse_account_kind(std::string_view text);
std::optional<TransferKind> parse_transfer_kind(std::string_view text);

inline constexpr std::size_t transfer_id_bytes_max = 64;
inline constexpr std::size_t reference_bytes_max = 128;
inline constexpr std::size_t batch_id_bytes_max = 64;
inline constexpr std::int32_t code_max = 65535;

struct AccountFlags {
    // debits_posted + debits_pending may never exceed credits_posted (a supplier's wallet: it
    // cannot spend more than was paid in).
    bool debits_must_not_exceed_credits = false;
    // credits_posted + credits_pending may never exceed debits_posted.
    bool credits_must_not_exceed_debits = false;
};

struct Balances {
    std::int64_t debits_pending = 0;
    std::int64_t debits_posted = 0;
    std::int64_t credits_pending = 0;
    std::int64_t credits_posted = 0;

    friend bool operator==(const Balances&, const Balances&) = default;
};

struct Account {
    std::int64_t id = 0;  // assigned by the store; the audit events' entity id
    OwnerKind owner = OwnerKind::platform;
    std::int64_t owner_id = 0;  // the buyer's, supplier's or tender's id; 0 for the platform
    std::string currency;       // ISO 4217, e.g. "EUR"
    AccountKind kind = AccountKind::operating;
    AccountFlags flags;
    Balances balances;
    std::int64_t created_at_ms = 0;
};

struct Transfer {
    std::int64_t row_id = 0;  // assigned by the store; the audit events' entity id
    std::string id;           // chosen by the client, unique: the idempotency key
    TransferKind kind = TransferKind::single;
    std::int64_t debit_account_id = 0;
    std::int64_t credit_account_id = 0;
    std::int64_t amount_minor = 0;
    std::string currency;
    std::string pending_id;  // post_pending and void_pending: the pending transfer's id
    std::int32_t code = 0;   // 0..code_max, the client's classification (e.g. 1 = bid security)
    std::string reference;   // free text up to reference_bytes_max bytes
    std::string batch_id;    // the client's batch, up to batch_id_bytes_max bytes; may be empty
    std::int64_t at_ms = 0;  // set by the service when it is created
    // Request only, never stored: this transfer and the next one in the batch form a linked
    // group that commits all or nothing. A group ends at the first transfer without the flag.
    bool linked = false;
    // Request only: the actor of this transfer's audit event when it is not the batch's (a
    // batch of bid deposits names each supplier). Not compared by same_fields.
    std::optional<core::UserId> actor;
    // Read only: for a pending transfer, whether it is still pending, posted or voided.
    PendingState pending_state = PendingState::none;
};

// Whether two transfers carry the same client fields (id, kind, accounts, amount, currency,
// pending id, code, reference, batch id): what makes a re-submission "exists" rather than a
// conflict. row_id, at_ms, linked, actor and pending_state are not compared.
bool same_fields(const Transfer& a, const Transfer& b);

enum class TransferStatus { created, exists, failed };

std::string_view to_string(TransferStatus v);

// The outcome of one transfer of a batch.
struct TransferResult {
    std::string id;
    TransferStatus status = TransferStatus::failed;
    std::int64_t row_id = 0;           // created or exists: the stored transfer's row id
    std::optional<core::Error> error;  // failed: why (for a linked group's other members,
                                       // "linked_transfer_failed" naming the one that failed)
};

}  // namespace procura::money
