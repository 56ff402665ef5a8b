// The evaluation, award and contract service of `procura serve`, over its MariaDB store. The
// standstill period of awards is 10 days; the environment variable PROCURA_STANDSTILL_MS (a
// non-negative integer of milliseconds) replaces it, for demonstrations and end-to-end tests
// (docs/awards.md).
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>

#include "app/settlement_wiring.hpp"
#include "settlement/awards/mysql_store.hpp"
#include "settlement/awards/service.hpp"

namespace procura::app {
namespace {

// The service and the store it uses, kept alive together.
struct AwardHolder {
    settlement::awards::MySQLAwardStore store;
    settlement::awards::AwardService service;
    AwardHolder(const SettlementWiring& wiring, const settlement::awards::AwardLimits& limits)
        : store(wiring.pool), service({store, wiring.tenders, wiring.clock}, limits) {}
};

// Ten years: awarded_at_ms + standstill_ms stays far from the int64 range.
constexpr long long standstill_ms_max = 3650LL * core::ms_per_day;

core::Result<settlement::awards::AwardLimits> award_limits() {
    settlement::awards::AwardLimits limits;
    const char* standstill = std::getenv("PROCURA_STANDSTILL_MS");
    if (standstill != nullptr && *standstill != '\0') {
        errno = 0;
        char* end = nullptr;
        const long long value = std::strtoll(standstill, &end, 10);
        if (errno != 0 || end == standstill || *end != '\0' || value < 0 ||
            value > standstill_ms_max) {
            return core::bad_request("invalid_standstill",
                                     "PROCURA_STANDSTILL_MS must be an integer of milliseconds "
                                     "from 0 to " +
                                         std::to_string(standstill_ms_max),
                                     "PROCURA_STANDSTILL_MS");
        }
        limits.standstill_ms = value;
    }
    return limits;
}

}  // namespace

core::Result<std::shared_ptr<settlement::awards::AwardService>> make_award_service(
    const SettlementWiring& wiring) {
    PROCURA_TRY_ASSIGN(auto limits, award_limits());
    auto holder = std::make_shared<AwardHolder>(wiring, limits);
    return std::shared_ptr<settlement::awards::AwardService>(holder, &holder->service);
}

}  // namespace procura::app
