// AwardService's four-eyes decisions (docs/awards.md "Two officers"): one officer proposes an
// award, a decline, a contract signature or a milestone acceptance, a second officer confirms it
// and only then is it executed, exactly as proposed. The execution of each kind is one apply_*
// function, run without a transaction to check a proposal (it then writes nothing) and with the
// tender's transaction to execute a confirmed one, so a proposal and its confirmation are judged
// by the same rules.
#include <nlohmann/json.hpp>
#include <utility>

#include "core/assert.hpp"
#include "settlement/awards/rules.hpp"
#include "settlement/awards/service.hpp"
#include "settlement/awards/service_support.hpp"

namespace procura::settlement::awards {
namespace {

using Json = nlohmann::json;

// 404 "decision_not_found".
core::Error decision_not_found(std::int64_t decision_id) {
    return core::not_found("decision_not_found", "no decision " + std::to_string(decision_id));
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

// payload with the decision and both of its officers, as every executed decision's leaf names
// them.
Json with_officers(Json payload, const Decision& d, core::UserId confirmer) {
    payload["decision_id"] = d.id;
    payload["proposed_by"] = d.proposed_by;
    payload["confirmed_by"] = confirmer;
    return payload;
}

// The public part of a decision, for its leaves: what it is about and who proposed it. Its
// input (a decline's reason, milestones, an award's reasons) is published by the leaves of its
// execution, once confirmed.
Json subject_payload(const Decision& d) {
    Json payload{{"tender_id", d.tender_id},
                 {"kind", std::string(to_string(d.kind))},
                 {"proposed_by", d.proposed_by}};
    switch (d.kind) {
        case DecisionKind::award:
            payload["lot_id"] = d.subject_id;
            break;
        case DecisionKind::decline:
        case DecisionKind::contract:
            payload["award_id"] = d.subject_id;
            break;
        case DecisionKind::milestone:
            payload["contract_id"] = d.subject_id;
            payload["number"] = d.milestone_number;
            break;
    }
    return payload;
}

const Award* find_award(const TenderRecords& records, std::int64_t award_id) {
    for (const Award& a : records.awards) {
        if (a.id == award_id) return &a;
    }
    return nullptr;
}

Decision* find_decision(TenderRecords& records, std::int64_t decision_id) {
    for (Decision& d : records.decisions) {
        if (d.id == decision_id) return &d;
    }
    return nullptr;
}

// The execution of one decision kind. Each requires the tender's lock (it reads records loaded
// under it), checks decision d against records at now with the rules the old single-officer
// route applied, and returns what it would make. With tx null it stops there and writes
// nothing (the check of a proposal); with tx it writes the result and its audit events,
// confirmed by confirmer.
struct Apply {
    AwardTransaction* tx;
    const TenderRecords& records;
    const Decision& d;
    core::UserId confirmer;
    std::int64_t now;
    const AwardLimits& limits;
};

core::Result<DecisionResult> apply_award(const Apply& a) {
    const std::int64_t lot_id = a.d.subject_id;
    if (!a.records.evaluation) {
        return core::conflict("not_evaluated", "the tender is not evaluated yet");
    }
    if (rules::closure_of(a.records, lot_id) != nullptr) {
        return core::conflict("lot_closed", "lot " + std::to_string(lot_id) +
                                                " is closed as unsuccessful and cannot be awarded");
    }
    PROCURA_TRY_ASSIGN(auto decision, rules::check_award(*a.records.evaluation, a.records.awards,
                                                         lot_id, a.d.award, a.limits));
    Award award;
    award.tender_id = a.d.tender_id;
    award.lot_id = lot_id;
    award.bid_id = decision.bid.bid_id;
    award.supplier_id = decision.bid.supplier_id;
    award.value_minor = decision.bid.price_minor;
    award.currency = decision.bid.currency;
    award.awarded_rank = decision.bid.rank;
    award.skip_reason = a.d.award.reason;
    award.clarification = a.d.award.clarification;
    award.skipped_bid_ids = decision.skipped_bid_ids;
    award.state = AwardStatus::awarded;
    award.awarded_by = a.confirmer;
    award.award_proposed_by = a.d.proposed_by;
    award.awarded_at_ms = a.now;
    award.standstill_ends_at_ms = a.now + a.limits.standstill_ms;
    DecisionResult result;
    if (a.tx != nullptr) {
        PROCURA_TRY_ASSIGN(award.id, a.tx->insert_award(award));
        PROCURA_TRY(
            a.tx->append_audit({event(a.now, a.confirmer, "award.made", "award", award.id, 1,
                                      with_officers(award_payload(award), a.d, a.confirmer))}));
    }
    result.award = std::move(award);
    return result;
}

core::Result<DecisionResult> apply_decline(const Apply& a) {
    const Award* found = find_award(a.records, a.d.subject_id);
    if (found == nullptr) return award_not_found(a.d.subject_id);
    PROCURA_TRY(rules::check_decline(*found, a.d.reason, a.limits));
    Award award = *found;
    award.state = AwardStatus::declined;
    award.decided_by = a.confirmer;
    award.decision_proposed_by = a.d.proposed_by;
    award.decided_at_ms = a.now;
    award.decline_reason = a.d.reason;
    if (a.tx != nullptr) {
        PROCURA_TRY(a.tx->update_award(award));
        // The reason is published with the decline: it is what forfeits the winner's deposit.
        Json payload = with_officers(award_payload(award), a.d, a.confirmer);
        payload["decline_reason"] = a.d.reason;
        PROCURA_TRY(a.tx->append_audit(
            {event(a.now, a.confirmer, "award.declined", "award", award.id, 2, payload)}));
    }
    DecisionResult result;
    result.award = std::move(award);
    return result;
}

core::Result<DecisionResult> apply_contract(const Apply& a) {
    const Award* award = find_award(a.records, a.d.subject_id);
    if (award == nullptr) return award_not_found(a.d.subject_id);
    PROCURA_TRY(rules::check_contract(*award, a.now, a.d.milestones, a.limits));
    Contract contract{0,
                      award->id,
                      award->tender_id,
                      award->lot_id,
                      award->supplier_id,
                      award->value_minor,
                      award->currency,
                      a.confirmer,
                      a.d.proposed_by,
                      a.now,
                      {}};
    Json items = Json::array();
    for (std::size_t i = 0; i < a.d.milestones.size(); ++i) {
        Milestone m;
        m.number = static_cast<std::int64_t>(i) + 1;
        m.title = a.d.milestones[i].title;
        m.amount_minor = a.d.milestones[i].amount_minor;
        m.currency = award->currency;
        contract.milestones.push_back(m);
        items.push_back(
            Json{{"number", m.number}, {"title", m.title}, {"amount_minor", m.amount_minor}});
    }
    Award signed_award = *award;
    signed_award.state = AwardStatus::signed_contract;
    signed_award.decided_by = a.confirmer;
    signed_award.decision_proposed_by = a.d.proposed_by;
    signed_award.decided_at_ms = a.now;
    if (a.tx != nullptr) {
        PROCURA_TRY_ASSIGN(contract.id, a.tx->insert_contract(contract));
        for (Milestone& m : contract.milestones) m.contract_id = contract.id;
        PROCURA_TRY(a.tx->update_award(signed_award));
        PROCURA_TRY(a.tx->append_audit(
            {event(a.now, a.confirmer, "award.signed", "award", award->id, 2,
                   with_officers(award_payload(signed_award), a.d, a.confirmer)),
             event(a.now, a.confirmer, "contract.signed", "contract", contract.id, 1,
                   with_officers(Json{{"award_id", award->id},
                                      {"tender_id", contract.tender_id},
                                      {"lot_id", contract.lot_id},
                                      {"supplier_id", contract.supplier_id},
                                      {"value_minor", contract.value_minor},
                                      {"currency", contract.currency},
                                      {"milestones", std::move(items)}},
                                 a.d, a.confirmer))}));
    }
    DecisionResult result;
    result.award = std::move(signed_award);
    result.contract = std::move(contract);
    return result;
}

core::Result<DecisionResult> apply_milestone(const Apply& a) {
    const std::int64_t contract_id = a.d.subject_id;
    const std::int64_t number = a.d.milestone_number;
    const Contract* contract = nullptr;
    for (const Contract& c : a.records.contracts) {
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
        return core::not_found("milestone_not_found", "contract " + std::to_string(contract_id) +
                                                          " has no milestone " +
                                                          std::to_string(number));
    }
    PROCURA_TRY(rules::check_accept(*milestone));
    Milestone accepted = *milestone;
    accepted.state = MilestoneState::accepted;
    accepted.accepted_by = a.confirmer;
    accepted.proposed_by = a.d.proposed_by;
    accepted.accepted_at_ms = a.now;
    if (a.tx != nullptr) {
        PROCURA_TRY(
            a.tx->accept_milestone(contract_id, number, a.d.proposed_by, a.confirmer, a.now));
        PROCURA_TRY(a.tx->append_audit({event(
            a.now, a.confirmer, "milestone.accepted", "contract", contract_id, accepted_before + 2,
            with_officers(Json{{"number", number},
                               {"title", accepted.title},
                               {"amount_minor", accepted.amount_minor},
                               {"currency", accepted.currency},
                               {"supplier_id", contract->supplier_id}},
                          a.d, a.confirmer))}));
    }
    DecisionResult result;
    result.milestone = std::move(accepted);
    return result;
}

core::Result<DecisionResult> apply(const Apply& a) {
    switch (a.d.kind) {
        case DecisionKind::award:
            return apply_award(a);
        case DecisionKind::decline:
            return apply_decline(a);
        case DecisionKind::contract:
            return apply_contract(a);
        case DecisionKind::milestone:
            return apply_milestone(a);
    }
    PROCURA_ASSERT(false);
    return core::internal("decision_kind", "unknown decision kind");
}

// 403 "forbidden" unless caller may read proposals: officers and auditors.
core::Status require_decision_reader(const core::Caller& caller) {
    if (caller.role != core::Role::officer && caller.role != core::Role::auditor) {
        return core::forbidden("forbidden", "only officers and auditors read award decisions");
    }
    return {};
}

}  // namespace

core::Status AwardService::check_award_tender(std::int64_t tender_id, std::int64_t lot_id) {
    PROCURA_TRY_ASSIGN(auto t, published_lot(tender_id, lot_id));
    if (t.state == tender::TenderState::cancelled) {
        return core::conflict("tender_cancelled", "the tender is cancelled");
    }
    return {};
}

core::Result<Decision> AwardService::propose(const core::Caller& caller, std::int64_t tender_id,
                                             Decision decision) {
    PROCURA_TRY(require_buyer_officer(caller, tender_id));
    decision.tender_id = tender_id;
    decision.state = DecisionState::proposed;
    decision.proposed_by = caller.user_id;
    PROCURA_TRY(d_.store.in_transaction(tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto records, tx.load());
        PROCURA_TRY(require_decision_officer(records, caller));
        const std::int64_t now = d_.clock.now_ms();
        decision.proposed_at_ms = now;
        PROCURA_TRY(apply(Apply{nullptr, records, decision, caller.user_id, now, limits_}));
        if (const Decision* open = rules::open_decision(records, decision)) {
            return core::conflict("decision_pending",
                                  "decision " + std::to_string(open->id) +
                                      " on the same subject awaits confirmation or withdrawal");
        }
        PROCURA_TRY_ASSIGN(decision.id, tx.insert_decision(decision));
        return tx.append_audit({event(now, caller.user_id, "decision.proposed", "decision",
                                      decision.id, 1, subject_payload(decision))});
    }));
    return decision;
}

