#include "buyers/service.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/json_text.hpp"
#include "core/text.hpp"

namespace procura::buyers {
namespace {

using Json = nlohmann::json;

core::Status require_admin(const core::Caller& caller) {
    if (caller.role != core::Role::admin) {
        return core::forbidden("forbidden", "only administrators manage buyer organisations");
    }
    return {};
}

bool is_staff(const std::optional<core::Caller>& caller) {
    return caller && (caller->role == core::Role::officer || caller->role == core::Role::auditor ||
                      caller->role == core::Role::admin);
}

bool identifier_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
}

core::Result<std::string> checked_identifier(std::string_view text, const BuyerLimits& limits) {
    PROCURA_TRY_ASSIGN(auto id, core::text_field(text, "identifier", limits.identifier_bytes_max));
    if (id.size() < limits.identifier_bytes_min ||
        !std::all_of(id.begin(), id.end(), identifier_char)) {
        return core::unprocessable(
            "invalid_field",
            "identifier must be " + std::to_string(limits.identifier_bytes_min) + " to " +
                std::to_string(limits.identifier_bytes_max) + " characters of A-Z a-z 0-9 . _ : -",
            "identifier");
    }
    return id;
}

// The record's fields as an audit payload (public: the buyer's record is public).
Json record_payload(const Buyer& b) {
    return Json{{"identifier", b.identifier}, {"legal_name", b.legal_name}, {"address", b.address}};
}

core::AuditEvent event(const core::Caller& caller, std::int64_t at_ms, std::string action,
                       const Json& payload) {
    core::AuditEvent e;
    e.at_ms = at_ms;
    e.actor_user_id = caller.user_id;
    e.action = std::move(action);
    e.entity_type = "buyer";
    e.payload_json = core::compact_json(payload);
    return e;
}

Buyer without_officers_unless_staff(Buyer b, const std::optional<core::Caller>& caller) {
    if (!is_staff(caller)) b.officers.clear();
    return b;
}

}  // namespace

BuyerService::BuyerService(BuyerStore& store, core::UserDirectory& users, const core::Clock& clock,
                           BuyerLimits limits)
    : store_(store), users_(users), clock_(clock), limits_(limits) {}

core::Result<Buyer> BuyerService::create(const core::Caller& caller, const BuyerInput& input) {
    PROCURA_TRY(require_admin(caller));
    Buyer b;
    PROCURA_TRY_ASSIGN(b.identifier, checked_identifier(input.identifier, limits_));
    PROCURA_TRY_ASSIGN(b.legal_name, core::text_field(input.legal_name, "legal_name",
                                                      limits_.legal_name_bytes_max));
    PROCURA_TRY_ASSIGN(b.address,
                       core::text_field(input.address, "address", limits_.address_bytes_max));
    b.created_by = caller.user_id;
    b.created_at_ms = clock_.now_ms();
    b.updated_at_ms = b.created_at_ms;
    return store_.insert(b, event(caller, b.created_at_ms, "buyer.created", record_payload(b)));
}

core::Result<Buyer> BuyerService::update(const core::Caller& caller, std::string_view identifier,
                                         std::int64_t expected_version, const BuyerInput& input) {
    PROCURA_TRY(require_admin(caller));
    Buyer b;
    b.identifier = std::string(identifier);
    PROCURA_TRY_ASSIGN(b.legal_name, core::text_field(input.legal_name, "legal_name",
                                                      limits_.legal_name_bytes_max));
    PROCURA_TRY_ASSIGN(b.address,
                       core::text_field(input.address, "address", limits_.address_bytes_max));
    b.updated_at_ms = clock_.now_ms();
    return store_.update(b, expected_version,
                         event(caller, b.updated_at_ms, "buyer.updated", record_payload(b)));
}

core::Result<Buyer> BuyerService::add_officer(const core::Caller& caller,
                                              std::string_view identifier,
                                              std::int64_t expected_version, core::UserId user) {
    PROCURA_TRY(require_admin(caller));
    PROCURA_TRY_ASSIGN(auto role, users_.role_of(user));
    if (role != core::Role::officer) {
        return core::unprocessable("not_an_officer",
                                   "user " + std::to_string(user) + " is not an active officer",
                                   "user_id");
    }
    PROCURA_TRY_ASSIGN(auto found, store_.find(identifier));
    if (found && found->officers.size() >= limits_.officers_per_buyer_max) {
        return core::unprocessable(
            "too_many_officers",
            "a buyer has at most " + std::to_string(limits_.officers_per_buyer_max) + " officers",
            "user_id");
    }
    const std::int64_t now = clock_.now_ms();
    return store_.add_officer(
        identifier, expected_version, user, now,
        event(caller, now, "buyer.officer_added",
              Json{{"identifier", std::string(identifier)}, {"user_id", user}}));
}

core::Result<Buyer> BuyerService::remove_officer(const core::Caller& caller,
                                                 std::string_view identifier,
                                                 std::int64_t expected_version, core::UserId user) {
    PROCURA_TRY(require_admin(caller));
    const std::int64_t now = clock_.now_ms();
    return store_.remove_officer(
        identifier, expected_version, user, now,
        event(caller, now, "buyer.officer_removed",
              Json{{"identifier", std::string(identifier)}, {"user_id", user}}));
}

core::Result<Buyer> BuyerService::get(const std::optional<core::Caller>& caller,
                                      std::string_view identifier) {
    PROCURA_TRY_ASSIGN(auto found, store_.find(identifier));
    if (!found) {
        return core::not_found("buyer_not_found", "no buyer " + std::string(identifier));
    }
    return without_officers_unless_staff(std::move(*found), caller);
}

core::Result<std::vector<Buyer>> BuyerService::list(const std::optional<core::Caller>& caller,
                                                    std::int64_t after_id, std::size_t limit) {
    if (limit == 0 || limit > 100) {
        return core::bad_request("bad_limit", "limit must be 1 to 100", "limit");
    }
    PROCURA_TRY_ASSIGN(auto page, store_.list(after_id, limit));
    for (Buyer& b : page) b = without_officers_unless_staff(std::move(b), caller);
    return page;
}

core::Result<bool> BuyerService::is_officer_of(core::UserId user, std::string_view identifier) {
    PROCURA_TRY_ASSIGN(auto mine, store_.buyers_of(user));
    return std::binary_search(mine.begin(), mine.end(), identifier);
}

core::Result<std::vector<std::string>> BuyerService::buyers_of(core::UserId user) {
    return store_.buyers_of(user);
}

core::Result<std::optional<std::string>> BuyerService::legal_name(std::string_view identifier) {
    PROCURA_TRY_ASSIGN(auto found, store_.find(identifier));
    if (!found) return std::optional<std::string>{};
    return std::optional<std::string>{found->legal_name};
}

}  // namespace procura::buyers
