// The use cases the HTTP API serves (web/api.hpp): references to the services that `procura
// serve` (app/serve_command.cpp) wires to their real stores. Optional services are pointers:
// a server started without the platform keys, say, answers their routes with 503.
#pragma once

#include <functional>
#include <string>

#include "auth/service.hpp"
#include "bidding/service.hpp"
#include "buyers/service.hpp"
#include "core/result.hpp"
#include "ledger/log.hpp"
#include "lifecycle/service.hpp"
#include "pki/service.hpp"
#include "settlement/awards/service.hpp"
#include "settlement/batches/service.hpp"
#include "signing/tsa.hpp"
#include "suppliers/service.hpp"
#include "tender/service.hpp"

namespace procura::web {

// The platform's public keys and its time-stamp authority, when `procura keys init` has made
// them and the server was given the key directory.
struct PublicKeyInfrastructure {
    const signing::TimeStampAuthority& tsa;
    std::string ca_pem;
    std::string tsa_pem;
};

// The audit log's public reads, its health for /metrics, and the key its heads are signed with.
struct LogAccess {
    ledger::LogQueries& queries;
    const ledger::LogHealth& health;
    std::string public_key_pem;
};

// The referenced services must outlive the Api that is given them.
struct Services {
    auth::AuthService& auth;
    tender::TenderService& tenders;
    // Publication and the status after the deadline, across tenders, bidding and awards.
    lifecycle::TenderLifecycle& lifecycle;
    std::function<core::Status()> readiness;  // DB ping for /readyz; runs on a worker thread
    // Absent: POST /tsa and /api/v1/pki/* answer 503 pki_not_initialised.
    const PublicKeyInfrastructure* pki = nullptr;
    // Absent (no CA key loaded): the certificate routes answer 503 pki_not_initialised.
    pki::CertificateService* certificates = nullptr;
    // Absent (no log key loaded): the /api/v1/log routes answer 503 log_not_initialised.
    const LogAccess* log = nullptr;
    // Absent (no platform keys): the bid and opening routes answer 503 pki_not_initialised.
    bidding::BiddingService* bidding = nullptr;
    // Absent: the supplier registry routes answer 503.
    suppliers::SupplierService* suppliers = nullptr;
    // Absent: the evaluation, award and contract routes (web/api_awards.cpp) answer 503.
    settlement::awards::AwardService* awards = nullptr;
    // Absent: the settlement batch routes (web/api_settlement.cpp) answer 503.
    settlement::batches::BatchService* batches = nullptr;
    // Absent: the buyer organisation routes (web/api_buyers.cpp) answer 503.
    buyers::BuyerService* buyers = nullptr;
};

}  // namespace procura::web
