// The settlement batch service of `procura serve`: the MariaDB batch store and a money store
// over the server's pool, owned together with the service by the shared pointer returned.
#include <memory>

#include "app/settlement_wiring.hpp"
#include "money/mysql_store.hpp"
#include "settlement/batches/mysql_store.hpp"
#include "settlement/batches/service.hpp"

namespace procura::app {
namespace {

struct BatchServiceHolder {
    BatchServiceHolder(const SettlementWiring& w)
        : store(w.pool), money(w.pool), service(store, money, w.clock, w.pain001_xsd) {}
    settlement::batches::MySQLBatchStore store;
    money::MySQLMoneyStore money;
    settlement::batches::BatchService service;
};

}  // namespace

core::Result<std::shared_ptr<settlement::batches::BatchService>> make_batch_service(
    const SettlementWiring& wiring, settlement::awards::AwardService*) {
    auto holder = std::make_shared<BatchServiceHolder>(wiring);
    // The aliasing constructor: the service pointer keeps the holder (and its stores) alive.
    return std::shared_ptr<settlement::batches::BatchService>(holder, &holder->service);
}

}  // namespace procura::app
