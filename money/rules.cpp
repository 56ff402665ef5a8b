#include "money/rules.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>

#include "core/json_text.hpp"
#include "core/money.hpp"

namespace procura::money {
namespace {

// Sums of many int64 balances; __extension__ keeps -Wpedantic quiet about the GCC type.
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

bool is_id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
}

bool is_client_id(const std::string& id, std::size_t bytes_max) {
    return !id.empty() && id.size() <= bytes_max && std::all_of(id.begin(), id.end(), is_id_char);
}

bool is_two_phase_resolution(TransferKind kind) {
    return kind == TransferKind::post_pending || kind == TransferKind::void_pending;
}

// The effects of the transfers applied so far in one linked group, to undo if it fails.
struct Undo {
    std::vector<Account> accounts;  // copies before their first change in the group
    std::vector<std::pair<std::string, std::optional<Transfer>>> transfers;

    void save_account(const Account& a) {
        for (const Account& saved : accounts) {
            if (saved.id == a.id) return;
        }
        accounts.push_back(a);
    }
    void save_transfer(const LedgerView& view, const std::string& id) {
        const auto found = view.transfers.find(id);
        transfers.emplace_back(id, found == view.transfers.end()
                                       ? std::nullopt
                                       : std::optional<Transfer>(found->second));
    }
    void roll_back(LedgerView& view) const {
        for (auto it = transfers.rbegin(); it != transfers.rend(); ++it) {
            if (it->second) {
                view.transfers[it->first] = *it->second;
            } else {
                view.transfers.erase(it->first);
            }
        }
        for (const Account& a : accounts) view.accounts[a.id] = a;
    }
};

core::Error account_not_found(std::int64_t id, const char* field) {
    return core::not_found("account_not_found", "no account " + std::to_string(id), field);
}

core::Error overflow(const Account& a) {
    return core::conflict(
        "balance_overflow",
        "the transfer would overflow the balances of account " + std::to_string(a.id),
        "amount_minor");
}

// a += delta (delta may be negative), refusing to overflow or to go below zero.
bool add(std::int64_t& a, std::int64_t delta) {
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a, delta, &sum) || sum < 0) return false;
    a = sum;
    return true;
}

// debits_posted + debits_pending > credits_posted, without overflow.
bool debits_exceed_credits(const Balances& b) {
    return static_cast<Int128>(b.debits_posted) + b.debits_pending > b.credits_posted;
}
bool credits_exceed_debits(const Balances& b) {
    return static_cast<Int128>(b.credits_posted) + b.credits_pending > b.debits_posted;
}

// Moves the balances of debit and credit: the pending reservation released (release >= 0),
// then pending_delta reserved and posted_delta posted. Checks overflow and the flags.
core::Status move(Account& debit, Account& credit, std::int64_t release, std::int64_t pending_delta,
                  std::int64_t posted_delta) {
    Balances d = debit.balances;
    Balances c = credit.balances;
    if (!add(d.debits_pending, -release) || !add(d.debits_pending, pending_delta) ||
        !add(d.debits_posted, posted_delta)) {
        return overflow(debit);
    }
    if (!add(c.credits_pending, -release) || !add(c.credits_pending, pending_delta) ||
        !add(c.credits_posted, posted_delta)) {
        return overflow(credit);
    }
    if (debit.flags.debits_must_not_exceed_credits && debits_exceed_credits(d)) {
        return core::conflict(
            "exceeds_credits",
            "account " + std::to_string(debit.id) +
                " may not have more debits than credits: it has " +
                std::to_string(debit.balances.credits_posted - debit.balances.debits_posted -
                               debit.balances.debits_pending) +
                " " + debit.currency + " minor units available",
            "amount_minor");
    }
    if (credit.flags.credits_must_not_exceed_debits && credits_exceed_debits(c)) {
        return core::conflict(
            "exceeds_debits",
            "account " + std::to_string(credit.id) + " may not have more credits than debits",
            "amount_minor");
    }
    debit.balances = d;
    credit.balances = c;
    return {};
}

