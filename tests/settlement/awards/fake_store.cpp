#include "tests/settlement/awards/fake_store.hpp"

#include <algorithm>
#include <tuple>

#include "core/utf8.hpp"

namespace procura::settlement::awards {
namespace {

// The byte bounds of MariaDB's text columns, to which MySQLAwardStore cuts what it stores
// (never inside a character).
constexpr std::size_t reason_bytes_max = 1000;
constexpr std::size_t statement_bytes_max = 2000;
constexpr std::size_t clarification_bytes_max = 2000;

class FakeTransaction final : public AwardTransaction {
public:
    FakeTransaction(FakeAwardStore::State& state, std::int64_t tender_id)
        : s_(state), tender_id_(tender_id) {}

    TenderRecords& records() { return s_.tenders.at(tender_id_); }

    // The first write refused by a unique key: as in MariaDB, where the statement's exception
    // fails the transaction, the change is then rolled back even if fn goes on.
    const std::optional<core::Error>& failure() const { return failure_; }

    core::Result<TenderRecords> load() override { return records(); }

    core::Status insert_declaration(const Declaration& d) override {
        for (const Declaration& x : records().declarations) {
            if (x.member_id == d.member_id) {
                return unique_key(core::conflict("already_declared", "declared"));
            }
        }
        Declaration stored = d;
        stored.statement = core::utf8_prefix(d.statement, statement_bytes_max);
        records().declarations.push_back(std::move(stored));
        std::sort(
            records().declarations.begin(), records().declarations.end(),
            [](const Declaration& a, const Declaration& b) { return a.member_id < b.member_id; });
        return {};
    }

    core::Status withdraw_member(const Declaration& d) override {
        for (Declaration& x : records().declarations) {
            if (x.member_id != d.member_id) continue;
            if (x.withdrawn_at_ms) {
                return core::conflict("already_withdrawn", "withdrawn");
            }
            x.withdrawn_at_ms = d.withdrawn_at_ms;
            x.withdrawn_by = d.withdrawn_by;
            x.withdrawal_reason = core::utf8_prefix(d.withdrawal_reason, reason_bytes_max);
            return {};
        }
        return core::conflict("already_withdrawn", "no declaration");
    }

    core::Status insert_scores(const std::vector<TechnicalScore>& scores) override {
        auto key = [](const TechnicalScore& t) {
            return std::tuple(t.bid_id, t.member_id, t.criterion_id);
        };
        for (const TechnicalScore& t : scores) {
            for (const TechnicalScore& x : records().scores) {
                if (key(x) == key(t)) {
                    return unique_key(core::conflict("score_locked", "locked"));
                }
            }
            records().scores.push_back(t);
        }
        std::sort(
            records().scores.begin(), records().scores.end(),
            [&](const TechnicalScore& a, const TechnicalScore& b) { return key(a) < key(b); });
        return {};
    }

    core::Status insert_evaluation(const Evaluation& e) override {
        if (records().evaluation) {
            return unique_key(core::conflict("already_evaluated", "evaluated"));
        }
        // Read back as MariaDB orders the rows: lots by number, ranked bids by (lot, rank).
        Evaluation stored = e;
        std::sort(
            stored.lots.begin(), stored.lots.end(),
            [](const LotEvaluation& a, const LotEvaluation& b) { return a.lot_id < b.lot_id; });
        std::sort(stored.bids.begin(), stored.bids.end(),
                  [](const RankedBid& a, const RankedBid& b) {
                      return std::tie(a.lot_id, a.rank) < std::tie(b.lot_id, b.rank);
                  });
        records().evaluation = std::move(stored);
        return {};
    }

    core::Result<std::int64_t> insert_award(const Award& a) override {
        if (a.current()) {
            for (const Award& x : records().awards) {
                if (x.current() && x.lot_id == a.lot_id) {
                    return unique_key(core::conflict("lot_already_awarded", "current"));
                }
            }
        }
        Award stored = a;
        stored.id = s_.next_award_id++;
        stored.skip_reason = core::utf8_prefix(a.skip_reason, reason_bytes_max);
        stored.clarification = core::utf8_prefix(a.clarification, clarification_bytes_max);
        records().awards.push_back(stored);
        return stored.id;
    }

    core::Status update_award(const Award& a) override {
        std::vector<Award>& awards = records().awards;
        const auto stored = std::find_if(awards.begin(), awards.end(),
                                         [&](const Award& x) { return x.id == a.id; });
        if (stored == awards.end()) return core::not_found("award_not_found", "no award");
        // The awards_current key: one current award per lot (the stored award's lot).
        if (a.current()) {
            for (const Award& x : awards) {
                if (x.id != a.id && x.current() && x.lot_id == stored->lot_id) {
                    return unique_key(core::conflict("lot_already_awarded", "current"));
                }
            }
        }
        stored->state = a.state;
        stored->decided_by = a.decided_by;
        stored->decided_at_ms = a.decided_at_ms;
        stored->decline_reason = a.decline_reason;
        stored->decision_proposed_by = a.decision_proposed_by;
        if (a.decline_reason) {
            stored->decline_reason = core::utf8_prefix(*a.decline_reason, reason_bytes_max);
        }
        return {};
    }

    core::Result<std::int64_t> insert_contract(const Contract& k) override {
        for (const Contract& x : records().contracts) {
            if (x.award_id == k.award_id) {
                return unique_key(core::conflict("award_signed", "signed"));
            }
        }
        Contract stored = k;
        stored.id = s_.next_contract_id++;
        for (Milestone& m : stored.milestones) {
            m.id = s_.next_milestone_id++;
            m.contract_id = stored.id;
            m.currency = stored.currency;
            m.state = MilestoneState::planned;
        }
        records().contracts.push_back(stored);
        return stored.id;
    }

