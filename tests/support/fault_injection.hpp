// Fault injection for the store ports, after LevelDB's FaultInjectionTestEnv: a test programs a
// FaultPlan with rules, and a Faulty*Store wrapper forwards every call of its port to a wrapped
// store (usually the fake) through the plan. A rule makes chosen calls of one method, or of
// every method, fail as a database failure reaches the caller (before the store did anything,
// at the commit, or after the store did the work and the reply was lost), deadlock once, or run
// slowly; the errors are those db::to_error makes of the real MariaDB failures. The wrappers
// live one header per port (faulty_<port>_store.hpp) so that a test compiles only the modules
// it wraps. Test code only: nothing in the product may link it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/assert.hpp"
#include "core/result.hpp"

namespace procura::testing {

enum class FaultKind {
    // The call never reaches the wrapped store: nothing is done, and the caller gets the error
    // of a lost connection.
    fail_before,
    // The call's writes are not kept and the caller gets the error of a COMMIT that failed (a
    // lost connection: MariaDB reports nothing better). A port method that runs the caller's
    // function in a transaction (in_transaction) runs it and then fails the transaction from
    // inside, so that the wrapped store rolls it back; any other method is atomic on its own,
    // so the call is not forwarded at all.
    fail_commit,
    // The wrapped store does the work, then the caller gets the error of a lost connection: the
    // reply was lost, the case that exactly-once code must survive.
    fail_after,
    // The call is not forwarded and the caller gets the error a MariaDB deadlock maps to
    // (conflict "retry"). Once: a deadlock rule hits one call, later calls go through. The
    // MariaDB stores rerun a deadlocked transaction themselves (db/transaction.hpp); this is for
    // the code that must cope when one escapes all the same.
    deadlock,
    // The call sleeps for the rule's delay, then goes through.
    slow,
};

// The error a lost connection (or a COMMIT lost with it) reaches the caller as: unavailable
// "db_unavailable", worded as db::to_error words it.
core::Error lost_connection_error();
// The error a deadlock or lock-wait time-out maps to: conflict "retry" (db::is_retry).
core::Error deadlock_error();

struct FaultRule {
    // A method's name as the port spells it ("insert_bids"), or FaultPlan::every_method.
    std::string method;
    FaultKind kind = FaultKind::fail_before;
    // The rule counts the calls of method made after it was added, and hits calls number nth
    // to nth + times - 1 of them (nth = 1: the next call). times may be FaultPlan::always.
    std::size_t nth = 1;
    std::size_t times = 1;
    std::chrono::milliseconds delay{0};  // slow only
};

// A thread-safe list of rules and a count of calls per method. When several rules hit one call,
// the first added wins; every matching rule counts the call all the same. A failing rule skips
// the few port methods that cannot report an error (BatchStore::executing_guard): those are
// counted, and slowed by a slow rule, but never failed.
class FaultPlan {
public:
    static constexpr std::string_view every_method = "*";
    static constexpr std::size_t always = std::numeric_limits<std::size_t>::max();

    // Adds a rule. Precondition: nth >= 1, times >= 1; a deadlock rule has times == 1.
    void add(FaultRule rule);
    void fail_before(std::string method, std::size_t nth = 1, std::size_t times = 1);
    void fail_commit(std::string method, std::size_t nth = 1, std::size_t times = 1);
    void fail_after(std::string method, std::size_t nth = 1, std::size_t times = 1);
    void deadlock_once(std::string method, std::size_t nth = 1);
    void slow(std::string method, std::chrono::milliseconds delay, std::size_t nth = 1,
              std::size_t times = 1);
    // Removes every rule (the counts stay).
    void clear();

    // How many calls of method were made through the plan, hit by a rule or not.
    std::size_t calls(std::string_view method) const;
    // How many calls of method a rule hit (slow ones included).
    std::size_t injected(std::string_view method) const;

    // Runs one call of a port method: forward() (which calls the wrapped store and returns its
    // core::Result or core::Status) unless a rule hits the call, then as the rule's kind says.
    template <class Forward>
    std::invoke_result_t<Forward&> call(std::string_view method, Forward&& forward);

    // The same for a method that runs the caller's function in one transaction. run(commit)
    // forwards the call; commit, when set, is the error the body must return after the caller's
    // function succeeded (faulty_body), so that the wrapped store rolls the transaction back.
    template <class Run>
    core::Status call_transaction(std::string_view method, Run&& run);

    // The same for a method that cannot report an error: counted, slowed, never failed.
    template <class Forward>
    std::invoke_result_t<Forward&> call_infallible(std::string_view method, Forward&& forward);

private:
    struct ActiveRule {
        FaultRule rule;
        std::size_t seen = 0;  // matching calls since the rule was added
    };
    struct Decision {
        std::optional<FaultKind> kind;  // nullopt: no rule hit the call
        std::chrono::milliseconds delay{0};
    };

    // Counts a call of method and returns the fault of the first rule that hits it.
    Decision decide(std::string_view method, bool can_fail);

    mutable std::mutex mutex_;
    std::vector<ActiveRule> rules_;
    std::map<std::string, std::size_t, std::less<>> calls_;
    std::map<std::string, std::size_t, std::less<>> injected_;
};

template <class Forward>
std::invoke_result_t<Forward&> FaultPlan::call(std::string_view method, Forward&& forward) {
    using R = std::invoke_result_t<Forward&>;
    const Decision d = decide(method, true);
    if (!d.kind) return forward();
    switch (*d.kind) {
        case FaultKind::slow:
            std::this_thread::sleep_for(d.delay);
            return forward();
        case FaultKind::fail_after: {
            const R done = forward();  // whatever the store answered, the caller never sees it
            static_cast<void>(done);
            break;
        }
        case FaultKind::deadlock:
            return R(deadlock_error());
        case FaultKind::fail_before:
        case FaultKind::fail_commit:
            break;
    }
    return R(lost_connection_error());
}

template <class Run>
core::Status FaultPlan::call_transaction(std::string_view method, Run&& run) {
    const Decision d = decide(method, true);
    if (!d.kind) return run(std::optional<core::Error>{});
    switch (*d.kind) {
        case FaultKind::slow:
            std::this_thread::sleep_for(d.delay);
            return run(std::optional<core::Error>{});
        case FaultKind::fail_commit:
            return run(std::optional<core::Error>{lost_connection_error()});
        case FaultKind::fail_after: {
            const core::Status done = run(std::optional<core::Error>{});
            static_cast<void>(done);
            break;
        }
        case FaultKind::deadlock:
            return deadlock_error();
        case FaultKind::fail_before:
            break;
    }
    return lost_connection_error();
}

template <class Forward>
std::invoke_result_t<Forward&> FaultPlan::call_infallible(std::string_view method,
                                                          Forward&& forward) {
    const Decision d = decide(method, false);
    if (d.kind) {
        PROCURA_ASSERT(*d.kind == FaultKind::slow);
        std::this_thread::sleep_for(d.delay);
    }
    return forward();
}

// The body a transactional wrapper hands to its wrapped store: fn over a FaultyTransaction
// view of the store's transaction (so that the plan sees the calls made inside it too), then
// commit_fault if it is set.
template <class FaultyTransaction, class Transaction>
core::Status faulty_body(FaultPlan& plan, Transaction& transaction,
                         const std::function<core::Status(Transaction&)>& fn,
                         const std::optional<core::Error>& commit_fault) {
    FaultyTransaction faulty(transaction, plan);
    PROCURA_TRY(fn(faulty));
    if (commit_fault) return *commit_fault;
    return {};
}

}  // namespace procura::testing
