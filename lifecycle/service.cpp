#include "lifecycle/service.hpp"

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
    if (bidding_ == nullptr) return tenders_.publish(caller, id, version);
    // The opening key exists before the tender goes out, made for the version checked here:
    // the publication insists on that version, so a draft edited in between (another
    // committee, say) is refused (409 stale_version) instead of going out with a key made for
    // other terms. Nothing is written unless the checks pass; a key left by a publication that
    // fails after it is reused, or discarded if the draft's committee changes.
    PROCURA_TRY_ASSIGN(auto checked, tenders_.check_publishable(caller, id, version));
    PROCURA_TRY_ASSIGN(auto key_version, bidding_->make_opening_key(id));
    if (key_version != checked) {
        return core::conflict("stale_version",
                              "the tender changed while it was being published; "
                              "reload it and publish again",
                              "version");
    }
    return tenders_.publish(caller, id, key_version);
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
