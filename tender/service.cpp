#include "tender/service.hpp"

#include <charconv>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "core/hash.hpp"
#include "core/json_text.hpp"
#include "core/time.hpp"
#include "tender/rules.hpp"

namespace procura::tender {
namespace {
using core::Result;
using core::Status;

Status require_role(const core::Caller& caller, core::Role role, std::string_view what) {
    if (caller.role != role) {
        return core::forbidden("forbidden", "only a " + std::string(core::to_string(role)) +
                                                " may " + std::string(what));
    }
    return {};
}

// A free-text field that must be present and at most max_bytes long: 422 naming it otherwise.
Status require_text(const std::string& value, const std::string& field, std::size_t max_bytes) {
    if (value.empty() || value.size() > max_bytes) {
        return core::unprocessable(
            "invalid_field",
            field + " is required (at most " + std::to_string(max_bytes) + " bytes)", field);
    }
    return {};
}

Status check_version(const Tender& t, std::int64_t expected_version) {
    if (t.version != expected_version) {
        return core::conflict("stale_version",
                              "the tender is at version " + std::to_string(t.version) + ", not " +
                                  std::to_string(expected_version) + "; reload it and try again",
                              "version");
    }
    return {};
}

bool is_officer(const std::optional<core::Caller>& caller) {
    return caller && caller->role == core::Role::officer;
}

core::Error tender_not_found(TenderId id) {
    return core::not_found("tender_not_found", "no tender " + std::to_string(id));
}

using Json = nlohmann::json;

// Compact JSON text for audit payloads and amendment records. Invalid UTF-8 is replaced, not
// thrown: a payload must never make a state change fail.
// The names of the fields a change touches, for audit payloads.
Json changed_field_names(const TenderFields& f) {
    Json names = Json::array();
    const auto add = [&](bool present, const char* name) {
        if (present) names.push_back(name);
    };
    add(f.title.has_value(), "title");
    add(f.description.has_value(), "description");
    add(f.buyer_name.has_value(), "buyer.name");
    add(f.buyer_id.has_value(), "buyer.id");
    add(f.category.has_value(), "category");
    add(f.currency.has_value(), "currency");
    add(f.lots.has_value(), "lots");
    add(f.evaluation_method.has_value(), "evaluation.method");
    add(f.price_weight.has_value(), "evaluation.price_weight");
    add(f.technical_weight.has_value(), "evaluation.technical_weight");
    add(f.bid_security_minor.has_value(), "bid_security_minor");
    add(f.enquiry_deadline_ms.has_value(), "enquiry_deadline");
    add(f.submission_deadline_ms.has_value(), "submission_deadline");
    add(f.opening_time_ms.has_value(), "opening_time");
    add(f.committee.has_value(), "committee.members");
    add(f.threshold_k.has_value(), "committee.threshold");
    return names;
}

// The new values of an amendment's fields (published with the amendment), keyed by the same
// field names the API uses; lots are the tender's lots after the amendment, with their numbers.
std::string changes_json(const TenderFields& f, const std::vector<Lot>& lots_after) {
    Json out = Json::object();
    if (f.title) out["title"] = *f.title;
    if (f.description) out["description"] = *f.description;
    if (f.buyer_name) out["buyer.name"] = *f.buyer_name;
    if (f.buyer_id) out["buyer.id"] = *f.buyer_id;
    if (f.category) out["category"] = to_string(*f.category);
    if (f.lots) {
        Json lots = Json::array();
        for (const Lot& lot : lots_after) {
            lots.push_back(
                {{"number", lot.number}, {"title", lot.title}, {"budget_minor", lot.budget_minor}});
        }
        out["lots"] = std::move(lots);
    }
    if (f.evaluation_method) out["evaluation.method"] = to_string(*f.evaluation_method);
    if (f.price_weight) out["evaluation.price_weight"] = *f.price_weight;
    if (f.technical_weight) out["evaluation.technical_weight"] = *f.technical_weight;
    if (f.bid_security_minor) out["bid_security_minor"] = *f.bid_security_minor;
    if (f.enquiry_deadline_ms) {
        out["enquiry_deadline"] = core::format_rfc3339_ms(*f.enquiry_deadline_ms);
    }
    if (f.submission_deadline_ms) {
        out["submission_deadline"] = core::format_rfc3339_ms(*f.submission_deadline_ms);
    }
    if (f.opening_time_ms) out["opening_time"] = core::format_rfc3339_ms(*f.opening_time_ms);
    return core::compact_json(out);
}

bool has_any_field(const TenderFields& f) { return !changed_field_names(f).empty(); }

core::AuditEvent audit_event(const core::Caller& caller, std::int64_t now_ms, std::string action,
                             const Tender& t, std::string payload_json) {
    return core::AuditEvent{now_ms, caller.user_id, std::move(action),      "tender",
                            t.id,   t.version,      std::move(payload_json)};
}

}  // namespace

TenderService::TenderService(TenderStore& store, core::UserDirectory& users,
                             core::BuyerDirectory& buyers, const core::Clock& clock,
                             TenderLimits limits, AnyBid any_bid)
    : store_(store),
      users_(users),
      buyers_(buyers),
      clock_(clock),
      limits_(limits),
      any_bid_(std::move(any_bid)) {}

Result<bool> TenderService::acts_for_buyer(const std::optional<core::Caller>& caller,
                                           const Tender& t) {
    if (!is_officer(caller) || t.buyer_id.empty()) return false;
    return buyers_.is_officer_of(caller->user_id, t.buyer_id);
}

Status TenderService::require_buyer_officer(const core::Caller& caller, const Tender& t) {
    PROCURA_TRY_ASSIGN(const bool own, acts_for_buyer(caller, t));
    if (own) return {};
    // Another buyer's private tender does not exist for this officer.
    if (!ever_published(t)) return tender_not_found(t.id);
    return core::forbidden("not_buyer_officer", "only officers of the tender's buyer (" +
                                                    t.buyer_id + ") may act on it");
}

Status TenderService::check_lots_may_move(const Tender& t,
                                          const std::vector<Lot>& lots_before) const {
    if (rules::lots_stay_in_place(lots_before, t.lots)) return {};
    // Without the port, bids are assumed: refusing is safe, moving a lot under a bid is not.
    if (any_bid_) {
        PROCURA_TRY_ASSIGN(const bool any_bid, any_bid_(t.id));
        if (!any_bid) return {};
    }
    return core::conflict(
        "lots_locked",
        "the tender has received bids, which name their lot by its number: its lots can no "
        "longer be removed or reordered. Name every existing lot by its number, in its place; "
        "titles and budgets may change, and new lots may follow the last one",
        "changes.lots");
}

TenderView TenderService::view(Tender t, bool buyer_officer) const {
    TenderView v;
    v.status = rules::status_at(t, clock_.now_ms());
    v.committee_size = t.committee.size();
    v.committee_members_shown = buyer_officer;
    if (!v.committee_members_shown) t.committee.clear();
    v.tender = std::move(t);
    return v;
}

Result<TenderView> TenderService::create_draft(const core::Caller& caller,
                                               const TenderFields& fields) {
    PROCURA_TRY(require_role(caller, core::Role::officer, "create tenders"));
    PROCURA_TRY(rules::validate_fields(fields, limits_));
    PROCURA_TRY_ASSIGN(auto buyer_name, checked_buyer(caller, fields));
    const std::int64_t now = clock_.now_ms();
    Tender t;
    t.version = 1;
    t.state = TenderState::draft;
    t.created_by = caller.user_id;
    t.created_at_ms = now;
    t.updated_at_ms = now;
    PROCURA_TRY(rules::apply_fields(t, fields));
    t.buyer_name = std::move(buyer_name);
    TenderId id = 0;
    PROCURA_TRY(store_.in_transaction([&](TenderTransaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto inserted, tx.insert_tender(t));
        id = inserted;
        t.id = id;
        // A draft is private, so its leaves say only that it exists (docs/audit-log.md).
        return tx.append_audit(audit_event(caller, now, "tender.drafted", t, "{}"));
    }));
    return get(caller, id);
}

