// AwardService's awards and contracts: awards per lot with their standstill, lot closures,
// declines, contracts with their milestones, and what the tender has come to. The panel and
// the evaluation are in service_evaluation.cpp.
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

// 404 "award_not_found".
core::Error award_not_found(std::int64_t award_id) {
    return core::not_found("award_not_found", "no award " + std::to_string(award_id));
}

// 404 "contract_not_found".
core::Error contract_not_found(std::int64_t contract_id) {
    return core::not_found("contract_not_found", "no contract " + std::to_string(contract_id));
}

// The audit payload of an award: its fields as they stand.
Json award_payload(const Award& a) {
    return Json{{"tender_id", a.tender_id},
                {"lot_id", a.lot_id},
                {"bid_id", a.bid_id},
                {"supplier_id", a.supplier_id},
                {"value_minor", a.value_minor},
                {"currency", a.currency},
                {"awarded_rank", a.awarded_rank},
                {"skipped_bid_ids", a.skipped_bid_ids},
                {"skip_reason", a.skip_reason},
                {"clarification", a.clarification},
                {"state", std::string(to_string(a.state))},
                {"standstill_ends_at_ms", a.standstill_ends_at_ms}};
}

// Runs body in one transaction on the tender of award award_id (the tender row locked), with the
// tender's records loaded, the caller checked not to be recused, and the award found; 404
// "award_not_found" otherwise.
core::Status in_award_transaction(
    AwardStore& store, std::int64_t award_id, const core::Caller& caller,
    const std::function<core::Status(AwardTransaction&, const Award&)>& body) {
    PROCURA_TRY_ASSIGN(auto tender_id, store.tender_of_award(award_id));
    if (!tender_id) return award_not_found(award_id);
    return store.in_transaction(*tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto records, tx.load());
        PROCURA_TRY(require_not_recused(records, caller));
        const Award* found = find_award(records, award_id);
        if (found == nullptr) return award_not_found(award_id);
        return body(tx, *found);
    });
}

}  // namespace

AwardService::AwardService(AwardDependencies dependencies, AwardLimits limits)
    : d_(dependencies), limits_(limits) {}

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

core::Result<Award> AwardService::award(const core::Caller& caller, std::int64_t tender_id,
                                        std::int64_t lot_id, const AwardRequest& request) {
    PROCURA_TRY(require_officer(caller, "award"));
    PROCURA_TRY_ASSIGN(auto t, published_lot(tender_id, lot_id));
    if (t.state == tender::TenderState::cancelled) {
        return core::conflict("tender_cancelled", "the tender is cancelled");
    }
    Award award;
    PROCURA_TRY(d_.store.in_transaction(tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto records, tx.load());
        PROCURA_TRY(require_not_recused(records, caller));
        if (!records.evaluation) {
            return core::conflict("not_evaluated", "the tender is not evaluated yet");
        }
        if (rules::closure_of(records, lot_id) != nullptr) {
            return core::conflict("lot_closed",
                                  "lot " + std::to_string(lot_id) +
                                      " is closed as unsuccessful and cannot be awarded");
        }
        PROCURA_TRY_ASSIGN(auto decision, rules::check_award(*records.evaluation, records.awards,
                                                             lot_id, request, limits_));
        const std::int64_t now = d_.clock.now_ms();
        award = Award{};
        award.tender_id = tender_id;
        award.lot_id = lot_id;
        award.bid_id = decision.bid.bid_id;
        award.supplier_id = decision.bid.supplier_id;
        award.value_minor = decision.bid.price_minor;
        award.currency = decision.bid.currency;
        award.awarded_rank = decision.bid.rank;
        award.skip_reason = request.reason;
        award.clarification = request.clarification;
        award.skipped_bid_ids = decision.skipped_bid_ids;
        award.state = AwardStatus::awarded;
        award.awarded_by = caller.user_id;
        award.awarded_at_ms = now;
        award.standstill_ends_at_ms = now + limits_.standstill_ms;
        PROCURA_TRY_ASSIGN(auto id, tx.insert_award(award));
        award.id = id;
        return tx.append_audit(
            {event(now, caller.user_id, "award.made", "award", award.id, 1, award_payload(award))});
    }));
    return award;
}

