// FaultyAwardStore: the awards store port (settlement/awards/store.hpp) forwarded to a wrapped
// store through a FaultPlan (fault_injection.hpp), and FaultyAwardTransaction, the same for the
// calls made inside its transactions. One header per port, so that a test compiles only the
// ports it wraps. Thread-safe as the wrapped store is.
#pragma once

#include <type_traits>

#include "settlement/awards/store.hpp"
#include "tests/support/fault_injection.hpp"

namespace procura::testing {

class FaultyAwardTransaction final : public settlement::awards::AwardTransaction {
public:
    FaultyAwardTransaction(settlement::awards::AwardTransaction& inner, FaultPlan& plan)
        : inner_(inner), plan_(plan) {}

    core::Result<settlement::awards::TenderRecords> load() override {
        return plan_.call("load", [&] { return inner_.load(); });
    }
    core::Status insert_declaration(const settlement::awards::Declaration& declaration) override {
        return plan_.call("insert_declaration",
                          [&] { return inner_.insert_declaration(declaration); });
    }
    core::Status withdraw_member(const settlement::awards::Declaration& declaration) override {
        return plan_.call("withdraw_member", [&] { return inner_.withdraw_member(declaration); });
    }
    core::Status insert_scores(
        const std::vector<settlement::awards::TechnicalScore>& scores) override {
        return plan_.call("insert_scores", [&] { return inner_.insert_scores(scores); });
    }
    core::Status insert_evaluation(const settlement::awards::Evaluation& evaluation) override {
        return plan_.call("insert_evaluation",
                          [&] { return inner_.insert_evaluation(evaluation); });
    }
    core::Result<std::int64_t> insert_award(const settlement::awards::Award& award) override {
        return plan_.call("insert_award", [&] { return inner_.insert_award(award); });
    }
    core::Status update_award(const settlement::awards::Award& award) override {
        return plan_.call("update_award", [&] { return inner_.update_award(award); });
    }
    core::Result<std::int64_t> insert_contract(
        const settlement::awards::Contract& contract) override {
        return plan_.call("insert_contract", [&] { return inner_.insert_contract(contract); });
    }
    core::Status accept_milestone(std::int64_t contract_id, std::int64_t number,
                                  core::UserId proposed_by, core::UserId by,
                                  std::int64_t at_ms) override {
        return plan_.call("accept_milestone", [&] {
            return inner_.accept_milestone(contract_id, number, proposed_by, by, at_ms);
        });
    }
    core::Result<std::int64_t> insert_decision(
        const settlement::awards::Decision& decision) override {
        return plan_.call("insert_decision", [&] { return inner_.insert_decision(decision); });
    }
    core::Status update_decision(const settlement::awards::Decision& decision) override {
        return plan_.call("update_decision", [&] { return inner_.update_decision(decision); });
    }
    core::Status insert_closure(const settlement::awards::LotClosure& closure) override {
        return plan_.call("insert_closure", [&] { return inner_.insert_closure(closure); });
    }
    core::Status append_audit(const std::vector<core::AuditEvent>& events) override {
        return plan_.call("append_audit", [&] { return inner_.append_audit(events); });
    }

private:
    settlement::awards::AwardTransaction& inner_;
    FaultPlan& plan_;
};

class FaultyAwardStore final : public settlement::awards::AwardStore {
public:
    // inner and plan must outlive this.
    FaultyAwardStore(settlement::awards::AwardStore& inner, FaultPlan& plan)
        : inner_(inner), plan_(plan) {}

    core::Status in_transaction(
        std::int64_t tender_id,
        const std::function<core::Status(settlement::awards::AwardTransaction&)>& fn) override {
        return plan_.call_transaction("in_transaction", [&](const std::optional<core::Error>& c) {
            return inner_.in_transaction(tender_id, [&](settlement::awards::AwardTransaction& tx) {
                return faulty_body<FaultyAwardTransaction>(plan_, tx, fn, c);
            });
        });
    }
    core::Result<settlement::awards::TenderRecords> read(std::int64_t tender_id) override {
        return plan_.call("read", [&] { return inner_.read(tender_id); });
    }
    core::Result<std::optional<std::int64_t>> tender_of_award(std::int64_t award_id) override {
        return plan_.call("tender_of_award", [&] { return inner_.tender_of_award(award_id); });
    }
    core::Result<std::optional<std::int64_t>> tender_of_contract(
        std::int64_t contract_id) override {
        return plan_.call("tender_of_contract",
                          [&] { return inner_.tender_of_contract(contract_id); });
    }
    core::Result<std::optional<std::int64_t>> tender_of_decision(
        std::int64_t decision_id) override {
        return plan_.call("tender_of_decision",
                          [&] { return inner_.tender_of_decision(decision_id); });
    }

private:
    settlement::awards::AwardStore& inner_;
    FaultPlan& plan_;
};

static_assert(!std::is_abstract_v<FaultyAwardTransaction>);
static_assert(!std::is_abstract_v<FaultyAwardStore>);

}  // namespace procura::testing
