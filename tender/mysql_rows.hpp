// Row helpers shared by the files of the tender store's MariaDB adapter (mysql_store.cpp,
// mysql_list.cpp): reading columns and reporting a corrupt row. Adapter-private: it includes
// Connector/C++, and nothing outside tender/mysql_*.cpp may include it.
#pragma once

#include <cppconn/resultset.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "db/mysql_error.hpp"
#include "tender/model.hpp"

namespace procura::tender::mysql_rows {

inline core::Error corrupt_row(const std::string& what) {
    return core::internal(std::string(db::error_code_internal),
                          "stored tender data is corrupt: " + what);
}

inline std::optional<std::int64_t> get_optional_int64(const sql::ResultSet& rows, unsigned index) {
    if (rows.isNull(index)) return std::nullopt;
    return rows.getInt64(index);
}

inline std::string get_string(const sql::ResultSet& rows, unsigned index) {
    return rows.getString(index).asStdString();
}

// Reads a nullable enum column into out; false when the stored name is unknown (corruption).
template <class T>
bool read_optional_enum(const sql::ResultSet& rows, unsigned index,
                        std::optional<T> (*parse)(std::string_view), std::optional<T>& out) {
    if (rows.isNull(index)) {
        out.reset();
        return true;
    }
    out = parse(get_string(rows, index));
    return out.has_value();
}

// Reads the columns every tender read starts with, id, version, state and title (1 to 4), into
// t (a Tender or a TenderSummary); an unknown state is corruption.
template <class T>
core::Status read_head(const sql::ResultSet& rows, T& t) {
    t.id = rows.getInt64(1);
    t.version = rows.getInt64(2);
    const auto state = parse_tender_state(get_string(rows, 3));
    if (!state) return corrupt_row("tender " + std::to_string(t.id) + " has an unknown state");
    t.state = *state;
    t.title = get_string(rows, 4);
    return {};
}

}  // namespace procura::tender::mysql_rows
