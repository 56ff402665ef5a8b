#include "tender/mysql_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "db/audit_sql.hpp"
#include "db/transaction.hpp"
#include "tender/mysql_rows.hpp"

namespace procura::tender {
namespace {
using namespace mysql_rows;
using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

// Multi-row INSERTs are cut into chunks of this many rows, far below the server's limit of
// 65535 placeholders per statement.
constexpr std::size_t insert_rows_per_statement_max = 500;

core::Error tender_not_found(TenderId id) {
    return core::not_found("tender_not_found", "no tender " + std::to_string(id));
}

// A foreign-key failure on a child row means its tender does not exist.
core::Error as_tender_error(core::Error error, TenderId id) {
    if (error.code == db::error_code_missing_reference) return tender_not_found(id);
    return error;
}

void set_optional(sql::PreparedStatement& s, unsigned index, const std::optional<std::int64_t>& v) {
    if (v) {
        s.setInt64(index, *v);
    } else {
        s.setNull(index, sql::DataType::BIGINT);
    }
}

void set_optional(sql::PreparedStatement& s, unsigned index,
                  const std::optional<std::string_view>& v) {
    if (v) {
        s.setString(index, std::string(*v));
    } else {
        s.setNull(index, sql::DataType::VARCHAR);
    }
}

std::int64_t last_insert_id(sql::Connection& c) {
    std::unique_ptr<sql::Statement> statement(c.createStatement());
    Rows rows(statement->executeQuery("SELECT LAST_INSERT_ID()"));
    rows->next();
    return rows->getInt64(1);
}

template <class T>
std::optional<std::string_view> optional_name(const std::optional<T>& value) {
    if (!value) return std::nullopt;
    return to_string(*value);
}

// The scalar columns of tenders, in the order bind_tender_columns binds them.
constexpr const char* tender_write_columns =
    "version, state, title, description, buyer_name, buyer_id, category, currency, "
    "evaluation_method, price_weight, technical_weight, bid_security_minor, "
    "enquiry_deadline_ms, submission_deadline_ms, opening_time_ms, threshold_k, created_by, "
    "created_at_ms, updated_at_ms, published_at_ms, cancelled_at_ms, cancel_reason, "
    "lot_number_max";
constexpr unsigned tender_write_column_count = 23;

// Binds t's scalar fields to parameters 1..tender_write_column_count.
void bind_tender_columns(sql::PreparedStatement& s, const Tender& t) {
    unsigned i = 1;
    s.setInt64(i++, t.version);
    s.setString(i++, std::string(to_string(t.state)));
    s.setString(i++, t.title);
    s.setString(i++, t.description);
    s.setString(i++, t.buyer_name);
    s.setString(i++, t.buyer_id);
    set_optional(s, i++, optional_name(t.category));
    s.setString(i++, t.currency);
    set_optional(s, i++, optional_name(t.evaluation_method));
    s.setInt64(i++, t.price_weight);
    s.setInt64(i++, t.technical_weight);
    s.setInt64(i++, t.bid_security_minor);
    set_optional(s, i++, t.enquiry_deadline_ms);
    set_optional(s, i++, t.submission_deadline_ms);
    set_optional(s, i++, t.opening_time_ms);
    s.setInt64(i++, t.threshold_k);
    s.setInt64(i++, t.created_by);
    s.setInt64(i++, t.created_at_ms);
    s.setInt64(i++, t.updated_at_ms);
    set_optional(s, i++, t.published_at_ms);
    set_optional(s, i++, t.cancelled_at_ms);
    s.setString(i++, t.cancel_reason);
    s.setInt64(i++, t.lot_number_max);
    PROCURA_ASSERT(i == tender_write_column_count + 1);
}

// The denormalised lot totals (migration 0002): lot_count and total_budget_minor of a tender
// row always describe the lots written with it, so the list query need not read tender_lots.
struct LotTotals {
    std::int64_t count = 0;
    std::int64_t budget_minor = 0;
};

// 128 bits hold the exact sum of up to 2^64 int64 values; __extension__ keeps -Wpedantic quiet.
__extension__ typedef __int128 WideSum;

// The totals of t's lots. The budget sum is exact, then clamped to the int64 range, which is
// what CAST(SUM(budget_minor) AS SIGNED) gives on the server (used by the back-fill in 0002).
LotTotals lot_totals(const Tender& t) {
    WideSum sum = 0;
    for (const Lot& lot : t.lots) sum += lot.budget_minor;
    constexpr auto high = static_cast<WideSum>(std::numeric_limits<std::int64_t>::max());
    constexpr auto low = static_cast<WideSum>(std::numeric_limits<std::int64_t>::min());
    return LotTotals{static_cast<std::int64_t>(t.lots.size()),
                     static_cast<std::int64_t>(std::clamp(sum, low, high))};
}

constexpr const char* tender_read_columns =
    "id, version, state, title, description, buyer_name, buyer_id, category, currency, "
    "evaluation_method, price_weight, technical_weight, bid_security_minor, "
    "enquiry_deadline_ms, submission_deadline_ms, opening_time_ms, threshold_k, created_by, "
    "created_at_ms, updated_at_ms, published_at_ms, cancelled_at_ms, cancel_reason, "
    "lot_number_max";

// Reads a row of tender_read_columns.
core::Result<Tender> read_tender_row(const sql::ResultSet& rows) {
    Tender t;
    PROCURA_TRY(read_head(rows, t));
    t.description = get_string(rows, 5);
    t.buyer_name = get_string(rows, 6);
    t.buyer_id = get_string(rows, 7);
    if (!read_optional_enum(rows, 8, &parse_category, t.category)) {
        return corrupt_row("tender " + std::to_string(t.id) + " has an unknown category");
    }
    t.currency = get_string(rows, 9);
    if (!read_optional_enum(rows, 10, &parse_evaluation_method, t.evaluation_method)) {
        return corrupt_row("tender " + std::to_string(t.id) + " has an unknown evaluation method");
    }
    t.price_weight = rows.getInt64(11);
    t.technical_weight = rows.getInt64(12);
    t.bid_security_minor = rows.getInt64(13);
    t.enquiry_deadline_ms = get_optional_int64(rows, 14);
    t.submission_deadline_ms = get_optional_int64(rows, 15);
    t.opening_time_ms = get_optional_int64(rows, 16);
    t.threshold_k = rows.getInt64(17);
    t.created_by = rows.getInt64(18);
    t.created_at_ms = rows.getInt64(19);
    t.updated_at_ms = rows.getInt64(20);
    t.published_at_ms = get_optional_int64(rows, 21);
    t.cancelled_at_ms = get_optional_int64(rows, 22);
    t.cancel_reason = get_string(rows, 23);
    t.lot_number_max = rows.getInt64(24);
    return t;
}

// Loads lots, committee, document metadata, amendments and questions of t.id into t.
void load_children(sql::Connection& c, Tender& t) {
    {
        Statement s(c.prepareStatement(
            "SELECT number, title, budget_minor FROM tender_lots WHERE tender_id = ? "
            "ORDER BY position"));
        s->setInt64(1, t.id);
        Rows rows(s->executeQuery());
        t.lots.clear();
        while (rows->next()) {
            t.lots.push_back(Lot{rows->getInt64(1), get_string(*rows, 2), rows->getInt64(3)});
        }
    }
    {
        Statement s(c.prepareStatement(
            "SELECT user_id FROM tender_committee WHERE tender_id = ? ORDER BY position"));
        s->setInt64(1, t.id);
        Rows rows(s->executeQuery());
        t.committee.clear();
        while (rows->next()) t.committee.push_back(rows->getInt64(1));
    }
    {
        Statement s(c.prepareStatement(
            "SELECT id, title, filename, content_type, size_bytes, sha256, uploaded_at_ms, "
            "uploaded_by FROM tender_documents WHERE tender_id = ? ORDER BY id"));
        s->setInt64(1, t.id);
        Rows rows(s->executeQuery());
        t.documents.clear();
        while (rows->next()) {
            t.documents.push_back(DocumentMeta{
                rows->getInt64(1), get_string(*rows, 2), get_string(*rows, 3), get_string(*rows, 4),
                rows->getInt64(5), get_string(*rows, 6), rows->getInt64(7), rows->getInt64(8)});
        }
    }
    {
        Statement s(c.prepareStatement(
            "SELECT number, at_ms, by_user, rationale, changes_json, tender_version, "
            "deadline_extended_from_ms, deadline_extended_to_ms FROM tender_amendments "
            "WHERE tender_id = ? ORDER BY number"));
        s->setInt64(1, t.id);
        Rows rows(s->executeQuery());
        t.amendments.clear();
        while (rows->next()) {
            Amendment a;
            a.number = rows->getInt64(1);
            a.at_ms = rows->getInt64(2);
            a.by = rows->getInt64(3);
            a.rationale = get_string(*rows, 4);
            a.changes_json = get_string(*rows, 5);
            a.tender_version = rows->getInt64(6);
            a.deadline_extended_from_ms = get_optional_int64(*rows, 7);
            a.deadline_extended_to_ms = get_optional_int64(*rows, 8);
            t.amendments.push_back(std::move(a));
        }
    }
    {
        Statement s(c.prepareStatement(
            "SELECT id, asker_id, text, asked_at_ms, answer, answered_at_ms, answered_by "
            "FROM tender_questions WHERE tender_id = ? ORDER BY id"));
        s->setInt64(1, t.id);
        Rows rows(s->executeQuery());
        t.questions.clear();
        while (rows->next()) {
            Question q;
            q.id = rows->getInt64(1);
            q.tender_id = t.id;
            q.asker_id = rows->getInt64(2);
            q.text = get_string(*rows, 3);
            q.asked_at_ms = rows->getInt64(4);
            if (!rows->isNull(5)) q.answer = get_string(*rows, 5);
            q.answered_at_ms = get_optional_int64(*rows, 6);
            q.answered_by = rows->getInt64(7);
            t.questions.push_back(std::move(q));
        }
    }
}

// Reads one tender with its children; `lock` adds FOR UPDATE on the tender row.
core::Result<std::optional<Tender>> load_tender(sql::Connection& c, TenderId id, bool lock) {
    Statement s(c.prepareStatement(std::string("SELECT ") + tender_read_columns +
                                   " FROM tenders WHERE id = ?" + (lock ? " FOR UPDATE" : "")));
    s->setInt64(1, id);
    Rows rows(s->executeQuery());
    if (!rows->next()) return std::optional<Tender>{};
    PROCURA_TRY_ASSIGN(auto t, read_tender_row(*rows));
    load_children(c, t);
    return std::optional<Tender>{std::move(t)};
}

// Replaces the lots and committee of tender id with those of t: each lot keeps its number, and
// its place in t.lots is its position (1..n).
void write_lots_and_committee(sql::Connection& c, TenderId id, const Tender& t,
                              bool delete_existing) {
    if (delete_existing) {
        Statement lots(c.prepareStatement("DELETE FROM tender_lots WHERE tender_id = ?"));
        lots->setInt64(1, id);
        lots->executeUpdate();
        Statement committee(c.prepareStatement("DELETE FROM tender_committee WHERE tender_id = ?"));
        committee->setInt64(1, id);
        committee->executeUpdate();
    }
    for (std::size_t first = 0; first < t.lots.size(); first += insert_rows_per_statement_max) {
        const std::size_t count = std::min(insert_rows_per_statement_max, t.lots.size() - first);
        std::string sql =
            "INSERT INTO tender_lots (tender_id, number, position, title, budget_minor) VALUES ";
        for (std::size_t k = 0; k < count; ++k) {
            sql += k == 0 ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)";
        }
        Statement s(c.prepareStatement(sql));
        unsigned p = 1;
        for (std::size_t k = first; k < first + count; ++k) {
            s->setInt64(p++, id);
            s->setInt64(p++, t.lots[k].number);
            s->setInt64(p++, static_cast<std::int64_t>(k + 1));
            s->setString(p++, t.lots[k].title);
            s->setInt64(p++, t.lots[k].budget_minor);
        }
        s->executeUpdate();
    }
    for (std::size_t first = 0; first < t.committee.size();
         first += insert_rows_per_statement_max) {
        const std::size_t count =
            std::min(insert_rows_per_statement_max, t.committee.size() - first);
        std::string sql = "INSERT INTO tender_committee (tender_id, position, user_id) VALUES ";
        for (std::size_t k = 0; k < count; ++k) sql += k == 0 ? "(?, ?, ?)" : ", (?, ?, ?)";
        Statement s(c.prepareStatement(sql));
        unsigned p = 1;
        for (std::size_t k = first; k < first + count; ++k) {
            s->setInt64(p++, id);
            s->setInt64(p++, static_cast<std::int64_t>(k + 1));
            s->setInt64(p++, t.committee[k]);
        }
        s->executeUpdate();
    }
}

class MySQLTenderTransaction final : public TenderTransaction {
public:
    explicit MySQLTenderTransaction(db::Transaction& tx) : tx_(tx) {}

