#include "core/audit.hpp"

namespace procura::core {
namespace {

void put_string(std::string& out, const std::string& s) {
    out += std::to_string(s.size());
    out += ':';
    out += s;
    out += '\n';
}

void put_number(std::string& out, std::int64_t n) {
    out += std::to_string(n);
    out += '\n';
}

}  // namespace

std::string canonical_bytes(std::int64_t seq, const AuditEvent& e) {
    std::string out = "procura-audit-v1\n";
    put_number(out, seq);
    put_number(out, e.at_ms);
    put_number(out, e.actor_user_id);
    put_string(out, e.action);
    put_string(out, e.entity_type);
    put_number(out, e.entity_id);
    put_number(out, e.entity_version);
    put_string(out, e.payload_json);
    return out;
}

Sha256 chain_hash(const Sha256& prev_hash, std::int64_t seq, const AuditEvent& event) {
    std::string input(reinterpret_cast<const char*>(prev_hash.data()), prev_hash.size());
    input += canonical_bytes(seq, event);
    return sha256(input);
}

}  // namespace procura::core
