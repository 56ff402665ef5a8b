// What the two halves of AwardService share (service.cpp: awards and contracts;
// service_evaluation.cpp: the panel and the evaluation): the role and recusal checks every
// decision makes and the one way an audit event is made. Included only by those two files.
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

// An officer who declared a conflict of interest on this tender takes no part in any of its
// decisions (evaluation, awards, declines, lot closures, contracts, milestones): 403 "recused".
inline core::Status require_not_recused(const TenderRecords& records, const core::Caller& caller) {
    for (const Declaration& d : records.declarations) {
        if (d.member_id == caller.user_id && !d.no_conflict) {
            return core::forbidden("recused",
                                   "you declared a conflict of interest on this tender and take "
                                   "no part in its decisions");
        }
    }
    return {};
}

}  // namespace procura::settlement::awards
