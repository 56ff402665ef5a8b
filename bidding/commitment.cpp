#include "bidding/commitment.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>

#include "core/assert.hpp"
#include "core/hash.hpp"
#include "core/json_text.hpp"

namespace procura::bidding {
namespace {

using Json = nlohmann::json;
using VersionKey = std::pair<std::int64_t, std::int64_t>;  // bid id, version

// A bid leaf's commitment as the log carries it.
struct CommittedLeaf {
    std::int64_t leaf_index = 0;
    std::int64_t tender_id = 0;
    std::string commitment_hex;
};

struct RevealedLeaf {
    std::int64_t leaf_index = 0;
    BidReveal reveal;
};

core::Error malformed(std::int64_t leaf_index, const std::string& what) {
    return core::unprocessable("malformed_leaf",
                               "log leaf " + std::to_string(leaf_index) + ": " + what);
}

bool is_bid_leaf(const core::AuditEvent& e) {
    return e.entity_type == "bid" && (e.action == "bid.received" || e.action == "bid.replaced" ||
                                      e.action == "bid.withdrawn");
}

std::optional<std::int64_t> integer_field(const Json& payload, const char* name) {
    const auto it = payload.find(name);
    if (it == payload.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
}

std::optional<std::string> hex_field(const Json& payload, const char* name) {
    const auto it = payload.find(name);
    if (it == payload.end() || !it->is_string()) return std::nullopt;
    std::string text = it->get<std::string>();
    if (!core::is_sha256_hex(text)) return std::nullopt;
    return text;
}

// The leaves of events sorted into commitments, reveals and opened tenders.
struct Sorted {
    std::map<VersionKey, std::vector<CommittedLeaf>> committed;
    std::map<VersionKey, RevealedLeaf> revealed;
    std::set<std::int64_t> opened_tenders;
    std::size_t uncommitted = 0;
};

core::Status sort_leaf(const core::StoredAuditEvent& stored, Sorted& out) {
    const core::AuditEvent& e = stored.event;
    const std::int64_t leaf = stored.seq - 1;
    if (e.action == "tender.opened" && e.entity_type == "tender") {
        out.opened_tenders.insert(e.entity_id);
        return {};
    }
    const bool reveal =
        e.entity_type == "bid" && (e.action == "bid.opened" || e.action == "bid.revealed");
    if (!reveal && !is_bid_leaf(e)) return {};
    const Json payload = Json::parse(e.payload_json, nullptr, false);
    if (!payload.is_object()) return malformed(leaf, "payload_json is not a JSON object");
    const auto tender_id = integer_field(payload, "tender_id");
    if (!tender_id) return malformed(leaf, "no integer tender_id");
    const VersionKey key{e.entity_id, e.entity_version};
    if (!reveal) {
        if (!payload.contains("commitment")) {
            ++out.uncommitted;  // written before migration 0014
            return {};
        }
        auto commitment = hex_field(payload, "commitment");
        if (!commitment) return malformed(leaf, "the commitment is not 64 lower-case hex digits");
        out.committed[key].push_back({leaf, *tender_id, std::move(*commitment)});
        return {};
    }
    if (!payload.contains("salt")) return {};  // an opening of a bid stored before 0014
    RevealedLeaf r;
    r.leaf_index = leaf;
    r.reveal.bid_id = e.entity_id;
    r.reveal.version = e.entity_version;
    r.reveal.tender_id = *tender_id;
    const auto supplier = integer_field(payload, "supplier_id");
    const auto lot = integer_field(payload, "lot_id");
    auto sha256 = hex_field(payload, "sha256");
    auto salt = hex_field(payload, "salt");
    if (!supplier || !lot || !sha256 || !salt) {
        return malformed(leaf, e.action + " lacks supplier_id, lot_id, sha256 or salt");
    }
    r.reveal.supplier_id = *supplier;
    r.reveal.lot_id = *lot;
    r.reveal.sha256_hex = std::move(*sha256);
    r.reveal.salt_hex = std::move(*salt);
    if (!out.revealed.emplace(key, std::move(r)).second) {
        return malformed(leaf, "bid " + std::to_string(key.first) + " version " +
                                   std::to_string(key.second) + " is revealed twice");
    }
    return {};
}

std::string describe(const VersionKey& key) {
    return "bid " + std::to_string(key.first) + " version " + std::to_string(key.second);
}

// Every committed leaf against its reveal, if any; leaves of opened tenders must have one.
core::Status check_committed(const Sorted& s, CommitmentCheck& out) {
    for (const auto& [key, leaves] : s.committed) {
        const auto found = s.revealed.find(key);
        for (const CommittedLeaf& c : leaves) {
            if (found == s.revealed.end()) {
                if (s.opened_tenders.count(c.tender_id) != 0) {
                    return core::unprocessable("not_revealed",
                                               "log leaf " + std::to_string(c.leaf_index) + " (" +
                                                   describe(key) + " of tender " +
                                                   std::to_string(c.tender_id) +
                                                   ") is not revealed by the tender's opening");
                }
                ++out.leaves_sealed;
                continue;
            }
            const BidReveal& r = found->second.reveal;
            if (r.tender_id != c.tender_id || bid_commitment_hex(r) != c.commitment_hex) {
                return core::unprocessable(
                    "commitment_mismatch",
                    "log leaf " + std::to_string(c.leaf_index) + " (" + describe(key) +
                        ") does not commit to what log leaf " +
                        std::to_string(found->second.leaf_index) +
                        " reveals (supplier, lot, hash and salt): one of them was altered");
            }
            ++out.leaves_checked;
        }
    }
    for (const auto& [key, r] : s.revealed) {
        if (s.committed.count(key) == 0) {
            return core::unprocessable("reveal_without_leaf",
                                       "log leaf " + std::to_string(r.leaf_index) + " reveals " +
                                           describe(key) +
                                           ", which no earlier bid leaf commits to");
        }
    }
    return {};
}

core::Status check_published(const Sorted& s, const std::vector<BidReveal>& published,
                             CommitmentCheck& out) {
    for (const BidReveal& r : published) {
        const VersionKey key{r.bid_id, r.version};
        const auto found = s.committed.find(key);
        if (found == s.committed.end()) {
            return core::unprocessable("reveal_without_leaf",
                                       "the opening record reveals " + describe(key) +
                                           ", which no bid leaf of the log commits to");
        }
        const std::string commitment = bid_commitment_hex(r);
        for (const CommittedLeaf& c : found->second) {
            if (c.tender_id != r.tender_id || c.commitment_hex != commitment) {
                return core::unprocessable("commitment_mismatch",
                                           "the opening record's " + describe(key) + " (supplier " +
                                               std::to_string(r.supplier_id) + ", lot " +
                                               std::to_string(r.lot_id) +
                                               ") does not match the commitment of log leaf " +
                                               std::to_string(c.leaf_index) +
                                               ": its salt, supplier, lot or hash was "
                                               "altered");
            }
        }
        ++out.published_checked;
    }
    return {};
}

}  // namespace

std::string new_salt_hex() { return core::to_hex(core::random_bytes(commitment_salt_bytes)); }

std::string commitment_text(std::string_view salt_hex, std::int64_t tender_id,
                            core::UserId supplier_id, std::int64_t lot_id,
                            std::string_view sha256_hex) {
    PROCURA_ASSERT(core::is_sha256_hex(salt_hex) && core::is_sha256_hex(sha256_hex));
    std::string text = "procura-bid-commitment-v1\n";
    text.append(salt_hex).append("\n");
    text += std::to_string(tender_id) + "\n" + std::to_string(supplier_id) + "\n" +
            std::to_string(lot_id) + "\n";
    text.append(sha256_hex).append("\n");
    return text;
}

std::string bid_commitment_hex(std::string_view salt_hex, std::int64_t tender_id,
                               core::UserId supplier_id, std::int64_t lot_id,
                               std::string_view sha256_hex) {
    return core::sha256_hex(commitment_text(salt_hex, tender_id, supplier_id, lot_id, sha256_hex));
}

std::string bid_commitment_hex(const BidReveal& r) {
    return bid_commitment_hex(r.salt_hex, r.tender_id, r.supplier_id, r.lot_id, r.sha256_hex);
}

std::string sealed_receipt_payload(const Bid& bid, std::string_view commitment_hex) {
    return core::compact_json({{"tender_id", bid.tender_id},
                               {"commitment", std::string(commitment_hex)},
                               {"received_at_ms", bid.received_at_ms}});
}

std::string sealed_withdrawal_payload(const Bid& bid) {
    Json payload = {{"tender_id", bid.tender_id}};
    if (!bid.salt_hex.empty()) {
        payload["commitment"] = bid_commitment_hex(bid.salt_hex, bid.tender_id, bid.supplier_id,
                                                   bid.lot_id, bid.sha256_hex);
    }
    return core::compact_json(payload);
}

std::string reveal_payload(const BidReveal& r) {
    return core::compact_json({{"tender_id", r.tender_id},
                               {"supplier_id", r.supplier_id},
                               {"lot_id", r.lot_id},
                               {"sha256", r.sha256_hex},
                               {"salt", r.salt_hex},
                               {"state", std::string(to_string(r.state))}});
}

core::Result<CommitmentCheck> check_bid_commitments(
    const std::vector<core::StoredAuditEvent>& events, const std::vector<BidReveal>& published) {
    Sorted sorted;
    for (const core::StoredAuditEvent& e : events) PROCURA_TRY(sort_leaf(e, sorted));
    CommitmentCheck out;
    out.tenders_opened = sorted.opened_tenders.size();
    out.leaves_uncommitted = sorted.uncommitted;
    PROCURA_TRY(check_committed(sorted, out));
    PROCURA_TRY(check_published(sorted, published, out));
    return out;
}

}  // namespace procura::bidding