    core::Result<Tender> load_for_update(TenderId id) override {
        PROCURA_TRY_ASSIGN(
            auto loaded, tx_.attempt("tender.load_for_update",
                                     [&](sql::Connection& c) { return load_tender(c, id, true); }));
        if (!loaded.has_value()) return tender_not_found(id);
        return std::move(*loaded);
    }

    core::Result<TenderId> insert_tender(const Tender& t) override {
        return tx_.attempt("tender.insert_tender", [&](sql::Connection& c) -> TenderId {
            std::string placeholders = "?";
            for (unsigned k = 1; k < tender_write_column_count + 2; ++k) placeholders += ", ?";
            Statement s(c.prepareStatement(
                std::string("INSERT INTO tenders (") + tender_write_columns +
                ", lot_count, total_budget_minor) VALUES (" + placeholders + ")"));
            bind_tender_columns(*s, t);
            const LotTotals totals = lot_totals(t);
            s->setInt64(tender_write_column_count + 1, totals.count);
            s->setInt64(tender_write_column_count + 2, totals.budget_minor);
            s->executeUpdate();
            const TenderId id = last_insert_id(c);
            write_lots_and_committee(c, id, t, false);
            return id;
        });
    }

    core::Status update_tender(const Tender& t) override {
        PROCURA_TRY_ASSIGN(
            auto updated, tx_.attempt("tender.update_tender", [&](sql::Connection& c) -> int {
                std::string assignments;
                std::string_view columns = tender_write_columns;
                // "a, b, c" -> "a = ?, b = ?, c = ?"
                while (!columns.empty()) {
                    const std::size_t comma = columns.find(", ");
                    const std::string_view column = columns.substr(0, comma);
                    if (!assignments.empty()) assignments += ", ";
                    assignments.append(column).append(" = ?");
                    columns = comma == std::string_view::npos ? std::string_view{}
                                                              : columns.substr(comma + 2);
                }
                // The lot totals change in this statement, the lots below it, in one transaction.
                Statement s(
                    c.prepareStatement("UPDATE tenders SET " + assignments +
                                       ", lot_count = ?, total_budget_minor = ? WHERE id = ?"));
                bind_tender_columns(*s, t);
                const LotTotals totals = lot_totals(t);
                s->setInt64(tender_write_column_count + 1, totals.count);
                s->setInt64(tender_write_column_count + 2, totals.budget_minor);
                s->setInt64(tender_write_column_count + 3, t.id);
                // CLIENT_FOUND_ROWS: the count is of matched rows, changed or not.
                const int matched = s->executeUpdate();
                if (matched == 0) return 0;
                write_lots_and_committee(c, t.id, t, true);
                return matched;
            }));
        if (updated == 0) {
            tx_.fail(tender_not_found(t.id));
            return tender_not_found(t.id);
        }
        return {};
    }

