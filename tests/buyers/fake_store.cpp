#include "tests/buyers/fake_store.hpp"

#include <algorithm>
#include <string>

namespace procura::buyers {

core::Result<Buyer> FakeBuyerStore::insert(const Buyer& b, const core::AuditEvent& event) {
    std::lock_guard lock(mutex_);
    for (const Buyer& row : rows_) {
        if (row.identifier == b.identifier) {
            return core::conflict("buyer_exists",
                                  "a buyer with identifier " + b.identifier + " exists",
                                  "identifier");
        }
    }
    Buyer stored = b;
    stored.id = static_cast<std::int64_t>(rows_.size()) + 1;
    stored.version = 1;
    stored.officers.clear();
    rows_.push_back(stored);
    core::AuditEvent e = event;
    e.entity_id = stored.id;
    e.entity_version = 1;
    audit_.push_back(e);
    return stored;
}

template <class Change>
core::Result<Buyer> FakeBuyerStore::change(std::string_view identifier,
                                           std::int64_t expected_version, std::int64_t at_ms,
                                           const core::AuditEvent& event, Change apply) {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(rows_.begin(), rows_.end(),
                           [&](const Buyer& b) { return b.identifier == identifier; });
    if (it == rows_.end()) {
        return core::not_found("buyer_not_found", "no buyer " + std::string(identifier));
    }
    if (it->version != expected_version) {
        return core::conflict("stale_version", "buyer is at version " + std::to_string(it->version),
                              "version");
    }
    Buyer after = *it;
    PROCURA_TRY(apply(after));
    after.version += 1;
    after.updated_at_ms = at_ms;
    *it = after;
    core::AuditEvent e = event;
    e.entity_id = after.id;
    e.entity_version = after.version;
    audit_.push_back(e);
    return after;
}

core::Result<Buyer> FakeBuyerStore::update(const Buyer& b, std::int64_t expected_version,
                                           const core::AuditEvent& event) {
    return change(b.identifier, expected_version, b.updated_at_ms, event,
                  [&](Buyer& row) -> core::Status {
                      row.legal_name = b.legal_name;
                      row.address = b.address;
                      return {};
                  });
}

core::Result<Buyer> FakeBuyerStore::add_officer(std::string_view identifier,
                                                std::int64_t expected_version, core::UserId user,
                                                std::int64_t at_ms, const core::AuditEvent& event) {
    return change(identifier, expected_version, at_ms, event, [&](Buyer& row) -> core::Status {
        auto at = std::lower_bound(row.officers.begin(), row.officers.end(), user);
        if (at != row.officers.end() && *at == user) {
            return core::conflict("already_member", "already an officer", "user_id");
        }
        row.officers.insert(at, user);
        return {};
    });
}

core::Result<Buyer> FakeBuyerStore::remove_officer(std::string_view identifier,
                                                   std::int64_t expected_version, core::UserId user,
                                                   std::int64_t at_ms,
                                                   const core::AuditEvent& event) {
    return change(identifier, expected_version, at_ms, event, [&](Buyer& row) -> core::Status {
        if (std::erase(row.officers, user) == 0) {
            return core::not_found("not_member", "not an officer", "user_id");
        }
        return {};
    });
}

core::Result<std::optional<Buyer>> FakeBuyerStore::find(std::string_view identifier) {
    std::lock_guard lock(mutex_);
    for (const Buyer& b : rows_) {
        if (b.identifier == identifier) return std::optional<Buyer>{b};
    }
    return std::optional<Buyer>{};
}

core::Result<std::vector<Buyer>> FakeBuyerStore::list(std::int64_t after_id, std::size_t limit) {
    std::lock_guard lock(mutex_);
    std::vector<Buyer> out;
    for (const Buyer& b : rows_) {
        if (b.id > after_id && out.size() < limit) out.push_back(b);
    }
    return out;
}

core::Result<std::vector<std::string>> FakeBuyerStore::buyers_of(core::UserId user) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const Buyer& b : rows_) {
        if (std::binary_search(b.officers.begin(), b.officers.end(), user)) {
            out.push_back(b.identifier);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<core::AuditEvent> FakeBuyerStore::audit_events() {
    std::lock_guard lock(mutex_);
    return audit_;
}

}  // namespace procura::buyers