core::Result<Decision> AwardService::propose_award(const core::Caller& caller,
                                                   std::int64_t tender_id, std::int64_t lot_id,
                                                   const AwardRequest& request) {
    PROCURA_TRY(require_officer(caller, "propose awards"));
    PROCURA_TRY(check_award_tender(tender_id, lot_id));
    Decision d;
    d.kind = DecisionKind::award;
    d.subject_id = lot_id;
    d.award = request;
    return propose(caller, tender_id, std::move(d));
}

core::Result<Decision> AwardService::propose_decline(const core::Caller& caller,
                                                     std::int64_t award_id,
                                                     const std::string& reason) {
    PROCURA_TRY(require_officer(caller, "propose to record a declined award"));
    PROCURA_TRY_ASSIGN(auto tender_id, d_.store.tender_of_award(award_id));
    if (!tender_id) return award_not_found(award_id);
    Decision d;
    d.kind = DecisionKind::decline;
    d.subject_id = award_id;
    d.reason = reason;
    return propose(caller, *tender_id, std::move(d));
}

core::Result<Decision> AwardService::propose_contract(
    const core::Caller& caller, std::int64_t award_id,
    const std::vector<MilestoneInput>& milestones) {
    PROCURA_TRY(require_officer(caller, "propose contracts"));
    PROCURA_TRY_ASSIGN(auto tender_id, d_.store.tender_of_award(award_id));
    if (!tender_id) return award_not_found(award_id);
    Decision d;
    d.kind = DecisionKind::contract;
    d.subject_id = award_id;
    d.milestones = milestones;
    return propose(caller, *tender_id, std::move(d));
}