    core::Status insert_amendment(TenderId id, const Amendment& a) override {
        auto inserted = tx_.attempt("tender.insert_amendment", [&](sql::Connection& c) {
            Statement s(c.prepareStatement(
                "INSERT INTO tender_amendments (tender_id, number, at_ms, by_user, rationale, "
                "changes_json, tender_version, deadline_extended_from_ms, "
                "deadline_extended_to_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
            s->setInt64(1, id);
            s->setInt64(2, a.number);
            s->setInt64(3, a.at_ms);
            s->setInt64(4, a.by);
            s->setString(5, a.rationale);
            s->setString(6, a.changes_json);
            s->setInt64(7, a.tender_version);
            set_optional(*s, 8, a.deadline_extended_from_ms);
            set_optional(*s, 9, a.deadline_extended_to_ms);
            s->executeUpdate();
        });
        if (!inserted) return as_tender_error(inserted.error(), id);
        return {};
    }

    core::Result<QuestionId> insert_question(const Question& q) override {
        auto inserted =
            tx_.attempt("tender.insert_question", [&](sql::Connection& c) -> QuestionId {
                Statement s(c.prepareStatement(
                    "INSERT INTO tender_questions (tender_id, asker_id, text, asked_at_ms, "
                    "answer, answered_at_ms, answered_by) VALUES (?, ?, ?, ?, ?, ?, ?)"));
                s->setInt64(1, q.tender_id);
                s->setInt64(2, q.asker_id);
                s->setString(3, q.text);
                s->setInt64(4, q.asked_at_ms);
                set_optional(*s, 5,
                             q.answer ? std::optional<std::string_view>(*q.answer) : std::nullopt);
                set_optional(*s, 6, q.answered_at_ms);
                s->setInt64(7, q.answered_by);
                s->executeUpdate();
                return last_insert_id(c);
            });
        if (!inserted) return as_tender_error(inserted.error(), q.tender_id);
        return inserted;
    }

    core::Status update_question(const Question& q) override {
        PROCURA_TRY_ASSIGN(
            auto updated, tx_.attempt("tender.update_question", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "UPDATE tender_questions SET answer = ?, answered_at_ms = ?, answered_by = ? "
                    "WHERE id = ? AND tender_id = ?"));
                set_optional(*s, 1,
                             q.answer ? std::optional<std::string_view>(*q.answer) : std::nullopt);
                set_optional(*s, 2, q.answered_at_ms);
                s->setInt64(3, q.answered_by);
                s->setInt64(4, q.id);
                s->setInt64(5, q.tender_id);
                return s->executeUpdate();
            }));
        if (updated == 0) {
            core::Error missing =
                core::not_found("question_not_found", "no question " + std::to_string(q.id));
            tx_.fail(missing);
            return missing;
        }
        return {};
    }

