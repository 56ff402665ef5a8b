#include "app/log_commands.hpp"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "core/audit.hpp"
#include "core/hash.hpp"
#include "ledger/merkle.hpp"
#include "ledger/merkle_verify.hpp"
#include "signing/message_signature.hpp"

namespace procura::app {
namespace {

using Json = nlohmann::json;
using ledger::Hash;

// A check that failed: what the command prints before exiting 1.
struct Failure {
    std::string message;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Failure{"cannot read " + path};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Json read_json(const std::string& path) {
    Json value = Json::parse(read_file(path), nullptr, false);
    if (value.is_discarded() || !value.is_object()) throw Failure{path + " is not a JSON object"};
    return value;
}

template <class T>
T field(const Json& object, const char* name, const std::string& where) {
    const auto it = object.find(name);
    if (it == object.end()) throw Failure{where + ": missing " + name};
    try {
        return it->get<T>();
    } catch (const Json::exception&) {
        throw Failure{where + ": " + name + " has the wrong type"};
    }
}

Hash hex_hash(const std::string& text, const std::string& where) {
    Hash out{};
    if (text.size() != 64) throw Failure{where + ": not a 64-digit hex hash"};
    for (std::size_t i = 0; i < out.size(); ++i) {
        unsigned v = 0;
        const auto [end, ec] = std::from_chars(text.data() + 2 * i, text.data() + 2 * i + 2, v, 16);
        if (ec != std::errc() || end != text.data() + 2 * i + 2) {
            throw Failure{where + ": not a 64-digit hex hash"};
        }
        out[i] = static_cast<std::uint8_t>(v);
    }
    return out;
}

std::vector<Hash> hex_hashes(const Json& object, const std::string& where) {
    std::vector<Hash> out;
    for (const auto& item : field<std::vector<std::string>>(object, "proof", where)) {
        out.push_back(hex_hash(item, where));
    }
    return out;
}

struct Head {
    std::uint64_t tree_size = 0;
    Hash root{};
};

// Reads a head and checks its signature over the text rebuilt from its fields (the
// signed_text member is ignored: only the fields are trusted after the check).
Head verified_head(const std::string& path, const std::string& key_pem) {
    const Json json = read_json(path);
    Head head;
    head.tree_size = field<std::uint64_t>(json, "tree_size", path);
    const std::string root_hex = field<std::string>(json, "root_hash", path);
    head.root = hex_hash(root_hex, path);
    const auto timestamp = field<std::int64_t>(json, "timestamp_ms", path);
    const std::string text = "procura-log-sth-v1\n" + std::to_string(head.tree_size) + "\n" +
                             std::to_string(timestamp) + "\n" + root_hex + "\n";
    auto signature = signing::base64_decode(field<std::string>(json, "signature", path));
    if (!signature) throw Failure{path + ": the signature is not base64"};
    if (auto ok = signing::verify_message(key_pem, text, *signature); !ok) {
        throw Failure{path + ": the tree head's signature does not verify with the log key (" +
                      ok.error().message + ")"};
    }
    std::printf("ok: %s is signed by the log key (tree size %llu)\n", path.c_str(),
                static_cast<unsigned long long>(head.tree_size));
    return head;
}

void fail_if(const core::Status& status, const std::string& what) {
    if (!status) throw Failure{what + ": " + status.error().message};
}

void verify(const LogVerifyInput& input) {
    const std::string key = read_file(input.key_file);
    const Head head = verified_head(input.head_file, key);

    std::optional<Json> consistency;
    if (!input.consistency_file.empty()) consistency = read_json(input.consistency_file);

    if (!input.entry_files.empty()) {
        std::vector<Hash> leaves;
        for (const std::string& path : input.entry_files) {
            const Json page = read_json(path);
            for (const Json& entry : field<std::vector<Json>>(page, "entries", path)) {
                const std::string where = path + " leaf " + std::to_string(leaves.size());
                if (field<std::uint64_t>(entry, "leaf_index", where) != leaves.size()) {
                    throw Failure{where + ": the pages are not contiguous from index 0"};
                }
                core::AuditEvent event;
                event.at_ms = field<std::int64_t>(entry, "at_ms", where);
                event.actor_user_id = field<std::int64_t>(entry, "actor_user_id", where);
                event.action = field<std::string>(entry, "action", where);
                event.entity_type = field<std::string>(entry, "entity_type", where);
                event.entity_id = field<std::int64_t>(entry, "entity_id", where);
                event.entity_version = field<std::int64_t>(entry, "entity_version", where);
                event.payload_json = field<std::string>(entry, "payload_json", where);
                const auto seq = field<std::int64_t>(entry, "seq", where);
                leaves.push_back(ledger::leaf_hash(core::canonical_bytes(seq, event)));
            }
        }
        const Hash root = ledger::root_from_leaf_hashes(leaves);
        if (leaves.size() == head.tree_size) {
            if (root != head.root) {
                throw Failure{"the " + std::to_string(leaves.size()) +
                              " entries do not give the signed root: an entry was changed, "
                              "added or removed after it was logged"};
            }
        } else {
            if (!consistency) {
                throw Failure{"the entries cover " + std::to_string(leaves.size()) +
                              " leaves but the head " + std::to_string(head.tree_size) +
                              "; give --consistency for first=" + std::to_string(leaves.size())};
            }
            const auto first = field<std::uint64_t>(*consistency, "first", input.consistency_file);
            const auto second = field<std::uint64_t>(*consistency, "second", input.consistency_file);
            if (first != leaves.size() || second != head.tree_size) {
                throw Failure{input.consistency_file + " is not from " +
                              std::to_string(leaves.size()) + " to " +
                              std::to_string(head.tree_size)};
            }
            fail_if(ledger::verify_consistency(first, second, root, head.root,
                                               hex_hashes(*consistency, input.consistency_file)),
                    "the entries are not a prefix of the signed tree");
        }
        std::printf("ok: %zu entries recomputed from their fields match the signed tree\n",
                    leaves.size());
    }

    if (!input.inclusion_file.empty()) {
        const Json proof = read_json(input.inclusion_file);
        const auto index = field<std::uint64_t>(proof, "leaf_index", input.inclusion_file);
        const auto size = field<std::uint64_t>(proof, "tree_size", input.inclusion_file);
        if (size != head.tree_size) {
            throw Failure{input.inclusion_file + " is for tree size " + std::to_string(size) +
                          ", the head's is " + std::to_string(head.tree_size)};
        }
        const Hash leaf =
            hex_hash(field<std::string>(proof, "leaf_hash", input.inclusion_file), input.inclusion_file);
        fail_if(ledger::verify_inclusion(index, size, leaf, hex_hashes(proof, input.inclusion_file),
                                         head.root),
                "inclusion proof of leaf " + std::to_string(index));
        std::printf("ok: leaf %llu is in the signed tree\n", static_cast<unsigned long long>(index));
    }

    if (consistency && !input.old_head_file.empty()) {
        const Head old = verified_head(input.old_head_file, key);
        const auto first = field<std::uint64_t>(*consistency, "first", input.consistency_file);
        const auto second = field<std::uint64_t>(*consistency, "second", input.consistency_file);
        if (first != old.tree_size || second != head.tree_size) {
            throw Failure{input.consistency_file + " is not from the old head's size to the head's"};
        }
        fail_if(ledger::verify_consistency(first, second, old.root, head.root,
                                           hex_hashes(*consistency, input.consistency_file)),
                "the old head is not a prefix of the new one: the log was rewritten");
        std::printf("ok: the head of size %llu extends the head of size %llu\n",
                    static_cast<unsigned long long>(second), static_cast<unsigned long long>(first));
    }
}

}  // namespace

int run_log_verify(const LogVerifyInput& input) {
    try {
        verify(input);
        return 0;
    } catch (const Failure& failure) {
        std::fprintf(stderr, "procura log verify: %s\n", failure.message.c_str());
        return 1;
    }
}

}  // namespace procura::app
