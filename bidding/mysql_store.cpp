#include "bidding/mysql_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <tuple>

#include "bidding/mysql_blob.hpp"
#include "core/assert.hpp"
#include "core/hash.hpp"
#include "core/utf8.hpp"
#include "db/audit_sql.hpp"
#include "db/multi_row.hpp"
#include "db/transaction.hpp"

namespace procura::bidding {

std::string read_blob(sql::ResultSet& rows, unsigned column) {
    std::unique_ptr<std::istream> in(rows.getBlob(column));
    std::ostringstream out;
    out << in->rdbuf();
    return out.str();
}

namespace {
using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

// Rows per INSERT of a group's bids (a group holds at most 64 by default; a larger one is
// written in several statements).
constexpr std::size_t bids_per_insert_max = 64;
// The largest body or token bound as a string in a group's INSERT (see insert_bids).
constexpr std::size_t inline_value_bytes_max = 64 * 1024;

constexpr const char* summary_columns =
    "id, tender_id, supplier_id, lot_id, version, sha256, received_at_ms, timestamp_token, "
    "log_seq, state, withdrawn_at_ms, security_transfer_key, commitment_salt";

BidState parse_state(const std::string& text) {
    if (text == "replaced") return BidState::replaced;
    if (text == "withdrawn") return BidState::withdrawn;
    return BidState::active;
}

// Reads summary_columns (and the body at column 14 when with_body).
Bid read_bid(sql::ResultSet& rows, bool with_body) {
    Bid b;
    b.id = rows.getInt64(1);
    b.tender_id = rows.getInt64(2);
    b.supplier_id = rows.getInt64(3);
    b.lot_id = rows.getInt64(4);
    b.version = rows.getInt64(5);
    b.sha256_hex = rows.getString(6).asStdString();
    b.received_at_ms = rows.getInt64(7);
    b.timestamp_token = read_blob(rows, 8);
    b.log_seq = rows.getInt64(9);
    b.state = parse_state(rows.getString(10).asStdString());
    if (!rows.isNull(11)) b.withdrawn_at_ms = rows.getInt64(11);
    b.security_transfer_id = rows.getString(12).asStdString();
    if (!rows.isNull(13)) b.salt_hex = rows.getString(13).asStdString();
    if (with_body) b.body = read_blob(rows, 14);
    return b;
}

core::Result<std::optional<Bid>> find_one(
    db::ConnectionPool& pool, const char* operation, const std::string& where, bool with_body,
    const std::function<void(sql::PreparedStatement&)>& bind) {
    using Found = std::optional<Bid>;
    // The connection's cached statement: these look-ups are hot (a racing resend, a withdrawal).
    return db::with_prepared(pool, operation,
                             std::string("SELECT ") + summary_columns +
                                 (with_body ? ", body" : "") + " FROM bids WHERE " + where,
                             [&](sql::PreparedStatement& s) -> core::Result<Found> {
                                 bind(s);
                                 Rows rows(s.executeQuery());
                                 if (!rows->next()) return Found{};
                                 return Found{read_bid(*rows, with_body)};
                             });
}

}  // namespace

core::Result<std::optional<Bid>> MySQLBidStore::find_bid(std::int64_t bid_id) {
    return find_one(pool_, "bidding.find_bid", "id = ?", true,
                    [&](sql::PreparedStatement& s) { s.setInt64(1, bid_id); });
}

core::Result<std::optional<Bid>> MySQLBidStore::find_bid_by_hash(std::int64_t tender_id,
                                                                 const std::string& sha256_hex) {
    return find_one(pool_, "bidding.find_bid_by_hash", "tender_id = ? AND sha256 = ?", false,
                    [&](sql::PreparedStatement& s) {
                        s.setInt64(1, tender_id);
                        s.setString(2, sha256_hex);
                    });
}

core::Result<std::vector<Bid>> MySQLBidStore::find_bids_by_hashes(
    const std::vector<BidHash>& hashes) {
    if (hashes.empty()) return std::vector<Bid>{};
    // The (tender_id, sha256) index answers each pair; tender ids are integers and the hashes
    // are checked to be lower-case hex, so the list is written into the statement's text: one
    // round trip for a whole group.
    std::map<std::int64_t, std::string> per_tender;  // tender id -> its quoted hashes
    for (const BidHash& h : hashes) {
        if (!core::is_sha256_hex(h.sha256_hex)) {
            return core::bad_request("bad_hash", "a bid hash is 64 lower-case hex digits",
                                     "sha256");
        }
        std::string& list = per_tender[h.tender_id];
        list += (list.empty() ? "'" : ", '") + h.sha256_hex + "'";
    }
    std::string where;
    for (const auto& [tender_id, list] : per_tender) {
        where += (where.empty() ? "(tender_id = " : " OR (tender_id = ") +
                 std::to_string(tender_id) + " AND sha256 IN (" + list + "))";
    }
    return db::with_connection(
        pool_, "bidding.find_bids_by_hashes",
        [&](sql::Connection& c) -> core::Result<std::vector<Bid>> {
            std::unique_ptr<sql::Statement> s(c.createStatement());
            Rows rows(s->executeQuery(std::string("SELECT ") + summary_columns +
                                      " FROM bids WHERE " + where));
            std::vector<Bid> out;
            while (rows->next()) out.push_back(read_bid(*rows, false));
            return out;
        });
}

core::Result<std::vector<Bid>> MySQLBidStore::find_active_bids(const std::vector<BidKey>& keys) {
    if (keys.empty()) return std::vector<Bid>{};
    // active_key is unique and indexed (0007_bidding.sql); the keys are integers only, so the
    // list is written into the statement's text: one round trip for any number of keys.
    std::string key_list;
    for (const BidKey& k : keys) {
        key_list += (key_list.empty() ? "'" : ", '") + std::to_string(k.tender_id) + ":" +
                    std::to_string(k.supplier_id) + ":" + std::to_string(k.lot_id) + "'";
    }
    return db::with_connection(
        pool_, "bidding.find_active_bids",
        [&](sql::Connection& c) -> core::Result<std::vector<Bid>> {
            std::unique_ptr<sql::Statement> s(c.createStatement());
            Rows rows(s->executeQuery(std::string("SELECT ") + summary_columns +
                                      " FROM bids WHERE active_key IN (" + key_list + ")"));
            std::vector<Bid> out;
            while (rows->next()) out.push_back(read_bid(*rows, false));
            return out;
        });
}

core::Result<std::vector<ActiveBodyBytes>> MySQLBidStore::find_active_body_bytes(
    const std::vector<BidKey>& suppliers) {
    if (suppliers.empty()) return std::vector<ActiveBodyBytes>{};
    // Integers only, written into the statement's text: one round trip for a whole group.
    std::string condition;
    for (const BidKey& k : suppliers) {
        condition += (condition.empty() ? "(" : " OR (") + std::string("tender_id = ") +
                     std::to_string(k.tender_id) +
                     " AND supplier_id = " + std::to_string(k.supplier_id) + ")";
    }
    return db::with_connection(
        pool_, "bidding.find_active_body_bytes",
        [&](sql::Connection& c) -> core::Result<std::vector<ActiveBodyBytes>> {
            std::unique_ptr<sql::Statement> s(c.createStatement());
            Rows rows(
                s->executeQuery("SELECT tender_id, supplier_id, lot_id, LENGTH(body) FROM bids "
                                "WHERE state = 'active' AND (" +
                                condition + ")"));
            std::vector<ActiveBodyBytes> out;
            while (rows->next()) {
                out.push_back(
                    {{rows->getInt64(1), rows->getInt64(2), rows->getInt64(3)}, rows->getInt64(4)});
            }
            return out;
        });
}

namespace {

// One attempt of insert_bids' transaction: what it reads and decides, recomputed from scratch
// on every rerun after a deadlock. keys[i] is bid i's active key "tender:supplier:lot";
// key_list lists them quoted for an IN (...) clause.
struct GroupAttempt {
    const std::vector<BidWrite>& bids;
    const std::vector<std::string>& keys;
    const std::string& key_list;
    std::vector<BidWritten> written;
    std::vector<bool> refused;             // refused on its own (written[i].error)
    std::vector<std::int64_t> versions;    // the version each stored bid gets
    std::vector<std::size_t> stored_bids;  // the bids written, in order
    std::string replaced_ids;              // the active bids they replace, as an IN list
    std::optional<db::AuditHead> head;     // locked before the insert (see insert_bids)
};

// Stage 1. The group's tenders, share-locked until the commit: a cancellation, an amendment
// or the opening (insert_opening locks the row for update) either committed before, and is
// seen here, or waits for this group. A bid checked against an older view of its tender, or
// stamped before a deadline that has since moved, or queued while the bids were opened, is
// refused on its own. Runs inside the attempt (statements may throw).
void check_tenders(sql::Statement& text, GroupAttempt& a) {
    std::set<std::int64_t> tender_ids;
    for (const BidWrite& w : a.bids) tender_ids.insert(w.bid.tender_id);
    std::string tender_list;
    for (std::int64_t id : tender_ids) {
        tender_list += (tender_list.empty() ? "" : ", ") + std::to_string(id);
    }
    struct TenderNow {
        std::string state;
        std::int64_t deadline_ms = 0;
        bool opened = false;
        std::int64_t version = 0;
    };
    std::map<std::int64_t, TenderNow> now;
    Rows rows(
        text.executeQuery("SELECT t.id, t.state, COALESCE(t.submission_deadline_ms, 0), "
                          "EXISTS (SELECT 1 FROM tender_openings o WHERE o.tender_id = t.id), "
                          "t.version FROM tenders t WHERE t.id IN (" +
                          tender_list + ") ORDER BY t.id LOCK IN SHARE MODE"));
    while (rows->next()) {
        now[rows->getInt64(1)] = TenderNow{rows->getString(2).asStdString(), rows->getInt64(3),
                                           rows->getBoolean(4), rows->getInt64(5)};
    }
    for (std::size_t i = 0; i < a.bids.size(); ++i) {
        const Bid& b = a.bids[i].bid;
        const auto found = now.find(b.tender_id);
        std::optional<core::Error> error;
        if (found == now.end() || found->second.state == "cancelled") {
            error = core::conflict("tender_cancelled",
                                   "the tender was cancelled before the bid could be stored; "
                                   "nothing was stored");
        } else if (found->second.opened || b.received_at_ms >= found->second.deadline_ms) {
            error = core::conflict("submission_closed",
                                   "the submission deadline passed before the bid could be "
                                   "stored; nothing was stored");
        } else if (a.bids[i].tender_version != 0 &&
                   a.bids[i].tender_version != found->second.version) {
            error = core::conflict("tender_amended",
                                   "the tender's terms changed while the bid was being stored; "
                                   "nothing was stored: send it again");
        }
        if (error) {
            a.written[i].error = std::move(error);
            a.refused[i] = true;
        }
    }
}

// The bytes of the active bodies of each (tender, supplier) of the group, by lot: one statement
// per group, a plain read. Locking these rows (FOR UPDATE takes next-key locks on each
// supplier's range of versions) cost intake about a third of its throughput
// (docs/benchmarks.md), and one server writes one group at a time (bidding/group_commit.hpp),
// so the count is exact there; servers writing bids of the same supplier and tender at the
// same instant could each take the last bytes, exceeding the quota by at most one bid per
// server. Empty when the quota has no byte limit. Runs inside the attempt.
using SupplierBytes =
    std::map<std::pair<std::int64_t, core::UserId>, std::map<std::int64_t, std::int64_t>>;
SupplierBytes active_bytes(sql::Statement& text, const GroupAttempt& a, const BidQuota& quota) {
    SupplierBytes out;
    if (quota.supplier_bytes_max == std::numeric_limits<std::int64_t>::max()) return out;
    std::string condition;
    for (const BidWrite& w : a.bids) {
        const auto key = std::make_pair(w.bid.tender_id, w.bid.supplier_id);
        if (out.count(key) > 0) continue;
        out[key];
        condition += (condition.empty() ? "(" : " OR (") + std::string("tender_id = ") +
                     std::to_string(w.bid.tender_id) +
                     " AND supplier_id = " + std::to_string(w.bid.supplier_id) + ")";
    }
    Rows rows(text.executeQuery(
        "SELECT tender_id, supplier_id, lot_id, LENGTH(body) FROM bids WHERE state = 'active' "
        "AND (" +
        condition + ")"));
    while (rows->next()) {
        out[{rows->getInt64(1), rows->getInt64(2)}][rows->getInt64(3)] = rows->getInt64(4);
    }
    return out;
}

// Whether bid b keeps its supplier's active bodies on its tender within
// quota.supplier_bytes_max, with b in place of the bid it replaces; if so, counts it in bytes.
bool take_storage(SupplierBytes& bytes, const Bid& b, const BidQuota& quota) {
    if (quota.supplier_bytes_max == std::numeric_limits<std::int64_t>::max()) return true;
    std::map<std::int64_t, std::int64_t> lots = bytes[{b.tender_id, b.supplier_id}];
    lots[b.lot_id] = static_cast<std::int64_t>(b.body.size());
    std::int64_t total = 0;
    for (const auto& [lot, size] : lots) total += size;
    if (total > quota.supplier_bytes_max) return false;
    bytes[{b.tender_id, b.supplier_id}] = std::move(lots);
    return true;
}

// Stage 2. The active bid of each (tender, supplier, lot), under its row lock: it is the
// newest version there, and the one this bid replaces. Numbers every bid not refused, refuses
// one past versions_max on its own, and lists the bids that go on (stored_bids) and the ones
// they replace; refuses on its own one that would overfill its supplier's storage quota. Runs
// inside the attempt.
void number_versions(sql::Statement& text, GroupAttempt& a, const BidQuota& quota) {
    const std::int64_t versions_max = quota.versions_max;
    SupplierBytes bytes = active_bytes(text, a, quota);
    std::map<std::string, std::tuple<std::int64_t, std::int64_t, std::string>> active;
    {
        Rows rows(
            text.executeQuery("SELECT active_key, id, version, sha256 FROM bids "
                              "WHERE active_key IN (" +
                              a.key_list + ") FOR UPDATE"));
        while (rows->next()) {
            active[rows->getString(1).asStdString()] = {rows->getInt64(2), rows->getInt64(3),
                                                        rows->getString(4).asStdString()};
        }
    }
    for (std::size_t i = 0; i < a.bids.size(); ++i) {
        if (a.refused[i]) continue;
        const Bid& b = a.bids[i].bid;
        const auto found = active.find(a.keys[i]);
        if (found != active.end()) {
            a.versions[i] = std::get<1>(found->second) + 1;
        } else {
            // No active bid (the first, or the last one was withdrawn): versions go on after
            // the highest, locked so that they are numbered without races.
            Rows rows(
                text.executeQuery("SELECT COALESCE(MAX(version), 0) FROM bids WHERE tender_id = " +
                                  std::to_string(b.tender_id) +
                                  " AND supplier_id = " + std::to_string(b.supplier_id) +
                                  " AND lot_id = " + std::to_string(b.lot_id) + " FOR UPDATE"));
            rows->next();
            a.versions[i] = rows->getInt64(1) + 1;
        }
        // versions_max bounds every version a supplier stores for a lot: withdrawing does not
        // reset the count.
        if (a.versions[i] > versions_max) {
            a.written[i].error =
                core::conflict("too_many_versions",
                               "a supplier may send at most " + std::to_string(versions_max) +
                                   " versions of a bid",
                               "bid");
            continue;
        }
        if (!take_storage(bytes, b, quota)) {
            a.written[i].error = supplier_storage_full(quota.supplier_bytes_max);
            continue;
        }
        if (found != active.end()) {
            const auto& [id, version, sha256] = found->second;
            a.written[i].replaced_sha256 = sha256;
            a.replaced_ids += (a.replaced_ids.empty() ? "" : ", ") + std::to_string(id);
        }
        a.stored_bids.push_back(i);
    }
}

// Stage 3. The group's rows in cached statements of 64 rows or a power of two, each returning
// the ids of its rows. A body or token of at most inline_value_bytes_max is bound as a string
// (which carries any bytes) and travels in the statement's own packet; a larger one as a blob,
// which Connector/C++ sends in packets of its own (mysql_stmt_send_long_data), as it does any
// string over 256 KiB. So a chunk's packet stays under 64 x 2 x 64 KiB = 8 MiB, half of
// MariaDB's default max_allowed_packet. Each row carries the seq of its audit event when the
// audit head is locked already (0 otherwise). Runs inside the attempt.
void insert_rows(db::Transaction& tx, sql::Connection& c, GroupAttempt& a) {
    const auto seq_of = [&](std::size_t k) -> std::int64_t {
        return a.head ? a.head->seq + 1 + static_cast<std::int64_t>(k) : 0;
    };
    std::vector<std::istringstream> blobs;
    blobs.reserve(2 * a.stored_bids.size());  // never reallocated: bound by address
    const auto bind_bytes = [&](sql::PreparedStatement& s, unsigned p, const std::string& bytes) {
        if (bytes.size() <= inline_value_bytes_max) {
            s.setString(p, bytes);
        } else {
            s.setBlob(p, &blobs.emplace_back(bytes));
        }
    };
    const std::map<std::string, std::int64_t> ids = db::insert_returning_ids(
        tx, c,
        {"INSERT INTO bids (tender_id, supplier_id, lot_id, version, body, sha256, "
         "received_at_ms, timestamp_token, log_seq, security_transfer_key, commitment_salt, "
         "state) VALUES",
         "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')", " RETURNING active_key, id"},
        a.stored_bids.size(), bids_per_insert_max,
        [&](sql::PreparedStatement& insert, std::size_t begin, std::size_t end) {
            unsigned p = 1;
            for (std::size_t k = begin; k < end; ++k) {
                const std::size_t i = a.stored_bids[k];
                const Bid& b = a.bids[i].bid;
                insert.setInt64(p++, b.tender_id);
                insert.setInt64(p++, b.supplier_id);
                insert.setInt64(p++, b.lot_id);
                insert.setInt64(p++, a.versions[i]);
                bind_bytes(insert, p++, b.body);
                insert.setString(p++, b.sha256_hex);
                insert.setInt64(p++, b.received_at_ms);
                bind_bytes(insert, p++, b.timestamp_token);
                insert.setInt64(p++, seq_of(k));
                insert.setString(p++, b.security_transfer_id);
                if (b.salt_hex.empty()) {
                    insert.setNull(p++, sql::DataType::CHAR);
                } else {
                    insert.setString(p++, b.salt_hex);
                }
            }
        });
    for (std::size_t k = 0; k < a.stored_bids.size(); ++k) {
        const std::size_t i = a.stored_bids[k];
        Bid stored = a.bids[i].bid;
        stored.id = ids.at(a.keys[i]);
        stored.log_seq = seq_of(k);
        stored.version = a.versions[i];
        stored.state = BidState::active;
        stored.withdrawn_at_ms.reset();
        a.written[i].stored = std::move(stored);
    }
}

// Stage 4. One audit event per stored bid ("bid.replaced" when it replaces one), appended
// from the head locked before the insert if it was (the rows already carry their seqs), or
// else appended now and the rows' log_seq set with one UPDATE.
core::Status append_events(db::Transaction& tx, GroupAttempt& a) {
    std::vector<core::AuditEvent> events;
    std::vector<Bid*> event_bids;  // events[k] is the event of *event_bids[k]
    for (std::size_t i = 0; i < a.bids.size(); ++i) {
        if (!a.written[i].stored) continue;
        core::AuditEvent event = a.bids[i].audit;
        event.entity_id = a.written[i].stored->id;
        event.entity_version = a.written[i].stored->version;
        if (a.written[i].replaced_sha256) event.action = "bid.replaced";
        events.push_back(std::move(event));
        event_bids.push_back(&*a.written[i].stored);
    }
    if (events.empty()) return {};
    PROCURA_TRY_ASSIGN(auto appended, a.head ? db::append_audit_events(tx, *a.head, events)
                                             : db::append_audit_events(tx, events));
    if (a.head) {
        for (std::size_t k = 0; k < appended.size(); ++k) {
            PROCURA_ASSERT(event_bids[k]->log_seq == appended[k].seq);
        }
        return {};
    }
    std::string cases;
    std::string ids;
    for (std::size_t k = 0; k < appended.size(); ++k) {
        Bid& stored = *event_bids[k];
        stored.log_seq = appended[k].seq;
        cases += " WHEN " + std::to_string(stored.id) + " THEN " + std::to_string(stored.log_seq);
        ids += (k == 0 ? "" : ", ") + std::to_string(stored.id);
    }
    return tx.attempt("bidding.insert_bids.seq", [&](sql::Connection& c) {
        std::unique_ptr<sql::Statement> s(c.createStatement());
        s->executeUpdate("UPDATE bids SET log_seq = CASE id" + cases + " END WHERE id IN (" + ids +
                         ")");
    });
}

}  // namespace

core::Result<std::vector<BidWritten>> MySQLBidStore::insert_bids(std::vector<BidWrite> bids,
                                                                 const BidQuota& quota) {
    // The statements of a group are built as text where every value is an integer, a key made
    // of integers, or a hex hash from core::to_hex (nothing a client chose), and prepared where
    // they carry the bodies and tokens: a fixed number of round trips per group, not per bid.
    std::vector<std::string> keys(bids.size());
    std::string key_list;
    for (std::size_t i = 0; i < bids.size(); ++i) {
        const Bid& b = bids[i].bid;
        keys[i] = std::to_string(b.tender_id) + ":" + std::to_string(b.supplier_id) + ":" +
                  std::to_string(b.lot_id);
        for (std::size_t j = 0; j < i; ++j) PROCURA_ASSERT(keys[j] != keys[i]);
        PROCURA_ASSERT(core::is_sha256_hex(b.sha256_hex));
        key_list += (i == 0 ? "'" : ", '") + keys[i] + "'";
    }
    // The audit head is locked before the bids are inserted, so that each row is written with
    // the seq of its audit event (the events are appended last, once the rows' ids are
    // known). Not for a group with a body or token sent as a blob: every audited write waits
    // for that lock, so it is not held while megabytes upload; such a group takes it after
    // its insert and then sets log_seq with one UPDATE.
    const bool seq_first = std::all_of(bids.begin(), bids.end(), [](const BidWrite& w) {
        return w.bid.body.size() <= inline_value_bytes_max &&
               w.bid.timestamp_token.size() <= inline_value_bytes_max;
    });
    std::vector<BidWritten> written;
    const core::Status status =
        db::run_transaction(pool_, "bidding.insert_bids", [&](db::Transaction& tx) -> core::Status {
            // Rerun after a deadlock: everything is recomputed from what this attempt reads.
            GroupAttempt a{.bids = bids,
                           .keys = keys,
                           .key_list = key_list,
                           .written = std::vector<BidWritten>(bids.size()),
                           .refused = std::vector<bool>(bids.size(), false),
                           .versions = std::vector<std::int64_t>(bids.size(), 0),
                           .stored_bids = {},
                           .replaced_ids = {},
                           .head = std::nullopt};
            auto inserted =
                tx.attempt("bidding.insert_bids", [&](sql::Connection& c) -> core::Status {
                    std::unique_ptr<sql::Statement> text(c.createStatement());
                    check_tenders(*text, a);
                    number_versions(*text, a, quota);
                    if (a.stored_bids.empty()) return {};
                    if (!a.replaced_ids.empty()) {
                        text->executeUpdate(
                            "UPDATE bids SET state = 'replaced', body = '' WHERE id IN (" +
                            a.replaced_ids + ")");
                    }
                    if (seq_first) {
                        PROCURA_TRY_ASSIGN(a.head, db::lock_audit_head(tx));
                    }
                    insert_rows(tx, c, a);
                    return {};
                });
            if (!inserted) {
                if (inserted.error().code == db::error_code_duplicate) {
                    return core::conflict("duplicate_bid",
                                          "this tender already has a bid with this body", "bid");
                }
                return inserted.error();
            }
            PROCURA_TRY(append_events(tx, a));
            written = std::move(a.written);
            return {};
        });
    if (!status) return status.error();
    return written;
}

core::Status MySQLBidStore::withdraw_bid(std::int64_t bid_id, std::int64_t at_ms,
                                         const core::AuditEvent& audit) {
    return db::run_transaction(pool_, "bidding.withdraw", [&](db::Transaction& tx) -> core::Status {
        // The bid's tender, locked as the opening locks it: a withdrawal and an opening, or an
        // amendment of the deadline, are ordered, and a withdrawal is judged by the deadline
        // and state the tender has when it commits, not by what the caller read before.
        // Why the tender refuses the withdrawal now, if it does; an unknown bid is refused
        // below, as not active.
        using Refusal = std::optional<core::Error>;
        PROCURA_TRY_ASSIGN(
            auto refusal, tx.attempt("bidding.withdraw.lock", [&](sql::Connection& c) -> Refusal {
                Statement bid(c.prepareStatement("SELECT tender_id FROM bids WHERE id = ?"));
                bid->setInt64(1, bid_id);
                Rows bids(bid->executeQuery());
                if (!bids->next()) return std::nullopt;
                // The tender row first, as the group commit and the opening lock it.
                Statement s(c.prepareStatement(
                    "SELECT t.state, COALESCE(t.submission_deadline_ms, 0), "
                    "EXISTS (SELECT 1 FROM tender_openings o WHERE o.tender_id = t.id) "
                    "FROM tenders t WHERE t.id = ? FOR UPDATE"));
                s->setInt64(1, bids->getInt64(1));
                Rows rows(s->executeQuery());
                if (!rows->next()) return std::nullopt;
                if (rows->getString(1).asStdString() != "published") {
                    return core::conflict("tender_cancelled", "the tender is cancelled");
                }
                if (rows->getBoolean(3) || at_ms >= rows->getInt64(2)) {
                    return core::conflict(
                        "submission_closed",
                        "bids can be withdrawn only before the submission deadline");
                }
                return std::nullopt;
            }));
        if (refusal) return *refusal;
        PROCURA_TRY_ASSIGN(auto changed, tx.attempt("bidding.withdraw", [&](sql::Connection& c) {
            Statement s(
                c.prepareStatement("UPDATE bids SET state = 'withdrawn', withdrawn_at_ms = ?, "
                                   "body = '' WHERE id = ? AND state = 'active'"));
            s->setInt64(1, at_ms);
            s->setInt64(2, bid_id);
            return s->executeUpdate();
        }));
        if (changed == 0) {
            return core::conflict("not_active",
                                  "only the current version of a bid can be withdrawn");
        }
        PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, audit));
        return {};
    });
}

