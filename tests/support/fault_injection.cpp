#include "tests/support/fault_injection.hpp"

#include <string>
#include <utility>

// For the error codes only (inline constants): the injected errors carry exactly the codes the
// db module gives real failures. The self-test compares them with db::to_error's errors in
// full (tests/support/fault_injection_test.cpp).
#include "db/mysql_error.hpp"

namespace procura::testing {

core::Error lost_connection_error() {
    return core::unavailable(std::string(db::error_code_unavailable),
                             "the database is unavailable; please try again later");
}

core::Error deadlock_error() {
    return core::conflict(std::string(db::error_code_retry),
                          "the database detected a conflicting concurrent change");
}

void FaultPlan::add(FaultRule rule) {
    PROCURA_ASSERT(rule.nth >= 1 && rule.times >= 1);
    PROCURA_ASSERT(rule.kind != FaultKind::deadlock || rule.times == 1);
    std::lock_guard lock(mutex_);
    rules_.push_back(ActiveRule{std::move(rule)});
}

void FaultPlan::fail_before(std::string method, std::size_t nth, std::size_t times) {
    add(FaultRule{std::move(method), FaultKind::fail_before, nth, times});
}

void FaultPlan::fail_commit(std::string method, std::size_t nth, std::size_t times) {
    add(FaultRule{std::move(method), FaultKind::fail_commit, nth, times});
}

void FaultPlan::fail_after(std::string method, std::size_t nth, std::size_t times) {
    add(FaultRule{std::move(method), FaultKind::fail_after, nth, times});
}

void FaultPlan::deadlock_once(std::string method, std::size_t nth) {
    add(FaultRule{std::move(method), FaultKind::deadlock, nth, 1});
}

void FaultPlan::slow(std::string method, std::chrono::milliseconds delay, std::size_t nth,
                     std::size_t times) {
    add(FaultRule{std::move(method), FaultKind::slow, nth, times, delay});
}

void FaultPlan::clear() {
    std::lock_guard lock(mutex_);
    rules_.clear();
}

std::size_t FaultPlan::calls(std::string_view method) const {
    std::lock_guard lock(mutex_);
    const auto found = calls_.find(method);
    return found == calls_.end() ? 0 : found->second;
}

std::size_t FaultPlan::injected(std::string_view method) const {
    std::lock_guard lock(mutex_);
    const auto found = injected_.find(method);
    return found == injected_.end() ? 0 : found->second;
}

FaultPlan::Decision FaultPlan::decide(std::string_view method, bool can_fail) {
    std::lock_guard lock(mutex_);
    ++calls_[std::string(method)];
    Decision decision;
    for (ActiveRule& active : rules_) {
        const FaultRule& r = active.rule;
        if (r.method != method && r.method != every_method) continue;
        if (!can_fail && r.kind != FaultKind::slow) continue;
        ++active.seen;
        // seen - nth, not seen < nth + times: times may be `always`.
        const bool hits = active.seen >= r.nth && active.seen - r.nth < r.times;
        if (hits && !decision.kind) {
            decision.kind = r.kind;
            decision.delay = r.delay;
        }
    }
    if (decision.kind) ++injected_[std::string(method)];
    return decision;
}

}  // namespace procura::testing
