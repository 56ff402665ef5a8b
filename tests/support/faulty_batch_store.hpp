// FaultyBatchStore: the settlement batches store port (settlement/batches/store.hpp) forwarded
// to a wrapped store through a FaultPlan (fault_injection.hpp). executing_guard cannot report
// an error: it is counted and may be slowed, never failed (a failure of the guard shows as a
// failure of the money store's apply_batch that checks it). One header per port, so that a
// test compiles only the ports it wraps. Thread-safe as the wrapped store is.
#pragma once

#include <type_traits>

#include "settlement/batches/store.hpp"
#include "tests/support/fault_injection.hpp"

namespace procura::testing {

class FaultyBatchStore final : public settlement::batches::BatchStore {
public:
    // inner and plan must outlive this.
    FaultyBatchStore(settlement::batches::BatchStore& inner, FaultPlan& plan)
        : inner_(inner), plan_(plan) {}

    core::Result<settlement::batches::PrepareInput> load_candidates(
        std::int64_t cutoff_ms) override {
        return plan_.call("load_candidates", [&] { return inner_.load_candidates(cutoff_ms); });
    }
    core::Result<std::int64_t> insert_batch(const settlement::batches::Batch& batch,
                                            const core::AuditEvent& audit) override {
        return plan_.call("insert_batch", [&] { return inner_.insert_batch(batch, audit); });
    }
    core::Result<std::optional<settlement::batches::Batch>> find_batch(std::int64_t id,
                                                                       bool with_items) override {
        return plan_.call("find_batch", [&] { return inner_.find_batch(id, with_items); });
    }
    core::Result<std::vector<settlement::batches::Batch>> list_batches(std::size_t limit) override {
        return plan_.call("list_batches", [&] { return inner_.list_batches(limit); });
    }
    core::Status transition(std::int64_t id, settlement::batches::BatchState from,
                            const settlement::batches::Batch& updated,
                            const core::AuditEvent& audit) override {
        return plan_.call("transition",
                          [&] { return inner_.transition(id, from, updated, audit); });
    }
    core::Status cancel_batch(const settlement::batches::Batch& updated,
                              const core::AuditEvent& audit,
                              const std::optional<std::string>& first_transfer) override {
        return plan_.call("cancel_batch",
                          [&] { return inner_.cancel_batch(updated, audit, first_transfer); });
    }
    core::Result<bool> finish_execution(const settlement::batches::Batch& updated,
                                        const std::vector<settlement::batches::BankFile>& files,
                                        const core::AuditEvent& batch_audit,
                                        const std::vector<core::AuditEvent>& file_audits) override {
        return plan_.call("finish_execution", [&] {
            return inner_.finish_execution(updated, files, batch_audit, file_audits);
        });
    }
    core::Result<std::optional<settlement::batches::BankFile>> find_file(
        std::int64_t batch_id, std::int32_t number) override {
        return plan_.call("find_file", [&] { return inner_.find_file(batch_id, number); });
    }
    core::Result<settlement::batches::BuyerAccount> upsert_buyer_account(
        const settlement::batches::BuyerAccount& account, const core::AuditEvent& audit) override {
        return plan_.call("upsert_buyer_account",
                          [&] { return inner_.upsert_buyer_account(account, audit); });
    }
    core::Result<std::vector<settlement::batches::BuyerAccount>> list_buyer_accounts() override {
        return plan_.call("list_buyer_accounts", [&] { return inner_.list_buyer_accounts(); });
    }
    std::unique_ptr<money::PostingGuard> executing_guard(std::int64_t id) override {
        return plan_.call_infallible("executing_guard", [&] { return inner_.executing_guard(id); });
    }

private:
    settlement::batches::BatchStore& inner_;
    FaultPlan& plan_;
};

static_assert(!std::is_abstract_v<FaultyBatchStore>);

}  // namespace procura::testing