core::Result<std::vector<Bid>> MySQLBidStore::list_bids(std::int64_t tender_id, bool with_bodies) {
    return db::with_connection(
        pool_, "bidding.list_bids", [&](sql::Connection& c) -> core::Result<std::vector<Bid>> {
            // With bodies: the active bids only (the opening needs no other body, and a supplier's
            // many replaced versions must not all be read into memory).
            Statement s(c.prepareStatement(
                std::string("SELECT ") + summary_columns + (with_bodies ? ", body" : "") +
                " FROM bids WHERE tender_id = ?" + (with_bodies ? " AND state = 'active'" : "") +
                " ORDER BY id"));
            s->setInt64(1, tender_id);
            Rows rows(s->executeQuery());
            std::vector<Bid> out;
            while (rows->next()) out.push_back(read_bid(*rows, with_bodies));
            return out;
        });
}

std::vector<Bid> read_active_page(sql::Connection& c, std::int64_t tender_id,
                                  std::int64_t after_bid_id, std::size_t bytes_max) {
    PROCURA_ASSERT(bytes_max > 0);
    // The ids first (the bids_supplier index and the rows' state, no body is read), then the
    // bodies one row at a time, in id order, until the next one would not fit: no body's size
    // is known without reading it, so the one that does not fit is read and dropped (the next
    // page reads it again). A page holds at most bytes_max, or one larger body, plus that one.
    Statement ids(
        c.prepareStatement("SELECT id FROM bids WHERE tender_id = ? AND state = 'active' AND "
                           "id > ? ORDER BY id"));
    ids->setInt64(1, tender_id);
    ids->setInt64(2, after_bid_id);
    std::vector<std::int64_t> next;
    {
        Rows rows(ids->executeQuery());
        while (rows->next()) next.push_back(rows->getInt64(1));
    }
    Statement one(c.prepareStatement(std::string("SELECT ") + summary_columns +
                                     ", body FROM bids WHERE id = ? AND state = 'active'"));
    std::vector<Bid> page;
    std::size_t bytes = 0;
    for (const std::int64_t id : next) {
        one->setInt64(1, id);
        Rows rows(one->executeQuery());
        if (!rows->next()) continue;  // withdrawn since (outside the opening's lock)
        Bid b = read_bid(*rows, true);
        if (!page.empty() && bytes + b.body.size() > bytes_max) break;
        bytes += b.body.size();
        page.push_back(std::move(b));
        if (bytes >= bytes_max) break;
    }
    return page;
}

core::Result<std::vector<Bid>> MySQLBidStore::list_active_bids(std::int64_t tender_id,
                                                               std::int64_t after_bid_id,
                                                               std::size_t bytes_max) {
    return db::with_connection(pool_, "bidding.list_active_bids",
                               [&](sql::Connection& c) -> core::Result<std::vector<Bid>> {
                                   return read_active_page(c, tender_id, after_bid_id, bytes_max);
                               });
}

core::Result<bool> MySQLBidStore::any_bid(std::int64_t tender_id) {
    return db::with_connection(
        pool_, "bidding.any_bid", [&](sql::Connection& c) -> core::Result<bool> {
            Statement s(
                c.prepareStatement("SELECT EXISTS (SELECT 1 FROM bids WHERE tender_id = ?)"));
            s->setInt64(1, tender_id);
            Rows rows(s->executeQuery());
            return rows->next() && rows->getBoolean(1);
        });
}

}  // namespace procura::bidding
