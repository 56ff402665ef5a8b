#include "web/json_bidding.hpp"

#include "core/time.hpp"
#include "signing/message_signature.hpp"
#include "web/json_log.hpp"

namespace procura::web {
namespace {

// The fields ../shared/PRODUCT.md lists for the public opening record (supplier, lot, price,
// receipt time, signature and decryption status), and the bid's identity and hash.
Json opened_bid_to_json(const bidding::OpenedBidRecord& r) {
    Json price = nullptr;
    if (r.price_minor) price = Json{{"amount_minor", *r.price_minor}, {"currency", r.currency}};
    return Json{{"bid_id", r.bid_id},
                {"supplier_id", r.supplier_id},
                {"lot_id", r.lot_id},
                {"version", r.version},
                {"received_at", core::format_rfc3339_ms(r.received_at_ms)},
                {"sha256", r.sha256_hex},
                {"valid", r.valid},
                {"reason_code", r.reason_code.empty() ? Json(nullptr) : Json(r.reason_code)},
                {"reason", r.reason.empty() ? Json(nullptr) : Json(r.reason)},
                {"signature_status", r.signature_status},
                {"decryption_status", r.decryption_status},
                {"price", price}};
}

}  // namespace

Json receipt_to_json(const bidding::BidReceipt& r) {
    Json sth = nullptr;
    if (r.sth) sth = head_to_json(*r.sth);
    // salt and commitment are null for a bid stored before commitments (migration 0014).
    const auto or_null = [](const std::string& text) {
        return text.empty() ? Json(nullptr) : Json(text);
    };
    return Json{{"bid_id", r.bid_id},
                {"version", r.version},
                {"tender_id", r.tender_id},
                {"supplier_id", r.supplier_id},
                {"lot_id", r.lot_id},
                {"received_at", core::format_rfc3339_ms(r.received_at_ms)},
                {"received_at_ms", r.received_at_ms},
                {"sha256", r.sha256_hex},
                {"salt", or_null(r.salt_hex)},
                {"commitment", or_null(r.commitment_hex)},
                {"timestamp_token", signing::base64_encode(r.timestamp_token)},
                {"log_leaf_index", r.log_leaf_index},
                {"sth", sth},
                {"repeated", r.repeated}};
}

Json bid_summary_to_json(const bidding::BidSummary& b) {
    return Json{{"bid_id", b.bid_id},
                {"supplier_id", b.supplier_id},
                {"lot_id", b.lot_id},
                {"version", b.version},
                {"state", bidding::to_string(b.state)},
                {"received_at", core::format_rfc3339_ms(b.received_at_ms)},
                {"sha256", b.sha256_hex}};
}

Json bid_listing_to_json(const bidding::BidListing& listing) {
    Json items = Json::array();
    for (const bidding::BidSummary& b : listing.items) items.push_back(bid_summary_to_json(b));
    Json out{{"sealed", listing.sealed}, {"items", std::move(items)}};
    if (!listing.per_lot.empty()) {
        Json lots = Json::array();
        for (const bidding::LotBidCount& c : listing.per_lot) {
            lots.push_back(Json{{"lot_id", c.lot_id}, {"active_bids", c.active_bids}});
        }
        out["lots"] = std::move(lots);
    }
    return out;
}

Json share_outcome_to_json(const bidding::ShareOutcome& outcome) {
    return Json{{"shares_in", outcome.shares_in},
                {"threshold", outcome.threshold},
                {"opened", outcome.opened}};
}

Json opening_to_json(const bidding::OpeningRecord& record) {
    Json bids = Json::array();
    for (const bidding::OpenedBidRecord& r : record.bids) bids.push_back(opened_bid_to_json(r));
    // Every bid version's committed values and salt: anyone recomputes the commitment of each
    // bid leaf of the log from them (bidding/commitment.hpp, docs/bidding-with-openssl.md).
    Json revealed = Json::array();
    for (const bidding::BidReveal& r : record.revealed) {
        revealed.push_back(Json{{"bid_id", r.bid_id},
                                {"version", r.version},
                                {"tender_id", r.tender_id},
                                {"supplier_id", r.supplier_id},
                                {"lot_id", r.lot_id},
                                {"sha256", r.sha256_hex},
                                {"salt", r.salt_hex},
                                {"state", bidding::to_string(r.state)}});
    }
    return Json{{"tender_id", record.tender_id},
                {"opened_at", core::format_rfc3339_ms(record.opened_at_ms)},
                {"bids", std::move(bids)},
                {"revealed", std::move(revealed)}};
}

Json opening_documents_to_json(const bidding::OpeningRecord& record) {
    Json bids = Json::array();
    for (const bidding::OpenedBidRecord& r : record.bids) {
        Json document = nullptr;
        if (!r.document_json.empty()) {
            document = Json::parse(r.document_json, nullptr, false);
            if (document.is_discarded()) document = nullptr;
        }
        bids.push_back(Json{{"bid_id", r.bid_id},
                            {"supplier_id", r.supplier_id},
                            {"lot_id", r.lot_id},
                            {"valid", r.valid},
                            {"document", std::move(document)}});
    }
    return Json{{"tender_id", record.tender_id}, {"bids", std::move(bids)}};
}

}  // namespace procura::web
