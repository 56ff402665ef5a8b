// What bidding's MariaDB adapter shares between mysql_store.cpp and mysql_openings.cpp: a BLOB
// column read whole into a string, and a page of a tender's active bids.
#pragma once

#include <cppconn/connection.h>
#include <cppconn/resultset.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bidding/model.hpp"

namespace procura::bidding {

std::string read_blob(sql::ResultSet& rows, unsigned column);

// BidStore::list_active_bids on connection c, inside a transaction or not. May throw
// sql::SQLException (the caller's with_connection or attempt maps it).
std::vector<Bid> read_active_page(sql::Connection& c, std::int64_t tender_id,
                                  std::int64_t after_bid_id, std::size_t bytes_max);

}  // namespace procura::bidding
