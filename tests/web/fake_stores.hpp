// In-memory UserStore and TenderStore for the web tests, so that the real services run behind
// the HTTP layer without a database. They honour the ports' contracts where the web tests can
// tell: a transaction works on a copy and commits all or nothing, ids count up from 1, lists
// are newest first with status derived like rules::status_at. Thread-safe (one mutex each;
// transactions are serialised).
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "auth/store.hpp"
#include "tender/store.hpp"

namespace procura::web::testing {

class FakeUserStore final : public auth::UserStore {
public:
    core::Result<core::UserId> insert_user(const auth::User& u,
                                           const core::AuditEvent& audit) override;
    core::Result<std::optional<auth::User>> find_user_by_name(const std::string& username) override;
    core::Result<std::optional<auth::User>> find_user(core::UserId id) override;
    core::Result<std::vector<auth::User>> list_users() override;
    core::Status set_role(core::UserId id, core::Role role, const core::AuditEvent& audit) override;
    core::Status insert_session(const auth::Session& s) override;
    core::Result<std::optional<std::pair<auth::Session, auth::User>>> find_session(
        const std::string& token_hash_hex) override;
    core::Status delete_session(const std::string& token_hash_hex) override;
    core::Result<std::int64_t> delete_expired_sessions(std::int64_t now_ms) override;

private:
    std::mutex mutex_;
    std::vector<auth::User> users_;  // id = index + 1
    std::map<std::string, auth::Session> sessions_;
    std::vector<core::AuditEvent> audit_;
};

class FakeTenderStore final : public tender::TenderStore {
public:
    struct State {
        std::map<tender::TenderId, tender::Tender> tenders;
        std::map<tender::DocumentId, std::pair<tender::TenderId, std::string>> document_bytes;
        std::vector<core::StoredAuditEvent> audit;
        std::int64_t next_tender_id = 1;
        std::int64_t next_document_id = 1;
        std::int64_t next_question_id = 1;
    };

    core::Status in_transaction(
        const std::function<core::Status(tender::TenderTransaction&)>& fn) override;
    core::Result<std::optional<tender::Tender>> find(tender::TenderId id) override;
    core::Result<std::vector<tender::TenderSummary>> list(
        const tender::TenderListQuery& query) override;
    core::Result<std::optional<tender::DocumentContent>> read_document(
        tender::TenderId tender, tender::DocumentId document) override;
    core::Result<std::vector<core::StoredAuditEvent>> audit_trail(std::string_view entity_type,
                                                                  std::int64_t entity_id) override;

    // A digest of everything stored (ids, versions, child counts, audit length), for asserting
    // that a refused request changed nothing.
    std::string fingerprint();

    // How many times list() has been called.
    int list_calls() const { return list_calls_.load(); }

private:
    std::mutex mutex_;
    State state_;
    std::atomic<int> list_calls_{0};
};

}  // namespace procura::web::testing
