#include "settlement/batches/json.hpp"

#include "core/time.hpp"
#include "settlement/batches/rules.hpp"

namespace procura::settlement::batches {
namespace {

using Json = nlohmann::json;

Json time_or_null(std::int64_t ms) {
    return ms > 0 ? Json(core::format_rfc3339_ms(ms)) : Json(nullptr);
}
Json user_or_null(core::UserId id) { return id > 0 ? Json(id) : Json(nullptr); }

// One item, with its ledger transfer id and what only its kind has (payments: the contract,
// creditor, debtor and remittance; deposits: the pending transfer).
Json item_to_json(std::int64_t batch_id, const Item& i) {
    Json item = {{"number", i.number},
                 {"kind", to_string(i.kind)},
                 {"transfer_id", rules::transfer_id(batch_id, i.number)},
                 {"source", i.source_key},
                 {"tender_id", i.tender_id},
                 {"lot_id", i.lot_id},
                 {"supplier_id", i.supplier_id},
                 {"supplier_name", i.creditor_name},
                 {"amount_minor", i.amount_minor},
                 {"currency", i.currency}};
    if (i.kind == ItemKind::payment) {
        item["contract_id"] = i.contract_id;
        item["milestone_id"] = i.milestone_id;
        item["creditor_iban"] = i.creditor_iban;
        item["debtor"] = {{"buyer_account_id", i.buyer_account_id},
                          {"name", i.debtor_name},
                          {"iban", i.debtor_iban}};
        item["remittance"] = i.remittance;
    } else {
        item["pending_id"] = i.pending_id;
    }
    return item;
}

// The totals of the items per currency and per supplier (rules::totals).
Json totals_to_json(const std::vector<Item>& items) {
    const Totals t = rules::totals(items);
    Json per_currency = Json::array();
    for (const CurrencyTotal& c : t.per_currency) {
        per_currency.push_back({{"currency", c.currency},
                                {"payments_minor", c.payments_minor},
                                {"payment_count", c.payment_count},
                                {"refunds_minor", c.refunds_minor},
                                {"refund_count", c.refund_count},
                                {"forfeits_minor", c.forfeits_minor},
                                {"forfeit_count", c.forfeit_count}});
    }
    Json per_supplier = Json::array();
    for (const SupplierTotal& s : t.per_supplier) {
        per_supplier.push_back({{"supplier_id", s.supplier_id},
                                {"supplier_name", s.supplier_name},
                                {"currency", s.currency},
                                {"payments_minor", s.payments_minor},
                                {"refunds_minor", s.refunds_minor},
                                {"forfeits_minor", s.forfeits_minor}});
    }
    return {{"per_currency", std::move(per_currency)}, {"per_supplier", std::move(per_supplier)}};
}

// The bank files' metadata, each with its download path.
Json files_to_json(const Batch& b) {
    Json files = Json::array();
    for (const BankFile& f : b.files) {
        files.push_back({{"number", f.number},
                         {"buyer_account_id", f.buyer_account_id},
                         {"currency", f.currency},
                         {"message_id", f.message_id},
                         {"payment_count", f.payment_count},
                         {"control_sum_minor", f.control_sum_minor},
                         {"sha256", f.sha256_hex},
                         {"href", "/api/v1/settlement/batches/" + std::to_string(b.id) + "/files/" +
                                      std::to_string(f.number)}});
    }
    return files;
}

}  // namespace

Json skipped_to_json(const std::vector<Skipped>& skipped) {
    Json out = Json::array();
    for (const Skipped& s : skipped) {
        out.push_back({{"source", s.source_key},
                       {"kind", to_string(s.kind)},
                       {"supplier_id", s.supplier_id},
                       {"amount_minor", s.amount_minor},
                       {"currency", s.currency},
                       {"code", s.code},
                       {"reason", s.reason}});
    }
    return out;
}

nlohmann::json batch_to_json(const Batch& b) {
    Json out = {{"id", b.id},
                {"state", to_string(b.state)},
                {"version", b.version},
                {"cutoff", core::format_rfc3339_ms(b.cutoff_ms)},
                {"cutoff_ms", b.cutoff_ms},
                {"prepared_by", b.prepared_by},
                {"prepared_at", time_or_null(b.prepared_at_ms)},
                {"approved_by", user_or_null(b.approved_by)},
                {"approved_at", time_or_null(b.approved_at_ms)},
                {"execute_started_by", user_or_null(b.execute_started_by)},
                {"execute_started_at", time_or_null(b.execute_started_at_ms)},
                {"executed_by", user_or_null(b.executed_by)},
                {"executed_at", time_or_null(b.executed_at_ms)},
                {"cancelled_by", user_or_null(b.cancelled_by)},
                {"cancelled_at", time_or_null(b.cancelled_at_ms)},
                {"cancel_reason", b.cancel_reason},
                {"item_count", b.item_count},
                {"skipped", skipped_to_json(b.skipped)},
                {"totals", totals_to_json(b.items)},
                {"files", files_to_json(b)}};
    // Items are listed when they were loaded (a batch read without them shows only the count).
    if (!b.items.empty() || b.item_count == 0) {
        Json items = Json::array();
        for (const Item& i : b.items) items.push_back(item_to_json(b.id, i));
        out["items"] = std::move(items);
    }
    if (b.state == BatchState::executed) {
        out["report_href"] = "/api/v1/settlement/batches/" + std::to_string(b.id) + "/report.csv";
    }
    return out;
}

nlohmann::json buyer_account_to_json(const BuyerAccount& a) {
    return {{"id", a.id},
            {"buyer_id", a.buyer_id},
            {"name", a.name},
            {"iban", a.iban},
            {"bic", a.bic.empty() ? Json(nullptr) : Json(a.bic)},
            {"version", a.version},
            {"updated_by", a.updated_by},
            {"updated_at", time_or_null(a.updated_at_ms)}};
}

}  // namespace procura::settlement::batches
