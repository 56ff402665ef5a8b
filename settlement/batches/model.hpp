// Settlement batches: the value types of a batch (its state, its items, the items left out and
// why, its bank files), of a buyer's bank account, and of what preparation reads (accepted
// milestones, awards, bids with pending deposits). Amounts are std::int64_t minor units with an
// ISO 4217 currency. Value types only: no I/O, no SQL, no clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/identity.hpp"

namespace procura::settlement::batches {

// prepared -> approved (by a second finance user) -> executing (an execution started and was
// recorded; it may have been interrupted) -> executed; or, before execution starts, cancelled
// (its items are free for a later batch).
enum class BatchState { prepared, approved, executing, executed, cancelled };
// payment: an accepted milestone paid from the buyer's budget account to the supplier (and in
// the bank file); refund: a bid-security deposit released (void of the pending transfer);
// forfeit: a bid-security deposit kept (post of the pending transfer to the tender's escrow).
enum class ItemKind { payment, refund, forfeit };

std::string_view to_string(BatchState v);
std::string_view to_string(ItemKind v);
std::optional<BatchState> parse_batch_state(std::string_view text);
std::optional<ItemKind> parse_item_kind(std::string_view text);

struct BatchLimits {
    // The most items one batch takes (a bigger backlog is left for the next batch, oldest
    // first); also the size of the one linked ledger group that execution posts.
    std::size_t items_per_batch_max = 100'000;
    // Threads preparation may use (0: oneTBB's default, all cores).
    int prepare_threads = 0;
    // The most batches one list call returns.
    std::size_t batches_per_page_max = 100;
};

// The ledger transfer code of settlement payments (bid securities are code 1, bidding's).
inline constexpr std::int32_t settlement_payment_code = 2;
// The most payments one bank file carries. Far under pain001_payments_max: a file is stored as
// one database value, and at up to about 2 KB a payment (names and remittance texts of 140
// characters, escaped) 5,000 payments stay under MariaDB's default max_allowed_packet of
// 16 MiB.
inline constexpr std::size_t bank_file_payments_max = 5'000;
// A batch's items of one currency add up to less than this (the schema's 18 digits for a
// control sum), so no total of the preview and no file's CtrlSum can overflow; items past it
// wait for the next batch.
inline constexpr std::int64_t batch_currency_sum_max_minor = 1'000'000'000'000'000'000;
// Text limits of the bank-file fields copied into items.
inline constexpr std::size_t party_name_chars_max = 140;
inline constexpr std::size_t remittance_chars_max = 140;

// The bank account of a procuring entity (tenders.buyer_id), the debtor of its payments. Its id
// is the owner_id of the buyer's ledger accounts (money::OwnerKind::buyer, kind operating).
struct BuyerAccount {
    std::int64_t id = 0;
    std::string buyer_id;  // tenders.buyer_id
    std::string name;      // the account holder, 1..140 characters
    std::string iban;      // electronic format, mod-97 checked
    std::string bic;       // empty when not given
    std::int64_t version = 0;
    core::UserId updated_by = 0;
    std::int64_t updated_at_ms = 0;
};

// One thing a batch settles. Frozen at preparation, with the payer's and payee's bank details
// copied, so that execution and the bank file depend on the stored batch alone.
struct Item {
    std::int32_t number = 0;  // 1.. within the batch, in the order rules::order_items gives
    ItemKind kind = ItemKind::payment;
    std::string source_key;  // "milestone:<id>" or "deposit:<pending transfer id>"
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;
    core::UserId supplier_id = 0;
    std::int64_t contract_id = 0;   // payments only
    std::int64_t milestone_id = 0;  // payments only
    std::string pending_id;         // refunds and forfeits: the deposit's pending transfer
    std::int64_t amount_minor = 0;
    std::string currency;
    std::int64_t buyer_account_id = 0;  // payments only
    std::string debtor_name;            // payments only: the buyer's bank account
    std::string debtor_iban;
    std::string debtor_bic;
    std::string creditor_name;  // the supplier's organisation
    std::string creditor_iban;  // payments only
    std::string creditor_bic;
    std::string remittance;  // payments: the unstructured remittance text

    friend bool operator==(const Item&, const Item&) = default;
};

// A candidate that preparation left out, with the reason (a stable code and a sentence).
struct Skipped {
    std::string source_key;
    ItemKind kind = ItemKind::payment;
    core::UserId supplier_id = 0;
    std::int64_t amount_minor = 0;
    std::string currency;
    std::string code;  // "supplier_not_approved", "supplier_without_iban", "bad_iban", ...
    std::string reason;