// Fills a post's or void's blank accounts, currency and amount from its pending transfer.
Transfer resolve(const Transfer& request, const LedgerView& view) {
    Transfer t = request;
    if (!is_two_phase_resolution(t.kind)) return t;
    const auto p = view.transfers.find(t.pending_id);
    if (p == view.transfers.end() || p->second.kind != TransferKind::pending) return t;
    if (t.debit_account_id == 0) t.debit_account_id = p->second.debit_account_id;
    if (t.credit_account_id == 0) t.credit_account_id = p->second.credit_account_id;
    if (t.currency.empty()) t.currency = p->second.currency;
    if (t.amount_minor == 0 || t.kind == TransferKind::void_pending) {
        // A void releases the whole reservation; a mismatching amount is refused in apply.
        if (t.amount_minor == 0 || t.amount_minor == p->second.amount_minor) {
            t.amount_minor = p->second.amount_minor;
        }
    }
    return t;
}

// What one transfer touches in the view and how it moves the balances, found and checked
// before anything changes.
struct Touched {
    Transfer* pending = nullptr;  // the pending transfer a post or void resolves
    std::map<std::int64_t, Account>::iterator debit;
    std::map<std::int64_t, Account>::iterator credit;
    std::int64_t release = 0;        // the pending reservation released
    std::int64_t pending_delta = 0;  // newly reserved
    std::int64_t posted_delta = 0;   // newly posted
};

// Finds and checks the pending transfer that t, a post or void, resolves; sets what it
// releases and posts. Returns the refusal, or nullopt; an optional rather than a Result, so that
// apply moves a refusal out instead of copying it.
std::optional<core::Error> resolve_pending(const Transfer& t, LedgerView& view, Touched& out) {
    const auto p = view.transfers.find(t.pending_id);
    if (p == view.transfers.end()) {
        return core::not_found("pending_not_found", "no pending transfer " + t.pending_id,
                               "pending_id");
    }
    Transfer* pending = &p->second;
    if (pending->kind != TransferKind::pending) {
        return core::unprocessable("not_a_pending_transfer",
                                   "transfer " + t.pending_id + " is not a pending transfer",
                                   "pending_id");
    }
    if (pending->pending_state == PendingState::posted) {
        return core::conflict("pending_already_posted",
                              "pending transfer " + t.pending_id + " was already posted",
                              "pending_id");
    }
    if (pending->pending_state == PendingState::voided) {
        return core::conflict("pending_already_voided",
                              "pending transfer " + t.pending_id + " was already voided",
                              "pending_id");
    }
    if (t.debit_account_id != pending->debit_account_id ||
        t.credit_account_id != pending->credit_account_id) {
        return core::unprocessable(
            "pending_accounts_mismatch",
            "the accounts differ from those of pending transfer " + t.pending_id,
            "debit_account_id");
    }
    if (t.kind == TransferKind::post_pending && t.amount_minor > pending->amount_minor) {
        return core::unprocessable("post_exceeds_pending",
                                   "cannot post " + std::to_string(t.amount_minor) +
                                       " of pending " + std::to_string(pending->amount_minor),
                                   "amount_minor");
    }
    if (t.kind == TransferKind::void_pending && t.amount_minor != pending->amount_minor) {
        return core::unprocessable("void_amount_mismatch",
                                   "a void releases the whole pending amount " +
                                       std::to_string(pending->amount_minor) + "; give 0 or that",
                                   "amount_minor");
    }
    out.pending = pending;
    out.release = pending->amount_minor;
    if (t.kind == TransferKind::post_pending) out.posted_delta = t.amount_minor;
    return std::nullopt;
}

// Finds t's debit and credit accounts in view and checks that both are in t's currency.
// Returns the refusal, or nullopt.
std::optional<core::Error> find_accounts(const Transfer& t, LedgerView& view, Touched& out) {
    const auto debit = view.accounts.find(t.debit_account_id);
    if (debit == view.accounts.end()) {
        return account_not_found(t.debit_account_id, "debit_account_id");
    }
    const auto credit = view.accounts.find(t.credit_account_id);
    if (credit == view.accounts.end()) {
        return account_not_found(t.credit_account_id, "credit_account_id");
    }
    if (t.currency != debit->second.currency || t.currency != credit->second.currency) {
        return core::unprocessable(
            "currency_mismatch",
            "transfer " + t.id + " is in " + t.currency + " but account " +
                std::to_string(debit->first) + " is in " + debit->second.currency +
                " and account " + std::to_string(credit->first) + " in " + credit->second.currency,
            "currency");
    }
    out.debit = debit;
    out.credit = credit;
    return std::nullopt;
}

