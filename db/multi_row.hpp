// Multi-row statements in chunks: the one way the adapters write many rows at once (transfers,
// balances, audit events, settlement items). Only the db module and the MySQL adapters include
// this header, because it exposes <cppconn/...>.
#pragma once

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <cstddef>
#include <functional>
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
// Reads what the chunk of rows [begin, end) returned (a statement with RETURNING).
using ReadRows = std::function<void(sql::ResultSet& rows, std::size_t begin, std::size_t end)>;

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

// The same for a statement whose tail returns rows (" RETURNING ..."): each chunk is executed
// as a query and read gets its rows, in the same round trip as the write.
void query_in_chunks(Transaction& tx, sql::Connection& c, const MultiRowStatement& statement,
                     std::size_t count, std::size_t rows_max, const BindRows& bind,
                     const ReadRows& read);

}  // namespace procura::db
