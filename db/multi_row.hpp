// Multi-row statements in chunks: the one way the adapters write many rows at once (transfers,
// balances, audit events, settlement items). Only the db module and the MySQL adapters include
// this header, because it exposes <cppconn/...>.
#pragma once

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace procura::db {

class Transaction;

struct MultiRowStatement {
    std::string head;  // up to and including "VALUES", e.g. "INSERT INTO t (a, b) VALUES"
    std::string row;   // one row's placeholders, e.g. "(?, ?)"
    std::string tail;  // after the rows, e.g. " ON DUPLICATE KEY UPDATE ..."; may be empty
};

// Binds the parameters of rows [begin, end) to statement, from parameter 1.
using BindRows =
    std::function<void(sql::PreparedStatement& statement, std::size_t begin, std::size_t end)>;

// Executes statement over count rows, at most rows_max per execution, on c (in the caller's
// transaction). A long run is many chunks of the same size: their statement is prepared once
// and reused; a shorter last chunk gets its own. Connector/C++ exceptions pass through to the
// caller's attempt, as for any statement.
void execute_in_chunks(sql::Connection& c, const MultiRowStatement& statement, std::size_t count,
                       std::size_t rows_max, const BindRows& bind);

// The same inside one of tx's attempts (c is that attempt's connection), with every chunk's
// statement taken from the connection's statement cache (Transaction::prepared): full-size
// chunks first, then the rest in chunks of powers of two (13 rows: 8 + 4 + 1), so that a hot
// write path that runs batch after batch, or a few rows at a time (a group of bids' deposits),
// prepares each of its at most log2(rows_max) + 2 statements once per connection instead of
// once per use.
void execute_in_chunks(Transaction& tx, sql::Connection& c, const MultiRowStatement& statement,
                       std::size_t count, std::size_t rows_max, const BindRows& bind);

// The same for an INSERT whose tail is " RETURNING key, id" (a unique text key and the row's
// auto-increment id): each chunk is executed as a query, so the new rows' ids come back in the
// same round trip as the write. Returns the id of every row inserted, by its key.
std::map<std::string, std::int64_t> insert_returning_ids(Transaction& tx, sql::Connection& c,
                                                         const MultiRowStatement& statement,
                                                         std::size_t count, std::size_t rows_max,
                                                         const BindRows& bind);

}  // namespace procura::db