    core::Result<DocumentId> insert_document(TenderId id, const DocumentMeta& meta,
                                             std::string_view bytes) override {
        auto inserted =
            tx_.attempt("tender.insert_document", [&](sql::Connection& c) -> DocumentId {
                Statement s(c.prepareStatement(
                    "INSERT INTO tender_documents (tender_id, title, filename, content_type, "
                    "size_bytes, sha256, uploaded_at_ms, uploaded_by, content) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
                // Sent as a blob: binary, never charset-converted. Must outlive execution.
                std::istringstream content{std::string(bytes)};
                s->setInt64(1, id);
                s->setString(2, meta.title);
                s->setString(3, meta.filename);
                s->setString(4, meta.content_type);
                s->setInt64(5, meta.size_bytes);
                s->setString(6, meta.sha256_hex);
                s->setInt64(7, meta.uploaded_at_ms);
                s->setInt64(8, meta.uploaded_by);
                s->setBlob(9, &content);
                s->executeUpdate();
                return last_insert_id(c);
            });
        if (!inserted) return as_tender_error(inserted.error(), id);
        return inserted;
    }

    core::Status append_audit(const core::AuditEvent& event) override {
        PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx_, event));
        return {};
    }

private:
    db::Transaction& tx_;
};

}  // namespace

