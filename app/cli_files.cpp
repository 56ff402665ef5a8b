#include "app/cli_files.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "signing/message_signature.hpp"

namespace procura::app {

void fail(std::string code, std::string message) {
    throw CommandFailure{std::move(code), std::move(message)};
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("cannot_read", "cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    if (in.bad()) fail("cannot_read", "cannot read " + path);
    return ss.str();
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) fail("cannot_write", "cannot write " + path);
}

nlohmann::json parse_object(const std::string& text, const std::string& where) {
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    if (value.is_discarded() || !value.is_object()) {
        fail("bad_json", where + " is not a JSON object");
    }
    return value;
}

ledger::Hash hex_hash(const std::string& text, const std::string& where) {
    ledger::Hash out{};
    if (text.size() != 64) fail("bad_json", where + ": not a 64-digit hex hash");
    for (std::size_t i = 0; i < out.size(); ++i) {
        unsigned v = 0;
        const auto [end, ec] = std::from_chars(text.data() + 2 * i, text.data() + 2 * i + 2, v, 16);
        if (ec != std::errc() || end != text.data() + 2 * i + 2) {
            fail("bad_json", where + ": not a 64-digit hex hash");
        }
        out[i] = static_cast<std::uint8_t>(v);
    }
    return out;
}

std::vector<ledger::Hash> hex_hashes(const nlohmann::json& object, const std::string& where) {
    std::vector<ledger::Hash> out;
    for (const auto& item : field<std::vector<std::string>>(object, "proof", where)) {
        out.push_back(hex_hash(item, where));
    }
    return out;
}

SignedHead verified_head(const nlohmann::json& json, const std::string& key_pem,
                         const std::string& where) {
    SignedHead head;
    head.tree_size = field<std::uint64_t>(json, "tree_size", where);
    const std::string root_hex = field<std::string>(json, "root_hash", where);
    head.root = hex_hash(root_hex, where);
    head.timestamp_ms = field<std::int64_t>(json, "timestamp_ms", where);
    const std::string text = "procura-log-sth-v1\n" + std::to_string(head.tree_size) + "\n" +
                             std::to_string(head.timestamp_ms) + "\n" + root_hex + "\n";
    auto signature = signing::base64_decode(field<std::string>(json, "signature", where));
    if (!signature) fail("bad_json", where + ": the signature is not base64");
    if (auto ok = signing::verify_message(key_pem, text, *signature); !ok) {
        fail("head_signature_invalid",
             where + ": the tree head's signature does not verify with the log key (" +
                 ok.error().message + ")");
    }
    return head;
}

core::StoredAuditEvent log_entry(const nlohmann::json& entry, const std::string& where) {
    core::StoredAuditEvent stored;
    core::AuditEvent& event = stored.event;
    event.at_ms = field<std::int64_t>(entry, "at_ms", where);
    event.actor_user_id = field<std::int64_t>(entry, "actor_user_id", where);
    event.action = field<std::string>(entry, "action", where);
    event.entity_type = field<std::string>(entry, "entity_type", where);
    event.entity_id = field<std::int64_t>(entry, "entity_id", where);
    event.entity_version = field<std::int64_t>(entry, "entity_version", where);
    event.payload_json = field<std::string>(entry, "payload_json", where);
    stored.seq = field<std::int64_t>(entry, "seq", where);
    return stored;
}

}  // namespace procura::app
