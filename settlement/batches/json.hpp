// The JSON form of settlement batches and buyer bank accounts, shared by the HTTP API and the
// `procura settle` command so that both show the same preview. Amounts stay integer minor
// units ("amount_minor") beside their currency.
#pragma once

#include <nlohmann/json.hpp>

#include "settlement/batches/model.hpp"

namespace procura::settlement::batches {

// The batch: id, state, cut-off and times (RFC 3339 and ms), who prepared, approved and
// executed it, items (when loaded, each with its transfer id), skipped items with reasons,
// totals per currency and per supplier, and the bank files' metadata with download paths.
nlohmann::json batch_to_json(const Batch& batch);
nlohmann::json buyer_account_to_json(const BuyerAccount& account);
// The skipped items with their reasons, as the API shows them and the store keeps them.
nlohmann::json skipped_to_json(const std::vector<Skipped>& skipped);

}  // namespace procura::settlement::batches
