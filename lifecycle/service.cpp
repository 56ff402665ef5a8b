#include "lifecycle/service.hpp"

#include <spdlog/spdlog.h>

#include "bidding/service.hpp"
#include "settlement/awards/service.hpp"
#include "tender/service.hpp"

namespace procura::lifecycle {

TenderLifecycle::TenderLifecycle(tender::TenderService& tenders, bidding::BiddingService* bidding,
                                 settlement::awards::AwardService* awards)
    : tenders_(tenders), bidding_(bidding), awards_(awards) {}

core::Result<tender::TenderView> TenderLifecycle::publish(const core::Caller& caller,
                                                          tender::TenderId id,
                                                          std::optional<std::int64_t> version) {
    if (bidding_ != nullptr && caller.role == core::Role::officer) {
        // Every committee member must be able to receive a share before the tender goes out.
        PROCURA_TRY(bidding_->check_committee_ready(id));
    }
    PROCURA_TRY_ASSIGN(auto published, tenders_.publish(caller, id, version));
    if (bidding_ != nullptr) {
        if (auto key = bidding_->opening_certificate(id); !key) {
            spdlog::warn("tender {}: opening key not created at publication: {}", id,
                         key.error().message);
        }
    }
    return published;
}

core::Result<std::optional<AfterDeadline>> TenderLifecycle::after_deadline(
    std::int64_t tender_id, const std::vector<std::int64_t>& lot_ids) {
    return after_deadline_of(tender_id, &lot_ids);
}

core::Result<std::optional<AfterDeadline>> TenderLifecycle::after_deadline(std::int64_t tender_id) {
    return after_deadline_of(tender_id, nullptr);
}

core::Result<std::optional<AfterDeadline>> TenderLifecycle::after_deadline_of(
    std::int64_t tender_id, const std::vector<std::int64_t>* given_lot_ids) {
    if (bidding_ == nullptr) return std::optional<AfterDeadline>{};
    PROCURA_TRY_ASSIGN(auto opened_at, bidding_->opened_at(tender_id));
    if (!opened_at) return std::optional<AfterDeadline>{};
    AfterDeadline after{"opened", *opened_at};
    if (awards_ != nullptr) {
        std::vector<std::int64_t> read_lot_ids;
        if (given_lot_ids == nullptr) {
            // An opened tender is published: anyone may read it.
            PROCURA_TRY_ASSIGN(auto view, tenders_.get(std::nullopt, tender_id));
            for (const tender::Lot& lot : view.tender.lots) read_lot_ids.push_back(lot.number);
        }
        const std::vector<std::int64_t>& lot_ids =
            given_lot_ids != nullptr ? *given_lot_ids : read_lot_ids;
        PROCURA_TRY_ASSIGN(auto outcome, awards_->outcome(tender_id, lot_ids));
        if (outcome && *outcome != settlement::awards::TenderOutcome::opened) {
            after.status = std::string(settlement::awards::to_string(*outcome));
        }
    }
    return std::optional<AfterDeadline>{std::move(after)};
}

}  // namespace procura::lifecycle
