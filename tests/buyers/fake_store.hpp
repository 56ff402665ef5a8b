// FakeBuyerStore: an in-memory BuyerStore honouring the port's contract (buyers/store.hpp), for
// service tests; the contract cases (tests/buyers/store_contract.hpp) run on it as on MariaDB.
#pragma once

#include <mutex>
#include <vector>

#include "buyers/store.hpp"

namespace procura::buyers {

class FakeBuyerStore final : public BuyerStore {
public:
    core::Result<Buyer> insert(const Buyer& b, const core::AuditEvent& event) override;
    core::Result<Buyer> update(const Buyer& b, std::int64_t expected_version,
                               const core::AuditEvent& event) override;
    core::Result<Buyer> add_officer(std::string_view identifier, std::int64_t expected_version,
                                    core::UserId user, std::int64_t at_ms,
                                    const core::AuditEvent& event) override;
    core::Result<Buyer> remove_officer(std::string_view identifier, std::int64_t expected_version,
                                       core::UserId user, std::int64_t at_ms,
                                       const core::AuditEvent& event) override;
    core::Result<std::optional<Buyer>> find(std::string_view identifier) override;
    core::Result<std::vector<Buyer>> list(std::int64_t after_id, std::size_t limit) override;
    core::Result<std::vector<std::string>> buyers_of(core::UserId user) override;

    // Test inspection: the events appended, in order.
    std::vector<core::AuditEvent> audit_events();

private:
    // The change of store.hpp: find, check the version, apply change to a copy, then keep it.
    template <class Change>
    core::Result<Buyer> change(std::string_view identifier, std::int64_t expected_version,
                               std::int64_t at_ms, const core::AuditEvent& event, Change apply);

    std::mutex mutex_;
    std::vector<Buyer> rows_;  // ascending id
    std::vector<core::AuditEvent> audit_;
};

}  // namespace procura::buyers
