// The notice board's query (MySQLTenderStore::list): its filters as SQL conditions with bound
// values, mirroring tender::rules::status_at, and its rows.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/transaction.hpp"
#include "tender/mysql_rows.hpp"
#include "tender/mysql_store.hpp"

namespace procura::tender {
namespace {
using namespace mysql_rows;
using Rows = std::unique_ptr<sql::ResultSet>;

// '\' is LIKE's escape character (the session's sql_mode, set by db/pool.cpp, keeps
// backslash escapes on), so a literal \, % or _ in the search text is preceded by one.
std::string like_pattern_containing(std::string_view text) {
    std::string pattern = "%";
    for (char ch : text) {
        if (ch == '\\' || ch == '%' || ch == '_') pattern.push_back('\\');
        pattern.push_back(ch);
    }
    pattern.push_back('%');
    return pattern;
}

// The WHERE clause of a notice-board query and the values it binds, in order.
struct ListFilter {
    using Binder = std::function<void(sql::PreparedStatement&, unsigned)>;
    std::string where;
    std::vector<Binder> binders;

    void condition(std::string_view sql) {
        where += where.empty() ? " WHERE " : " AND ";
        where += sql;
    }
    void bind_int64(std::int64_t v) {
        binders.push_back([v](sql::PreparedStatement& s, unsigned i) { s.setInt64(i, v); });
    }
    void bind_string(std::string v) {
        binders.push_back(
            [v = std::move(v)](sql::PreparedStatement& s, unsigned i) { s.setString(i, v); });
    }
};

// The filter of query; nullopt when it can match nothing (drafts asked for without the right
// to see them).
std::optional<ListFilter> list_filter(const TenderListQuery& query) {
    ListFilter f;
    const auto condition = [&](std::string_view sql) { f.condition(sql); };
    const auto bind_int64 = [&](std::int64_t v) { f.bind_int64(v); };
    const auto bind_string = [&](std::string v) { f.bind_string(std::move(v)); };
    // "t.buyer_id IN (?, ...)" over query.draft_buyers, bound; empty when there are none.
    const auto draft_buyers_in = [&]() -> std::string {
        if (query.draft_buyers.empty()) return {};
        std::string in = "t.buyer_id IN (";
        for (std::size_t i = 0; i < query.draft_buyers.size(); ++i) {
            in += i == 0 ? "?" : ", ?";
            bind_string(query.draft_buyers[i]);
        }
        return in + ")";
    };
    // A private tender (a draft, or a draft cancelled before it was published) is listed only to
    // its buyer's officers.
    const auto public_or_own = [&] {
        const std::string own = draft_buyers_in();
        if (own.empty()) {
            condition("t.published_at_ms IS NOT NULL");
        } else {
            condition("(t.published_at_ms IS NOT NULL OR " + own + ")");
        }
    };
    // The status conditions mirror rules::status_at: published tenders are active.enquiries
    // while now < enquiry deadline, then active.tendering while now < submission deadline,
    // then closed.
    if (query.status) {
        switch (*query.status) {
            case TenderStatus::draft: {
                const std::string own = draft_buyers_in();
                if (own.empty()) return std::nullopt;
                condition("t.state = 'draft' AND " + own);
                break;
            }
            case TenderStatus::cancelled:
                condition("t.state = 'cancelled'");
                public_or_own();
                break;
            case TenderStatus::active_enquiries:
                condition("t.state = 'published' AND ? < t.enquiry_deadline_ms");
                bind_int64(query.now_ms);
                break;
            case TenderStatus::active_tendering:
                condition(
                    "t.state = 'published' AND t.enquiry_deadline_ms <= ? AND "
                    "? < t.submission_deadline_ms");
                bind_int64(query.now_ms);
                bind_int64(query.now_ms);
                break;
            case TenderStatus::closed:
                condition(
                    "t.state = 'published' AND t.enquiry_deadline_ms <= ? AND "
                    "t.submission_deadline_ms <= ?");
                bind_int64(query.now_ms);
                bind_int64(query.now_ms);
                break;
        }
    } else {
        // Published tenders always have published_at_ms; drafts never do. The public's query
        // keeps the state condition, which lets MariaDB walk the (state, id) index.
        if (query.draft_buyers.empty()) condition("t.state <> 'draft'");
        public_or_own();
    }
    if (query.category) {
        condition("t.category = ?");
        bind_string(std::string(to_string(*query.category)));
    }
    if (!query.title_contains.empty()) {
        // title is utf8mb4_unicode_ci, so LIKE matches case-insensitively.
        condition("t.title LIKE ?");
        bind_string(like_pattern_containing(query.title_contains));
    }
    if (query.before_id) {
        condition("t.id < ?");
        bind_int64(*query.before_id);
    }
    return f;
}

// One notice-board row (the columns of MySQLTenderStore::list's SELECT, in order).
core::Result<TenderSummary> read_summary(sql::ResultSet& rows) {
    TenderSummary t;
    PROCURA_TRY(read_head(rows, t));
    t.buyer_name = get_string(rows, 5);
    t.buyer_id = get_string(rows, 6);
    if (!read_optional_enum(rows, 7, &parse_category, t.category)) {
        return corrupt_row("tender " + std::to_string(t.id) + " has an unknown category");
    }
    t.currency = get_string(rows, 8);
    t.enquiry_deadline_ms = get_optional_int64(rows, 9);
    t.submission_deadline_ms = get_optional_int64(rows, 10);
    t.opening_time_ms = get_optional_int64(rows, 11);
    t.published_at_ms = get_optional_int64(rows, 12);
    t.lot_count = rows.getInt64(13);
    t.total_budget_minor = rows.getInt64(14);
    return t;
}

}  // namespace

core::Result<std::vector<TenderSummary>> MySQLTenderStore::list(const TenderListQuery& query) {
    const std::optional<ListFilter> filter = list_filter(query);
    if (!filter) return std::vector<TenderSummary>{};
    const std::string sql =
        "SELECT t.id, t.version, t.state, t.title, t.buyer_name, t.buyer_id, t.category, "
        "t.currency, t.enquiry_deadline_ms, t.submission_deadline_ms, t.opening_time_ms, "
        "t.published_at_ms, t.lot_count, t.total_budget_minor "
        "FROM tenders t" +
        filter->where + " ORDER BY t.id DESC LIMIT ?";
    const auto rows_max = static_cast<std::uint64_t>(query.limit) + 1;

    // The hottest read: its statement is prepared once per pooled connection and reused.
    return db::with_prepared(
        pool_, "tender.list", sql,
        [&](sql::PreparedStatement& s) -> core::Result<std::vector<TenderSummary>> {
            unsigned index = 1;
            for (const ListFilter::Binder& bind : filter->binders) bind(s, index++);
            s.setUInt64(index, rows_max);
            Rows rows(s.executeQuery());
            std::vector<TenderSummary> out;
            while (rows->next()) {
                PROCURA_TRY_ASSIGN(auto summary, read_summary(*rows));
                out.push_back(std::move(summary));
            }
            return out;
        });
}

}  // namespace procura::tender
