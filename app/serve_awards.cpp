// The evaluation, award and contract service of `procura serve`. Being built: none yet.
#include "app/settlement_wiring.hpp"

namespace procura::app {

core::Result<std::shared_ptr<settlement::AwardService>> make_award_service(
    const SettlementWiring&) {
    return std::shared_ptr<settlement::AwardService>();
}

}  // namespace procura::app
