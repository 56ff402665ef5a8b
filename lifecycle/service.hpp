// The use cases that span modules along a tender's life, so that no caller (the web layer, a
// command) sequences the services itself: publication, which needs bidding's opening key
// beside the tender's own rules, and the status a tender shows once its submission deadline
// has passed, which bidding (opened) and the awards (evaluated, awarded, complete,
// unsuccessful) decide. Holds no state; thread-safe as the services it calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/identity.hpp"
#include "core/result.hpp"
#include "tender/model.hpp"

namespace procura::tender {
class TenderService;
}
namespace procura::bidding {
class BiddingService;
}
namespace procura::settlement::awards {
class AwardService;
}

namespace procura::lifecycle {

// What a tender past its submission deadline has come to.
struct AfterDeadline {
    std::string status;  // "opened", "evaluated", "awarded", "complete" or "unsuccessful"
    std::int64_t opened_at_ms = 0;
};

class TenderLifecycle {
public:
    // tenders must outlive this; bidding and awards may be null (a server without platform
    // keys, or without the award service), and then their steps are left out.
    TenderLifecycle(tender::TenderService& tenders, bidding::BiddingService* bidding,
                    settlement::awards::AwardService* awards);

    // Publishes the draft. With bidding: what tender::TenderService::publish checks is checked
    // first (writing nothing), then every committee member must hold an active certificate
    // (422 "member_without_certificate") and the opening key is made, then the draft is
    // published at the version the key was made for (409 stale_version if it changed in
    // between). A published tender always has its opening key; reading it writes nothing.
    core::Result<tender::TenderView> publish(const core::Caller& caller, tender::TenderId id,
                                             std::optional<std::int64_t> version);

    // nullopt while the tender's bids are not opened (or without bidding); otherwise "opened"
    // with the time, or what its evaluation and awards make it. lot_ids are the tender's lot
    // numbers. Errors: the stores' (the caller then shows the tender as "closed").
    core::Result<std::optional<AfterDeadline>> after_deadline(
        std::int64_t tender_id, const std::vector<std::int64_t>& lot_ids);
    // The same for a caller that has not read the tender's lots (the notice board's rows carry
    // only their count): once the bids are opened, the lots are read from the tender, since
    // lot numbers are stable ids and need not be 1..n.
    core::Result<std::optional<AfterDeadline>> after_deadline(std::int64_t tender_id);

private:
    // after_deadline with the given lot numbers, or with the tender's own if lot_ids is null.
    core::Result<std::optional<AfterDeadline>> after_deadline_of(
        std::int64_t tender_id, const std::vector<std::int64_t>* lot_ids);

    tender::TenderService& tenders_;
    bidding::BiddingService* bidding_;
    settlement::awards::AwardService* awards_;
};

}  // namespace procura::lifecycle
