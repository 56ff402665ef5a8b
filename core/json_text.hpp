// The one way Procura turns a JSON value into text, for audit payloads and API bodies alike:
// compact (no spaces), and never throwing. nlohmann's own dump() throws on a string that is not
// valid UTF-8; an audit payload is hashed into the audit chain in the same transaction as the
// change it records, so producing it must not be able to fail half-way.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace procura::core {

// The compact text of value; any invalid UTF-8 in its strings is replaced by U+FFFD.
// Thread-safe.
std::string compact_json(const nlohmann::json& value);

// The same, indented by two spaces per level, for people to read (the command line's --json).
std::string indented_json(const nlohmann::json& value);

}  // namespace procura::core
