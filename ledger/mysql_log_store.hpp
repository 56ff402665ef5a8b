// MySQLLogStore: the MariaDB adapter of the audit log's storage port (ledger/log.hpp), over
// log_nodes and log_heads (db/migrations/0004_log.sql) and the audit_events rows. Node reads
// are one query per call, whatever the number of ids. This header includes no Connector/C++
// header.
#pragma once

#include "db/pool.hpp"
#include "ledger/log.hpp"

namespace procura::ledger {

class MySQLLogStore final : public LogStore {
public:
    // pool must outlive the store. The schema must be migrated (db::migrate).
    explicit MySQLLogStore(db::ConnectionPool& pool) : pool_(pool) {}

    core::Result<std::vector<Hash>> read(const std::vector<NodeId>& ids) override;
    core::Result<std::optional<SignedTreeHead>> latest_head() override;
    core::Result<std::vector<core::StoredAuditEvent>> events(std::uint64_t start,
                                                             std::size_t limit) override;
    core::Status integrate(const std::vector<std::pair<NodeId, Hash>>& nodes,
                           const SignedTreeHead& head, std::uint64_t previous_size) override;
    core::Result<std::optional<std::uint64_t>> leaf_index(const Hash& leaf) override;

private:
    db::ConnectionPool& pool_;
};

}  // namespace procura::ledger
