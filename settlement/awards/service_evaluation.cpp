// AwardService's panel and evaluation: the committee members' declarations, their withdrawal
// from the panel, their locked technical scores, and the stored evaluation (evaluate_all over
// the opening record and the scores). Awards and contracts are in service.cpp.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "core/json_text.hpp"
#include "settlement/awards/rules.hpp"
#include "settlement/awards/service.hpp"
#include "settlement/awards/service_support.hpp"
#include "settlement/evaluation/evaluation.hpp"

namespace procura::settlement::awards {
namespace {

using core::ErrorKind;
using Json = nlohmann::json;

// Whether user is on the tender's evaluation committee.
bool on_committee(const tender::Tender& t, core::UserId user) {
    return std::find(t.committee.begin(), t.committee.end(), user) != t.committee.end();
}

// The evaluation panel as it stands: the committee members who declared no conflict and are
// not withdrawn, ascending id.
std::vector<core::UserId> panel_of(const tender::Tender& t, const TenderRecords& records) {
    std::vector<core::UserId> panel;
    for (const Declaration& d : records.declarations) {
        if (d.no_conflict && !d.withdrawn_at_ms && on_committee(t, d.member_id)) {
            panel.push_back(d.member_id);
        }
    }
    return panel;
}

// 403 "not_panel_member" unless caller is an officer on the tender's committee.
core::Status require_panel_member(const core::Caller& caller, const tender::Tender& t) {
    if (caller.role != core::Role::officer || !on_committee(t, caller.user_id)) {
        return core::forbidden(
            "not_panel_member",
            "only members of the tender's committee sit on its evaluation panel");
    }
    return {};
}

// The evaluation method of the tender's method (lowest price when it names none).
evaluation::Method to_method(std::optional<tender::EvaluationMethod> method) {
    if (!method) return evaluation::Method::lowest_price;
    switch (*method) {
        case tender::EvaluationMethod::lowest_price:
            return evaluation::Method::lowest_price;
        case tender::EvaluationMethod::comprehensive:
            return evaluation::Method::comprehensive;
        case tender::EvaluationMethod::benchmark_price:
            return evaluation::Method::benchmark_price;
    }
    return evaluation::Method::lowest_price;
}

// The weights the tender's method and its price and technical weights give.
evaluation::Weights tender_weights(const tender::Tender& t) {
    return rules::weights_for(to_method(t.evaluation_method), t.price_weight, t.technical_weight);
}

// 409 "not_opened" before the opening.
core::Status require_opened(const TenderRecords& records) {
    if (!records.opened_at_ms) {
        return core::conflict("not_opened", "the bids are not opened yet");
    }
    return {};
}

// 409 "already_evaluated" once the evaluation is stored.
core::Status require_not_evaluated(const TenderRecords& records) {
    if (records.evaluation) {
        return core::conflict("already_evaluated", "the tender's evaluation is already stored");
    }
    return {};
}

// The member's declaration on the tender, or nullptr.
const Declaration* declaration_of(const TenderRecords& records, core::UserId member) {
    for (const Declaration& d : records.declarations) {
        if (d.member_id == member) return &d;
    }
    return nullptr;
}

// The input of evaluate_all for each lot, and the panel's scores it lacks.
struct EvaluationInputs {
    std::vector<evaluation::LotInput> lots;
    std::vector<std::string> missing;  // "member M on bid B", the first 20
    std::size_t missing_count = 0;     // all of them
};

// What every lot's input shares: the tender, its currency, method and weights, and the
// abnormally-low threshold; lot_id and bids are left to fill.
evaluation::LotInput lot_terms(std::int64_t tender_id, const tender::Tender& t,
                               const AwardLimits& limits) {
    evaluation::LotInput terms;
    terms.tender_id = tender_id;
    terms.currency = t.currency;
    terms.method = to_method(t.evaluation_method);
    terms.weights = tender_weights(t);
    terms.abnormally_low_threshold_bp = limits.abnormally_low_threshold_bp;
    return terms;
}

// Opened bid b of lot as the evaluation sees it, without its technical scores.
evaluation::BidInput bid_input(const OpenedBid& b, const tender::Tender& t,
                               const tender::Lot& lot) {
    evaluation::BidInput bid;
    bid.bid_id = b.bid_id;
    bid.supplier_id = b.supplier_id;
    bid.lot_id = b.lot_id;
    bid.price_minor = b.price_minor;
    bid.currency = b.currency;
    bid.received_at_ms = b.received_at_ms;
    bid.valid = b.valid;
    bid.invalid_reason = b.reason;
    // What the opening cannot judge without the tender: a valid bid in another currency, or
    // above the lot's budget ceiling, is excluded here with its reason (one such bid must not
    // stop the whole lot's evaluation).
    if (bid.valid && b.currency != t.currency) {
        bid.valid = false;
        bid.invalid_reason =
            "currency_mismatch: the bid is in " + b.currency + ", the tender in " + t.currency;
    } else if (bid.valid && lot.budget_minor > 0 && b.price_minor > lot.budget_minor) {
        bid.valid = false;
        bid.invalid_reason = "over_budget: the price " + std::to_string(b.price_minor) +
                             " is above the lot's budget ceiling " +
                             std::to_string(lot.budget_minor);
    }
    return bid;
}

// Adds each panel member's scores of opened bid b to bid; a member without any is counted in
// inputs' missing scores instead.
void add_panel_scores(const OpenedBid& b, const std::vector<core::UserId>& panel,
                      const std::vector<TechnicalScore>& scores, evaluation::BidInput& bid,
                      EvaluationInputs& inputs) {
    for (core::UserId member : panel) {
        evaluation::EvaluatorScores given{member, {}};
        for (const TechnicalScore& s : scores) {
            if (s.bid_id == b.bid_id && s.member_id == member) {
                given.scores.push_back({s.criterion_id, s.score_micro});
            }
        }
        if (given.scores.empty()) {
            if (++inputs.missing_count <= 20) {
                inputs.missing.push_back("member " + std::to_string(member) + " on bid " +
                                         std::to_string(b.bid_id));
            }
            continue;
        }
        bid.technical.push_back(std::move(given));
    }
}

// The input of each of t's lots (terms from lot_terms) from the opening record and, when the
// method has technical criteria, the scores of the panel's members on each valid bid.
EvaluationInputs evaluation_inputs(const tender::Tender& t, const TenderRecords& records,
                                   const std::vector<core::UserId>& panel,
                                   const evaluation::LotInput& terms) {
    EvaluationInputs inputs;
    for (const tender::Lot& lot : t.lots) {
        evaluation::LotInput input = terms;
        input.lot_id = lot.number;
        for (const OpenedBid& b : records.opened_bids) {
            if (b.lot_id != lot.number) continue;
            evaluation::BidInput bid = bid_input(b, t, lot);
            if (b.valid && !terms.weights.criteria.empty()) {
                add_panel_scores(b, panel, records.scores, bid, inputs);
            }
            input.bids.push_back(std::move(bid));
        }
        inputs.lots.push_back(std::move(input));
    }
    return inputs;
}

// 409 "panel_empty" when technical criteria have no panel to score them, "scores_missing"
// (naming the first 20 member and bid pairs) when a member has not scored a valid bid.
core::Status require_complete_scores(const evaluation::Weights& weights,
                                     const std::vector<core::UserId>& panel,
                                     const EvaluationInputs& inputs) {
    if (!weights.criteria.empty() && panel.empty()) {
        return core::conflict("panel_empty",
                              "no committee member has declared no conflict of interest: the "
                              "technical criteria cannot be scored",
                              "scores");
    }
    if (inputs.missing_count > 0) {
        std::string list;
        for (const std::string& m : inputs.missing) list += (list.empty() ? "" : "; ") + m;
        if (inputs.missing_count > inputs.missing.size()) {
            list +=
                "; and " + std::to_string(inputs.missing_count - inputs.missing.size()) + " more";
        }
        return core::conflict("scores_missing", "technical scores are missing: " + list, "scores");
    }
    return {};
}

// A lot's refused input as evaluate reports it: unprocessable (bad_request stays), with the
// lot named in the message and the field.
core::Error lot_error(const evaluation::LotResult& r) {
    core::Error error = *r.error;
    error.message = "lot " + std::to_string(r.lot_id) + ": " + error.message;
    if (error.kind != ErrorKind::bad_request) error.kind = ErrorKind::unprocessable;
    error.field =
        "lots[" + std::to_string(r.lot_id) + "]" + (error.field.empty() ? "" : "." + error.field);
    return error;
}

// Adds lot result r (without error) to out, the evaluation being made (its tender, evaluator
// and time set), and its audit events to events: one for the lot, one per ranked bid.
void add_lot_result(const evaluation::LotResult& r, Evaluation& out,
                    std::vector<core::AuditEvent>& events) {
    const std::int64_t now = out.evaluated_at_ms;
    const core::UserId actor = out.evaluated_by;
    Json result = evaluation::to_json(r);
    out.lots.push_back(LotEvaluation{r.lot_id, core::compact_json(result)});
    events.push_back(event(now, actor, "evaluation.lot_evaluated", "tender", out.tender_id, 0,
                           Json{{"lot_id", r.lot_id}, {"result", result}}));
    for (std::size_t i = 0; i < r.ranking.size(); ++i) {
        const evaluation::BidScore& s = r.ranking[i];
        const Json& breakdown = result.at("ranking").at(i);
        out.bids.push_back(RankedBid{out.tender_id, r.lot_id, s.bid_id, s.supplier_id, s.rank,
                                     s.price_minor, r.currency, s.abnormally_low,
                                     s.total_score_micro, core::compact_json(breakdown)});
        events.push_back(event(
            now, actor, "evaluation.bid_evaluated", "bid", s.bid_id, 0,
            Json{{"tender_id", out.tender_id}, {"lot_id", r.lot_id}, {"breakdown", breakdown}}));
    }
}

// The declarations, sealed until the evaluation, published with it: the audit event of
// evaluation out.
core::AuditEvent declarations_published(const Evaluation& out, const TenderRecords& records) {
    Json declarations = Json::array();
    for (const Declaration& d : records.declarations) {
        declarations.push_back(Json{{"member_id", d.member_id},
                                    {"no_conflict", d.no_conflict},
                                    {"statement", d.statement},
                                    {"supplier_ids", d.supplier_ids},
                                    {"declared_at_ms", d.declared_at_ms}});
    }
    return event(out.evaluated_at_ms, out.evaluated_by, "evaluation.declarations_published",
                 "tender", out.tender_id, 0, Json{{"declarations", std::move(declarations)}});
}

}  // namespace

core::Result<Declaration> AwardService::declare(const core::Caller& caller, std::int64_t tender_id,
                                                bool no_conflict, const std::string& statement) {
    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    PROCURA_TRY(require_panel_member(caller, t));
    if (!rules::has_text(statement)) {
        return core::unprocessable("statement_required", "a declaration carries a statement",
                                   "statement");
    }
    if (statement.size() > limits_.statement_bytes_max) {
        return core::unprocessable("statement_too_long",
                                   "the statement is longer than " +
                                       std::to_string(limits_.statement_bytes_max) + " bytes",
                                   "statement");
    }
    if (t.state == tender::TenderState::cancelled) {
        return core::conflict("tender_cancelled", "the tender is cancelled");
    }
    Declaration declaration;
    PROCURA_TRY(d_.store.in_transaction(tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto records, tx.load());
        PROCURA_TRY(require_opened(records));
        PROCURA_TRY(require_not_evaluated(records));
        if (declaration_of(records, caller.user_id) != nullptr) {
            return core::conflict("already_declared",
                                  "you have already made your declaration for this tender");
        }
        std::set<core::UserId> suppliers;
        for (const OpenedBid& b : records.opened_bids) suppliers.insert(b.supplier_id);
        declaration = Declaration{};
        declaration.tender_id = tender_id;
        declaration.member_id = caller.user_id;
        declaration.no_conflict = no_conflict;
        declaration.statement = statement;
        declaration.supplier_ids.assign(suppliers.begin(), suppliers.end());
        declaration.declared_at_ms = d_.clock.now_ms();
        PROCURA_TRY(tx.insert_declaration(declaration));
        return tx.append_audit({event(
            declaration.declared_at_ms, caller.user_id, "evaluation.declared", "tender", tender_id,
            0,
            // Declarations are sealed until the evaluation, and
            // the log is public: the contents are logged then
            // (evaluation.declarations_published).
            Json{{"member_id", caller.user_id}, {"supplier_ids", declaration.supplier_ids}})});
    }));
    return declaration;
}

