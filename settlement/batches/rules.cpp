#include "settlement/batches/rules.hpp"

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>

#include "bidding/bid_security.hpp"
#include "core/utf8.hpp"
#include "suppliers/rules.hpp"

namespace procura::settlement::batches::rules {
namespace {

std::string milestone_key(std::int64_t id) { return "milestone:" + std::to_string(id); }
std::string deposit_key(const std::string& pending_id) { return "deposit:" + pending_id; }

// One candidate's outcome: an item, a skip, or nothing (not due yet, or held).
struct Outcome {
    std::optional<Item> item;
    std::optional<Skipped> skipped;
};

Skipped skip_of(const MilestoneCandidate& m, std::string code, std::string reason) {
    Skipped s;
    s.source_key = milestone_key(m.milestone_id);
    s.kind = ItemKind::payment;
    s.supplier_id = m.supplier_id;
    s.amount_minor = m.amount_minor;
    s.currency = m.currency;
    s.code = std::move(code);
    s.reason = "milestone " + std::to_string(m.milestone_id) + " (contract " +
               std::to_string(m.contract_id) + "): " + std::move(reason);
    return s;
}

Outcome milestone_outcome(const MilestoneCandidate& m, std::int64_t cutoff_ms) {
    Outcome out;
    if (m.accepted_at_ms > cutoff_ms) return out;
    if (!m.supplier || m.supplier->status != "approved") {
        out.skipped =
            skip_of(m, "supplier_not_approved",
                    "supplier " + std::to_string(m.supplier_id) + " has no approved registration");
        return out;
    }
    if (m.supplier->iban.empty()) {
        out.skipped = skip_of(m, "supplier_without_iban",
                              "supplier " + std::to_string(m.supplier_id) + " has no IBAN");
        return out;
    }
    if (!m.buyer_account) {
        out.skipped = skip_of(m, "buyer_without_bank_account",
                              "buyer '" + m.buyer_id +
                                  "' has no bank account (set it with "
                                  "`procura settle buyer-account`)");
        return out;
    }
    Item item;
    item.kind = ItemKind::payment;
    item.source_key = milestone_key(m.milestone_id);
    item.tender_id = m.tender_id;
    item.lot_id = m.lot_id;
    item.supplier_id = m.supplier_id;
    item.contract_id = m.contract_id;
    item.milestone_id = m.milestone_id;
    item.amount_minor = m.amount_minor;
    item.currency = m.currency;
    item.buyer_account_id = m.buyer_account->id;
    item.debtor_name = core::utf8_prefix(m.buyer_account->name, party_name_chars_max);
    item.debtor_iban = m.buyer_account->iban;
    item.debtor_bic = m.buyer_account->bic;
    item.creditor_name = core::utf8_prefix(m.supplier->organisation_name, party_name_chars_max);
    item.creditor_iban = m.supplier->iban;
    item.creditor_bic = m.supplier->bic;
    item.remittance = core::utf8_prefix(
        "Tender " + std::to_string(m.tender_id) + " lot " + std::to_string(m.lot_id) +
            " contract " + std::to_string(m.contract_id) + " milestone " + std::to_string(m.number),
        remittance_chars_max);
    // The bank file's own checks, on this payment alone: whatever passes here passes when the
    // whole file is written at execution.
    PaymentBatch probe;
    probe.message_id = "probe";
    probe.created_at_ms = 0;
    probe.initiating_party_name = item.debtor_name;
    probe.debtor =
        Party{item.debtor_name, item.debtor_iban,
              item.debtor_bic.empty() ? std::nullopt : std::optional<std::string>(item.debtor_bic)};
    probe.payment_info_id = "probe";
    probe.requested_execution_date_ms = 0;
    Payment p;
    p.end_to_end_id = "stl:1:1";
    p.creditor = Party{
        item.creditor_name, item.creditor_iban,
        item.creditor_bic.empty() ? std::nullopt : std::optional<std::string>(item.creditor_bic)};
    p.amount_minor = item.amount_minor;
    p.currency = item.currency;
    p.remittance = item.remittance;
    probe.payments.push_back(std::move(p));
    if (auto checked = check_payment_batch(probe); !checked) {
        out.skipped = skip_of(m, checked.error().code,
                              "the bank file would refuse it: " + checked.error().message);
        return out;
    }
    if (!currency_exponent(item.currency)) {
        out.skipped =
            skip_of(m, "bad_currency", "currency " + item.currency + " has no minor unit");
        return out;
    }
    out.item = std::move(item);
    return out;
}

Outcome deposit_outcome(const DepositCandidate& d, const std::vector<AwardFact>& awards,
                        const std::vector<LotRelease>& releases, std::int64_t cutoff_ms) {
    Outcome out;
    bool lot_closed = false;
    bool tender_cancelled = false;
    for (const LotRelease& r : releases) {
        if (r.tender_id != d.tender_id || r.at_ms > cutoff_ms) continue;
        if (r.lot_id == 0) tender_cancelled = true;
        if (r.lot_id == d.lot_id) lot_closed = true;
    }
    bool own_declined = false;
    bool own_signed = false;
    bool own_held = false;
    bool lot_awarded = false;
    for (const AwardFact& a : awards) {
        if (a.tender_id != d.tender_id || a.lot_id != d.lot_id) continue;
        if (a.awarded_at_ms <= cutoff_ms) lot_awarded = true;
        if (a.bid_id != d.bid_id) continue;
        const bool decided = a.decided_at_ms > 0 && a.decided_at_ms <= cutoff_ms;
        if (a.state == AwardState::declined && decided) {
            own_declined = true;
        } else if (a.state == AwardState::signed_ && decided) {
            own_signed = true;
        } else {
            own_held = true;
        }
    }
    ItemKind kind;
    if (!d.bid_active) {
        kind = ItemKind::refund;  // out of the competition: its guarantee is owed back
    } else if (own_declined) {
        kind = ItemKind::forfeit;
    } else if (own_signed) {
        kind = ItemKind::refund;
    } else if (own_held && !tender_cancelled) {
        return out;
    } else if (!lot_awarded && !lot_closed && !tender_cancelled) {
        return out;
    } else {
        kind = ItemKind::refund;
    }
    Item item;
    item.kind = kind;
    item.source_key = deposit_key(d.pending_id);
    item.tender_id = d.tender_id;
    item.lot_id = d.lot_id;
    item.supplier_id = d.supplier_id;
    item.pending_id = d.pending_id;
    item.amount_minor = d.amount_minor;
    item.currency = d.currency;
    item.creditor_name = core::utf8_prefix(d.supplier_name, party_name_chars_max);
    out.item = std::move(item);
    return out;
}

auto payment_order(const Item& i) {
    return std::tie(i.buyer_account_id, i.currency, i.contract_id, i.milestone_id);
}
auto deposit_order(const Item& i) { return std::tie(i.tender_id, i.lot_id, i.pending_id); }

// RFC 4180 field.
// A CSV field (RFC 4180). A text a spreadsheet would take for a formula (starting with =, +,
// -, @, a tab or CR: a supplier may choose its own name) is prefixed with ' and quoted, so a
// finance clerk opening the report runs nothing.
std::string csv_field(const std::string& text) {
    const bool formula =
        !text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos;
    if (!formula && text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = formula ? "\"'" : "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

}  // namespace

core::Status check_finance(const core::Caller& caller) {
    if (caller.role != core::Role::finance) {
        return core::forbidden(
            "forbidden_role",
            "only finance users may prepare, approve and execute settlement batches");
    }
    return {};
}

core::Status check_can_read(const core::Caller& caller) {
    if (caller.role != core::Role::finance && caller.role != core::Role::auditor) {
        return core::forbidden("forbidden_role",
                               "only finance users and auditors may read settlement batches");
    }
    return {};
}

core::Status check_can_set_buyer_account(const core::Caller& caller) {
    if (caller.role != core::Role::finance && caller.role != core::Role::admin) {
        return core::forbidden(
            "forbidden_role",
            "only finance users and administrators may set a buyer's bank account");
    }
    return {};
}

core::Status check_can_approve(const Batch& batch, const core::Caller& caller) {
    PROCURA_TRY(check_finance(caller));
    if (caller.user_id == batch.prepared_by) {
        return core::forbidden("four_eyes",
                               "batch " + std::to_string(batch.id) +
                                   " was prepared by you: another finance user must approve it");
    }
    if (batch.state != BatchState::prepared) {
        return core::conflict("batch_not_prepared", "batch " + std::to_string(batch.id) + " is " +
                                                        std::string(to_string(batch.state)) +
                                                        ", not prepared");
    }
    return {};
}

core::Status check_can_cancel(const Batch& batch, const core::Caller& caller,
                              const std::string& reason) {
    PROCURA_TRY(check_finance(caller));
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
        return core::unprocessable("reason_required", "say why the batch is cancelled", "reason");
    }
    if (core::utf8_prefix(reason, 1000).size() != reason.size()) {
        return core::unprocessable("reason_too_long", "the reason is longer than 1,000 bytes",
                                   "reason");
    }
    if (batch.state != BatchState::prepared && batch.state != BatchState::approved &&
        batch.state != BatchState::executing) {
        return core::conflict("batch_not_cancellable",
                              "batch " + std::to_string(batch.id) + " is " +
                                  std::string(to_string(batch.state)) +
                                  ": only a prepared, approved or unposted executing batch can be "
                                  "cancelled");
    }
    return {};
}

core::Status check_can_execute(const Batch& batch, const core::Caller& caller) {
    PROCURA_TRY(check_finance(caller));
    if (batch.state == BatchState::cancelled) {
        return core::conflict("batch_cancelled",
                              "batch " + std::to_string(batch.id) + " was cancelled");
    }
    if (batch.state == BatchState::prepared) {
        return core::conflict(
            "batch_not_approved",
            "batch " + std::to_string(batch.id) +
                " is not approved yet: another finance user must approve it first");
    }
    return {};
}

core::Error cancelled_during_execution(std::int64_t batch_id) {
    return core::conflict("batch_cancelled", "batch " + std::to_string(batch_id) +
                                                 " was cancelled during its execution; nothing "
                                                 "was posted");
}

core::Result<BuyerAccount> normalise_buyer_account(const BuyerAccount& input) {
    BuyerAccount out = input;
    const auto trim = [](const std::string& s) {
        const auto b = s.find_first_not_of(" \t");
        if (b == std::string::npos) return std::string();
        const auto e = s.find_last_not_of(" \t");
        return s.substr(b, e - b + 1);
    };
    out.buyer_id = trim(input.buyer_id);
    out.name = trim(input.name);
    if (out.buyer_id.empty()) {
        return core::unprocessable("missing_field", "buyer_id is required", "buyer_id");
    }
    if (out.buyer_id.size() > 500) {
        return core::unprocessable("field_too_long", "buyer_id is longer than 500 bytes",
                                   "buyer_id");
    }
    if (out.name.empty()) {
        return core::unprocessable("missing_field", "name (the account holder) is required",
                                   "name");
    }
    if (core::utf8_prefix(out.name, party_name_chars_max) != out.name) {
        return core::unprocessable("field_too_long", "name is longer than 140 bytes", "name");
    }
    for (unsigned char c : out.name) {
        if (c < 0x20 || c == 0x7f) {
            return core::unprocessable("invalid_field", "name holds a control character", "name");
        }
    }
    auto iban = suppliers::rules::normalise_iban(input.iban);
    if (!iban) {
        core::Error e = iban.error();
        e.field = "iban";
        return e;
    }
    out.iban = *iban;
    if (trim(input.bic).empty()) {
        out.bic.clear();
    } else {
        auto bic = suppliers::rules::normalise_bic(trim(input.bic));
        if (!bic) {
            core::Error e = bic.error();
            e.field = "bic";
            return e;
        }
        out.bic = *bic;
    }
    return out;
}

std::string transfer_id(std::int64_t batch_id, std::int32_t number) {
    return "stl:" + std::to_string(batch_id) + ":" + std::to_string(number);
}

std::string ledger_batch_id(std::int64_t batch_id) {
    return "settlement-" + std::to_string(batch_id);
}

Selection select_items(const PrepareInput& input, std::int64_t cutoff_ms, std::size_t items_max,
                       int threads) {
    const std::size_t milestones = input.milestones.size();
    const std::size_t total = milestones + input.deposits.size();
    std::vector<Outcome> outcomes(total);
    const auto body = [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
            outcomes[i] = i < milestones ? milestone_outcome(input.milestones[i], cutoff_ms)
                                         : deposit_outcome(input.deposits[i - milestones],
                                                           input.awards, input.releases, cutoff_ms);
        }
    };
    if (threads > 0) {
        tbb::task_arena arena(threads);
        arena.execute(
            [&] { tbb::parallel_for(tbb::blocked_range<std::size_t>(0, total, 64), body); });
    } else {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, total, 64), body);
    }

    Selection s;
    std::vector<Item> payments;
    std::vector<Item> deposits;
    for (Outcome& o : outcomes) {
        if (o.item) {
            (o.item->kind == ItemKind::payment ? payments : deposits).push_back(std::move(*o.item));
        }
        if (o.skipped) s.skipped.push_back(std::move(*o.skipped));
    }
    std::sort(payments.begin(), payments.end(),
              [](const Item& a, const Item& b) { return payment_order(a) < payment_order(b); });
    std::sort(deposits.begin(), deposits.end(),
              [](const Item& a, const Item& b) { return deposit_order(a) < deposit_order(b); });
    // In order, each currency's items add up to less than batch_currency_sum_max_minor; an item
    // that would reach it waits for a later batch, and one that never can is skipped.
    std::map<std::string, std::int64_t> sums;
    for (std::vector<Item>* part : {&payments, &deposits}) {
        for (Item& i : *part) {
            if (s.items.size() == items_max) break;
            if (i.amount_minor >= batch_currency_sum_max_minor) {
                Skipped too_large;
                too_large.source_key = i.source_key;
                too_large.kind = i.kind;
                too_large.supplier_id = i.supplier_id;
                too_large.amount_minor = i.amount_minor;
                too_large.currency = i.currency;
                too_large.code = "amount_too_large";
                too_large.reason =
                    "the amount " + std::to_string(i.amount_minor) + " has more than 18 digits";
                s.skipped.push_back(std::move(too_large));
                continue;
            }
            std::int64_t& sum = sums[i.currency];
            if (sum >= batch_currency_sum_max_minor - i.amount_minor) continue;
            sum += i.amount_minor;
            s.items.push_back(std::move(i));
        }
    }
    std::int32_t number = 0;
    for (Item& i : s.items) i.number = ++number;
    std::sort(s.skipped.begin(), s.skipped.end(),
              [](const Skipped& a, const Skipped& b) { return a.source_key < b.source_key; });
    return s;
}