// Applies one request to view. Returns the result (created or exists) or the error. The checks
// come first (resolve_pending, find_accounts, move on copies): the view and the plan change
// only once the transfer is known to apply, and undo keeps what it changed.
core::Result<TransferResult> apply(const Transfer& request, std::int64_t at_ms, LedgerView& view,
                                   Undo& undo, BatchPlan& plan, std::size_t index) {
    PROCURA_TRY(validate_transfer(request));
    Transfer t = resolve(request, view);
    t.at_ms = at_ms;
    t.linked = false;
    t.row_id = 0;
    t.pending_state = t.kind == TransferKind::pending ? PendingState::pending : PendingState::none;

    if (const auto existing = view.transfers.find(t.id); existing != view.transfers.end()) {
        if (same_fields(t, existing->second)) {
            return TransferResult{t.id, TransferStatus::exists, existing->second.row_id, {}};
        }
        return core::conflict("transfer_conflict",
                              "transfer " + t.id + " already exists with different fields", "id");
    }

    Touched touched;
    if (is_two_phase_resolution(t.kind)) {
        if (auto refused = resolve_pending(t, view, touched)) return std::move(*refused);
    } else if (t.kind == TransferKind::pending) {
        touched.pending_delta = t.amount_minor;
    } else {
        touched.posted_delta = t.amount_minor;
    }
    if (auto refused = find_accounts(t, view, touched)) return std::move(*refused);
    Account d = touched.debit->second;
    Account c = touched.credit->second;
    PROCURA_TRY(move(d, c, touched.release, touched.pending_delta, touched.posted_delta));

    undo.save_account(touched.debit->second);
    undo.save_account(touched.credit->second);
    touched.debit->second = d;
    touched.credit->second = c;
    if (touched.pending != nullptr) {
        undo.save_transfer(view, t.pending_id);
        touched.pending->pending_state =
            t.kind == TransferKind::post_pending ? PendingState::posted : PendingState::voided;
    }
    undo.save_transfer(view, t.id);
    view.transfers[t.id] = t;
    plan.created.push_back(t);
    plan.created_result.push_back(index);
    return TransferResult{t.id, TransferStatus::created, 0, {}};
}

}  // namespace

core::Status validate_account(const Account& account) {
    if (!core::is_iso4217_currency(account.currency)) {
        return core::unprocessable("bad_currency",
                                   "'" + account.currency + "' is not an ISO 4217 currency code",
                                   "currency");
    }
    if (account.flags.debits_must_not_exceed_credits &&
        account.flags.credits_must_not_exceed_debits) {
        return core::unprocessable("contradictory_flags",
                                   "an account cannot limit both its debits and its credits",
                                   "flags");
    }
    if (account.owner_id < 0 || (account.owner != OwnerKind::platform && account.owner_id == 0)) {
        return core::unprocessable(
            "bad_owner_id", "owner_id must name the buyer, supplier or tender (> 0)", "owner_id");
    }
    return {};
}

core::Status validate_transfer(const Transfer& t) {
    if (!is_client_id(t.id, transfer_id_bytes_max)) {
        return core::bad_request(
            "bad_transfer_id", "a transfer id is 1 to 64 characters of A-Z a-z 0-9 . _ : -", "id");
    }
    const bool resolution = is_two_phase_resolution(t.kind);
    if (resolution ? t.amount_minor < 0 : t.amount_minor <= 0) {
        return core::unprocessable("amount_not_positive",
                                   "transfer " + t.id +
                                       ": the amount must be a positive number of minor "
                                       "units (got " +
                                       std::to_string(t.amount_minor) + ")",
                                   "amount_minor");
    }
    if (!resolution && (t.debit_account_id <= 0 || t.credit_account_id <= 0)) {
        return core::unprocessable(
            "account_required", "transfer " + t.id + " needs a debit and a credit account",
            t.debit_account_id <= 0 ? "debit_account_id" : "credit_account_id");
    }
    if (t.debit_account_id < 0 || t.credit_account_id < 0) {
        return core::unprocessable("account_required", "account ids are positive",
                                   "debit_account_id");
    }
    if (t.debit_account_id != 0 && t.debit_account_id == t.credit_account_id) {
        return core::unprocessable("same_account",
                                   "transfer " + t.id + " debits and credits the same account",
                                   "credit_account_id");
    }
    if ((!resolution || !t.currency.empty()) && !core::is_iso4217_currency(t.currency)) {
        return core::unprocessable(
            "bad_currency", "'" + t.currency + "' is not an ISO 4217 currency code", "currency");
    }
    if (resolution && t.pending_id.empty()) {
        return core::unprocessable("pending_id_required",
                                   "a post or void names its pending transfer", "pending_id");
    }
    if (resolution && !is_client_id(t.pending_id, transfer_id_bytes_max)) {
        return core::bad_request("bad_transfer_id", "pending_id is not a transfer id",
                                 "pending_id");
    }
    if (!resolution && !t.pending_id.empty()) {
        return core::unprocessable("unexpected_pending_id",
                                   "only a post or a void names a pending transfer", "pending_id");
    }
    if (t.code < 0 || t.code > code_max) {
        return core::unprocessable("bad_code", "code must be 0..65535", "code");
    }
    if (t.reference.size() > reference_bytes_max) {
        return core::unprocessable("reference_too_long", "a reference has at most 128 bytes",
                                   "reference");
    }
    if (!t.batch_id.empty() && !is_client_id(t.batch_id, batch_id_bytes_max)) {
        return core::bad_request(
            "bad_batch_id", "a batch id is up to 64 characters of A-Z a-z 0-9 . _ : -", "batch_id");
    }
    return {};
}

