#include "web/json_log.hpp"

#include <charconv>

#include "core/hash.hpp"
#include "core/time.hpp"
#include "signing/message_signature.hpp"

namespace procura::web {

Json hashes_to_json(const std::vector<ledger::Hash>& hashes) {
    Json out = Json::array();
    for (const ledger::Hash& h : hashes) out.push_back(core::to_hex(h));
    return out;
}

Json head_to_json(const ledger::SignedTreeHead& head) {
    return Json{{"tree_size", head.tree_size},
                {"root_hash", core::to_hex(head.root_hash)},
                {"timestamp_ms", head.timestamp_ms},
                {"timestamp", core::format_rfc3339_ms(head.timestamp_ms)},
                {"signature", signing::base64_encode(head.signature)},
                {"signed_text", ledger::signed_text(head)}};
}

Json entry_to_json(const core::StoredAuditEvent& e) {
    return Json{{"leaf_index", e.seq - 1},
                {"seq", e.seq},
                {"at_ms", e.event.at_ms},
                {"actor_user_id", e.event.actor_user_id},
                {"action", e.event.action},
                {"entity_type", e.event.entity_type},
                {"entity_id", e.event.entity_id},
                {"entity_version", e.event.entity_version},
                {"payload_json", e.event.payload_json},
                {"leaf_hash", core::to_hex(ledger::event_leaf_hash(e))}};
}

std::optional<ledger::Hash> parse_hash_hex(std::string_view text) {
    ledger::Hash out{};
    if (text.size() != 64) return std::nullopt;
    for (std::size_t i = 0; i < out.size(); ++i) {
        unsigned v = 0;
        const auto [end, ec] = std::from_chars(text.data() + 2 * i, text.data() + 2 * i + 2, v, 16);
        if (ec != std::errc() || end != text.data() + 2 * i + 2) return std::nullopt;
        out[i] = static_cast<std::uint8_t>(v);
    }
    return out;
}

}  // namespace procura::web