Result<TenderView> TenderService::edit_draft(const core::Caller& caller, TenderId id,
                                             std::int64_t expected_version,
                                             const TenderFields& fields) {
    PROCURA_TRY(require_role(caller, core::Role::officer, "edit tenders"));
    if (fields.buyer_id || fields.buyer_name) {
        return core::unprocessable("not_amendable",
                                   "the buyer is fixed when the draft is made: make a new draft "
                                   "for another buyer",
                                   fields.buyer_id ? "buyer.id" : "buyer.name");
    }
    PROCURA_TRY(rules::validate_fields(fields, limits_));
    const std::int64_t now = clock_.now_ms();
    PROCURA_TRY(store_.in_transaction([&](TenderTransaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto loaded, tx.load_for_update(id));
        Tender& t = loaded;
        PROCURA_TRY(require_buyer_officer(caller, t));
        if (t.state != TenderState::draft) {
            return core::conflict("not_draft",
                                  "only drafts can be edited; published tenders take amendments");
        }
        PROCURA_TRY(check_version(t, expected_version));
        PROCURA_TRY(rules::apply_fields(t, fields));
        t.version += 1;
        t.updated_at_ms = now;
        PROCURA_TRY(tx.update_tender(t));
        return tx.append_audit(audit_event(caller, now, "tender.edited", t, "{}"));
    }));
    return get(caller, id);
}

