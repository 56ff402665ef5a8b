// FakeTenderStore: an in-memory TenderStore honouring the port's contract (tender/store.hpp),
// for fast service tests. Transactions are serialised by one mutex and roll back by restoring a
// snapshot, so a failed transaction leaves nothing behind, as in MariaDB.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tender/store.hpp"

namespace procura::tender {

class FakeTenderStore final : public TenderStore {
public:
    core::Status in_transaction(const std::function<core::Status(TenderTransaction&)>& fn) override;
    core::Result<std::optional<Tender>> find(TenderId id) override;
    core::Result<std::vector<TenderSummary>> list(const TenderListQuery& query) override;
    core::Result<std::optional<DocumentContent>> read_document(TenderId tender,
                                                               DocumentId document) override;
    core::Result<std::vector<core::StoredAuditEvent>> audit_trail(std::string_view entity_type,
                                                                  std::int64_t entity_id) override;

    // Test inspection: every audit event, ascending seq.
    std::vector<core::StoredAuditEvent> all_audit_events();

    struct State {
        std::map<TenderId, Tender> tenders;
        std::map<DocumentId, std::string> document_bytes;
        std::vector<core::StoredAuditEvent> audit;
        TenderId next_tender_id = 1;
        DocumentId next_document_id = 1;
        QuestionId next_question_id = 1;
    };

private:
    std::mutex mutex_;
    State state_;
};

}  // namespace procura::tender
