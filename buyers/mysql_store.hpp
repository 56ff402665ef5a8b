// MySQLBuyerStore: the MariaDB adapter of the buyer store port (buyers/store.hpp), over the
// buyers and buyer_officers tables of db/migrations/0018_buyer_organisations.sql. Each change
// locks the buyer's row, checks its version, writes, raises the version and appends its audit
// event in one transaction. This header includes no Connector/C++ header.
#pragma once

#include <functional>

#include "buyers/store.hpp"
#include "db/pool.hpp"
#include "db/transaction.hpp"

namespace procura::buyers {

class MySQLBuyerStore final : public BuyerStore {
public:
    // pool must outlive the store. The schema must be migrated (db::migrate).
    explicit MySQLBuyerStore(db::ConnectionPool& pool);

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

private:
    // One change of identifier's buyer: lock its row, check expected_version, run write on a
    // copy of the locked buyer (it writes its rows and brings the copy up to date), raise the
    // version, append event. Returns the buyer as it is afterwards.
    core::Result<Buyer> change(const char* operation, std::string_view identifier,
                               std::int64_t expected_version, std::int64_t at_ms,
                               const core::AuditEvent& event,
                               const std::function<core::Status(db::Transaction&, Buyer&)>& write);

    db::ConnectionPool& pool_;
};

}  // namespace procura::buyers