MySQLTenderStore::MySQLTenderStore(db::ConnectionPool& pool) : pool_(pool) {}

core::Status MySQLTenderStore::in_transaction(
    const std::function<core::Status(TenderTransaction&)>& fn) {
    return db::run_transaction(pool_, "tender.transaction",
                               [&](db::Transaction& tx) -> core::Status {
                                   MySQLTenderTransaction adapter(tx);
                                   return fn(adapter);
                               });
}

core::Result<std::optional<Tender>> MySQLTenderStore::find(TenderId id) {
    std::optional<Tender> found;
    PROCURA_TRY(db::run_transaction(
        pool_, "tender.find",
        [&](db::Transaction& tx) -> core::Status {
            auto loaded = tx.attempt("tender.find",
                                     [&](sql::Connection& c) { return load_tender(c, id, false); });
            if (!loaded) return loaded.error();
            found = std::move(loaded).value();
            return {};
        },
        db::TransactionOptions{db::TransactionMode::read_only_snapshot, {}}));
    return found;
}

core::Result<std::optional<std::int64_t>> MySQLTenderStore::find_version(TenderId id) {
    using Found = std::optional<std::int64_t>;
    // One indexed row through the connection's cached statement (a cached copy's check).
    return db::with_prepared(pool_, "tender.find_version",
                             "SELECT version FROM tenders WHERE id = ?",
                             [&](sql::PreparedStatement& s) -> core::Result<Found> {
                                 s.setInt64(1, id);
                                 std::unique_ptr<sql::ResultSet> rows(s.executeQuery());
                                 if (!rows->next()) return Found{};
                                 return Found{rows->getInt64(1)};
                             });
}

