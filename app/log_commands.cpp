// `procura log verify`: checks what an outsider downloaded from the public log API with curl,
// using only the log's public key and the independent verification code
// (ledger/merkle_verify.hpp), never the server's tree-building path:
// - the signed tree head's signature (ECDSA P-256 over its signed text);
// - entry pages (GET /api/v1/log/entries, from index 0, in order): each leaf hash is recomputed
//   from the entry's fields, and the root of all leaves must be the head's root, or, if the
//   pages stop short of the head, the consistency proof (whose first size must equal the number
//   of entries) must lead from their root to the head's;
// - an inclusion proof (GET /api/v1/log/proof/inclusion) against the head;
// - a consistency proof from an older head to this one (both heads' signatures checked);
// - with entry pages, the bids' commitments (bidding/commitment.hpp): every bid.received,
//   bid.replaced and bid.withdrawn leaf of a tender opened within the pages must match what the
//   opening revealed (bid.opened and bid.revealed leaves), and each opening record given with
//   --opening (GET /api/v1/tenders/{id}/opening) must match those leaves too.
// Prints one "ok:" line per check passed; any failure is one line on stderr and exit 1.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/cli_files.hpp"
#include "app/commands.hpp"
#include "bidding/commitment.hpp"
#include "core/audit.hpp"
#include "core/hash.hpp"
#include "ledger/merkle.hpp"
#include "ledger/merkle_verify.hpp"

namespace procura::app {
namespace {

struct LogVerifyInput {
    std::string key_file;                    // log.pub.pem (GET /api/v1/log/key.pem)
    std::string head_file;                   // GET /api/v1/log/sth
    std::vector<std::string> entry_files;    // GET /api/v1/log/entries pages, in order
    std::string inclusion_file;              // optional
    std::string consistency_file;            // optional
    std::string old_head_file;               // required with a consistency proof between heads
    std::vector<std::string> opening_files;  // GET /api/v1/tenders/{id}/opening; needs entries
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
// Returns the entries' events, for the commitment check.
std::vector<core::StoredAuditEvent> check_entries(const LogVerifyInput& input,
                                                  const SignedHead& head,
                                                  const std::optional<Json>& consistency) {
    std::vector<Hash> leaves;
    std::vector<core::StoredAuditEvent> events;
    for (const std::string& path : input.entry_files) {
        const Json page = read_json(path);
        for (const Json& entry : field<std::vector<Json>>(page, "entries", path)) {
            const std::string where = path + " leaf " + std::to_string(leaves.size());
            if (field<std::uint64_t>(entry, "leaf_index", where) != leaves.size()) {
                fail("verification_failed", where + ": the pages are not contiguous from index 0");
            }
            core::StoredAuditEvent e = log_entry(entry, where);
            leaves.push_back(ledger::leaf_hash(core::canonical_bytes(e.seq, e.event)));
            events.push_back(std::move(e));
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
    return events;
}

// The revealed bid versions of an opening record file, read strictly: each a JSON object with
// the integer and hex fields the API gives.
std::vector<bidding::BidReveal> read_reveals(const std::string& path) {
    const Json record = read_json(path);
    std::vector<bidding::BidReveal> out;
    for (const Json& r : field<std::vector<Json>>(record, "revealed", path)) {
        const std::string where = path + " revealed[" + std::to_string(out.size()) + "]";
        if (!r.is_object()) fail("verification_failed", where + " is not an object");
        bidding::BidReveal reveal;
        reveal.bid_id = field<std::int64_t>(r, "bid_id", where);
        reveal.version = field<std::int64_t>(r, "version", where);
        reveal.tender_id = field<std::int64_t>(r, "tender_id", where);
        reveal.supplier_id = field<std::int64_t>(r, "supplier_id", where);
        reveal.lot_id = field<std::int64_t>(r, "lot_id", where);
        reveal.sha256_hex = field<std::string>(r, "sha256", where);
        reveal.salt_hex = field<std::string>(r, "salt", where);
        if (!core::is_sha256_hex(reveal.sha256_hex) || !core::is_sha256_hex(reveal.salt_hex)) {
            fail("verification_failed", where + ": sha256 and salt must be 64 lower-case hex");
        }
        out.push_back(std::move(reveal));
    }
    return out;
}

// The bids' commitments in the entries, against the reveals in the entries and in the opening
// record files.
void check_commitments(const LogVerifyInput& input,
                       const std::vector<core::StoredAuditEvent>& events) {
    std::vector<bidding::BidReveal> published;
    for (const std::string& path : input.opening_files) {
        std::vector<bidding::BidReveal> more = read_reveals(path);
        published.insert(published.end(), more.begin(), more.end());
    }
    auto checked = bidding::check_bid_commitments(events, published);
    if (!checked) fail("verification_failed", checked.error().message);
    std::printf(
        "ok: bid commitments: %zu leaves of %zu opened tenders match what their openings "
        "revealed; %zu leaves of tenders not yet opened stay sealed; %zu older leaves name "
        "their bidder\n",
        checked->leaves_checked, checked->tenders_opened, checked->leaves_sealed,
        checked->leaves_uncommitted);
    if (!input.opening_files.empty()) {
        std::printf(
            "ok: the %zu bid versions revealed by the opening record file(s) match their "
            "leaves\n",
            checked->published_checked);
    }
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
    if (!input.opening_files.empty() && input.entry_files.empty()) {
        fail("verification_failed", "--opening needs the entry pages (--entries) to check against");
    }
    if (!input.entry_files.empty())
        check_commitments(input, check_entries(input, head, consistency));
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
    verify.add_option("--opening", input->opening_files,
                      "An opening record (tenders/{id}/opening) whose revealed bids are checked "
                      "against the commitments in --entries; repeatable");
    verify.callback([input, &exit_code = cli.exit_code] {
        configure_logging(false);
        exit_code = run_log_verify(*input);
    });
}

}  // namespace procura::app
