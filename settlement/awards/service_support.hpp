// What the parts of AwardService share (service.cpp: lot closures and reads;
// service_decisions.cpp: the four-eyes decisions on awards and contracts;
// service_evaluation.cpp: the panel and the evaluation): the role and recusal checks every
// decision makes and the one way an audit event is made. Included only by those files.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "core/audit.hpp"
#include "core/identity.hpp"
#include "core/json_text.hpp"
#include "core/result.hpp"
#include "settlement/awards/model.hpp"

namespace procura::settlement::awards {

// 403 "forbidden" unless caller is an officer; what completes "only officers ...".
inline core::Status require_officer(const core::Caller& caller, const char* what) {
    if (caller.role != core::Role::officer) {
        return core::forbidden("forbidden", std::string("only officers ") + what);
    }
    return {};
}

// An audit event with payload as its compact JSON.
inline core::AuditEvent event(std::int64_t at_ms, core::UserId actor, std::string action,
                              std::string entity_type, std::int64_t entity_id, std::int64_t version,
                              const nlohmann::json& payload) {
    core::AuditEvent e;
    e.at_ms = at_ms;
    e.actor_user_id = actor;
    e.action = std::move(action);
    e.entity_type = std::move(entity_type);
    e.entity_id = entity_id;
    e.entity_version = version;
    e.payload_json = core::compact_json(payload);
    return e;
}

// Whether user_id declared a conflict of interest on this tender.
inline bool recused(const TenderRecords& records, core::UserId user_id) {
    for (const Declaration& d : records.declarations) {
        if (d.member_id == user_id && !d.no_conflict) return true;
    }
    return false;
}

// An officer who declared a conflict of interest on this tender takes no part in any of its
// decisions (evaluation, awards, declines, lot closures, contracts, milestones): 403 "recused".
inline core::Status require_not_recused(const TenderRecords& records, const core::Caller& caller) {
    if (recused(records, caller.user_id)) {
        return core::forbidden("recused",
                               "you declared a conflict of interest on this tender and take "
                               "no part in its decisions");
    }
    return {};
}

// The one place that says who may take part in a four-eyes decision of the tender (propose,
// confirm, withdraw; docs/awards.md "Two officers"): an officer (403 "forbidden") who has not
// declared a conflict of interest on it (403 "recused"). The check that the officer belongs to
// the tender's buyer belongs here too.
inline core::Status require_decision_officer(const TenderRecords& records,
                                             const core::Caller& caller) {
    PROCURA_TRY(require_officer(caller, "take part in award decisions"));
    return require_not_recused(records, caller);
}

// The confirmation of decision by confirmer: a decision officer (above) other than the proposer
// (403 "same_officer"), and the proposer must not have been recused since (403 "recused").
inline core::Status require_second_officer(const TenderRecords& records, const Decision& decision,
                                           const core::Caller& confirmer) {
    PROCURA_TRY(require_decision_officer(records, confirmer));
    if (confirmer.user_id == decision.proposed_by) {
        return core::forbidden("same_officer",
                               "a decision is confirmed by another officer than its proposer");
    }
    if (recused(records, decision.proposed_by)) {
        return core::forbidden("recused",
                               "the proposer declared a conflict of interest on this tender");
    }
    return {};
}

// 404 "award_not_found".
inline core::Error award_not_found(std::int64_t award_id) {
    return core::not_found("award_not_found", "no award " + std::to_string(award_id));
}

// 404 "contract_not_found".
inline core::Error contract_not_found(std::int64_t contract_id) {
    return core::not_found("contract_not_found", "no contract " + std::to_string(contract_id));
}

}  // namespace procura::settlement::awards