Result<std::string> TenderService::checked_buyer(const core::Caller& caller,
                                                 const TenderFields& fields) {
    if (!fields.buyer_id || fields.buyer_id->empty()) {
        return core::unprocessable(
            "missing_field", "buyer.id is required: the buyer is fixed when the draft is made",
            "buyer.id");
    }
    PROCURA_TRY_ASSIGN(auto legal_name, buyers_.legal_name(*fields.buyer_id));
    if (!legal_name) {
        return core::unprocessable("unknown_buyer", "no buyer " + *fields.buyer_id, "buyer.id");
    }
    PROCURA_TRY_ASSIGN(const bool member, buyers_.is_officer_of(caller.user_id, *fields.buyer_id));
    if (!member) {
        return core::forbidden("not_buyer_officer",
                               "you are not an officer of buyer " + *fields.buyer_id, "buyer.id");
    }
    if (fields.buyer_name && *fields.buyer_name != *legal_name) {
        return core::unprocessable(
            "buyer_name_mismatch",
            "buyer.name must be the buyer's legal name, " + *legal_name + ", or left out",
            "buyer.name");
    }
    return std::move(*legal_name);
}

Status TenderService::check_publication(const Tender& t, std::int64_t now_ms,
                                        std::optional<std::int64_t> expected_version) {
    if (t.state == TenderState::published) {
        return core::conflict("already_published", "the tender is already published");
    }
    if (t.state == TenderState::cancelled) {
        return core::conflict("cancelled", "the tender is cancelled");
    }
    if (expected_version) PROCURA_TRY(check_version(t, *expected_version));
    PROCURA_TRY(rules::validate_for_publication(t, now_ms, limits_));
    for (std::size_t i = 0; i < t.committee.size(); ++i) {
        PROCURA_TRY_ASSIGN(auto role, users_.role_of(t.committee[i]));
        if (role != core::Role::officer) {
            return core::unprocessable(
                "not_an_officer",
                "committee member " + std::to_string(t.committee[i]) + " is not an active officer",
                "committee.members[" + std::to_string(i) + "]");
        }
    }
    return {};
}

Result<std::int64_t> TenderService::check_publishable(
    const core::Caller& caller, TenderId id, std::optional<std::int64_t> expected_version) {
    PROCURA_TRY(require_role(caller, core::Role::officer, "publish tenders"));
    PROCURA_TRY_ASSIGN(auto found, store_.find(id));
    if (!found) return tender_not_found(id);
    PROCURA_TRY(require_buyer_officer(caller, *found));
    PROCURA_TRY(check_publication(*found, clock_.now_ms(), expected_version));
    return found->version;
}

Result<TenderView> TenderService::publish(const core::Caller& caller, TenderId id,
                                          std::optional<std::int64_t> expected_version) {
    PROCURA_TRY(require_role(caller, core::Role::officer, "publish tenders"));
    const std::int64_t now = clock_.now_ms();
    PROCURA_TRY(store_.in_transaction([&](TenderTransaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto loaded, tx.load_for_update(id));
        Tender& t = loaded;
        PROCURA_TRY(require_buyer_officer(caller, t));
        PROCURA_TRY(check_publication(t, now, expected_version));
        t.state = TenderState::published;
        t.published_at_ms = now;
        t.updated_at_ms = now;
        t.version += 1;
        PROCURA_TRY(tx.update_tender(t));
        // The draft's leaves named nothing: the publication commits to what is now public,
        // the buyer and the documents' hashes included.
        Json documents = Json::array();
        for (const DocumentMeta& d : t.documents) {
            documents.push_back({{"document_id", d.id}, {"sha256", d.sha256_hex}});
        }
        return tx.append_audit(audit_event(
            caller, now, "tender.published", t,
            core::compact_json(
                {{"buyer_id", t.buyer_id},
                 {"submission_deadline", core::format_rfc3339_ms(*t.submission_deadline_ms)},
                 {"documents", std::move(documents)}})));
    }));
    return get(caller, id);
}

