// What the BatchStore contract cases (tests/settlement/batches/store_contract.hpp) run in: a
// BatchWorld is the store under test, the money store of the same kind (the one its
// executing_guard is checked by), and the records preparation reads (signed contracts with
// their milestones, bids with their deposits) in whichever backing the store reads them from:
// the fake's offered candidates, or MariaDB's tenders, bids, awards, contracts and milestones
// rows. Helpers here build what a case writes, so that a case reads the same on both.
#pragma once

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "bidding/bid_security.hpp"
#include "core/clock.hpp"
#include "money/service.hpp"
#include "settlement/batches/rules.hpp"
#include "settlement/batches/store.hpp"
#include "tests/support/require_error.hpp"

namespace procura::settlement::batches::contract {

using procura::testing::require_error;

// A signed contract on a new tender of buyer "TOWN-1", lot 1 awarded to supplier_a.
struct SignedContract {
    std::int64_t tender_id = 0;
    std::int64_t award_id = 0;
    std::int64_t bid_id = 0;
    std::int64_t contract_id = 0;
    std::vector<std::int64_t> milestone_ids;  // numbers 1.., planned
};

// A bid whose deposit is held (pending) in the world's ledger.
struct HeldDeposit {
    std::int64_t bid_id = 0;
    std::string pending_id;
};

class BatchWorld {
public:
    virtual ~BatchWorld() = default;
    virtual BatchStore& store() = 0;
    // The ledger of the same kind as store(): executing_guard is checked by it.
    virtual money::MoneyStore& money() = 0;
    // A contract of supplier_a for the sum of amounts (EUR) with one planned milestone per
    // amount, on a new tender whose lot 1 is awarded (signed) to supplier_a's bid.
    virtual SignedContract sign_contract(const std::vector<std::int64_t>& amounts) = 0;
    // Marks a planned milestone accepted at at_ms.
    virtual void accept_milestone(std::int64_t milestone_id, std::int64_t at_ms) = 0;
    // An active bid of supplier on the tender's lot whose deposit of amount_minor EUR is held
    // in money() (hold_deposit).
    virtual HeldDeposit bid_with_deposit(std::int64_t tender_id, std::int64_t lot_id,
                                         core::UserId supplier, std::int64_t amount_minor) = 0;
    // Every audit event committed, in order (MariaDB's include the ledger's).
    virtual std::vector<core::AuditEvent> audit_events() = 0;
};

inline constexpr std::int64_t t0_ms = 1'800'000'000'000;
// Users every world knows: two finance users, three suppliers with approved registrations
// (organisation "Supplier <id>", supplier_iban, no BIC).
inline constexpr core::UserId alice = 1;
inline constexpr core::UserId bob = 2;
inline constexpr core::UserId supplier_a = 21;
inline constexpr core::UserId supplier_b = 22;
inline constexpr core::UserId supplier_c = 23;
inline constexpr const char* supplier_iban = "GB82WEST12345698765432";
inline constexpr const char* buyer_iban = "DE89370400440532013000";
inline constexpr const char* buyer_id = "TOWN-1";

inline std::string supplier_name(core::UserId supplier) {
    return "Supplier " + std::to_string(supplier);
}

template <class T>
void require_ok(const core::Result<T>& r) {
    BOOST_REQUIRE_MESSAGE(r.ok(),
                          (r.ok() ? std::string() : r.error().code + ": " + r.error().message));
}

// Requires s to fail with an error of this kind and code.
// The sha256 (hex) of a world's n-th bid, and the pending id of its deposit on the tender, as
// bidding makes it.
inline std::string bid_sha256(std::int64_t n) {
    const std::string hex = std::to_string(100 + n);
    return hex + std::string(64 - hex.size(), 'a');
}
inline std::string deposit_id(std::int64_t tender_id, std::int64_t n) {
    return bidding::bid_security_transfer_id(tender_id, bid_sha256(n));
}

// Opens (or finds) an account of owner in money().
inline std::int64_t account(money::MoneyStore& m, money::OwnerKind owner, std::int64_t owner_id,
                            money::AccountKind kind) {
    core::ManualClock clock{t0_ms};
    money::LedgerService ledger(m, clock);
    money::Account spec;
    spec.owner = owner;
    spec.owner_id = owner_id;
    spec.currency = "EUR";
    spec.kind = kind;
    auto a = ledger.account_for(0, spec);
    require_ok(a);
    return a->id;
}

// Applies transfers to the ledger with guard; returns the call's result.
inline core::Result<std::vector<money::TransferResult>> post(
    money::MoneyStore& m, const std::vector<money::Transfer>& transfers,
    const money::PostingGuard* guard = nullptr) {
    core::ManualClock clock{t0_ms};
    money::LedgerService ledger(m, clock);
    return ledger.create_transfers(0, transfers, guard);
}

// A transfer of amount_minor EUR from buyer 1's operating account to supplier_a's.
inline money::Transfer payment(money::MoneyStore& m, std::string id,
                               std::int64_t amount_minor = 100) {
    money::Transfer t;
    t.id = std::move(id);
    t.kind = money::TransferKind::single;
    t.code = settlement_payment_code;
    t.debit_account_id = account(m, money::OwnerKind::buyer, 1, money::AccountKind::operating);
    t.credit_account_id =
        account(m, money::OwnerKind::supplier, supplier_a, money::AccountKind::operating);
    t.amount_minor = amount_minor;
    t.currency = "EUR";
    return t;
}

// Holds supplier's deposit of amount_minor EUR on the tender (a pending transfer pending_id
// from its bid-security account to the tender's escrow), as bidding's intake does.
inline void hold_deposit(money::MoneyStore& m, std::int64_t tender_id, core::UserId supplier,
                         const std::string& pending_id, std::int64_t amount_minor) {
    money::Transfer t;
    t.id = pending_id;
    t.kind = money::TransferKind::pending;
    t.code = bidding::bid_security_transfer_code;
    t.debit_account_id =
        account(m, money::OwnerKind::supplier, supplier, money::AccountKind::bid_security);
    t.credit_account_id =
        account(m, money::OwnerKind::tender_escrow, tender_id, money::AccountKind::escrow);
    t.amount_minor = amount_minor;
    t.currency = "EUR";
    auto r = post(m, {t});
    require_ok(r);
    BOOST_REQUIRE((r->at(0).status == money::TransferStatus::created));
}

inline core::AuditEvent event(std::string action, std::string entity_type,
                              std::int64_t entity_id = 0, std::int64_t version = 1) {
    return core::AuditEvent{t0_ms,   alice, std::move(action), std::move(entity_type), entity_id,
                            version, "{}"};
}

// The audit events the batch store wrote (the ledger's left out), in order.
inline std::vector<core::AuditEvent> store_events(BatchWorld& w) {
    std::vector<core::AuditEvent> out;
    for (core::AuditEvent& e : w.audit_events()) {
        if (e.entity_type.rfind("settlement_", 0) == 0 || e.entity_type == "buyer_bank_account") {
            out.push_back(std::move(e));
        }
    }
    return out;
}

// The payment item of an accepted milestone, numbered n, with the bank details preparation
// copies.
inline Item payment_item(std::int32_t n, const SignedContract& k, std::int64_t milestone_id,
                         std::int64_t amount_minor = 1'000) {
    Item i;
    i.number = n;
    i.kind = ItemKind::payment;
    i.source_key = "milestone:" + std::to_string(milestone_id);
    i.tender_id = k.tender_id;
    i.lot_id = 1;
    i.supplier_id = supplier_a;
    i.contract_id = k.contract_id;
    i.milestone_id = milestone_id;
    i.amount_minor = amount_minor;
    i.currency = "EUR";
    i.buyer_account_id = 1;
    i.debtor_name = "Town of Example";
    i.debtor_iban = buyer_iban;
    i.debtor_bic = "DEUTDEFF";
    i.creditor_name = supplier_name(supplier_a);
    i.creditor_iban = supplier_iban;
    i.remittance = "Contract " + std::to_string(k.contract_id) + " milestone";
    return i;
}

// The refund item of a held deposit, numbered n.
inline Item refund_item(std::int32_t n, std::int64_t tender_id, const HeldDeposit& d,
                        core::UserId supplier, std::int64_t amount_minor = 500) {
    Item i;
    i.number = n;
    i.kind = ItemKind::refund;
    i.source_key = "deposit:" + d.pending_id;
    i.tender_id = tender_id;
    i.lot_id = 1;
    i.supplier_id = supplier;
    i.pending_id = d.pending_id;
    i.amount_minor = amount_minor;
    i.currency = "EUR";
    i.creditor_name = supplier_name(supplier);
    return i;
}

// A prepared batch (version 1) of these items, by alice.
inline Batch prepared(std::vector<Item> items, std::int64_t cutoff_ms = t0_ms) {
    Batch b;
    b.state = BatchState::prepared;
    b.version = 1;
    b.cutoff_ms = cutoff_ms;
    b.prepared_by = alice;
    b.prepared_at_ms = t0_ms + 1;
    b.item_count = static_cast<std::int32_t>(items.size());
    b.items = std::move(items);
    return b;
}

// Stores b; requires it to succeed and returns its id.
inline std::int64_t insert(BatchWorld& w, const Batch& b) {
    auto id = w.store().insert_batch(b, event("settlement_batch.prepared", "settlement_batch"));
    require_ok(id);
    return *id;
}

inline Batch find(BatchWorld& w, std::int64_t id, bool with_items = true) {
    auto b = w.store().find_batch(id, with_items);
    require_ok(b);
    BOOST_REQUIRE(b->has_value());
    return **b;
}

inline PrepareInput candidates(BatchWorld& w, std::int64_t cutoff_ms) {
    auto c = w.store().load_candidates(cutoff_ms);
    require_ok(c);
    return *c;
}

// The source keys of the candidates, milestones then deposits, in the order read.
inline std::vector<std::string> candidate_keys(const PrepareInput& in) {
    std::vector<std::string> out;
    for (const MilestoneCandidate& m : in.milestones) {
        out.push_back("milestone:" + std::to_string(m.milestone_id));
    }
    for (const DepositCandidate& d : in.deposits) out.push_back("deposit:" + d.pending_id);
    return out;
}

// Moves batch id from `from` to `to` as the service does (approval by bob, the start of the
// execution by alice); requires it to succeed.
inline void move(BatchWorld& w, std::int64_t id, BatchState from, BatchState to) {
    Batch b = find(w, id, false);
    b.state = to;
    b.version += 1;
    if (to == BatchState::approved) {
        b.approved_by = bob;
        b.approved_at_ms = t0_ms + 10;
    } else {
        b.execute_started_by = alice;
        b.execute_started_at_ms = t0_ms + 20;
    }
    require_ok(w.store().transition(
        id, from, b, event("settlement_batch.moved", "settlement_batch", id, b.version)));
}

// The batch as cancel_batch wants it: cancelled by bob with reason, one version on.
inline Batch cancelled(BatchWorld& w, std::int64_t id, std::string reason = "wrong cut-off") {
    Batch b = find(w, id, false);
    b.state = BatchState::cancelled;
    b.version += 1;
    b.cancelled_by = bob;
    b.cancelled_at_ms = t0_ms + 30;
    b.cancel_reason = std::move(reason);
    return b;
}

inline core::Status cancel(BatchWorld& w, std::int64_t id,
                           const std::optional<std::string>& first_transfer = std::nullopt,
                           std::string reason = "wrong cut-off") {
    const Batch b = cancelled(w, id, std::move(reason));
    return w.store().cancel_batch(
        b, event("settlement_batch.cancelled", "settlement_batch", id, b.version), first_transfer);
}

inline BankFile bank_file(std::int32_t number, std::string xml) {
    BankFile f;
    f.number = number;
    f.buyer_account_id = 1;
    f.currency = "EUR";
    f.message_id = "STL-" + std::to_string(number) + "-" + std::to_string(xml.size());
    f.payment_count = number;
    f.control_sum_minor = 1'000 * number;
    f.sha256_hex = std::string(64, static_cast<char>('0' + number));
    f.xml = std::move(xml);
    return f;
}

// Finishes the execution of batch id with files (one file event each, entity_id 0 as the
// service hands them); returns what finish_execution returned.
inline core::Result<bool> finish(BatchWorld& w, std::int64_t id,
                                 const std::vector<BankFile>& files) {
    Batch b = find(w, id, false);
    b.state = BatchState::executed;
    b.version += 1;
    b.executed_by = alice;
    b.executed_at_ms = t0_ms + 40;
    std::vector<core::AuditEvent> file_events;
    for (std::size_t n = 0; n < files.size(); ++n) {
        file_events.push_back(event("settlement_file.written", "settlement_file", 0));
    }
    return w.store().finish_execution(
        b, files, event("settlement_batch.executed", "settlement_batch", id, b.version),
        file_events);
}

// Everything the store holds about batch id, and its events: what a refused change must leave
// as it was.
inline std::string snapshot(BatchWorld& w, std::int64_t id) {
    const Batch b = find(w, id);
    std::string out = std::string(to_string(b.state)) + " v" + std::to_string(b.version) +
                      " approved " + std::to_string(b.approved_by) + " started " +
                      std::to_string(b.execute_started_by) + " executed " +
                      std::to_string(b.executed_by) + " cancelled " +
                      std::to_string(b.cancelled_by) + " '" + b.cancel_reason + "'";
    for (const Item& i : b.items) out += " " + i.source_key;
    for (const BankFile& f : b.files) out += " f" + std::to_string(f.number);
    return out + " events " + std::to_string(store_events(w).size());
}

}  // namespace procura::settlement::batches::contract