BatchPlan plan_batch(const std::vector<Transfer>& requests, std::int64_t at_ms, LedgerView& view) {
    BatchPlan plan;
    plan.results.resize(requests.size());
    std::set<std::int64_t> changed;
    std::size_t begin = 0;
    while (begin < requests.size()) {
        std::size_t last = begin;
        while (last < requests.size() && requests[last].linked) ++last;
        const bool open = last == requests.size();
        const std::size_t end = open ? requests.size() : last + 1;

        Undo undo;
        const std::size_t created_mark = plan.created.size();
        std::optional<std::pair<std::size_t, core::Error>> failure;
        if (open) {
            failure.emplace(end - 1, core::bad_request("linked_group_open",
                                                       "the batch ends inside a linked group: its "
                                                       "last transfer must not be linked",
                                                       "linked"));
        } else {
            for (std::size_t k = begin; k < end; ++k) {
                auto r = apply(requests[k], at_ms, view, undo, plan, k);
                if (!r) {
                    failure.emplace(k, r.error());
                    break;
                }
                plan.results[k] = std::move(r).value();
            }
        }
        if (failure) {
            undo.roll_back(view);
            plan.created.resize(created_mark);
            plan.created_result.resize(created_mark);
            for (std::size_t k = begin; k < end; ++k) {
                TransferResult& r = plan.results[k];
                r = TransferResult{requests[k].id, TransferStatus::failed, 0, {}};
                if (k == failure->first) {
                    r.error = failure->second;
                } else {
                    r.error = core::conflict("linked_transfer_failed",
                                             "linked transfer " + requests[failure->first].id +
                                                 " failed: " + failure->second.message,
                                             "linked");
                }
            }
        } else {
            for (const Account& a : undo.accounts) changed.insert(a.id);
        }
        begin = end;
    }
    plan.changed_accounts.assign(changed.begin(), changed.end());
    return plan;
}

void finish_results(BatchPlan& plan) {
    std::map<std::string, std::int64_t> created_ids;
    for (std::size_t i = 0; i < plan.created.size(); ++i) {
        plan.results[plan.created_result[i]].row_id = plan.created[i].row_id;
        created_ids[plan.created[i].id] = plan.created[i].row_id;
    }
    for (TransferResult& r : plan.results) {
        if (r.status == TransferStatus::exists && r.row_id == 0) r.row_id = created_ids[r.id];
    }
}

core::AuditEvent transfer_audit_event(const Transfer& t, core::UserId actor) {
    const char* action = "transfer.created";
    if (t.kind == TransferKind::pending) action = "transfer.pending";
    if (t.kind == TransferKind::post_pending) action = "transfer.posted";
    if (t.kind == TransferKind::void_pending) action = "transfer.voided";
    nlohmann::json payload = {{"id", t.id},
                              {"kind", to_string(t.kind)},
                              {"debit_account_id", t.debit_account_id},
                              {"credit_account_id", t.credit_account_id},
                              {"amount_minor", t.amount_minor},
                              {"currency", t.currency},
                              {"code", t.code},
                              {"reference", t.reference},
                              {"batch_id", t.batch_id}};
    if (!t.pending_id.empty()) payload["pending_id"] = t.pending_id;
    return core::AuditEvent{t.at_ms, t.actor.value_or(actor),    action, "transfer", t.row_id,
                            1,       core::compact_json(payload)};
}