Result<TenderView> TenderService::amend(const core::Caller& caller, TenderId id,
                                        std::int64_t expected_version, const std::string& rationale,
                                        const TenderFields& changes) {
    PROCURA_TRY(require_role(caller, core::Role::officer, "amend tenders"));
    PROCURA_TRY(require_text(rationale, "rationale", limits_.reason_bytes_max));
    if (!has_any_field(changes)) {
        return core::unprocessable("empty_amendment", "an amendment must change at least one field",
                                   "changes");
    }
    // The committee and currency are fixed at publication: the opening key's shares and the
    // bid prices depend on them.
    if (changes.committee || changes.threshold_k) {
        return core::unprocessable("not_amendable",
                                   "the opening committee cannot change after publication",
                                   "changes.committee");
    }
    if (changes.currency) {
        return core::unprocessable("not_amendable", "the currency cannot change after publication",
                                   "changes.currency");
    }
    // The buyer is fixed too: it decides which buyer account pays the contract.
    if (changes.buyer_id || changes.buyer_name) {
        return core::unprocessable("not_amendable", "the buyer cannot change after publication",
                                   changes.buyer_id ? "changes.buyer.id" : "changes.buyer.name");
    }
    PROCURA_TRY(rules::validate_fields(changes, limits_));
    const std::int64_t now = clock_.now_ms();
    if (changes.enquiry_deadline_ms && *changes.enquiry_deadline_ms <= now) {
        return core::unprocessable("invalid_field", "a new enquiry_deadline must be in the future",
                                   "changes.enquiry_deadline");
    }
    PROCURA_TRY(store_.in_transaction([&](TenderTransaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto loaded, tx.load_for_update(id));
        Tender& t = loaded;
        PROCURA_TRY(require_buyer_officer(caller, t));
        if (t.state != TenderState::published) {
            return core::conflict("not_published", "only published tenders take amendments");
        }
        if (rules::status_at(t, now) == TenderStatus::closed) {
            return core::conflict("tendering_closed", "the submission deadline has passed");
        }
        PROCURA_TRY(check_version(t, expected_version));
        const std::vector<Lot> lots_before = t.lots;
        PROCURA_TRY(rules::apply_fields(t, changes));
        PROCURA_TRY(check_lots_may_move(t, lots_before));
        PROCURA_TRY(rules::validate_amended(t, now, limits_));
        Amendment a;
        a.number = static_cast<std::int64_t>(t.amendments.size()) + 1;
        a.at_ms = now;
        a.by = caller.user_id;
        a.rationale = rationale;
        a.changes_json = changes_json(changes, t.lots);
        const std::int64_t deadline_before = *t.submission_deadline_ms;
        if (auto extended = rules::extend_deadline_if_late(t, now, limits_)) {
            a.deadline_extended_from_ms = deadline_before;
            a.deadline_extended_to_ms = *extended;
        }
        t.version += 1;
        t.updated_at_ms = now;
        a.tender_version = t.version;
        PROCURA_TRY(tx.update_tender(t));
        PROCURA_TRY(tx.insert_amendment(t.id, a));
        Json payload = {{"amendment", a.number}, {"fields", changed_field_names(changes)}};
        if (a.deadline_extended_to_ms) {
            payload["deadline_extended_to"] = core::format_rfc3339_ms(*a.deadline_extended_to_ms);
        }
        return tx.append_audit(
            audit_event(caller, now, "tender.amended", t, core::compact_json(payload)));
    }));
    return get(caller, id);
}

Result<TenderView> TenderService::cancel(const core::Caller& caller, TenderId id,
                                         const std::string& reason) {
    PROCURA_TRY(require_role(caller, core::Role::officer, "cancel tenders"));
    PROCURA_TRY(require_text(reason, "reason", limits_.reason_bytes_max));
    const std::int64_t now = clock_.now_ms();
    PROCURA_TRY(store_.in_transaction([&](TenderTransaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto loaded, tx.load_for_update(id));
        Tender& t = loaded;
        PROCURA_TRY(require_buyer_officer(caller, t));
        if (t.state == TenderState::cancelled) {
            return core::conflict("already_cancelled", "the tender is already cancelled");
        }
        if (t.state == TenderState::published && t.opening_time_ms && now >= *t.opening_time_ms) {
            return core::conflict("opening_time_passed",
                                  "a tender cannot be cancelled after its opening time");
        }
        t.state = TenderState::cancelled;
        t.cancelled_at_ms = now;
        t.cancel_reason = reason;
        t.updated_at_ms = now;
        t.version += 1;
        PROCURA_TRY(tx.update_tender(t));
        // A draft cancelled before publication stays private, its reason too.
        return tx.append_audit(audit_event(
            caller, now, "tender.cancelled", t,
            ever_published(t) ? core::compact_json({{"reason", reason}}) : std::string("{}")));
    }));
    return get(caller, id);
}

