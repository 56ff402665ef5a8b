// Parsing of database URLs: mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?socket=/path].
// Pure; no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace procura::db {

struct ConnectionConfig {
    std::string user;
    std::string password;  // percent-decoded
    std::string host;
    std::uint16_t port = 3306;
    std::string database;
    std::string socket;  // when set, connect through this unix socket instead of TCP
};

// 400-kind error (code "bad_db_url", field "db") naming what is wrong; the password never
// appears in the message.
core::Result<ConnectionConfig> parse_url(std::string_view url);

}  // namespace procura::db
