// The settlement services of `procura serve`: evaluation, awards and contracts
// (app/serve_awards.cpp) and settlement batches (app/serve_batches.cpp), made from the adapters
// run_serve already holds. Each factory returns its service (which may keep its own stores
// inside) or the error that stops the server from starting.
#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"

namespace procura::core {
class Clock;
}
namespace procura::db {
class ConnectionPool;
}
namespace procura::auth {
class AuthService;
}
namespace procura::tender {
class TenderStore;
}
namespace procura::money {
class LedgerService;
}
namespace procura::settlement::awards {
class AwardService;
}
namespace procura::settlement::batches {
class BatchService;
}  // namespace procura::settlement::batches

namespace procura::app {

struct SettlementWiring {
    db::ConnectionPool& pool;
    const core::Clock& clock;
    auth::AuthService& auth;
    tender::TenderStore& tenders;
    money::LedgerService& ledger;
    std::string pain001_xsd;  // path of the pain.001.001.09 XSD (configuration)
};

// Defined in app/serve_awards.cpp.
core::Result<std::shared_ptr<settlement::awards::AwardService>> make_award_service(
    const SettlementWiring& wiring);

// Defined in app/serve_batches.cpp. awards may be null.
core::Result<std::shared_ptr<settlement::batches::BatchService>> make_batch_service(
    const SettlementWiring& wiring, settlement::awards::AwardService* awards);

}  // namespace procura::app