core::Result<Decision> AwardService::propose_acceptance(const core::Caller& caller,
                                                        std::int64_t contract_id,
                                                        std::int64_t number) {
    PROCURA_TRY(require_officer(caller, "propose milestone acceptances"));
    PROCURA_TRY_ASSIGN(auto tender_id, d_.store.tender_of_contract(contract_id));
    if (!tender_id) return contract_not_found(contract_id);
    Decision d;
    d.kind = DecisionKind::milestone;
    d.subject_id = contract_id;
    d.milestone_number = number;
    return propose(caller, *tender_id, std::move(d));
}

core::Result<DecisionResult> AwardService::confirm(const core::Caller& caller,
                                                   std::int64_t decision_id) {
    PROCURA_TRY(require_officer(caller, "confirm award decisions"));
    PROCURA_TRY_ASSIGN(auto tender_id, d_.store.tender_of_decision(decision_id));
    if (!tender_id) return decision_not_found(decision_id);
    PROCURA_TRY(require_buyer_officer(caller, *tender_id));
    DecisionResult result;
    PROCURA_TRY(d_.store.in_transaction(*tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto records, tx.load());
        Decision* d = find_decision(records, decision_id);
        if (d == nullptr) return decision_not_found(decision_id);
        PROCURA_TRY(require_second_officer(records, *d, caller));
        PROCURA_TRY(rules::check_proposed(*d));
        if (d->kind == DecisionKind::award) {
            PROCURA_TRY(check_award_tender(*tender_id, d->subject_id));
        }
        const std::int64_t now = d_.clock.now_ms();
        PROCURA_TRY_ASSIGN(result, apply(Apply{&tx, records, *d, caller.user_id, now, limits_}));
        d->state = DecisionState::confirmed;
        d->decided_by = caller.user_id;
        d->decided_at_ms = now;
        if (result.contract) {
            d->result_id = result.contract->id;
        } else if (d->kind == DecisionKind::award && result.award) {
            d->result_id = result.award->id;
        }
        PROCURA_TRY(tx.update_decision(*d));
        result.decision = *d;
        Json payload = subject_payload(*d);
        payload["confirmed_by"] = caller.user_id;
        payload["result_id"] = d->result_id;
        return tx.append_audit(
            {event(now, caller.user_id, "decision.confirmed", "decision", d->id, 2, payload)});
    }));
    return result;
}

