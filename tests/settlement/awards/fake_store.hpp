// FakeAwardStore: an in-memory AwardStore honouring the port's contract
// (settlement/awards/store.hpp), for the service tests. Transactions are serialised by one mutex
// and work on a copy that replaces the state only when the function succeeds, so a refused or
// failed change leaves nothing behind, as in MariaDB. The opening record is set by the test.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "settlement/awards/store.hpp"

namespace procura::settlement::awards {

class FakeAwardStore final : public AwardStore {
public:
    core::Status in_transaction(std::int64_t tender_id,
                                const std::function<core::Status(AwardTransaction&)>& fn) override;
    core::Result<TenderRecords> read(std::int64_t tender_id) override;
    core::Result<std::optional<std::int64_t>> tender_of_award(std::int64_t award_id) override;
    core::Result<std::optional<std::int64_t>> tender_of_contract(std::int64_t contract_id) override;
    core::Result<std::optional<std::int64_t>> tender_of_decision(std::int64_t decision_id) override;

    // Test set-up: the tender exists (may be locked) and has this opening record.
    void add_tender(std::int64_t tender_id);
    void set_opening(std::int64_t tender_id, std::int64_t opened_at_ms,
                     std::vector<OpenedBid> bids);
    // Test inspection: every audit event appended, in order.
    std::vector<core::AuditEvent> audit();

    struct State {
        std::map<std::int64_t, TenderRecords> tenders;
        std::vector<core::AuditEvent> audit;
        std::int64_t next_award_id = 1;
        std::int64_t next_contract_id = 1;
        std::int64_t next_milestone_id = 1;
        std::int64_t next_decision_id = 1;
    };

private:
    std::mutex mutex_;
    State state_;
};

}  // namespace procura::settlement::awards
