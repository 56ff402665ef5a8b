#include "fake_stores.hpp"

#include <algorithm>
#include <cctype>

#include "tender/rules.hpp"

namespace procura::web::testing {
namespace {

using core::ErrorKind;
using core::make_error;

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

class FakeTransaction final : public tender::TenderTransaction {
public:
    explicit FakeTransaction(FakeTenderStore::State& state) : state_(state) {}

    core::Result<tender::Tender> load_for_update(tender::TenderId id) override {
        const auto it = state_.tenders.find(id);
        if (it == state_.tenders.end()) {
            return make_error(ErrorKind::not_found, "tender_not_found",
                              "no tender " + std::to_string(id));
        }
        return it->second;
    }

    core::Result<tender::TenderId> insert_tender(const tender::Tender& t) override {
        tender::Tender stored = t;
        stored.id = state_.next_tender_id++;
        stored.documents.clear();
        stored.amendments.clear();
        stored.questions.clear();
        state_.tenders[stored.id] = stored;
        return stored.id;
    }

    core::Status update_tender(const tender::Tender& t) override {
        const auto it = state_.tenders.find(t.id);
        if (it == state_.tenders.end()) {
            return make_error(ErrorKind::internal, "missing", "update of a missing tender");
        }
        tender::Tender updated = t;
        updated.documents = it->second.documents;
        updated.amendments = it->second.amendments;
        updated.questions = it->second.questions;
        it->second = std::move(updated);
        return {};
    }

    core::Status insert_amendment(tender::TenderId id, const tender::Amendment& a) override {
        state_.tenders.at(id).amendments.push_back(a);
        return {};
    }

    core::Result<tender::QuestionId> insert_question(const tender::Question& q) override {
        tender::Question stored = q;
        stored.id = state_.next_question_id++;
        state_.tenders.at(q.tender_id).questions.push_back(stored);
        return stored.id;
    }

    core::Status update_question(const tender::Question& q) override {
        for (tender::Question& stored : state_.tenders.at(q.tender_id).questions) {
            if (stored.id == q.id) {
                stored = q;
                return {};
            }
        }
        return make_error(ErrorKind::internal, "missing", "update of a missing question");
    }

    core::Result<tender::DocumentId> insert_document(tender::TenderId id,
                                                     const tender::DocumentMeta& meta,
                                                     std::string_view bytes) override {
        tender::DocumentMeta stored = meta;
        stored.id = state_.next_document_id++;
        state_.tenders.at(id).documents.push_back(stored);
        state_.document_bytes[stored.id] = {id, std::string(bytes)};
        return stored.id;
    }

    core::Status append_audit(const core::AuditEvent& event) override {
        core::StoredAuditEvent stored;
        stored.seq = static_cast<std::int64_t>(state_.audit.size()) + 1;
        stored.event = event;
        if (!state_.audit.empty()) stored.prev_hash = state_.audit.back().hash;
        stored.hash = core::chain_hash(stored.prev_hash, stored.seq, event);
        state_.audit.push_back(stored);
        return {};
    }

private:
    FakeTenderStore::State& state_;
};

}  // namespace

core::Result<core::UserId> FakeUserStore::insert_user(const auth::User& u,
                                                      const core::AuditEvent& audit) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auth::User& existing : users_) {
        if (existing.username == u.username) {
            return make_error(ErrorKind::conflict, "username_taken", "username taken", "username");
        }
    }
    auth::User stored = u;
    stored.id = static_cast<core::UserId>(users_.size()) + 1;
    users_.push_back(stored);
    core::AuditEvent event = audit;
    event.entity_id = stored.id;
    audit_.push_back(event);
    return stored.id;
}

core::Result<std::optional<auth::User>> FakeUserStore::find_user_by_name(
    const std::string& username) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auth::User& u : users_) {
        if (u.username == username) return std::optional<auth::User>(u);
    }
    return std::optional<auth::User>();
}

core::Result<std::optional<auth::User>> FakeUserStore::find_user(core::UserId id) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (id < 1 || id > static_cast<core::UserId>(users_.size())) {
        return std::optional<auth::User>();
    }
    return std::optional<auth::User>(users_[static_cast<std::size_t>(id - 1)]);
}

core::Result<std::vector<auth::User>> FakeUserStore::list_users() {
    std::lock_guard<std::mutex> lock(mutex_);
    return users_;
}