Result<DocumentMeta> TenderService::add_document(const core::Caller& caller, TenderId id,
                                                 const DocumentUpload& upload) {
    PROCURA_TRY(require_role(caller, core::Role::officer, "upload tender documents"));
    if (upload.bytes.size() > limits_.document_bytes_max) {
        return core::payload_too_large(
            "document_too_large",
            "a document may be at most " + std::to_string(limits_.document_bytes_max) + " bytes");
    }
    if (upload.bytes.empty()) {
        return core::unprocessable("empty_document", "the document is empty", "body");
    }
    if (upload.filename.empty() || upload.filename.size() > 255 ||
        upload.filename.find_first_of("/\\\"\r\n") != std::string::npos) {
        return core::unprocessable(
            "invalid_field",
            "filename is required: at most 255 bytes, without / \\ \" or line "
            "breaks",
            "filename");
    }
    if (upload.title.size() > limits_.title_bytes_max) {
        return core::unprocessable("invalid_field", "title is too long", "title");
    }
    const std::int64_t now = clock_.now_ms();
    DocumentMeta meta;
    meta.title = upload.title.empty() ? upload.filename : upload.title;
    meta.filename = upload.filename;
    meta.content_type =
        upload.content_type.empty() ? "application/octet-stream" : upload.content_type;
    meta.size_bytes = static_cast<std::int64_t>(upload.bytes.size());
    meta.sha256_hex = core::sha256_hex(upload.bytes);
    meta.uploaded_at_ms = now;
    meta.uploaded_by = caller.user_id;
    PROCURA_TRY(store_.in_transaction([&](TenderTransaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto loaded, tx.load_for_update(id));
        Tender& t = loaded;
        PROCURA_TRY(require_buyer_officer(caller, t));
        if (t.state != TenderState::draft) {
            return core::conflict("not_draft", "documents can be added to drafts only");
        }
        if (t.documents.size() >= limits_.documents_per_tender_max) {
            return core::unprocessable("too_many_documents",
                                       "a tender has at most " +
                                           std::to_string(limits_.documents_per_tender_max) +
                                           " documents");
        }
        PROCURA_TRY_ASSIGN(auto doc_id, tx.insert_document(t.id, meta, upload.bytes));
        meta.id = doc_id;
        t.version += 1;
        t.updated_at_ms = now;
        PROCURA_TRY(tx.update_tender(t));
        // Documents are added to drafts only, which are private: the leaf names the document's
        // number, and tender.published gives its hash once it is public.
        return tx.append_audit(audit_event(caller, now, "tender.document_added", t,
                                           core::compact_json({{"document_id", meta.id}})));
    }));
    return meta;
}

Result<DocumentContent> TenderService::get_document(const std::optional<core::Caller>& caller,
                                                    TenderId id, DocumentId document) {
    PROCURA_TRY_ASSIGN(auto tender, get(caller, id));
    PROCURA_TRY_ASSIGN(auto content, store_.read_document(id, document));
    if (!content) {
        return core::not_found("document_not_found", "no document " + std::to_string(document) +
                                                         " in tender " + std::to_string(id));
    }
    return std::move(*content);
}

Result<TenderView> TenderService::get(const std::optional<core::Caller>& caller, TenderId id) {
    PROCURA_TRY_ASSIGN(auto found, store_.find(id));
    if (!found) return tender_not_found(id);
    PROCURA_TRY_ASSIGN(const bool own, acts_for_buyer(caller, *found));
    // A draft is not public, nor is a draft cancelled before it was published: to anyone but
    // an officer of its buyer it does not exist.
    if (!ever_published(*found) && !own) return tender_not_found(id);
    return view(std::move(*found), own);
}

