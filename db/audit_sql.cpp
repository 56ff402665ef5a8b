#include "db/audit_sql.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/hash.hpp"
#include "db/multi_row.hpp"

namespace procura::db {
namespace {

core::Error corrupt(std::string message) {
    return core::internal(std::string(error_code_internal), std::move(message));
}

// BINARY(32) columns come back as 32 raw bytes; anything else means a corrupt row.
std::optional<core::Sha256> to_sha256(const std::string& bytes) {
    core::Sha256 out{};
    if (bytes.size() != out.size()) return std::nullopt;
    std::memcpy(out.data(), bytes.data(), out.size());
    return out;
}

constexpr const char* event_columns =
    "seq, at_ms, actor_user_id, action, entity_type, entity_id, entity_version, payload_json, "
    "prev_hash, hash";

// Reads the rows of a SELECT of event_columns.
core::Result<std::vector<core::StoredAuditEvent>> read_events(sql::ResultSet& rows) {
    std::vector<core::StoredAuditEvent> out;
    while (rows.next()) {
        core::StoredAuditEvent e;
        e.seq = rows.getInt64(1);
        e.event.at_ms = rows.getInt64(2);
        e.event.actor_user_id = rows.getInt64(3);
        e.event.action = rows.getString(4).asStdString();
        e.event.entity_type = rows.getString(5).asStdString();
        e.event.entity_id = rows.getInt64(6);
        e.event.entity_version = rows.getInt64(7);
        e.event.payload_json = rows.getString(8).asStdString();
        const auto prev = to_sha256(rows.getString(9).asStdString());
        const auto hash = to_sha256(rows.getString(10).asStdString());
        if (!prev || !hash) {
            return corrupt("audit event " + std::to_string(e.seq) + " has a malformed hash");
        }
        e.prev_hash = *prev;
        e.hash = *hash;
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace

core::Result<core::StoredAuditEvent> append_audit_event(Transaction& tx,
                                                        const core::AuditEvent& event) {
    PROCURA_TRY_ASSIGN(auto appended, append_audit_events(tx, {event}));
    return std::move(appended.front());
}

core::Result<AuditHead> lock_audit_head(Transaction& tx) {
    std::unique_ptr<sql::ResultSet> head_row(
        tx.prepared("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE").executeQuery());
    if (!head_row->next()) return corrupt("the audit_head row is missing");
    const std::int64_t head_seq = head_row->getInt64(1);
    const auto head_hash = to_sha256(head_row->getString(2).asStdString());
    if (!head_hash) return corrupt("the audit_head hash is malformed");
    return AuditHead{head_seq, *head_hash};
}

core::Result<std::vector<core::StoredAuditEvent>> append_audit_events(
    Transaction& tx, const std::vector<core::AuditEvent>& events) {
    if (events.empty()) return std::vector<core::StoredAuditEvent>{};
    auto head = tx.attempt("audit.lock_head", [&](sql::Connection&) -> core::Result<AuditHead> {
        return lock_audit_head(tx);
    });
    if (!head) {
        tx.fail(head.error());
        return head.error();
    }
    return append_audit_events(tx, *head, events);
}

namespace {

using Stored = std::vector<core::StoredAuditEvent>;

// The events as the chain's next links after head: seq and hash each.
Stored chain_events(const AuditHead& head, const std::vector<core::AuditEvent>& events) {
    Stored stored(events.size());
    core::Sha256 prev = head.hash;
    for (std::size_t i = 0; i < events.size(); ++i) {
        stored[i].seq = head.seq + 1 + static_cast<std::int64_t>(i);
        stored[i].event = events[i];
        stored[i].prev_hash = prev;
        stored[i].hash = core::chain_hash(prev, stored[i].seq, events[i]);
        prev = stored[i].hash;
    }
    return stored;
}

// Inserts the rows with bound multi-row INSERTs. Runs inside an attempt (statements throw).
void insert_bound(Transaction& tx, sql::Connection& c, const Stored& stored) {
    // Large appends (a ledger batch of 1,000 transfers): multi-row INSERTs with
    // bound parameters, chunks of up to audit_events_per_insert_max rows. Per row
    // they cost MariaDB less than JSON_TABLE (insert_json; measured: the ledger bench ran
    // 22 % slower with JSON chunks of 500), and there are few statements anyway.
    // Hashes travel as hex through UNHEX: a blob parameter would cost Connector/C++
    // one round trip per value (mysql_stmt_send_long_data), two per row.
    const MultiRowStatement insert{
        "INSERT INTO audit_events (seq, at_ms, actor_user_id, action, entity_type, "
        "entity_id, entity_version, payload_json, prev_hash, hash) VALUES",
        "(?, ?, ?, ?, ?, ?, ?, ?, UNHEX(?), UNHEX(?))", ""};
    execute_in_chunks(tx, c, insert, stored.size(), audit_events_per_insert_max,
                      [&](sql::PreparedStatement& s, std::size_t begin, std::size_t end) {
                          unsigned int p = 1;
                          for (std::size_t i = begin; i < end; ++i) {
                              const core::StoredAuditEvent& e = stored[i];
                              s.setInt64(p++, e.seq);
                              s.setInt64(p++, e.event.at_ms);
                              s.setInt64(p++, e.event.actor_user_id);
                              s.setString(p++, e.event.action);
                              s.setString(p++, e.event.entity_type);
                              s.setInt64(p++, e.event.entity_id);
                              s.setInt64(p++, e.event.entity_version);
                              s.setString(p++, e.event.payload_json);
                              s.setString(p++, core::to_hex(e.prev_hash));
                              s.setString(p++, core::to_hex(e.hash));
                          }
                      });
}

// Inserts the rows as JSON arrays unpacked by JSON_TABLE. Runs inside an attempt.
core::Status insert_json(Transaction& tx, const Stored& stored) {
    // Small appends (a group of bids, a ledger batch of a few deposits), where the
    // power-of-two chunks above would take up to 6 statements for 63 rows: the rows
    // travel as one JSON array in one parameter, unpacked by JSON_TABLE, one
    // statement (and one round trip) per chunk whatever its size, with one cached
    // statement text. Hashes travel as hex through UNHEX. A chunk stops growing once
    // its JSON passes audit_json_bytes_max, so that it stays under
    // max_allowed_packet (16 MiB by default; docs/architecture.md, "Limits"). The
    // text columns are LONGTEXT on purpose: JSON_TABLE cuts a value too long for its
    // column with only a warning, which would store a row that differs from the
    // bytes hashed; at LONGTEXT the table's own column refuses it (error 1406, "Data
    // too long"). nlohmann's dump writes raw UTF-8 and throws on invalid UTF-8
    // (ensure_ascii off, strict): keep it so, since MariaDB turns an escaped
    // surrogate pair into an empty string with only a warning, and bad bytes into '?'.
    sql::PreparedStatement& insert = tx.prepared(
        "INSERT INTO audit_events (seq, at_ms, actor_user_id, action, entity_type, "
        "entity_id, entity_version, payload_json, prev_hash, hash) "
        "SELECT j.seq, j.at_ms, j.actor, j.action, j.entity_type, j.entity_id, "
        "j.entity_version, j.payload, UNHEX(j.prev_hash), UNHEX(j.hash) FROM "
        "JSON_TABLE(?, "
        "'$[*]' COLUMNS (seq BIGINT PATH '$[0]' ERROR ON EMPTY ERROR ON ERROR, "
        "at_ms BIGINT PATH '$[1]' ERROR ON EMPTY ERROR ON ERROR, "
        "actor BIGINT PATH '$[2]' ERROR ON EMPTY ERROR ON ERROR, "
        "action LONGTEXT CHARACTER SET utf8mb4 PATH '$[3]' ERROR ON EMPTY ERROR ON "
        "ERROR, "
        "entity_type LONGTEXT CHARACTER SET utf8mb4 PATH '$[4]' ERROR ON EMPTY ERROR "
        "ON ERROR, "
        "entity_id BIGINT PATH '$[5]' ERROR ON EMPTY ERROR ON ERROR, "
        "entity_version BIGINT PATH '$[6]' ERROR ON EMPTY ERROR ON ERROR, "
        "payload LONGTEXT CHARACTER SET utf8mb4 PATH '$[7]' ERROR ON EMPTY ERROR ON "
        "ERROR, "
        "prev_hash CHAR(64) PATH '$[8]' ERROR ON EMPTY ERROR ON ERROR, "
        "hash CHAR(64) PATH '$[9]' ERROR ON EMPTY ERROR ON ERROR)) AS j");
    for (std::size_t begin = 0; begin < stored.size();) {
        std::string rows = "[";
        std::size_t end = begin;
        while (end < stored.size() && rows.size() < audit_json_bytes_max) {
            const core::StoredAuditEvent& e = stored[end];
            if (end > begin) rows += ',';
            rows += nlohmann::json::array({e.seq, e.event.at_ms, e.event.actor_user_id,
                                           e.event.action, e.event.entity_type, e.event.entity_id,
                                           e.event.entity_version, e.event.payload_json,
                                           core::to_hex(e.prev_hash), core::to_hex(e.hash)})
                        .dump();
            ++end;
        }
        rows += ']';
        insert.setString(1, rows);
        const auto inserted = insert.executeUpdate();
        insert.clearParameters();  // the cached statement keeps no copy of the rows
        if (inserted != static_cast<int>(end - begin)) {
            return corrupt("an audit chunk of " + std::to_string(end - begin) +
                           " events inserted " + std::to_string(inserted) + " rows");
        }
        begin = end;
    }
    return {};
}

}  // namespace

core::Result<std::vector<core::StoredAuditEvent>> append_audit_events(
    Transaction& tx, const AuditHead& head, const std::vector<core::AuditEvent>& events) {
    if (events.empty()) return Stored{};
    auto appended =
        tx.attempt("audit.append_batch", [&](sql::Connection& c) -> core::Result<Stored> {
            Stored stored = chain_events(head, events);
            if (stored.size() > audit_events_per_json_max) {
                insert_bound(tx, c, stored);
            } else {
                PROCURA_TRY(insert_json(tx, stored));
            }
            sql::PreparedStatement& advance =
                tx.prepared("UPDATE audit_head SET seq = ?, hash = UNHEX(?) WHERE id = 1");
            advance.setInt64(1, stored.back().seq);
            advance.setString(2, core::to_hex(stored.back().hash));
            advance.executeUpdate();
            return stored;
        });
    if (!appended) tx.fail(appended.error());
    return appended;
}

core::Result<std::vector<core::StoredAuditEvent>> read_audit_trail(ConnectionPool& pool,
                                                                   std::string_view entity_type,
                                                                   std::int64_t entity_id) {
    return with_connection(
        pool, "audit.read_trail",
        [&](sql::Connection& c) -> core::Result<std::vector<core::StoredAuditEvent>> {
            std::unique_ptr<sql::PreparedStatement> select(c.prepareStatement(
                std::string("SELECT ") + event_columns +
                " FROM audit_events WHERE entity_type = ? AND entity_id = ? ORDER BY seq"));
            select->setString(1, std::string(entity_type));
            select->setInt64(2, entity_id);
            std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
            return read_events(*rows);
        });
}

core::Result<std::vector<core::StoredAuditEvent>> read_audit_events(ConnectionPool& pool,
                                                                    std::int64_t after_seq,
                                                                    std::size_t limit) {
    return with_connection(
        pool, "audit.read_events",
        [&](sql::Connection& c) -> core::Result<std::vector<core::StoredAuditEvent>> {
            std::unique_ptr<sql::PreparedStatement> select(
                c.prepareStatement(std::string("SELECT ") + event_columns +
                                   " FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?"));
            select->setInt64(1, after_seq);
            select->setUInt64(2, static_cast<std::uint64_t>(limit));
            std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
            return read_events(*rows);
        });
}

}  // namespace procura::db
