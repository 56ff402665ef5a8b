#include "tests/tender/fake_store.hpp"

#include <algorithm>
#include <cctype>

#include "tender/rules.hpp"

namespace procura::tender {
namespace {

core::Error tender_not_found(TenderId id) {
    return core::not_found("tender_not_found", "no tender " + std::to_string(id));
}

class FakeTransaction final : public TenderTransaction {
public:
    explicit FakeTransaction(FakeTenderStore::State& s) : s_(s) {}

    core::Result<Tender> load_for_update(TenderId id) override {
        auto it = s_.tenders.find(id);
        if (it == s_.tenders.end()) return tender_not_found(id);
        return it->second;
    }
    core::Result<TenderId> insert_tender(const Tender& t) override {
        Tender copy = t;
        copy.id = s_.next_tender_id++;
        copy.documents.clear();
        copy.amendments.clear();
        copy.questions.clear();
        s_.tenders[copy.id] = copy;
        return copy.id;
    }
    core::Status update_tender(const Tender& t) override {
        auto it = s_.tenders.find(t.id);
        if (it == s_.tenders.end()) return tender_not_found(t.id);
        Tender updated = t;
        updated.documents = it->second.documents;
        updated.amendments = it->second.amendments;
        updated.questions = it->second.questions;
        it->second = std::move(updated);
        return {};
    }
    core::Status insert_amendment(TenderId id, const Amendment& a) override {
        auto it = s_.tenders.find(id);
        if (it == s_.tenders.end()) return tender_not_found(id);
        it->second.amendments.push_back(a);
        return {};
    }
    core::Result<QuestionId> insert_question(const Question& q) override {
        auto it = s_.tenders.find(q.tender_id);
        if (it == s_.tenders.end()) return tender_not_found(q.tender_id);
        Question copy = q;
        copy.id = s_.next_question_id++;
        it->second.questions.push_back(copy);
        return copy.id;
    }
    core::Status update_question(const Question& q) override {
        auto it = s_.tenders.find(q.tender_id);
        if (it == s_.tenders.end()) return tender_not_found(q.tender_id);
        for (Question& stored : it->second.questions) {
            if (stored.id == q.id) {
                stored.answer = q.answer;
                stored.answered_at_ms = q.answered_at_ms;
                stored.answered_by = q.answered_by;
                return {};
            }
        }
        return core::not_found("question_not_found", "no question " + std::to_string(q.id));
    }
    core::Result<DocumentId> insert_document(TenderId id, const DocumentMeta& meta,
                                             std::string_view bytes) override {
        auto it = s_.tenders.find(id);
        if (it == s_.tenders.end()) return tender_not_found(id);
        DocumentMeta copy = meta;
        copy.id = s_.next_document_id++;
        it->second.documents.push_back(copy);
        s_.document_bytes[copy.id] = std::string(bytes);
        return copy.id;
    }
    core::Status append_audit(const core::AuditEvent& event) override {
        core::StoredAuditEvent stored;
        stored.seq = static_cast<std::int64_t>(s_.audit.size()) + 1;
        stored.event = event;
        stored.prev_hash = s_.audit.empty() ? core::Sha256{} : s_.audit.back().hash;
        stored.hash = core::chain_hash(stored.prev_hash, stored.seq, event);
        s_.audit.push_back(stored);
        return {};
    }

private:
    FakeTenderStore::State& s_;
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

TenderSummary summarise(const Tender& t) {
    TenderSummary s;
    s.id = t.id;
    s.version = t.version;
    s.state = t.state;
    s.title = t.title;
    s.buyer_name = t.buyer_name;
    s.buyer_id = t.buyer_id;
    s.category = t.category;
    s.currency = t.currency;
    s.enquiry_deadline_ms = t.enquiry_deadline_ms;
    s.submission_deadline_ms = t.submission_deadline_ms;
    s.opening_time_ms = t.opening_time_ms;
    s.published_at_ms = t.published_at_ms;
    s.lot_count = static_cast<std::int64_t>(t.lots.size());
    for (const Lot& lot : t.lots) s.total_budget_minor += lot.budget_minor;
    return s;
}

}  // namespace

core::Status FakeTenderStore::in_transaction(
    const std::function<core::Status(TenderTransaction&)>& fn) {
    std::lock_guard lock(mutex_);
    State snapshot = state_;
    FakeTransaction tx(state_);
    core::Status status = fn(tx);
    if (!status) state_ = std::move(snapshot);
    return status;
}

core::Result<std::optional<Tender>> FakeTenderStore::find(TenderId id) {
    std::lock_guard lock(mutex_);
    auto it = state_.tenders.find(id);
    if (it == state_.tenders.end()) return std::optional<Tender>{};
    return std::optional<Tender>{it->second};
}

core::Result<std::vector<TenderSummary>> FakeTenderStore::list(const TenderListQuery& q) {
    std::lock_guard lock(mutex_);
    std::vector<TenderSummary> out;
    const std::string needle = lower(q.title_contains);
    for (auto it = state_.tenders.rbegin(); it != state_.tenders.rend(); ++it) {
        const Tender& t = it->second;
        if (q.before_id && t.id >= *q.before_id) continue;
        if (!ever_published(t) && std::find(q.draft_buyers.begin(), q.draft_buyers.end(),
                                            t.buyer_id) == q.draft_buyers.end()) {
            continue;  // drafts, cancelled or not, of other buyers
        }
        if (q.status && rules::status_at(t, q.now_ms) != *q.status) continue;
        if (q.category && t.category != q.category) continue;
        if (!needle.empty() && lower(t.title).find(needle) == std::string::npos) continue;
        out.push_back(summarise(t));
        if (out.size() == q.limit + 1) break;
    }
    return out;
}

core::Result<std::optional<DocumentContent>> FakeTenderStore::read_document(TenderId tender,
                                                                            DocumentId document) {
    std::lock_guard lock(mutex_);
    auto it = state_.tenders.find(tender);
    if (it == state_.tenders.end()) return std::optional<DocumentContent>{};
    for (const DocumentMeta& meta : it->second.documents) {
        if (meta.id == document) {
            return std::optional<DocumentContent>{
                DocumentContent{meta, state_.document_bytes.at(document)}};
        }
    }
    return std::optional<DocumentContent>{};
}

core::Result<std::vector<core::StoredAuditEvent>> FakeTenderStore::audit_trail(
    std::string_view entity_type, std::int64_t entity_id) {
    std::lock_guard lock(mutex_);
    std::vector<core::StoredAuditEvent> out;
    for (const auto& e : state_.audit) {
        if (e.event.entity_type == entity_type && e.event.entity_id == entity_id) {
            out.push_back(e);
        }
    }
    return out;
}

std::vector<core::StoredAuditEvent> FakeTenderStore::all_audit_events() {
    std::lock_guard lock(mutex_);
    return state_.audit;
}

}  // namespace procura::tender