    friend bool operator==(const Skipped&, const Skipped&) = default;
};

// A bank file written at execution: one per (buyer account, currency), split into files of at
// most bank_file_payments_max payments, numbered from 1 in item order.
struct BankFile {
    std::int32_t number = 0;
    std::int64_t buyer_account_id = 0;
    std::string currency;
    std::string message_id;
    std::int32_t payment_count = 0;
    std::int64_t control_sum_minor = 0;
    std::string sha256_hex;
    std::string xml;  // may be left empty by reads that only list files
};

struct Batch {
    std::int64_t id = 0;
    BatchState state = BatchState::prepared;
    std::int64_t version = 1;
    std::int64_t cutoff_ms = 0;
    core::UserId prepared_by = 0;
    std::int64_t prepared_at_ms = 0;
    core::UserId approved_by = 0;  // 0: not yet
    std::int64_t approved_at_ms = 0;
    core::UserId execute_started_by = 0;
    std::int64_t execute_started_at_ms = 0;
    core::UserId executed_by = 0;
    std::int64_t executed_at_ms = 0;
    core::UserId cancelled_by = 0;  // 0: not cancelled
    std::int64_t cancelled_at_ms = 0;
    std::string cancel_reason;
    std::int32_t item_count = 0;
    std::vector<Item> items;  // may be left empty by reads that list batches
    std::vector<Skipped> skipped;
    std::vector<BankFile> files;  // executed batches
};

// Sums for the preview: per currency, and per supplier and currency.
struct CurrencyTotal {
    std::string currency;
    std::int64_t payments_minor = 0;
    std::int64_t refunds_minor = 0;
    std::int64_t forfeits_minor = 0;
    std::int32_t payment_count = 0;
    std::int32_t refund_count = 0;
    std::int32_t forfeit_count = 0;
};
struct SupplierTotal {
    core::UserId supplier_id = 0;
    std::string supplier_name;
    std::string currency;
    std::int64_t payments_minor = 0;
    std::int64_t refunds_minor = 0;
    std::int64_t forfeits_minor = 0;
};
struct Totals {
    std::vector<CurrencyTotal> per_currency;  // by currency
    std::vector<SupplierTotal> per_supplier;  // by supplier id, then currency
};

// What preparation reads, in one consistent snapshot. Candidates already taken by a batch are
// left out by the store (the unique source key is the final guard).

// The supplier's registration as the bank file needs it; absent if there is none.
struct SupplierBank {
    std::string organisation_name;
    std::string iban;
    std::string bic;
    std::string status;  // "approved", "pending", "rejected"
};

struct MilestoneCandidate {
    std::int64_t milestone_id = 0;
    std::int64_t contract_id = 0;
    std::int32_t number = 0;
    std::int64_t amount_minor = 0;
    std::string currency;
    std::int64_t accepted_at_ms = 0;
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;
    core::UserId supplier_id = 0;
    std::string buyer_id;
    std::optional<SupplierBank> supplier;
    std::optional<BuyerAccount> buyer_account;
};

enum class AwardState { awarded, signed_, declined };
std::string_view to_string(AwardState v);
std::optional<AwardState> parse_award_state(std::string_view text);

struct AwardFact {
    std::int64_t award_id = 0;
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;
    std::int64_t bid_id = 0;
    core::UserId supplier_id = 0;
    AwardState state = AwardState::awarded;
    std::int64_t awarded_at_ms = 0;
    std::int64_t decided_at_ms = 0;  // signed or declined: when; 0 otherwise
};

// A release of every deposit on a lot without a current award: the lot was closed as
// unsuccessful (lot_id its number), or the whole tender was cancelled (lot_id 0), at at_ms.
struct LotRelease {
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;  // 0: every lot of the tender
    std::int64_t at_ms = 0;
};

// A bid whose deposit is still pending: an active bid on a lot that has at least one award or
// a release (a closure, or the tender's cancellation), or a replaced or withdrawn bid whose
// deposit bidding could not release at the time.
struct DepositCandidate {
    std::int64_t bid_id = 0;  // 0: a deposit whose bid was never stored (refunded)
    std::int64_t tender_id = 0;
    std::int64_t lot_id = 0;
    core::UserId supplier_id = 0;
    std::string pending_id;  // the deposit's id (bidding::bid_security_transfer_id)
    std::int64_t amount_minor = 0;
    std::string currency;
    std::string supplier_name;  // empty if unknown
    bool bid_active = true;     // false: the bid was replaced or withdrawn
};

struct PrepareInput {
    std::vector<MilestoneCandidate> milestones;
    std::vector<AwardFact> awards;
    std::vector<DepositCandidate> deposits;
    std::vector<LotRelease> releases;
};

}  // namespace procura::settlement::batches
