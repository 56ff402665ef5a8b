// FaultyLogStore: the audit log's store port (ledger/log.hpp, with NodeReader's read) forwarded
// to a wrapped store through a FaultPlan (fault_injection.hpp). One header per port, so that a
// test compiles only the ports it wraps. Thread-safe as the wrapped store is.
#pragma once

#include <type_traits>

#include "ledger/log.hpp"
#include "tests/support/fault_injection.hpp"

namespace procura::testing {

class FaultyLogStore final : public ledger::LogStore {
public:
    // inner and plan must outlive this.
    FaultyLogStore(ledger::LogStore& inner, FaultPlan& plan) : inner_(inner), plan_(plan) {}

    core::Result<std::vector<ledger::Hash>> read(const std::vector<ledger::NodeId>& ids) override {
        return plan_.call("read", [&] { return inner_.read(ids); });
    }
    core::Result<std::optional<ledger::SignedTreeHead>> latest_head() override {
        return plan_.call("latest_head", [&] { return inner_.latest_head(); });
    }
    core::Result<std::vector<core::StoredAuditEvent>> events(std::uint64_t start,
                                                             std::size_t limit) override {
        return plan_.call("events", [&] { return inner_.events(start, limit); });
    }
    core::Status integrate(const std::vector<std::pair<ledger::NodeId, ledger::Hash>>& nodes,
                           const ledger::SignedTreeHead& head,
                           std::uint64_t previous_size) override {
        return plan_.call("integrate",
                          [&] { return inner_.integrate(nodes, head, previous_size); });
    }
    core::Result<std::optional<std::uint64_t>> leaf_index(const ledger::Hash& leaf) override {
        return plan_.call("leaf_index", [&] { return inner_.leaf_index(leaf); });
    }

private:
    ledger::LogStore& inner_;
    FaultPlan& plan_;
};

static_assert(!std::is_abstract_v<FaultyLogStore>);

}  // namespace procura::testing
