// The settlement batch service of `procura serve`. Being built: none yet.
#include "app/settlement_wiring.hpp"

namespace procura::app {

core::Result<std::shared_ptr<settlement::BatchService>> make_batch_service(
    const SettlementWiring&, settlement::AwardService*) {
    return std::shared_ptr<settlement::BatchService>();
}

}  // namespace procura::app