Totals totals(const std::vector<Item>& items) {
    std::map<std::string, CurrencyTotal> per_currency;
    std::map<std::pair<core::UserId, std::string>, SupplierTotal> per_supplier;
    for (const Item& i : items) {
        CurrencyTotal& c = per_currency[i.currency];
        c.currency = i.currency;
        SupplierTotal& s = per_supplier[{i.supplier_id, i.currency}];
        s.supplier_id = i.supplier_id;
        s.currency = i.currency;
        if (s.supplier_name.empty()) s.supplier_name = i.creditor_name;
        switch (i.kind) {
            case ItemKind::payment:
                c.payments_minor += i.amount_minor;
                ++c.payment_count;
                s.payments_minor += i.amount_minor;
                break;
            case ItemKind::refund:
                c.refunds_minor += i.amount_minor;
                ++c.refund_count;
                s.refunds_minor += i.amount_minor;
                break;
            case ItemKind::forfeit:
                c.forfeits_minor += i.amount_minor;
                ++c.forfeit_count;
                s.forfeits_minor += i.amount_minor;
                break;
        }
    }
    Totals t;
    for (auto& [k, v] : per_currency) t.per_currency.push_back(std::move(v));
    for (auto& [k, v] : per_supplier) t.per_supplier.push_back(std::move(v));
    return t;
}