core::Result<Declaration> AwardService::withdraw_member(const core::Caller& caller,
                                                        std::int64_t tender_id,
                                                        core::UserId member_id,
                                                        const std::string& reason) {
    PROCURA_TRY(require_officer(caller, "withdraw a panel member"));
    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    PROCURA_TRY(rules::check_withdrawal(reason, limits_));
    if (t.state == tender::TenderState::cancelled) {
        return core::conflict("tender_cancelled", "the tender is cancelled");
    }
    Declaration withdrawn;
    PROCURA_TRY(d_.store.in_transaction(tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto records, tx.load());
        PROCURA_TRY(require_opened(records));
        PROCURA_TRY(require_not_evaluated(records));
        const std::vector<core::UserId> panel = panel_of(t, records);
        const auto on_panel = [&](core::UserId user) {
            return std::find(panel.begin(), panel.end(), user) != panel.end();
        };
        if (caller.user_id != member_id) {
            // Only a fellow panel member withdraws someone else, and never down to a panel
            // of one: no officer can make themselves, or anyone, the sole evaluator.
            PROCURA_TRY(require_not_recused(records, caller));
            if (!on_panel(caller.user_id)) {
                return core::forbidden(
                    "not_panel_member",
                    "only a member of the evaluation panel (a committee member who "
                    "declared no conflict) withdraws another member");
            }
            if (on_panel(member_id) && panel.size() <= 2) {
                return core::conflict("panel_too_small",
                                      "the panel has " + std::to_string(panel.size()) +
                                          " members: another member's withdrawal would leave it "
                                          "with one; only the member can withdraw themselves");
            }
        }
        const Declaration* declared = declaration_of(records, member_id);
        if (declared == nullptr || !declared->no_conflict || !on_committee(t, member_id)) {
            return core::conflict(
                "not_on_panel", "user " + std::to_string(member_id) +
                                    " has not declared no conflict on this tender's committee, so "
                                    "the evaluation does not wait for them");
        }
        if (declared->withdrawn_at_ms) {
            return core::conflict("already_withdrawn", "member " + std::to_string(member_id) +
                                                           " is withdrawn from the panel already");
        }
        const bool scored =
            std::any_of(records.scores.begin(), records.scores.end(),
                        [&](const TechnicalScore& s) { return s.member_id == member_id; });
        if (scored) {
            return core::conflict("member_has_scored",
                                  "member " + std::to_string(member_id) +
                                      " has submitted scores, which are locked: they stay in the "
                                      "evaluation, so the member cannot be withdrawn");
        }
        withdrawn = *declared;
        withdrawn.withdrawn_at_ms = d_.clock.now_ms();
        withdrawn.withdrawn_by = caller.user_id;
        withdrawn.withdrawal_reason = reason;
        PROCURA_TRY(tx.withdraw_member(withdrawn));
        return tx.append_audit(
            {event(*withdrawn.withdrawn_at_ms, caller.user_id, "evaluation.member_withdrawn",
                   "tender", tender_id, 0, Json{{"member_id", member_id}, {"reason", reason}})});
    }));
    return withdrawn;
}

