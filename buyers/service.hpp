// Buyer organisations (procuring entities): an administrator creates and edits their records and
// says which officers act for each; anyone reads the records (who buys is public), and staff see
// the members. The service is also the core::BuyerDirectory the tender and award services ask
// whether an officer acts for a tender's buyer. Every change is an audit leaf written with it
// (the store's contract); a refused change writes nothing. Thread-safe: no mutable state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "buyers/model.hpp"
#include "buyers/store.hpp"
#include "core/buyers.hpp"
#include "core/clock.hpp"
#include "core/identity.hpp"
#include "core/result.hpp"

namespace procura::buyers {

class BuyerService final : public core::BuyerDirectory {
public:
    // store, users and clock must outlive the service.
    BuyerService(BuyerStore& store, core::UserDirectory& users, const core::Clock& clock,
                 BuyerLimits limits);

    // Admin only (403 "forbidden"). Fields trimmed; 422 naming the field: "missing_field",
    // "field_too_long", "invalid_field" (control characters; an identifier of other than
    // A-Z a-z 0-9 . _ : - or shorter than identifier_bytes_min); 409 "buyer_exists".
    core::Result<Buyer> create(const core::Caller& caller, const BuyerInput& input);
    // Admin only. Legal name and address (input.identifier ignored); 409 "stale_version".
    core::Result<Buyer> update(const core::Caller& caller, std::string_view identifier,
                               std::int64_t expected_version, const BuyerInput& input);
    // Admin only. user must be an active officer (422 "not_an_officer", field "user_id");
    // 409 "already_member", "stale_version"; 404 "buyer_not_found".
    core::Result<Buyer> add_officer(const core::Caller& caller, std::string_view identifier,
                                    std::int64_t expected_version, core::UserId user);
    // Admin only. 404 "buyer_not_found", "not_member"; 409 "stale_version".
    core::Result<Buyer> remove_officer(const core::Caller& caller, std::string_view identifier,
                                       std::int64_t expected_version, core::UserId user);

    // Public. The officers are kept only for staff (officers, auditors, admins): others get
    // an empty list. 404 "buyer_not_found".
    core::Result<Buyer> get(const std::optional<core::Caller>& caller, std::string_view identifier);
    // Public, as get: up to limit (1..100) buyers with id > after_id, ascending id.
    core::Result<std::vector<Buyer>> list(const std::optional<core::Caller>& caller,
                                          std::int64_t after_id, std::size_t limit);

    // core::BuyerDirectory
    core::Result<bool> is_officer_of(core::UserId user, std::string_view identifier) override;
    core::Result<std::vector<std::string>> buyers_of(core::UserId user) override;
    core::Result<std::optional<std::string>> legal_name(std::string_view identifier) override;

    const BuyerLimits& limits() const { return limits_; }

private:
    BuyerStore& store_;
    core::UserDirectory& users_;
    const core::Clock& clock_;
    BuyerLimits limits_;
};

}  // namespace procura::buyers
