// A BLOB column read whole into a string, for bidding's MariaDB adapter (mysql_store.cpp and
// mysql_openings.cpp).
#pragma once

#include <cppconn/resultset.h>

#include <string>

namespace procura::bidding {

std::string read_blob(sql::ResultSet& rows, unsigned column);

}  // namespace procura::bidding
