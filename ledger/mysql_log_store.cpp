#include "ledger/mysql_log_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <cstring>
#include <map>
#include <memory>
#include <sstream>

#include "db/audit_sql.hpp"
#include "db/multi_row.hpp"
#include "db/transaction.hpp"

namespace procura::ledger {
namespace {
using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

// Nodes per INSERT. A power of two: a long run is full chunks, the rest powers of two below
// (db::execute_in_chunks), each statement cached per connection (the largest holds about 0.5 MiB
// of the server's memory).
constexpr std::size_t insert_chunk = 256;

core::Error corrupt(const std::string& what) {
    return core::internal(std::string(db::error_code_internal), "corrupt audit log row: " + what);
}

std::optional<Hash> to_hash(const std::string& bytes) {
    Hash out{};
    if (bytes.size() != out.size()) return std::nullopt;
    std::memcpy(out.data(), bytes.data(), out.size());
    return out;
}

std::string to_bytes(const Hash& hash) {
    return std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
}

}  // namespace

core::Result<std::vector<Hash>> MySQLLogStore::read(const std::vector<NodeId>& ids) {
    if (ids.empty()) return std::vector<Hash>{};
    return db::with_connection(
        pool_, "log.read_nodes", [&](sql::Connection& c) -> core::Result<std::vector<Hash>> {
            std::string query = "SELECT level, idx, hash FROM log_nodes WHERE ";
            for (std::size_t i = 0; i < ids.size(); ++i) {
                query += i == 0 ? "(level = ? AND idx = ?)" : " OR (level = ? AND idx = ?)";
            }
            Statement s(c.prepareStatement(query));
            unsigned p = 1;
            for (const NodeId& id : ids) {
                s->setInt(p++, id.level);
                s->setUInt64(p++, id.index);
            }
            Rows rows(s->executeQuery());
            std::map<NodeId, Hash> found;
            while (rows->next()) {
                const auto hash = to_hash(rows->getString(3).asStdString());
                if (!hash) return corrupt("a node hash is not 32 bytes");
                found[NodeId{rows->getInt(1), rows->getUInt64(2)}] = *hash;
            }
            std::vector<Hash> out;
            out.reserve(ids.size());
            for (const NodeId& id : ids) {
                const auto it = found.find(id);
                if (it == found.end()) {
                    return core::not_found(
                        "node_missing", "the log has no node at level " + std::to_string(id.level) +
                                            ", index " + std::to_string(id.index));
                }
                out.push_back(it->second);
            }
            return out;
        });
}

core::Result<std::optional<SignedTreeHead>> MySQLLogStore::latest_head() {
    using Found = std::optional<SignedTreeHead>;
    // Every receipt carries the latest head: a cached statement.
    return db::with_prepared(pool_, "log.latest_head",
                             "SELECT tree_size, root_hash, timestamp_ms, signature FROM log_heads "
                             "ORDER BY tree_size DESC LIMIT 1",
                             [&](sql::PreparedStatement& s) -> core::Result<Found> {
                                 Rows rows(s.executeQuery());
                                 if (!rows->next()) return Found{};
                                 SignedTreeHead head;
                                 head.tree_size = rows->getUInt64(1);
                                 const auto root = to_hash(rows->getString(2).asStdString());
                                 if (!root) return corrupt("a head's root is not 32 bytes");
                                 head.root_hash = *root;
                                 head.timestamp_ms = rows->getInt64(3);
                                 head.signature = rows->getString(4).asStdString();
                                 return Found{std::move(head)};
                             });
}

core::Result<std::vector<core::StoredAuditEvent>> MySQLLogStore::events(std::uint64_t start,
                                                                        std::size_t limit) {
    return db::read_audit_events(pool_, static_cast<std::int64_t>(start), limit);
}

core::Status MySQLLogStore::integrate(const std::vector<std::pair<NodeId, Hash>>& nodes,
                                      const SignedTreeHead& head, std::uint64_t previous_size) {
    return db::run_transaction(pool_, "log.integrate", [&](db::Transaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto latest, tx.attempt("log.integrate.head", [&](sql::Connection& c) {
            Statement s(
                c.prepareStatement("SELECT COALESCE(MAX(tree_size), 0) FROM log_heads FOR UPDATE"));
            Rows rows(s->executeQuery());
            rows->next();
            return rows->getUInt64(1);
        }));
        if (latest != previous_size) {
            return core::conflict("log_head_moved", "the log's latest head moved from " +
                                                        std::to_string(previous_size) + " to " +
                                                        std::to_string(latest));
        }
        // Hashes travel as hex through UNHEX(?): Connector/C++ sends every blob parameter in a
        // packet of its own, which would cost one per node. The statements are the cached ones
        // of db::execute_in_chunks (a power of two rows each), not one prepared per use.
        PROCURA_TRY(tx.attempt("log.integrate.nodes", [&](sql::Connection& c) {
            db::execute_in_chunks(
                tx, c, {"INSERT INTO log_nodes (level, idx, hash) VALUES", "(?, ?, UNHEX(?))", ""},
                nodes.size(), insert_chunk,
                [&](sql::PreparedStatement& s, std::size_t begin, std::size_t end) {
                    unsigned p = 1;
                    for (std::size_t i = begin; i < end; ++i) {
                        s.setInt(p++, nodes[i].first.level);
                        s.setUInt64(p++, nodes[i].first.index);
                        s.setString(p++, core::to_hex(nodes[i].second));
                    }
                });
        }));
        PROCURA_TRY(tx.attempt("log.integrate.store_head", [&](sql::Connection& c) {
            Statement s(c.prepareStatement(
                "INSERT INTO log_heads (tree_size, root_hash, timestamp_ms, signature) "
                "VALUES (?, ?, ?, ?)"));
            std::istringstream root(to_bytes(head.root_hash));
            std::istringstream signature(head.signature);
            s->setUInt64(1, head.tree_size);
            s->setBlob(2, &root);
            s->setInt64(3, head.timestamp_ms);
            s->setBlob(4, &signature);
            s->executeUpdate();
        }));
        return {};
    });
}

core::Result<std::optional<std::uint64_t>> MySQLLogStore::leaf_index(const Hash& leaf) {
    using Found = std::optional<std::uint64_t>;
    return db::with_connection(
        pool_, "log.leaf_index", [&](sql::Connection& c) -> core::Result<Found> {
            Statement s(c.prepareStatement(
                "SELECT idx FROM log_nodes WHERE hash = ? AND level = 0 ORDER BY idx LIMIT 1"));
            std::istringstream bytes(to_bytes(leaf));
            s->setBlob(1, &bytes);
            Rows rows(s->executeQuery());
            if (!rows->next()) return Found{};
            return Found{rows->getUInt64(1)};
        });
}

}  // namespace procura::ledger
