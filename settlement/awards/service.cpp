// AwardService's lot closures and reads of awards and contracts, and what the tender has come
// to. The four-eyes decisions (awards, declines, contracts, milestones) are in
// service_decisions.cpp, the panel and the evaluation in service_evaluation.cpp.
#include "settlement/awards/service.hpp"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <utility>

#include "settlement/awards/rules.hpp"
#include "settlement/awards/service_support.hpp"

namespace procura::settlement::awards {
namespace {

using Json = nlohmann::json;

// The award award_id among the tender's records, or nullptr.
Award* find_award(TenderRecords& records, std::int64_t award_id) {
    for (Award& a : records.awards) {
        if (a.id == award_id) return &a;
    }
    return nullptr;
}

}  // namespace

AwardService::AwardService(AwardDependencies dependencies, AwardLimits limits)
    : d_(dependencies), limits_(limits) {}

core::Status AwardService::require_buyer_officer(const core::Caller& caller,
                                                 std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    PROCURA_TRY_ASSIGN(const bool member, d_.buyers.is_officer_of(caller.user_id, t.buyer_id));
    if (!member) {
        return core::forbidden("not_buyer_officer", "only officers of the tender's buyer (" +
                                                        t.buyer_id + ") decide on it");
    }
    return {};
}

core::Result<tender::Tender> AwardService::published_tender(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto found, d_.tenders.find(tender_id));
    if (!found || found->state == tender::TenderState::draft) {
        return core::not_found("tender_not_found", "no tender " + std::to_string(tender_id));
    }
    return std::move(*found);
}

core::Result<tender::Tender> AwardService::published_lot(std::int64_t tender_id,
                                                         std::int64_t lot_id) {
    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    const bool lot_known = std::any_of(t.lots.begin(), t.lots.end(),
                                       [&](const tender::Lot& l) { return l.number == lot_id; });
    if (!lot_known) {
        return core::not_found("lot_not_found", "tender " + std::to_string(tender_id) +
                                                    " has no lot " + std::to_string(lot_id));
    }
    return t;
}

core::Result<LotClosure> AwardService::close_lot(const core::Caller& caller, std::int64_t tender_id,
                                                 std::int64_t lot_id, const std::string& reason) {
    PROCURA_TRY(require_officer(caller, "close lots"));
    PROCURA_TRY(published_lot(tender_id, lot_id));
    PROCURA_TRY(require_buyer_officer(caller, tender_id));
    LotClosure closure;
    PROCURA_TRY(d_.store.in_transaction(tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto records, tx.load());
        PROCURA_TRY(require_not_recused(records, caller));
        if (!records.evaluation) {
            return core::conflict("not_evaluated", "the tender is not evaluated yet");
        }
        PROCURA_TRY_ASSIGN(auto skipped, rules::check_close(records, lot_id, reason, limits_));
        const std::int64_t now = d_.clock.now_ms();
        closure = LotClosure{tender_id, lot_id, reason, skipped, caller.user_id, now};
        PROCURA_TRY(tx.insert_closure(closure));
        return tx.append_audit(
            {event(now, caller.user_id, "lot.unsuccessful", "tender", tender_id, 0,
                   Json{{"lot_id", lot_id},
                        {"reason", reason},
                        {"skipped_bid_ids", closure.skipped_bid_ids}})});
    }));
    return closure;
}

core::Result<Award> AwardService::get_award(std::int64_t award_id) {
    PROCURA_TRY_ASSIGN(auto tender_id, d_.store.tender_of_award(award_id));
    if (!tender_id) return award_not_found(award_id);
    PROCURA_TRY_ASSIGN(auto records, d_.store.read(*tender_id));
    Award* found = find_award(records, award_id);
    if (found == nullptr) return award_not_found(award_id);
    return std::move(*found);
}

core::Result<Contract> AwardService::get_contract(std::int64_t contract_id) {
    PROCURA_TRY_ASSIGN(auto tender_id, d_.store.tender_of_contract(contract_id));
    if (!tender_id) return contract_not_found(contract_id);
    PROCURA_TRY_ASSIGN(auto records, d_.store.read(*tender_id));
    for (Contract& c : records.contracts) {
        if (c.id == contract_id) return std::move(c);
    }
    return contract_not_found(contract_id);
}

core::Result<TenderAwards> AwardService::tender_awards(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    PROCURA_TRY_ASSIGN(auto records, d_.store.read(tender_id));
    TenderAwards out;
    out.tender_id = tender_id;
    std::vector<std::int64_t> lot_ids;
    for (const tender::Lot& l : t.lots) {
        lot_ids.push_back(l.number);
        out.lots.emplace_back(l.number, rules::lot_outcome(records, l.number));
    }
    out.outcome = rules::outcome(records, lot_ids);
    out.awards = std::move(records.awards);
    out.contracts = std::move(records.contracts);
    out.closures = std::move(records.closures);
    return out;
}

core::Result<std::optional<TenderOutcome>> AwardService::outcome(
    std::int64_t tender_id, const std::vector<std::int64_t>& lot_ids) {
    PROCURA_TRY_ASSIGN(auto records, d_.store.read(tender_id));
    return rules::outcome(records, lot_ids);
}

}  // namespace procura::settlement::awards