core::Status FakeUserStore::set_role(core::UserId id, core::Role role,
                                     const core::AuditEvent& audit) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (id < 1 || id > static_cast<core::UserId>(users_.size())) {
        return make_error(ErrorKind::not_found, "user_not_found", "no such user");
    }
    users_[static_cast<std::size_t>(id - 1)].role = role;
    audit_.push_back(audit);
    return {};
}

core::Status FakeUserStore::insert_session(const auth::Session& s) {
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_[s.token_hash_hex] = s;
    return {};
}

core::Result<std::optional<std::pair<auth::Session, auth::User>>> FakeUserStore::find_session(
    const std::string& token_hash_hex) {
    using Found = std::optional<std::pair<auth::Session, auth::User>>;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = sessions_.find(token_hash_hex);
    if (it == sessions_.end()) return Found();
    const core::UserId id = it->second.user_id;
    if (id < 1 || id > static_cast<core::UserId>(users_.size())) return Found();
    return Found(std::pair(it->second, users_[static_cast<std::size_t>(id - 1)]));
}

core::Status FakeUserStore::delete_session(const std::string& token_hash_hex) {
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_.erase(token_hash_hex);
    return {};
}

core::Result<std::int64_t> FakeUserStore::delete_expired_sessions(std::int64_t now_ms) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::int64_t removed = 0;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        if (it->second.expires_at_ms <= now_ms) {
            it = sessions_.erase(it);
            ++removed;
        } else {
            ++it;
        }
    }
    return removed;
}

core::Status FakeTenderStore::in_transaction(
    const std::function<core::Status(tender::TenderTransaction&)>& fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    State working = state_;
    FakeTransaction tx(working);
    core::Status status = fn(tx);
    if (status.ok()) state_ = std::move(working);
    return status;
}

core::Result<std::optional<tender::Tender>> FakeTenderStore::find(tender::TenderId id) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = state_.tenders.find(id);
    if (it == state_.tenders.end()) return std::optional<tender::Tender>();
    return std::optional<tender::Tender>(it->second);
}

core::Result<std::vector<tender::TenderSummary>> FakeTenderStore::list(
    const tender::TenderListQuery& query) {
    ++list_calls_;
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<tender::TenderSummary> rows;
    const std::string needle = lower(query.title_contains);
    for (auto it = state_.tenders.rbegin(); it != state_.tenders.rend(); ++it) {
        const tender::Tender& t = it->second;
        if (query.before_id && t.id >= *query.before_id) continue;
        if (t.state == tender::TenderState::draft && !query.include_drafts) continue;
        if (query.status && tender::rules::status_at(t, query.now_ms) != *query.status) continue;
        if (query.category && t.category != query.category) continue;
        if (!needle.empty() && lower(t.title).find(needle) == std::string::npos) continue;
        tender::TenderSummary s;
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
        for (const tender::Lot& lot : t.lots) s.total_budget_minor += lot.budget_minor;
        rows.push_back(std::move(s));
        if (rows.size() == query.limit + 1) break;
    }
    return rows;
}

core::Result<std::optional<tender::DocumentContent>> FakeTenderStore::read_document(
    tender::TenderId tender, tender::DocumentId document) {
    using Found = std::optional<tender::DocumentContent>;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto bytes = state_.document_bytes.find(document);
    if (bytes == state_.document_bytes.end() || bytes->second.first != tender) return Found();
    for (const tender::DocumentMeta& meta : state_.tenders.at(tender).documents) {
        if (meta.id == document) return Found(tender::DocumentContent{meta, bytes->second.second});
    }
    return Found();
}

core::Result<std::vector<core::StoredAuditEvent>> FakeTenderStore::audit_trail(
    std::string_view entity_type, std::int64_t entity_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<core::StoredAuditEvent> out;
    for (const core::StoredAuditEvent& e : state_.audit) {
        if (e.event.entity_type == entity_type && e.event.entity_id == entity_id) {
            out.push_back(e);
        }
    }
    return out;
}

std::string FakeTenderStore::fingerprint() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out = "audit=" + std::to_string(state_.audit.size());
    for (const auto& [id, t] : state_.tenders) {
        out += ";" + std::to_string(id) + "v" + std::to_string(t.version) + "s" +
               std::to_string(static_cast<int>(t.state)) + "d" +
               std::to_string(t.documents.size()) + "a" + std::to_string(t.amendments.size()) +
               "q" + std::to_string(t.questions.size());
        for (const tender::Question& q : t.questions) out += q.answer ? "+" : "-";
    }
    return out;
}

}  // namespace procura::web::testing