std::vector<money::Transfer> ledger_transfers(const Batch& batch, const LedgerAccounts& accounts) {
    std::vector<money::Transfer> out;
    out.reserve(batch.items.size());
    for (const Item& i : batch.items) {
        money::Transfer t;
        t.id = transfer_id(batch.id, i.number);
        t.batch_id = ledger_batch_id(batch.id);
        t.reference = "settlement batch " + std::to_string(batch.id) + " item " +
                      std::to_string(i.number) + ": " + std::string(to_string(i.kind));
        if (i.kind == ItemKind::payment) {
            t.kind = money::TransferKind::single;
            t.debit_account_id = accounts.buyers.at({i.buyer_account_id, i.currency});
            t.credit_account_id = accounts.suppliers.at({i.supplier_id, i.currency});
            t.amount_minor = i.amount_minor;
            t.currency = i.currency;
            t.code = settlement_payment_code;
        } else {
            t.kind = i.kind == ItemKind::refund ? money::TransferKind::void_pending
                                                : money::TransferKind::post_pending;
            t.pending_id = i.pending_id;
            t.amount_minor = 0;  // the whole pending amount
            t.code = bidding::bid_security_transfer_code;
        }
        t.linked = true;
        out.push_back(std::move(t));
    }
    if (!out.empty()) out.back().linked = false;
    return out;
}

