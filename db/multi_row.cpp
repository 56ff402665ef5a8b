#include "db/multi_row.hpp"

#include <algorithm>
#include <memory>

#include "core/assert.hpp"

namespace procura::db {

void execute_in_chunks(sql::Connection& c, const MultiRowStatement& statement, std::size_t count,
                       std::size_t rows_max, const BindRows& bind, const AfterRows& after) {
    PROCURA_ASSERT(rows_max > 0);
    const auto text = [&](std::size_t rows) {
        std::string sql = statement.head;
        sql.reserve(sql.size() + rows * (statement.row.size() + 2) + statement.tail.size() + 1);
        for (std::size_t i = 0; i < rows; ++i) {
            sql += i == 0 ? " " : ", ";
            sql += statement.row;
        }
        sql += statement.tail;
        return sql;
    };
    std::unique_ptr<sql::PreparedStatement> full_chunk;
    for (std::size_t begin = 0; begin < count; begin += rows_max) {
        const std::size_t end = std::min(count, begin + rows_max);
        std::unique_ptr<sql::PreparedStatement> partial;
        sql::PreparedStatement* s = nullptr;
        if (end - begin == rows_max) {
            if (!full_chunk) full_chunk.reset(c.prepareStatement(text(rows_max)));
            s = full_chunk.get();
        } else {
            partial.reset(c.prepareStatement(text(end - begin)));
            s = partial.get();
        }
        bind(*s, begin, end);
        s->executeUpdate();
        if (after) after(begin, end);
    }
}

}  // namespace procura::db
