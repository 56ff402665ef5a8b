// `procura log verify`: checks what an outsider downloaded from the public log API with curl,
// using only the log's public key and the independent verification code
// (ledger/merkle_verify.hpp), never the server's tree-building path:
// - the signed tree head's signature (ECDSA P-256 over its signed text);
// - entry pages (GET /api/v1/log/entries, from index 0, in order): each leaf hash is recomputed
//   from the entry's fields, and the root of all leaves must be the head's root, or, if the
//   pages stop short of the head, the consistency proof (whose first size must equal the number
//   of entries) must lead from their root to the head's;
// - an inclusion proof (GET /api/v1/log/proof/inclusion) against the head;
// - a consistency proof from an older head to this one (both heads' signatures checked).
// Prints one "ok:" line per check passed; any failure is one line on stderr and exit 1.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/cli_files.hpp"
#include "app/commands.hpp"
#include "core/audit.hpp"
#include "core/hash.hpp"
#include "ledger/merkle.hpp"
#include "ledger/merkle_verify.hpp"

namespace procura::app {
namespace {

struct LogVerifyInput {
    std::string key_file;                  // log.pub.pem (GET /api/v1/log/key.pem)
    std::string head_file;                 // GET /api/v1/log/sth
    std::vector<std::string> entry_files;  // GET /api/v1/log/entries pages, in order
    std::string inclusion_file;            // optional
    std::string consistency_file;          // optional
    std::string old_head_file;             // required with a consistency proof between heads
};

using Json = nlohmann::json;
using ledger::Hash;

Json read_json(const std::string& path) { return parse_object(read_file(path), path); }

// The head in the file at path, its signature checked with the log key (cli_files.hpp).
SignedHead verified_head_file(const std::string& path, const std::string& key_pem) {
    const SignedHead head = verified_head(read_json(path), key_pem, path);
    std::printf("ok: %s is signed by the log key (tree size %llu)\n", path.c_str(),
                static_cast<unsigned long long>(head.tree_size));
    return head;
}

void fail_if(const core::Status& status, const std::string& what) {
    if (!status) fail("verification_failed", what + ": " + status.error().message);
}

// The entry pages recomputed leaf by leaf from their fields: their root must be the head's,
// or, if they stop short of it, consistency must lead from their root to the head's.
void check_entries(const LogVerifyInput& input, const SignedHead& head,
                   const std::optional<Json>& consistency) {
    std::vector<Hash> leaves;
    for (const std::string& path : input.entry_files) {
        const Json page = read_json(path);
        for (const Json& entry : field<std::vector<Json>>(page, "entries", path)) {
            const std::string where = path + " leaf " + std::to_string(leaves.size());
            if (field<std::uint64_t>(entry, "leaf_index", where) != leaves.size()) {
                fail("verification_failed", where + ": the pages are not contiguous from index 0");
            }
            const core::StoredAuditEvent e = log_entry(entry, where);
            leaves.push_back(ledger::leaf_hash(core::canonical_bytes(e.seq, e.event)));
        }
    }
    const Hash root = ledger::root_from_leaf_hashes(leaves);
    if (leaves.size() == head.tree_size) {
        if (root != head.root) {
            fail("verification_failed", "the " + std::to_string(leaves.size()) +
                                            " entries do not give the signed root: an entry was "
                                            "changed, added or removed after it was logged");
        }
    } else {
        if (!consistency) {
            fail("verification_failed",
                 "the entries cover " + std::to_string(leaves.size()) + " leaves but the head " +
                     std::to_string(head.tree_size) +
                     "; give --consistency for first=" + std::to_string(leaves.size()));
        }
        const auto first = field<std::uint64_t>(*consistency, "first", input.consistency_file);
        const auto second = field<std::uint64_t>(*consistency, "second", input.consistency_file);
        if (first != leaves.size() || second != head.tree_size) {
            fail("verification_failed", input.consistency_file + " is not from " +
                                            std::to_string(leaves.size()) + " to " +
                                            std::to_string(head.tree_size));
        }
        fail_if(ledger::verify_consistency(first, second, root, head.root,
                                           hex_hashes(*consistency, input.consistency_file)),
                "the entries are not a prefix of the signed tree");
    }
    std::printf("ok: %zu entries recomputed from their fields match the signed tree\n",
                leaves.size());
}

// The inclusion proof file against the head.
void check_inclusion(const LogVerifyInput& input, const SignedHead& head) {
    const Json proof = read_json(input.inclusion_file);
    const auto index = field<std::uint64_t>(proof, "leaf_index", input.inclusion_file);
    const auto size = field<std::uint64_t>(proof, "tree_size", input.inclusion_file);
    if (size != head.tree_size) {
        fail("verification_failed", input.inclusion_file + " is for tree size " +
                                        std::to_string(size) + ", the head's is " +
                                        std::to_string(head.tree_size));
    }
    const Hash leaf = hex_hash(field<std::string>(proof, "leaf_hash", input.inclusion_file),
                               input.inclusion_file);
    fail_if(ledger::verify_inclusion(index, size, leaf, hex_hashes(proof, input.inclusion_file),
                                     head.root),
            "inclusion proof of leaf " + std::to_string(index));
    std::printf("ok: leaf %llu is in the signed tree\n", static_cast<unsigned long long>(index));
}

// The older head (its signature checked too) and the consistency proof from it to the head.
void check_old_head(const LogVerifyInput& input, const std::string& key, const SignedHead& head,
                    const Json& consistency) {
    const SignedHead old = verified_head_file(input.old_head_file, key);
    const auto first = field<std::uint64_t>(consistency, "first", input.consistency_file);
    const auto second = field<std::uint64_t>(consistency, "second", input.consistency_file);
    if (first != old.tree_size || second != head.tree_size) {
        fail("verification_failed",
             input.consistency_file + " is not from the old head's size to the head's");
    }
    fail_if(ledger::verify_consistency(first, second, old.root, head.root,
                                       hex_hashes(consistency, input.consistency_file)),
            "the old head is not a prefix of the new one: the log was rewritten");
    std::printf("ok: the head of size %llu extends the head of size %llu\n",
                static_cast<unsigned long long>(second), static_cast<unsigned long long>(first));
}

void verify(const LogVerifyInput& input) {
    const std::string key = read_file(input.key_file);
    const SignedHead head = verified_head_file(input.head_file, key);
    std::optional<Json> consistency;
    if (!input.consistency_file.empty()) consistency = read_json(input.consistency_file);
    if (!input.entry_files.empty()) check_entries(input, head, consistency);
    if (!input.inclusion_file.empty()) check_inclusion(input, head);
    if (consistency && !input.old_head_file.empty()) {
        check_old_head(input, key, head, *consistency);
    }
}

int run_log_verify(const LogVerifyInput& input) {
    try {
        verify(input);
        return 0;
    } catch (const CommandFailure& failure) {
        std::fprintf(stderr, "procura log verify: %s\n", failure.message.c_str());
        return 1;
    }
}

}  // namespace

void add_log_command(CommandLine cli) {
    CLI::App& log = *cli.app.add_subcommand("log", "The public audit log");
    log.require_subcommand(1);
    auto input = std::make_shared<LogVerifyInput>();
    CLI::App& verify = *log.add_subcommand(
        "verify",
        "Check downloaded log files (curl from /api/v1/log/...) against a signed head, "
        "without trusting the server");
    verify.add_option("--key", input->key_file, "The log's public key (log/key.pem)")->required();
    verify.add_option("--sth", input->head_file, "A signed tree head (log/sth)")->required();
    verify.add_option("--entries", input->entry_files,
                      "Entry pages (log/entries) from index 0, in order; repeatable");
    verify.add_option("--inclusion", input->inclusion_file,
                      "An inclusion proof (log/proof/inclusion) against the head");
    verify.add_option("--consistency", input->consistency_file,
                      "A consistency proof (log/proof/consistency) ending at the head");
    verify.add_option("--old-sth", input->old_head_file,
                      "An older signed head that --consistency starts from");
    verify.callback([input, &exit_code = cli.exit_code] {
        configure_logging(false);
        exit_code = run_log_verify(*input);
    });
}

}  // namespace procura::app
