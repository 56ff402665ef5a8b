// MySQLTenderStore: the MariaDB adapter of the tender storage port (tender/store.hpp), over the
// tables of db/migrations/0001_initial.sql (with the lot totals of 0002, and the lots' positions
// and each tender's highest lot number of 0013). It only stores and loads: no rules, no clock (list
// receives the instant as a parameter). Every value travels as a prepared-statement parameter;
// Connector/C++ exceptions stop here and become core::Error values (db/mysql_error.hpp).
// This header includes no Connector/C++ header, so app/ can wire it without them.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "db/pool.hpp"
#include "tender/store.hpp"

namespace procura::tender {

class MySQLTenderStore final : public TenderStore {
public:
    // pool must outlive the store. The schema must be migrated (db::migrate).
    explicit MySQLTenderStore(db::ConnectionPool& pool);

    // Runs fn in one READ COMMITTED transaction; reruns it after a deadlock (db::RetryPolicy
    // defaults), so fn must be safe to run again. load_for_update takes SELECT ... FOR UPDATE
    // on the tender row.
    core::Status in_transaction(const std::function<core::Status(TenderTransaction&)>& fn) override;

    // Reads the row and its children in one consistent snapshot.
    core::Result<std::optional<Tender>> find(TenderId id) override;
    core::Result<std::optional<std::int64_t>> find_version(TenderId id) override;
    core::Result<std::map<TenderId, std::int64_t>> find_versions(
        const std::vector<TenderId>& ids) override;

    // One query over tenders alone, walking the (state, id) index backwards: lot_count and
    // total_budget_minor are columns of the tender row (migration 0002), kept equal to the
    // lots by insert_tender and update_tender.
    core::Result<std::vector<TenderSummary>> list(const TenderListQuery& query) override;

    core::Result<std::optional<DocumentContent>> read_document(TenderId tender,
                                                               DocumentId document) override;

    core::Result<std::vector<core::StoredAuditEvent>> audit_trail(std::string_view entity_type,
                                                                  std::int64_t entity_id) override;

private:
    db::ConnectionPool& pool_;
};

}  // namespace procura::tender