core::Result<std::vector<TechnicalScore>> AwardService::submit_scores(
    const core::Caller& caller, std::int64_t tender_id, const ScoreSubmission& submission) {
    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    PROCURA_TRY(require_panel_member(caller, t));
    const evaluation::Weights weights = tender_weights(t);
    if (weights.criteria.empty()) {
        return core::conflict("no_technical_criteria",
                              "this tender's evaluation method uses no technical score");
    }
    std::vector<TechnicalScore> stored;
    PROCURA_TRY(d_.store.in_transaction(tender_id, [&](AwardTransaction& tx) -> core::Status {
        stored.clear();
        PROCURA_TRY_ASSIGN(auto records, tx.load());
        PROCURA_TRY(require_opened(records));
        PROCURA_TRY(require_not_evaluated(records));
        const Declaration* declared = declaration_of(records, caller.user_id);
        if (declared == nullptr) {
            return core::conflict("declaration_required",
                                  "declare your conflicts of interest before scoring");
        }
        if (!declared->no_conflict) {
            return core::forbidden("recused",
                                   "you declared a conflict of interest and are recused");
        }
        if (declared->withdrawn_at_ms) {
            return core::forbidden("withdrawn_from_panel",
                                   "you are withdrawn from this tender's evaluation panel");
        }
        const bool valid_bid = std::any_of(
            records.opened_bids.begin(), records.opened_bids.end(), [&](const OpenedBid& b) {
                return b.bid_id == submission.bid_id && b.lot_id == submission.lot_id && b.valid;
            });
        if (!valid_bid) {
            return core::unprocessable("bid_not_valid",
                                       "bid " + std::to_string(submission.bid_id) +
                                           " is not a valid opened bid of lot " +
                                           std::to_string(submission.lot_id),
                                       "bid_id");
        }
        PROCURA_TRY(rules::check_scores(submission, weights));
        for (const TechnicalScore& s : records.scores) {
            if (s.bid_id == submission.bid_id && s.member_id == caller.user_id) {
                return core::conflict("score_locked", "your scores of bid " +
                                                          std::to_string(submission.bid_id) +
                                                          " are submitted and locked");
            }
        }
        const std::int64_t now = d_.clock.now_ms();
        Json scores = Json::array();
        for (const auto& [criterion, score] : submission.scores) {
            stored.push_back(TechnicalScore{tender_id, submission.lot_id, submission.bid_id,
                                            caller.user_id, criterion, score, now});
            // Sealed until the evaluation, and the log is public: the values are logged then,
            // in each bid's evaluation.bid_evaluated breakdown.
            scores.push_back(Json{{"criterion_id", criterion}});
        }
        PROCURA_TRY(tx.insert_scores(stored));
        return tx.append_audit(
            {event(now, caller.user_id, "evaluation.scored", "bid", submission.bid_id, 0,
                   Json{{"tender_id", tender_id},
                        {"lot_id", submission.lot_id},
                        {"member_id", caller.user_id},
                        {"scores", std::move(scores)}})});
    }));
    return stored;
}