core::Result<LotClosure> AwardService::close_lot(const core::Caller& caller, std::int64_t tender_id,
                                                 std::int64_t lot_id, const std::string& reason) {
    PROCURA_TRY(require_officer(caller, "close lots"));
    PROCURA_TRY(published_lot(tender_id, lot_id));
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

core::Result<Award> AwardService::decline(const core::Caller& caller, std::int64_t award_id,
                                          const std::string& reason) {
    PROCURA_TRY(require_officer(caller, "record a declined award"));
    Award award;
    PROCURA_TRY(in_award_transaction(
        d_.store, award_id, caller, [&](AwardTransaction& tx, const Award& found) -> core::Status {
            PROCURA_TRY(rules::check_decline(found, reason, limits_));
            const std::int64_t now = d_.clock.now_ms();
            award = found;
            award.state = AwardStatus::declined;
            award.decided_by = caller.user_id;
            award.decided_at_ms = now;
            award.decline_reason = reason;
            PROCURA_TRY(tx.update_award(award));
            Json payload = award_payload(award);
            payload["decline_reason"] = reason;
            return tx.append_audit(
                {event(now, caller.user_id, "award.declined", "award", award.id, 2, payload)});
        }));
    return award;
}

core::Result<Contract> AwardService::sign_contract(const core::Caller& caller,
                                                   std::int64_t award_id,
                                                   const std::vector<MilestoneInput>& milestones) {
    PROCURA_TRY(require_officer(caller, "sign contracts"));
    Contract contract;
    PROCURA_TRY(in_award_transaction(
        d_.store, award_id, caller, [&](AwardTransaction& tx, const Award& award) -> core::Status {
            const std::int64_t now = d_.clock.now_ms();
            PROCURA_TRY(rules::check_contract(award, now, milestones, limits_));
            contract = Contract{0,
                                award.id,
                                award.tender_id,
                                award.lot_id,
                                award.supplier_id,
                                award.value_minor,
                                award.currency,
                                caller.user_id,
                                now,
                                {}};
            Json items = Json::array();
            for (std::size_t i = 0; i < milestones.size(); ++i) {
                Milestone m;
                m.number = static_cast<std::int64_t>(i) + 1;
                m.title = milestones[i].title;
                m.amount_minor = milestones[i].amount_minor;
                m.currency = award.currency;
                contract.milestones.push_back(m);
                items.push_back(Json{
                    {"number", m.number}, {"title", m.title}, {"amount_minor", m.amount_minor}});
            }
            PROCURA_TRY_ASSIGN(auto id, tx.insert_contract(contract));
            contract.id = id;
            for (Milestone& m : contract.milestones) m.contract_id = contract.id;
            Award signed_award = award;
            signed_award.state = AwardStatus::signed_contract;
            signed_award.decided_by = caller.user_id;
            signed_award.decided_at_ms = now;
            PROCURA_TRY(tx.update_award(signed_award));
            return tx.append_audit(
                {event(now, caller.user_id, "award.signed", "award", award.id, 2,
                       award_payload(signed_award)),
                 event(now, caller.user_id, "contract.signed", "contract", contract.id, 1,
                       Json{{"award_id", award.id},
                            {"tender_id", contract.tender_id},
                            {"lot_id", contract.lot_id},
                            {"supplier_id", contract.supplier_id},
                            {"value_minor", contract.value_minor},
                            {"currency", contract.currency},
                            {"milestones", std::move(items)}})});
        }));
    return contract;
}

core::Result<Milestone> AwardService::accept_milestone(const core::Caller& caller,
                                                       std::int64_t contract_id,
                                                       std::int64_t number) {
    PROCURA_TRY(require_officer(caller, "accept milestones"));
    PROCURA_TRY_ASSIGN(auto tender_id, d_.store.tender_of_contract(contract_id));
    if (!tender_id) return contract_not_found(contract_id);
    Milestone accepted;
    PROCURA_TRY(d_.store.in_transaction(*tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto records, tx.load());
        PROCURA_TRY(require_not_recused(records, caller));
        const Contract* contract = nullptr;
        for (const Contract& c : records.contracts) {
            if (c.id == contract_id) contract = &c;
        }
        if (contract == nullptr) return contract_not_found(contract_id);
        const Milestone* milestone = nullptr;
        std::int64_t accepted_before = 0;
        for (const Milestone& m : contract->milestones) {
            if (m.number == number) milestone = &m;
            if (m.state == MilestoneState::accepted) ++accepted_before;
        }
        if (milestone == nullptr) {
            return core::not_found("milestone_not_found",
                                   "contract " + std::to_string(contract_id) +
                                       " has no milestone " + std::to_string(number));
        }
        PROCURA_TRY(rules::check_accept(*milestone));
        const std::int64_t now = d_.clock.now_ms();
        accepted = *milestone;
        accepted.state = MilestoneState::accepted;
        accepted.accepted_by = caller.user_id;
        accepted.accepted_at_ms = now;
        PROCURA_TRY(tx.accept_milestone(contract_id, number, caller.user_id, now));
        return tx.append_audit({event(now, caller.user_id, "milestone.accepted", "contract",
                                      contract_id, accepted_before + 2,
                                      Json{{"number", number},
                                           {"title", accepted.title},
                                           {"amount_minor", accepted.amount_minor},
                                           {"currency", accepted.currency},
                                           {"supplier_id", contract->supplier_id}})});
    }));
    return accepted;
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
