// The storage port of buyer organisations. Implemented by MySQLBuyerStore (MariaDB,
// buyers/mysql_store.hpp) and by FakeBuyerStore (tests/buyers/); the same contract cases run
// against both (tests/buyers/store_contract.hpp).
//
// Contract:
// - An identifier is taken once for all time: insert of a taken one is conflict
//   "buyer_exists" (field "identifier"), even when requests race.
// - Every change raises the buyer's version by one, checks expected_version first (conflict
//   "stale_version" otherwise) and appends its audit event in the same transaction; a refused
//   change writes nothing, event included. event.entity_id and entity_version are set by the
//   store to the buyer's id and new version.
// - An unknown identifier is not_found "buyer_not_found"; adding a member twice is conflict
//   "already_member" (field "user_id"), removing a non-member not_found "not_member".
// - Store failures are unavailable/internal errors, never exceptions. Thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "buyers/model.hpp"
#include "core/audit.hpp"
#include "core/result.hpp"

namespace procura::buyers {

class BuyerStore {
public:
    virtual ~BuyerStore() = default;

    // Inserts b (id, version and officers ignored: version 1, no officers). Returns it stored.
    virtual core::Result<Buyer> insert(const Buyer& b, const core::AuditEvent& event) = 0;
    // Sets legal_name, address and updated_at_ms of b.identifier's buyer.
    virtual core::Result<Buyer> update(const Buyer& b, std::int64_t expected_version,
                                       const core::AuditEvent& event) = 0;
    virtual core::Result<Buyer> add_officer(std::string_view identifier,
                                            std::int64_t expected_version, core::UserId user,
                                            std::int64_t at_ms, const core::AuditEvent& event) = 0;
    virtual core::Result<Buyer> remove_officer(std::string_view identifier,
                                               std::int64_t expected_version, core::UserId user,
                                               std::int64_t at_ms,
                                               const core::AuditEvent& event) = 0;

    // With its officers; nullopt if there is none.
    virtual core::Result<std::optional<Buyer>> find(std::string_view identifier) = 0;
    // Up to limit buyers with id > after_id, ascending id, with their officers.
    virtual core::Result<std::vector<Buyer>> list(std::int64_t after_id, std::size_t limit) = 0;
    // The identifiers of the buyers user is a member of, ascending.
    virtual core::Result<std::vector<std::string>> buyers_of(core::UserId user) = 0;
};

}  // namespace procura::buyers