    core::Status accept_milestone(std::int64_t contract_id, std::int64_t number,
                                  core::UserId proposed_by, core::UserId by,
                                  std::int64_t at_ms) override {
        for (Contract& k : records().contracts) {
            if (k.id != contract_id) continue;
            for (Milestone& m : k.milestones) {
                if (m.number == number && m.state == MilestoneState::planned) {
                    m.state = MilestoneState::accepted;
                    m.accepted_by = by;
                    m.proposed_by = proposed_by;
                    m.accepted_at_ms = at_ms;
                    return {};
                }
            }
        }
        return core::conflict("milestone_accepted", "not planned");
    }

    core::Status insert_closure(const LotClosure& closure) override {
        for (const LotClosure& c : records().closures) {
            if (c.lot_id == closure.lot_id) {
                return unique_key(core::conflict("lot_closed", "closed"));
            }
        }
        LotClosure stored = closure;
        stored.reason = core::utf8_prefix(closure.reason, reason_bytes_max);
        records().closures.push_back(std::move(stored));
        std::sort(records().closures.begin(), records().closures.end(),
                  [](const LotClosure& a, const LotClosure& b) { return a.lot_id < b.lot_id; });
        return {};
    }

    core::Result<std::int64_t> insert_decision(const Decision& d) override {
        // The award_decisions_open key: one proposed decision per subject.
        for (const Decision& x : records().decisions) {
            if (x.state == DecisionState::proposed && x.kind == d.kind &&
                x.subject_id == d.subject_id && x.milestone_number == d.milestone_number) {
                return unique_key(core::conflict("decision_pending", "pending"));
            }
        }
        Decision stored = d;
        stored.id = s_.next_decision_id++;
        stored.state = DecisionState::proposed;
        stored.decided_by.reset();
        stored.decided_at_ms.reset();
        stored.result_id = 0;
        records().decisions.push_back(stored);
        return stored.id;
    }

    core::Status update_decision(const Decision& d) override {
        for (Decision& x : records().decisions) {
            if (x.id != d.id) continue;
            if (x.state != DecisionState::proposed) break;
            x.state = d.state;
            x.decided_by = d.decided_by;
            x.decided_at_ms = d.decided_at_ms;
            x.result_id = d.result_id;
            return {};
        }
        return core::conflict("decision_decided", "not proposed");
    }

    core::Status append_audit(const std::vector<core::AuditEvent>& events) override {
        s_.audit.insert(s_.audit.end(), events.begin(), events.end());
        return {};
    }

private:
    core::Error unique_key(core::Error error) {
        if (!failure_) failure_ = error;
        return error;
    }

    FakeAwardStore::State& s_;
    std::int64_t tender_id_;
    std::optional<core::Error> failure_;
};

}  // namespace

core::Status FakeAwardStore::in_transaction(
    std::int64_t tender_id, const std::function<core::Status(AwardTransaction&)>& fn) {
    std::lock_guard lock(mutex_);
    if (state_.tenders.count(tender_id) == 0) {
        return core::not_found("tender_not_found", "no tender");
    }
    State working = state_;
    FakeTransaction tx(working, tender_id);
    core::Status status = fn(tx);
    if (status && tx.failure()) status = *tx.failure();
    if (status) state_ = std::move(working);
    return status;
}

core::Result<TenderRecords> FakeAwardStore::read(std::int64_t tender_id) {
    std::lock_guard lock(mutex_);
    const auto it = state_.tenders.find(tender_id);
    if (it == state_.tenders.end()) {
        TenderRecords empty;
        empty.tender_id = tender_id;
        return empty;
    }
    return it->second;
}

core::Result<std::optional<std::int64_t>> FakeAwardStore::tender_of_award(std::int64_t award_id) {
    std::lock_guard lock(mutex_);
    for (const auto& [id, records] : state_.tenders) {
        for (const Award& a : records.awards) {
            if (a.id == award_id) return std::optional<std::int64_t>(id);
        }
    }
    return std::optional<std::int64_t>();
}

core::Result<std::optional<std::int64_t>> FakeAwardStore::tender_of_decision(
    std::int64_t decision_id) {
    std::lock_guard lock(mutex_);
    for (const auto& [id, records] : state_.tenders) {
        for (const Decision& d : records.decisions) {
            if (d.id == decision_id) return std::optional<std::int64_t>(id);
        }
    }
    return std::optional<std::int64_t>();
}

core::Result<std::optional<std::int64_t>> FakeAwardStore::tender_of_contract(
    std::int64_t contract_id) {
    std::lock_guard lock(mutex_);
    for (const auto& [id, records] : state_.tenders) {
        for (const Contract& k : records.contracts) {
            if (k.id == contract_id) return std::optional<std::int64_t>(id);
        }
    }
    return std::optional<std::int64_t>();
}

void FakeAwardStore::add_tender(std::int64_t tender_id) {
    std::lock_guard lock(mutex_);
    state_.tenders[tender_id].tender_id = tender_id;
}

void FakeAwardStore::set_opening(std::int64_t tender_id, std::int64_t opened_at_ms,
                                 std::vector<OpenedBid> bids) {
    std::lock_guard lock(mutex_);
    TenderRecords& r = state_.tenders[tender_id];
    r.tender_id = tender_id;
    r.opened_at_ms = opened_at_ms;
    r.opened_bids = std::move(bids);
}

std::vector<core::AuditEvent> FakeAwardStore::audit() {
    std::lock_guard lock(mutex_);
    return state_.audit;
}

}  // namespace procura::settlement::awards