Result<TenderPage> TenderService::list(const std::optional<core::Caller>& caller,
                                       std::optional<TenderStatus> status,
                                       std::optional<Category> category,
                                       const std::string& title_contains, std::size_t limit,
                                       const std::string& cursor) {
    if (limit == 0) limit = limits_.page_size_default;
    if (limit > limits_.page_size_max) {
        return core::bad_request(
            "invalid_parameter",
            "limit must be between 1 and " + std::to_string(limits_.page_size_max), "limit");
    }
    if (title_contains.size() > limits_.title_bytes_max) {
        return core::bad_request("invalid_parameter", "q is too long", "q");
    }
    TenderListQuery query;
    query.status = status;
    query.category = category;
    query.title_contains = title_contains;
    query.limit = limit;
    if (is_officer(caller)) {
        PROCURA_TRY_ASSIGN(query.draft_buyers, buyers_.buyers_of(caller->user_id));
    }
    query.now_ms = clock_.now_ms();
    if (status == TenderStatus::draft && query.draft_buyers.empty()) {
        return TenderPage{{}, std::nullopt, query.now_ms};
    }
    if (!cursor.empty()) {
        TenderId before = 0;
        const auto [end, ec] =
            std::from_chars(cursor.data(), cursor.data() + cursor.size(), before);
        if (ec != std::errc() || end != cursor.data() + cursor.size() || before <= 0) {
            return core::bad_request("invalid_parameter", "cursor is not one this server issued",
                                     "cursor");
        }
        query.before_id = before;
    }
    PROCURA_TRY_ASSIGN(auto rows, store_.list(query));
    TenderPage page;
    page.as_of_ms = query.now_ms;
    page.items = std::move(rows);
    if (page.items.size() > limit) {
        page.items.resize(limit);
        page.next_cursor = std::to_string(page.items.back().id);
    }
    return page;
}

Result<Question> TenderService::ask(const core::Caller& caller, TenderId id,
                                    const std::string& text) {
    PROCURA_TRY(require_role(caller, core::Role::supplier, "ask clarification questions"));
    PROCURA_TRY(require_text(text, "text", limits_.question_bytes_max));
    const std::int64_t now = clock_.now_ms();
    Question q;
    q.tender_id = id;
    q.asker_id = caller.user_id;
    q.text = text;
    q.asked_at_ms = now;
    PROCURA_TRY(store_.in_transaction([&](TenderTransaction& tx) -> Status {
        auto loaded = tx.load_for_update(id);
        if (!loaded) {
            return loaded.error();
        }
        Tender& t = *loaded;
        if (!ever_published(t)) return tender_not_found(id);
        if (rules::status_at(t, now) != TenderStatus::active_enquiries) {
            return core::conflict("enquiry_period_over",
                                  "questions are taken only until the enquiry deadline");
        }
        PROCURA_TRY_ASSIGN(auto qid, tx.insert_question(q));
        q.id = qid;
        // The audit event names the question, not the asker: the log is public.
        core::AuditEvent e{now,
                           0,
                           "tender.question_asked",
                           "tender",
                           t.id,
                           t.version,
                           core::compact_json({{"question_id", q.id}})};
        return tx.append_audit(e);
    }));
    return q;
}

Result<Question> TenderService::answer(const core::Caller& caller, TenderId id, QuestionId question,
                                       const std::string& answer_text) {
    PROCURA_TRY(require_role(caller, core::Role::officer, "answer clarification questions"));
    PROCURA_TRY(require_text(answer_text, "answer", limits_.question_bytes_max));
    const std::int64_t now = clock_.now_ms();
    Question answered;
    PROCURA_TRY(store_.in_transaction([&](TenderTransaction& tx) -> Status {
        PROCURA_TRY_ASSIGN(auto loaded, tx.load_for_update(id));
        Tender& t = loaded;
        PROCURA_TRY(require_buyer_officer(caller, t));
        Question* q = nullptr;
        for (Question& candidate : t.questions) {
            if (candidate.id == question) q = &candidate;
        }
        if (q == nullptr) {
            return core::not_found("question_not_found", "no question " + std::to_string(question) +
                                                             " in tender " + std::to_string(id));
        }
        if (q->answer) {
            return core::conflict("already_answered", "the question is already answered");
        }
        q->answer = answer_text;
        q->answered_at_ms = now;
        q->answered_by = caller.user_id;
        PROCURA_TRY(tx.update_question(*q));
        answered = *q;
        return tx.append_audit(audit_event(caller, now, "tender.question_answered", t,
                                           core::compact_json({{"question_id", q->id}})));
    }));
    return answered;
}

}  // namespace procura::tender