std::vector<PlannedFile> plan_files(const Batch& batch) {
    PROCURA_ASSERT(batch.approved_at_ms > 0);
    std::vector<PlannedFile> files;
    std::map<std::pair<std::int64_t, std::string>, std::size_t> open;  // group -> last file
    for (const Item& i : batch.items) {
        if (i.kind != ItemKind::payment) continue;
        const auto group = std::make_pair(i.buyer_account_id, i.currency);
        auto found = open.find(group);
        if (found == open.end() ||
            files[found->second].payments.payments.size() >= bank_file_payments_max) {
            PlannedFile f;
            f.file.number = static_cast<std::int32_t>(files.size() + 1);
            f.file.buyer_account_id = i.buyer_account_id;
            f.file.currency = i.currency;
            f.file.message_id =
                "STL-" + std::to_string(batch.id) + "-" + std::to_string(f.file.number);
            f.payments.message_id = f.file.message_id;
            f.payments.created_at_ms = batch.approved_at_ms;
            f.payments.initiating_party_name = i.debtor_name;
            f.payments.debtor = Party{
                i.debtor_name, i.debtor_iban,
                i.debtor_bic.empty() ? std::nullopt : std::optional<std::string>(i.debtor_bic)};
            f.payments.payment_info_id = f.file.message_id + "-1";
            f.payments.requested_execution_date_ms = batch.approved_at_ms;
            files.push_back(std::move(f));
            open[group] = files.size() - 1;
            found = open.find(group);
        }
        PlannedFile& f = files[found->second];
        Payment p;
        p.end_to_end_id = transfer_id(batch.id, i.number);
        p.creditor = Party{
            i.creditor_name, i.creditor_iban,
            i.creditor_bic.empty() ? std::nullopt : std::optional<std::string>(i.creditor_bic)};
        p.amount_minor = i.amount_minor;
        p.currency = i.currency;
        p.remittance = i.remittance;
        f.payments.payments.push_back(std::move(p));
        f.file.payment_count += 1;
        f.file.control_sum_minor += i.amount_minor;
    }
    return files;
}

