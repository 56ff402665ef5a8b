// The storage port of the tender module. Implemented by MySQLTenderStore (MariaDB) and by
// FakeTenderStore (in memory, for tests); the same contract tests run against both
// (tests/tender/store_contract.hpp).
//
// Contract:
// - in_transaction runs fn with a transaction; if fn returns an error, or any write fails,
//   nothing fn did is kept and that error is returned. Otherwise everything commits at once.
// - load_for_update locks the tender until the transaction ends, so that two concurrent
//   changes to one tender are serialised (the second sees the first's version).
// - append_audit chains the event onto the global audit chain inside the same transaction:
//   events are numbered 1, 2, 3... without gaps in commit order.
// - A tender's lots are read back in the order they were written, each with its number as
//   written (numbers are stable ids, not positions: 1, 3, 4 stays 1, 3, 4), and lot_number_max
//   with the tender's row.
// - Reads outside a transaction see only committed data.
// - Store failures (connection lost, deadlock after retries) are ErrorKind::unavailable or
//   internal errors, never exceptions.
// All methods are thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "core/audit.hpp"
#include "core/result.hpp"
#include "tender/model.hpp"

namespace procura::tender {

class TenderTransaction {
public:
    virtual ~TenderTransaction() = default;

    // Returns the tender with all child collections, locked; not_found error if absent.
    virtual core::Result<Tender> load_for_update(TenderId id) = 0;
    // Inserts the tender's row, lots and committee; ignores t.id and child collections other
    // than lots and committee. Returns the new id.
    virtual core::Result<TenderId> insert_tender(const Tender& t) = 0;
    // Rewrites the tender's row, lots and committee from t (t.id must exist).
    virtual core::Status update_tender(const Tender& t) = 0;
    virtual core::Status insert_amendment(TenderId id, const Amendment& a) = 0;
    // Returns the new question's id; q.id is ignored.
    virtual core::Result<QuestionId> insert_question(const Question& q) = 0;
    // Writes answer, answered_at_ms and answered_by of an existing question.
    virtual core::Status update_question(const Question& q) = 0;
    // Stores the bytes and their metadata; returns the new document's id; meta.id is ignored.
    virtual core::Result<DocumentId> insert_document(TenderId id, const DocumentMeta& meta,
                                                     std::string_view bytes) = 0;
    virtual core::Status append_audit(const core::AuditEvent& event) = 0;
};

class TenderStore {
public:
    virtual ~TenderStore() = default;

    virtual core::Status in_transaction(
        const std::function<core::Status(TenderTransaction&)>& fn) = 0;

    // The tender with documents (metadata), amendments (ascending number) and questions
    // (ascending id), or nullopt.
    virtual core::Result<std::optional<Tender>> find(TenderId id) = 0;

    // The tender's version, or nullopt if there is no such tender: a cheap check of whether a
    // copy read earlier still has the current terms. Every change made through
    // TenderTransaction::update_tender (publication, amendment, cancellation...) raises the
    // version; questions and documents may change without it. The default reads the tender.
    virtual core::Result<std::optional<std::int64_t>> find_version(TenderId id) {
        PROCURA_TRY_ASSIGN(auto found, find(id));
        if (!found) return std::optional<std::int64_t>{};
        return std::optional<std::int64_t>{found->version};
    }
    // The same for several tenders in one read: the version of each that exists. The default
    // asks find_version for each.
    virtual core::Result<std::map<TenderId, std::int64_t>> find_versions(
        const std::vector<TenderId>& ids) {
        std::map<TenderId, std::int64_t> out;
        for (TenderId id : ids) {
            PROCURA_TRY_ASSIGN(auto version, find_version(id));
            if (version) out[id] = *version;
        }
        return out;
    }

    // Up to query.limit + 1 summaries matching the query, newest first, so that the caller can
    // tell whether another page exists. Status filters follow rules::status_at exactly:
    // active.enquiries: published and now < enquiry deadline; active.tendering: published and
    // enquiry deadline <= now < submission deadline; closed: published and submission
    // deadline <= now. Drafts, and tenders cancelled before they were ever published (no
    // published_at_ms), appear only when their buyer is one of query.draft_buyers.
    virtual core::Result<std::vector<TenderSummary>> list(const TenderListQuery& query) = 0;

    virtual core::Result<std::optional<DocumentContent>> read_document(TenderId tender,
                                                                       DocumentId document) = 0;

    // The audit events about one entity, ascending seq.
    virtual core::Result<std::vector<core::StoredAuditEvent>> audit_trail(
        std::string_view entity_type, std::int64_t entity_id) = 0;
};

}  // namespace procura::tender
