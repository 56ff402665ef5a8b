#include "db/multi_row.hpp"

#include <cppconn/resultset.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <utility>

#include "core/assert.hpp"
#include "db/transaction.hpp"

namespace procura::db {
namespace {

std::string statement_text(const MultiRowStatement& statement, std::size_t rows) {
    std::string sql = statement.head;
    sql.reserve(sql.size() + rows * (statement.row.size() + 2) + statement.tail.size() + 1);
    for (std::size_t i = 0; i < rows; ++i) {
        sql += i == 0 ? " " : ", ";
        sql += statement.row;
    }
    sql += statement.tail;
    return sql;
}

// The chunk loop. reused(rows) gives a statement kept beyond this call for a chunk of that
// many rows, or null; any other chunk's statement is prepared for its one use.
// split(rows left, rows_max) gives the next chunk's size; execute(statement, begin, end) runs
// a bound chunk.
template <class Split, class Reused, class Execute>
void run_chunks(sql::Connection& c, const MultiRowStatement& statement, std::size_t count,
                std::size_t rows_max, const BindRows& bind, Split&& split, Reused&& reused,
                Execute&& execute) {
    PROCURA_ASSERT(rows_max > 0);
    for (std::size_t begin = 0, end = 0; begin < count; begin = end) {
        end = begin + split(count - begin, rows_max);
        std::unique_ptr<sql::PreparedStatement> once;
        sql::PreparedStatement* s = reused(end - begin);
        if (s == nullptr) {
            once.reset(c.prepareStatement(statement_text(statement, end - begin)));
            s = once.get();
        }
        bind(*s, begin, end);
        execute(*s, begin, end);
        // Connector/C++ keeps a copy of every string bound (up to 256 KiB each) until the
        // parameter is set again: a cached statement would hold its last rows' values.
        s->clearParameters();
    }
}

// The chunk loop on tx's cached statements: full-size chunks, then what is left in chunks of
// powers of two (a 13-row rest runs as 8 + 4 + 1). Every chunk's statement is one of at most
// log2(rows_max) + 2 texts per call site, all cached, so a batch of any size prepares nothing
// once the connection has seen its sizes. Preparing a statement of a few hundred rows costs
// more than executing a handful of cached ones (and a cached 64-row statement holds about
// 350 KiB of the server's memory, so not every size is kept).
template <class Execute>
void run_cached_chunks(Transaction& tx, sql::Connection& c, const MultiRowStatement& statement,
                       std::size_t count, std::size_t rows_max, const BindRows& bind,
                       Execute&& execute) {
    run_chunks(
        c, statement, count, rows_max, bind,
        [](std::size_t left, std::size_t most) {
            return left >= most ? most : std::bit_floor(left);
        },
        [&](std::size_t rows) { return &tx.prepared(statement_text(statement, rows)); },
        std::forward<Execute>(execute));
}

}  // namespace

void execute_in_chunks(sql::Connection& c, const MultiRowStatement& statement, std::size_t count,
                       std::size_t rows_max, const BindRows& bind) {
    std::unique_ptr<sql::PreparedStatement> full;
    run_chunks(
        c, statement, count, rows_max, bind,
        [](std::size_t left, std::size_t most) { return std::min(left, most); },
        [&](std::size_t rows) -> sql::PreparedStatement* {
            if (rows != rows_max) return nullptr;
            if (!full) full.reset(c.prepareStatement(statement_text(statement, rows)));
            return full.get();
        },
        [](sql::PreparedStatement& s, std::size_t, std::size_t) { s.executeUpdate(); });
}

void execute_in_chunks(Transaction& tx, sql::Connection& c, const MultiRowStatement& statement,
                       std::size_t count, std::size_t rows_max, const BindRows& bind) {
    run_cached_chunks(
        tx, c, statement, count, rows_max, bind,
        [](sql::PreparedStatement& s, std::size_t, std::size_t) { s.executeUpdate(); });
}

std::map<std::string, std::int64_t> insert_returning_ids(Transaction& tx, sql::Connection& c,
                                                         const MultiRowStatement& statement,
                                                         std::size_t count, std::size_t rows_max,
                                                         const BindRows& bind) {
    std::map<std::string, std::int64_t> ids;
    run_cached_chunks(tx, c, statement, count, rows_max, bind,
                      [&](sql::PreparedStatement& s, std::size_t, std::size_t) {
                          std::unique_ptr<sql::ResultSet> rows(s.executeQuery());
                          while (rows->next())
                              ids[rows->getString(1).asStdString()] = rows->getInt64(2);
                      });
    return ids;
}

}  // namespace procura::db