std::string report_csv(const Batch& batch, const std::vector<PlannedFile>& files) {
    std::map<std::string, std::int32_t> file_of;  // end-to-end id -> file number
    for (const PlannedFile& f : files) {
        for (const Payment& p : f.payments.payments) file_of[p.end_to_end_id] = f.file.number;
    }
    std::string out =
        "item,transfer_id,kind,source,tender_id,lot_id,supplier_id,creditor_name,creditor_iban,"
        "amount,currency,file\r\n";
    for (const Item& i : batch.items) {
        const std::string id = transfer_id(batch.id, i.number);
        const auto exponent = currency_exponent(i.currency);
        const std::string amount = exponent ? format_minor_units(i.amount_minor, *exponent)
                                            : std::to_string(i.amount_minor);
        const auto f = file_of.find(id);
        out += std::to_string(i.number) + "," + id + "," + std::string(to_string(i.kind)) + "," +
               csv_field(i.source_key) + "," + std::to_string(i.tender_id) + "," +
               std::to_string(i.lot_id) + "," + std::to_string(i.supplier_id) + "," +
               csv_field(i.creditor_name) + "," + i.creditor_iban + "," + amount + "," +
               i.currency + "," + std::to_string(f == file_of.end() ? 0 : f->second) + "\r\n";
    }
    return out;
}

}  // namespace procura::settlement::batches::rules