core::Result<std::map<TenderId, std::int64_t>> MySQLTenderStore::find_versions(
    const std::vector<TenderId>& ids) {
    using Versions = std::map<TenderId, std::int64_t>;
    if (ids.empty()) return Versions{};
    // Integers only, written into the text: one round trip for a whole group of bids.
    std::string list;
    for (TenderId id : ids) list += (list.empty() ? "" : ", ") + std::to_string(id);
    return db::with_connection(
        pool_, "tender.find_versions", [&](sql::Connection& c) -> core::Result<Versions> {
            std::unique_ptr<sql::Statement> s(c.createStatement());
            std::unique_ptr<sql::ResultSet> rows(
                s->executeQuery("SELECT id, version FROM tenders WHERE id IN (" + list + ")"));
            Versions out;
            while (rows->next()) out[rows->getInt64(1)] = rows->getInt64(2);
            return out;
        });
}

core::Result<std::optional<DocumentContent>> MySQLTenderStore::read_document(TenderId tender,
                                                                             DocumentId document) {
    return db::with_connection(
        pool_, "tender.read_document",
        [&](sql::Connection& c) -> core::Result<std::optional<DocumentContent>> {
            Statement s(c.prepareStatement(
                "SELECT id, title, filename, content_type, size_bytes, sha256, uploaded_at_ms, "
                "uploaded_by, content FROM tender_documents WHERE id = ? AND tender_id = ?"));
            s->setInt64(1, document);
            s->setInt64(2, tender);
            Rows rows(s->executeQuery());
            if (!rows->next()) return std::optional<DocumentContent>{};
            DocumentContent content;
            content.meta = DocumentMeta{
                rows->getInt64(1), get_string(*rows, 2), get_string(*rows, 3), get_string(*rows, 4),
                rows->getInt64(5), get_string(*rows, 6), rows->getInt64(7),    rows->getInt64(8)};
            content.bytes = get_string(*rows, 9);
            return std::optional<DocumentContent>{std::move(content)};
        });
}

core::Result<std::vector<core::StoredAuditEvent>> MySQLTenderStore::audit_trail(
    std::string_view entity_type, std::int64_t entity_id) {
    return db::read_audit_trail(pool_, entity_type, entity_id);
}

}  // namespace procura::tender