core::Result<PanelScores> AwardService::scores(const std::optional<core::Caller>& caller,
                                               std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    PROCURA_TRY_ASSIGN(auto records, d_.store.read(tender_id));
    PanelScores out;
    out.evaluated = records.evaluation.has_value();
    if (out.evaluated) {
        out.declarations = std::move(records.declarations);
        out.scores = std::move(records.scores);
        return out;
    }
    if (!caller || caller->role != core::Role::officer || !on_committee(t, caller->user_id)) {
        return core::forbidden(
            "scores_sealed",
            "the panel's scores are published with the evaluation; before it only "
            "each panel member sees their own");
    }
    out.declarations = std::move(records.declarations);
    for (TechnicalScore& s : records.scores) {
        if (s.member_id == caller->user_id) out.scores.push_back(std::move(s));
    }
    return out;
}

core::Result<Evaluation> AwardService::evaluate(const core::Caller& caller,
                                                std::int64_t tender_id) {
    PROCURA_TRY(require_officer(caller, "run the evaluation"));
    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    PROCURA_TRY(require_buyer_officer(caller, tender_id));
    if (t.state == tender::TenderState::cancelled) {
        return core::conflict("tender_cancelled", "the tender is cancelled");
    }
    const evaluation::LotInput terms = lot_terms(tender_id, t, limits_);
    Evaluation evaluation;
    PROCURA_TRY(d_.store.in_transaction(tender_id, [&](AwardTransaction& tx) -> core::Status {
        PROCURA_TRY_ASSIGN(auto records, tx.load());
        PROCURA_TRY(require_not_recused(records, caller));
        PROCURA_TRY(require_opened(records));
        PROCURA_TRY(require_not_evaluated(records));

        const std::vector<core::UserId> panel = panel_of(t, records);
        const EvaluationInputs inputs = evaluation_inputs(t, records, panel, terms);
        PROCURA_TRY(require_complete_scores(terms.weights, panel, inputs));

        const std::vector<evaluation::LotResult> results =
            evaluation::evaluate_all(inputs.lots, limits_.evaluation_threads);
        const std::int64_t now = d_.clock.now_ms();
        evaluation = Evaluation{tender_id, caller.user_id, now, {}, {}};
        std::vector<core::AuditEvent> events;
        for (const evaluation::LotResult& r : results) {
            if (r.error) return lot_error(r);
            add_lot_result(r, evaluation, events);
        }
        events.push_back(declarations_published(evaluation, records));
        PROCURA_TRY(tx.insert_evaluation(evaluation));
        return tx.append_audit(events);
    }));
    return evaluation;
}

core::Result<Evaluation> AwardService::evaluation(std::int64_t tender_id) {
    PROCURA_TRY_ASSIGN(auto t, published_tender(tender_id));
    PROCURA_TRY_ASSIGN(auto records, d_.store.read(tender_id));
    if (!records.evaluation) {
        return core::not_found("not_evaluated", "the tender's evaluation is not stored yet");
    }
    return std::move(*records.evaluation);
}

}  // namespace procura::settlement::awards
