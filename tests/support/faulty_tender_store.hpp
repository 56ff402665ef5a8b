// FaultyTenderStore: the tender store port (tender/store.hpp) forwarded to a wrapped store
// through a FaultPlan (fault_injection.hpp), and FaultyTenderTransaction, the same for the calls
// made inside its transactions. One header per port, so that a test compiles only the ports it
// wraps. Thread-safe as the wrapped store is.
#pragma once

#include <type_traits>

#include "tender/store.hpp"
#include "tests/support/fault_injection.hpp"

namespace procura::testing {

class FaultyTenderTransaction final : public tender::TenderTransaction {
public:
    FaultyTenderTransaction(tender::TenderTransaction& inner, FaultPlan& plan)
        : inner_(inner), plan_(plan) {}

    core::Result<tender::Tender> load_for_update(tender::TenderId id) override {
        return plan_.call("load_for_update", [&] { return inner_.load_for_update(id); });
    }
    core::Result<tender::TenderId> insert_tender(const tender::Tender& t) override {
        return plan_.call("insert_tender", [&] { return inner_.insert_tender(t); });
    }
    core::Status update_tender(const tender::Tender& t) override {
        return plan_.call("update_tender", [&] { return inner_.update_tender(t); });
    }
    core::Status insert_amendment(tender::TenderId id, const tender::Amendment& a) override {
        return plan_.call("insert_amendment", [&] { return inner_.insert_amendment(id, a); });
    }
    core::Result<tender::QuestionId> insert_question(const tender::Question& q) override {
        return plan_.call("insert_question", [&] { return inner_.insert_question(q); });
    }
    core::Status update_question(const tender::Question& q) override {
        return plan_.call("update_question", [&] { return inner_.update_question(q); });
    }
    core::Result<tender::DocumentId> insert_document(tender::TenderId id,
                                                     const tender::DocumentMeta& meta,
                                                     std::string_view bytes) override {
        return plan_.call("insert_document",
                          [&] { return inner_.insert_document(id, meta, bytes); });
    }
    core::Status append_audit(const core::AuditEvent& event) override {
        return plan_.call("append_audit", [&] { return inner_.append_audit(event); });
    }

private:
    tender::TenderTransaction& inner_;
    FaultPlan& plan_;
};

class FaultyTenderStore final : public tender::TenderStore {
public:
    // inner and plan must outlive this.
    FaultyTenderStore(tender::TenderStore& inner, FaultPlan& plan) : inner_(inner), plan_(plan) {}

    core::Status in_transaction(
        const std::function<core::Status(tender::TenderTransaction&)>& fn) override {
        return plan_.call_transaction("in_transaction", [&](const std::optional<core::Error>& c) {
            return inner_.in_transaction([&](tender::TenderTransaction& tx) {
                return faulty_body<FaultyTenderTransaction>(plan_, tx, fn, c);
            });
        });
    }
    core::Result<std::optional<tender::Tender>> find(tender::TenderId id) override {
        return plan_.call("find", [&] { return inner_.find(id); });
    }
    core::Result<std::optional<std::int64_t>> find_version(tender::TenderId id) override {
        return plan_.call("find_version", [&] { return inner_.find_version(id); });
    }
    core::Result<std::map<tender::TenderId, std::int64_t>> find_versions(
        const std::vector<tender::TenderId>& ids) override {
        return plan_.call("find_versions", [&] { return inner_.find_versions(ids); });
    }
    core::Result<std::vector<tender::TenderSummary>> list(
        const tender::TenderListQuery& query) override {
        return plan_.call("list", [&] { return inner_.list(query); });
    }
    core::Result<std::optional<tender::DocumentContent>> read_document(
        tender::TenderId tender, tender::DocumentId document) override {
        return plan_.call("read_document", [&] { return inner_.read_document(tender, document); });
    }
    core::Result<std::vector<core::StoredAuditEvent>> audit_trail(std::string_view entity_type,
                                                                  std::int64_t entity_id) override {
        return plan_.call("audit_trail",
                          [&] { return inner_.audit_trail(entity_type, entity_id); });
    }

private:
    tender::TenderStore& inner_;
    FaultPlan& plan_;
};

static_assert(!std::is_abstract_v<FaultyTenderTransaction>);
static_assert(!std::is_abstract_v<FaultyTenderStore>);

}  // namespace procura::testing
