// The storage port of evaluation records, awards and contracts. Implemented by MySQLAwardStore
// (MariaDB, settlement/awards/mysql_store.hpp) and by FakeAwardStore (in memory, for tests); the
// same contract cases run against both (tests/settlement/awards/store_contract.hpp).
//
// Contract:
// - in_transaction(tender_id, fn) runs fn in one transaction that first locks the tender
//   (MariaDB: its tenders row FOR UPDATE), so every change of this module to one tender is
//   serialised: fn reads with load() what committed before it and decides on that, and its
//   own writes. If fn returns an error, or any write fails, nothing fn did is kept and that
//   error is returned; a write refused by a unique key (below) fails the change even if fn
//   goes on and returns ok (a conflict is then returned). fn may be run again after a
//   deadlock, so it must recompute everything from load().
// - Every change appends its audit events through append_audit in the same transaction.
// - The unique keys are the last line of defence: a second current award of a lot is conflict
//   "lot_already_awarded" (inserted, or made current again by update_award), a second score of
//   (bid, member, criterion) conflict "score_locked", a second evaluation of a tender conflict
//   "already_evaluated", a second declaration of a member conflict "already_declared", a second
//   contract of an award conflict "award_signed", a second closure of a lot "lot_closed", a
//   second proposed decision on one subject (kind, subject_id, milestone_number) conflict
//   "decision_pending".
// - Texts are stored cut to their columns without splitting a character: a statement or a
//   clarification to 2000 bytes, a skip, decline, withdrawal or closure reason to 1000.
// - read() sees one committed instant (a consistent snapshot); a tender without records reads
//   as empty ones.
// - Store failures are unavailable or internal errors, never exceptions.
// All methods are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/audit.hpp"
#include "core/result.hpp"
#include "settlement/awards/model.hpp"

namespace procura::settlement::awards {

class AwardTransaction {
public:
    virtual ~AwardTransaction() = default;

    // The opening record and everything this module stores about the locked tender.
    virtual core::Result<TenderRecords> load() = 0;
    virtual core::Status insert_declaration(const Declaration& declaration) = 0;
    // Records declaration's withdrawal (withdrawn_at_ms, withdrawn_by, withdrawal_reason) on
    // the stored declaration of (tender_id, member_id); conflict "already_withdrawn" unless
    // that declaration exists and is not withdrawn yet (the service checks both first).
    virtual core::Status withdraw_member(const Declaration& declaration) = 0;
    virtual core::Status insert_scores(const std::vector<TechnicalScore>& scores) = 0;
    virtual core::Status insert_evaluation(const Evaluation& evaluation) = 0;
    // Ignores award.id; returns the new award's id. Stores award_proposed_by too.
    virtual core::Result<std::int64_t> insert_award(const Award& award) = 0;
    // Writes state, decided_by, decision_proposed_by, decided_at_ms and decline_reason of an
    // existing award of the locked tender (nothing else of it); not_found "award_not_found" if
    // there is none.
    virtual core::Status update_award(const Award& award) = 0;
    // Ignores the ids in contract and its milestones; stores the milestones planned, in the
    // contract's currency. Returns the new contract's id. Stores proposed_by too.
    virtual core::Result<std::int64_t> insert_contract(const Contract& contract) = 0;
    // planned -> accepted, proposed by proposed_by and confirmed by by; conflict
    // "milestone_accepted" if it is not planned, or not a milestone of a contract of the locked
    // tender.
    virtual core::Status accept_milestone(std::int64_t contract_id, std::int64_t number,
                                          core::UserId proposed_by, core::UserId by,
                                          std::int64_t at_ms) = 0;
    // Ignores decision.id; stores the proposal (its input as JSON in MariaDB) and returns its id.
    // conflict "decision_pending" if the subject has a proposed decision already.
    virtual core::Result<std::int64_t> insert_decision(const Decision& decision) = 0;
    // Writes state, decided_by, decided_at_ms and result_id of decision.id, a proposed decision
    // of the locked tender; conflict "decision_decided" if it is not (any more) proposed.
    virtual core::Status update_decision(const Decision& decision) = 0;
    // conflict "lot_closed" if the lot is closed already.
    virtual core::Status insert_closure(const LotClosure& closure) = 0;
    virtual core::Status append_audit(const std::vector<core::AuditEvent>& events) = 0;
};

class AwardStore {
public:
    virtual ~AwardStore() = default;

    // not_found "tender_not_found" when there is no such tender to lock.
    virtual core::Status in_transaction(
        std::int64_t tender_id, const std::function<core::Status(AwardTransaction&)>& fn) = 0;

    // What load() would return, outside any change.
    virtual core::Result<TenderRecords> read(std::int64_t tender_id) = 0;

    // The tender of an award or contract, nullopt if there is none with that id.
    virtual core::Result<std::optional<std::int64_t>> tender_of_award(std::int64_t award_id) = 0;
    virtual core::Result<std::optional<std::int64_t>> tender_of_contract(
        std::int64_t contract_id) = 0;
    virtual core::Result<std::optional<std::int64_t>> tender_of_decision(
        std::int64_t decision_id) = 0;
};

}  // namespace procura::settlement::awards
