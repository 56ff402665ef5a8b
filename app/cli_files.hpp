// What the file-reading commands share (`procura log verify`, `procura bid ...`): a failure
// that ends the command, files read whole, JSON fields read with the place named in the error,
// hex hashes, and the check of a signed tree head of the audit log. Each helper throws
// CommandFailure; a command catches it once and prints one line.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/audit.hpp"
#include "ledger/merkle.hpp"

namespace procura::app {

// What a command prints before exiting 1. code is a short machine-readable word
// ("cannot_read", "bad_json", ...); message names the file or field at fault.
struct CommandFailure {
    std::string code;
    std::string message;
};

[[noreturn]] void fail(std::string code, std::string message);

// The whole file. "cannot_read" naming path if it cannot be opened or read.
std::string read_file(const std::string& path);
// Writes bytes to path, replacing it. "cannot_write" naming path on any failure.
void write_file(const std::string& path, const std::string& bytes);

// text parsed as a JSON object; "bad_json" saying that where is not one.
nlohmann::json parse_object(const std::string& text, const std::string& where);

// The member name of object as a T; "bad_json" naming where and name when it is missing, null
// or of another type.
template <class T>
T field(const nlohmann::json& object, const char* name, const std::string& where) {
    const auto it = object.find(name);
    if (it == object.end() || it->is_null()) fail("bad_json", where + ": missing " + name);
    try {
        return it->get<T>();
    } catch (const nlohmann::json::exception&) {
        fail("bad_json", where + ": " + name + " has the wrong type");
    }
}

// A 64-digit hex SHA-256; "bad_json" naming where otherwise.
ledger::Hash hex_hash(const std::string& text, const std::string& where);
// The hashes of the member "proof" of object (an inclusion or consistency proof).
std::vector<ledger::Hash> hex_hashes(const nlohmann::json& object, const std::string& where);

// An entry of GET /api/v1/log/entries as the event it records (seq and fields; the hashes are
// left to the caller to recompute). "bad_json" naming where for a missing or mistyped field.
core::StoredAuditEvent log_entry(const nlohmann::json& entry, const std::string& where);

struct SignedHead {
    std::uint64_t tree_size = 0;
    ledger::Hash root{};
    std::int64_t timestamp_ms = 0;
};

// A tree head (the JSON of GET /api/v1/log/sth) whose signature over the text rebuilt from
// its fields verifies with the log key key_pem; its signed_text member is ignored, so only
// the checked fields are trusted. "bad_json" for a malformed head, "head_signature_invalid"
// when the signature does not verify.
SignedHead verified_head(const nlohmann::json& head, const std::string& key_pem,
                         const std::string& where);

}  // namespace procura::app
