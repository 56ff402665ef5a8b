// `procura log verify`: checks what an outsider downloaded from the public log API with curl,
// using only the log's public key and the independent verification code
// (ledger/merkle_verify.hpp), never the server's tree-building path:
// - the signed tree head's signature (ECDSA P-256 over its signed text);
// - entry pages (GET /api/v1/log/entries, from index 0, in order): each leaf hash is recomputed
//   from the entry's fields, and the root of all leaves must be the head's root, or, if the
//   pages stop short of the head, the consistency proof (whose first size must equal the number
//   of entries) must lead from their root to the head's;
// - an inclusion proof (GET /api/v1/log/proof/inclusion) against the head;
// - a consistency proof from an older head to this one (both heads' signatures checked).
// Prints one "ok:" line per check passed; any failure is one line on stderr and exit 1.
#pragma once

#include <string>
#include <vector>

namespace procura::app {

struct LogVerifyInput {
    std::string key_file;                  // log.pub.pem (GET /api/v1/log/key.pem)
    std::string head_file;                 // GET /api/v1/log/sth
    std::vector<std::string> entry_files;  // GET /api/v1/log/entries pages, in order
    std::string inclusion_file;            // optional
    std::string consistency_file;          // optional
    std::string old_head_file;             // required with a consistency proof between heads
};

int run_log_verify(const LogVerifyInput& input);

}  // namespace procura::app
