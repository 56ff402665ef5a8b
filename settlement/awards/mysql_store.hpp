// MySQLAwardStore: the MariaDB adapter of the award storage port (settlement/awards/store.hpp),
// over the tables of db/migrations/0008_awards.sql (with 0010 and 0016: the four-eyes
// decisions, their statements in mysql_decisions.cpp) and the opening record of 0007. A change
// locks the tender's row (tenders, FOR UPDATE) first, then reads, writes and appends its audit
// events in the same transaction. This header includes no Connector/C++ header.
#pragma once

#include "db/pool.hpp"
#include "settlement/awards/store.hpp"

namespace procura::settlement::awards {

class MySQLAwardStore final : public AwardStore {
public:
    explicit MySQLAwardStore(db::ConnectionPool& pool) : pool_(pool) {}

    core::Status in_transaction(std::int64_t tender_id,
                                const std::function<core::Status(AwardTransaction&)>& fn) override;
    core::Result<TenderRecords> read(std::int64_t tender_id) override;
    core::Result<std::optional<std::int64_t>> tender_of_award(std::int64_t award_id) override;
    core::Result<std::optional<std::int64_t>> tender_of_contract(std::int64_t contract_id) override;
    core::Result<std::optional<std::int64_t>> tender_of_decision(std::int64_t decision_id) override;

private:
    db::ConnectionPool& pool_;
};

}  // namespace procura::settlement::awards
