#include "db/multi_row.hpp"

#include <algorithm>
#include <memory>

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
template <class Reused>
void run_chunks(sql::Connection& c, const MultiRowStatement& statement, std::size_t count,
                std::size_t rows_max, const BindRows& bind, const AfterRows& after,
                Reused&& reused) {
    PROCURA_ASSERT(rows_max > 0);
    for (std::size_t begin = 0; begin < count; begin += rows_max) {
        const std::size_t end = std::min(count, begin + rows_max);
        std::unique_ptr<sql::PreparedStatement> once;
        sql::PreparedStatement* s = reused(end - begin);
        if (s == nullptr) {
            once.reset(c.prepareStatement(statement_text(statement, end - begin)));
            s = once.get();
        }
        bind(*s, begin, end);
        s->executeUpdate();
        if (after) after(begin, end);
    }
}

}  // namespace

void execute_in_chunks(sql::Connection& c, const MultiRowStatement& statement, std::size_t count,
                       std::size_t rows_max, const BindRows& bind, const AfterRows& after) {
    std::unique_ptr<sql::PreparedStatement> full;
    run_chunks(c, statement, count, rows_max, bind, after,
               [&](std::size_t rows) -> sql::PreparedStatement* {
                   if (rows != rows_max) return nullptr;
                   if (!full) full.reset(c.prepareStatement(statement_text(statement, rows)));
                   return full.get();
               });
}

void execute_in_chunks(Transaction& tx, sql::Connection& c, const MultiRowStatement& statement,
                       std::size_t count, std::size_t rows_max, const BindRows& bind,
                       const AfterRows& after) {
    run_chunks(c, statement, count, rows_max, bind, after,
               [&](std::size_t rows) -> sql::PreparedStatement* {
                   if (rows != rows_max && rows > small_chunk_rows_cached) return nullptr;
                   return &tx.prepared(statement_text(statement, rows));
               });
}

}  // namespace procura::db
