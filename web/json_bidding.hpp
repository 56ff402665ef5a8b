// JSON mapping of sealed bidding for the HTTP API: a bid's receipt, its summary before the
// opening, and a line of the opening record (docs/openapi.yaml).
#pragma once

#include "bidding/model.hpp"
#include "bidding/opening_ceremony.hpp"
#include "bidding/service.hpp"
#include "web/json_fields.hpp"

namespace procura::web {

// The receipt: its RFC 3161 token in base64, its log leaf index and the tree head, if any.
Json receipt_to_json(const bidding::BidReceipt& receipt);
// What anyone allowed may see of a bid before the opening.
Json bid_summary_to_json(const bidding::BidSummary& summary);
// A caller's view of a tender's bids: {"sealed", "items", and while sealed for officers,
// auditors and admins "lots": [{"lot_id", "active_bids"}]}.
Json bid_listing_to_json(const bidding::BidListing& listing);
// {"shares_in","threshold","opened"}.
Json share_outcome_to_json(const bidding::ShareOutcome& outcome);
// The published opening record, with each bid's decrypted document.
Json opening_to_json(const bidding::OpeningRecord& record);
// The decrypted bid documents of an opening, for the evaluation panel and auditors.
Json opening_documents_to_json(const bidding::OpeningRecord& record);

}  // namespace procura::web
