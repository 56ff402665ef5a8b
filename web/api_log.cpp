// The public audit log (docs/audit-log.md): the latest signed tree head, the log's public key,
// entries and RFC 6962 inclusion and consistency proofs, for anyone to check without trusting
// the platform. Without the log key these routes answer 503 "log_not_initialised".
#include <string>

#include "core/hash.hpp"
#include "web/api_support.hpp"
#include "web/json_log.hpp"

namespace procura::web {
namespace {

using core::Result;
using namespace api_support;

Result<const LogAccess*> log_access(const Context& context) {
    return required_service(
        context.api.services.log, "log_not_initialised",
        "this server has no log key; run `procura keys init` and start it with --key-dir");
}

Result<Response> log_head(const Request&, const Context& context) {
    PROCURA_TRY_ASSIGN(auto log, log_access(context));
    PROCURA_TRY_ASSIGN(auto head, log->queries.latest());
    Response response = json_response(200, head_to_json(head));
    response.with_header("Cache-Control", "no-cache");
    return response;
}

Result<Response> log_key(const Request&, const Context& context) {
    PROCURA_TRY_ASSIGN(auto log, log_access(context));
    return body_response("application/x-pem-file", log->public_key_pem);
}

// ?start=&end=: entries [start, end), at most ledger::LogQueries::entries_max.
Result<Response> log_entries(const Request&, const Context& context) {
    PROCURA_TRY_ASSIGN(auto log, log_access(context));
    PROCURA_TRY_ASSIGN(auto start, query_uint(context.query, "start"));
    PROCURA_TRY_ASSIGN(auto end, query_uint(context.query, "end"));
    PROCURA_TRY_ASSIGN(auto entries, log->queries.entries(start, end));
    Json items = Json::array();
    for (const core::StoredAuditEvent& e : entries) items.push_back(entry_to_json(e));
    return json_response(
        200,
        Json{{"start", start}, {"end", start + entries.size()}, {"entries", std::move(items)}});
}

// The proof for a leaf named by ?leaf_hash= (64 hex digits) or ?leaf_index=, in the tree of
// ?tree_size=.
Result<ledger::InclusionProof> inclusion_proof(const LogAccess& log, const Context& context,
                                               std::uint64_t tree_size) {
    if (context.query.has("leaf_hash")) {
        const auto hash = parse_hash_hex(context.query.get("leaf_hash"));
        if (!hash) {
            return core::bad_request("bad_parameter", "leaf_hash must be 64 hexadecimal digits",
                                     "leaf_hash");
        }
        return log.queries.inclusion_by_hash(*hash, tree_size);
    }
    PROCURA_TRY_ASSIGN(auto index, query_uint(context.query, "leaf_index"));
    return log.queries.inclusion(index, tree_size);
}

Result<Response> log_inclusion(const Request&, const Context& context) {
    PROCURA_TRY_ASSIGN(auto log, log_access(context));
    PROCURA_TRY_ASSIGN(auto tree_size, query_uint(context.query, "tree_size"));
    PROCURA_TRY_ASSIGN(auto proof, inclusion_proof(*log, context, tree_size));
    return json_response(200, Json{{"leaf_index", proof.leaf_index},
                                   {"tree_size", proof.tree_size},
                                   {"leaf_hash", core::to_hex(proof.leaf_hash)},
                                   {"proof", hashes_to_json(proof.path)}});
}

Result<Response> log_consistency(const Request&, const Context& context) {
    PROCURA_TRY_ASSIGN(auto log, log_access(context));
    PROCURA_TRY_ASSIGN(auto first, query_uint(context.query, "first"));
    PROCURA_TRY_ASSIGN(auto second, query_uint(context.query, "second"));
    PROCURA_TRY_ASSIGN(auto proof, log->queries.consistency(first, second));
    return json_response(
        200, Json{{"first", first}, {"second", second}, {"proof", hashes_to_json(proof)}});
}

}  // namespace

void add_log_routes(RouteTable& routes) {
    routes.add("GET", "/api/v1/log/sth", log_head);
    routes.add("GET", "/api/v1/log/key.pem", log_key, Dispatch::io_thread);
    routes.add("GET", "/api/v1/log/entries", log_entries);
    routes.add("GET", "/api/v1/log/proof/inclusion", log_inclusion);
    routes.add("GET", "/api/v1/log/proof/consistency", log_consistency);
}

}  // namespace procura::web