core::Result<Decision> AwardService::withdraw(const core::Caller& caller,
                                              std::int64_t decision_id) {
    PROCURA_TRY(require_officer(caller, "withdraw award decisions"));
    PROCURA_TRY_ASSIGN(auto tender_id, d_.store.tender_of_decision(decision_id));
    if (!tender_id) return decision_not_found(decision_id);
    PROCURA_TRY(require_buyer_officer(caller, *tender_id));
    Decision withdrawn;
    PROCURA_TRY(d_.store.in_transaction(*tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto records, tx.load());
        Decision* d = find_decision(records, decision_id);
        if (d == nullptr) return decision_not_found(decision_id);
        PROCURA_TRY(require_decision_officer(records, caller));
        PROCURA_TRY(rules::check_proposed(*d));
        const std::int64_t now = d_.clock.now_ms();
        d->state = DecisionState::withdrawn;
        d->decided_by = caller.user_id;
        d->decided_at_ms = now;
        PROCURA_TRY(tx.update_decision(*d));
        withdrawn = *d;
        Json payload = subject_payload(*d);
        payload["withdrawn_by"] = caller.user_id;
        return tx.append_audit(
            {event(now, caller.user_id, "decision.withdrawn", "decision", d->id, 2, payload)});
    }));
    return withdrawn;
}

core::Result<Decision> AwardService::decision(const core::Caller& caller,
                                              std::int64_t decision_id) {
    PROCURA_TRY(require_decision_reader(caller));
    PROCURA_TRY_ASSIGN(auto tender_id, d_.store.tender_of_decision(decision_id));
    if (!tender_id) return decision_not_found(decision_id);
    if (caller.role == core::Role::officer) PROCURA_TRY(require_buyer_officer(caller, *tender_id));
    PROCURA_TRY_ASSIGN(auto records, d_.store.read(*tender_id));
    Decision* d = find_decision(records, decision_id);
    if (d == nullptr) return decision_not_found(decision_id);
    return std::move(*d);
}

core::Result<std::vector<Decision>> AwardService::decisions(const core::Caller& caller,
                                                            std::int64_t tender_id) {
    PROCURA_TRY(require_decision_reader(caller));
    PROCURA_TRY(published_tender(tender_id));
    // Proposals are the buyer's deliberation: its officers and auditors read them.
    if (caller.role == core::Role::officer) PROCURA_TRY(require_buyer_officer(caller, tender_id));
    PROCURA_TRY_ASSIGN(auto records, d_.store.read(tender_id));
    return std::move(records.decisions);
}

}  // namespace procura::settlement::awards