core::AuditEvent account_audit_event(const Account& a, core::UserId actor) {
    const nlohmann::json payload = {
        {"owner", to_string(a.owner)},
        {"owner_id", a.owner_id},
        {"currency", a.currency},
        {"kind", to_string(a.kind)},
        {"debits_must_not_exceed_credits", a.flags.debits_must_not_exceed_credits},
        {"credits_must_not_exceed_debits", a.flags.credits_must_not_exceed_debits}};
    return core::AuditEvent{
        a.created_at_ms, actor, "account.opened", "account", a.id, 1, core::compact_json(payload)};
}

InvariantReport check_invariants(const LedgerFacts& facts) {
    InvariantReport report;
    report.account_count = static_cast<std::int64_t>(facts.accounts.size());
    report.transfer_count = facts.transfer_count;
    struct Totals {
        Int128 debits_posted = 0, credits_posted = 0, debits_pending = 0, credits_pending = 0;
    };
    std::map<std::string, Totals> totals;
    auto text = [](Int128 v) {
        const bool negative = v < 0;
        UInt128 u = negative ? static_cast<UInt128>(-v) : static_cast<UInt128>(v);
        std::string digits;
        do {
            digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
            u /= 10;
        } while (u != 0);
        return negative ? "-" + digits : digits;
    };
    for (const AccountFacts& f : facts.accounts) {
        const Account& a = f.account;
        const Balances& b = a.balances;
        const std::string name = "account " + std::to_string(a.id) + " (" + a.currency + ")";
        Totals& t = totals[a.currency];
        t.debits_posted += b.debits_posted;
        t.credits_posted += b.credits_posted;
        t.debits_pending += b.debits_pending;
        t.credits_pending += b.credits_pending;
        if (b.debits_posted < 0 || b.credits_posted < 0 || b.debits_pending < 0 ||
            b.credits_pending < 0) {
            report.violations.push_back(name + " has a negative balance");
        }
        if (!(b == f.recomputed)) {
            report.violations.push_back(
                name + ": stored balances (debits posted " + std::to_string(b.debits_posted) +
                ", pending " + std::to_string(b.debits_pending) + "; credits posted " +
                std::to_string(b.credits_posted) + ", pending " +
                std::to_string(b.credits_pending) + ") differ from its transfers (debits posted " +
                std::to_string(f.recomputed.debits_posted) + ", pending " +
                std::to_string(f.recomputed.debits_pending) + "; credits posted " +
                std::to_string(f.recomputed.credits_posted) + ", pending " +
                std::to_string(f.recomputed.credits_pending) + ")");
        }
        if (a.flags.debits_must_not_exceed_credits && debits_exceed_credits(b)) {
            report.violations.push_back(name + " is below zero: its debits exceed its credits");
        }
        if (a.flags.credits_must_not_exceed_debits && credits_exceed_debits(b)) {
            report.violations.push_back(name + " is below zero: its credits exceed its debits");
        }
    }
    report.currency_count = static_cast<std::int64_t>(totals.size());
    for (const auto& [currency, t] : totals) {
        if (t.debits_posted != t.credits_posted) {
            report.violations.push_back(currency + ": posted debits " + text(t.debits_posted) +
                                        " != posted credits " + text(t.credits_posted));
        }
        if (t.debits_pending != t.credits_pending) {
            report.violations.push_back(currency + ": pending debits " + text(t.debits_pending) +
                                        " != pending credits " + text(t.credits_pending));
        }
    }
    if (facts.transfers_without_audit_count > 0) {
        std::string ids;
        for (std::int64_t id : facts.transfers_without_audit) {
            ids += (ids.empty() ? "" : ", ") + std::to_string(id);
        }
        report.violations.push_back(
            std::to_string(facts.transfers_without_audit_count) +
            " transfer(s) without an audit event (row ids " + ids +
            (facts.transfers_without_audit_count >
                     static_cast<std::int64_t>(facts.transfers_without_audit.size())
                 ? ", ...)"
                 : ")"));
    }
    return report;
}

}  // namespace procura::money
