// MySQLBidStore's openings: the opening key (the certificate, the sealed shares with their
// commitments, and the discarding of a key a draft's failed publication left behind) and the
// opening record. Split from mysql_store.cpp.
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <sstream>

#include "bidding/mysql_blob.hpp"
#include "bidding/mysql_store.hpp"
#include "core/utf8.hpp"
#include "db/audit_sql.hpp"
#include "db/transaction.hpp"

namespace procura::bidding {
namespace {
using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;
}  // namespace

core::Result<std::optional<OpeningKeyRecord>> MySQLBidStore::find_opening_key(
    std::int64_t tender_id) {
    using Found = std::optional<OpeningKeyRecord>;
    return db::with_connection(
        pool_, "bidding.find_opening_key", [&](sql::Connection& c) -> core::Result<Found> {
            Statement s(c.prepareStatement(
                "SELECT certificate_pem, threshold, created_at_ms FROM tender_opening_keys "
                "WHERE tender_id = ?"));
            s->setInt64(1, tender_id);
            Rows rows(s->executeQuery());
            if (!rows->next()) return Found{};
            OpeningKeyRecord key;
            key.tender_id = tender_id;
            key.certificate_pem = rows->getString(1).asStdString();
            key.threshold = rows->getInt(2);
            key.created_at_ms = rows->getInt64(3);
            Statement shares(c.prepareStatement(
                "SELECT member_user_id, number, envelope_der, commitment_sha256 "
                "FROM tender_opening_shares WHERE tender_id = ? ORDER BY number"));
            shares->setInt64(1, tender_id);
            Rows share_rows(shares->executeQuery());
            while (share_rows->next()) {
                key.shares.push_back(
                    {share_rows->getInt64(1), static_cast<std::uint8_t>(share_rows->getInt(2)),
                     read_blob(*share_rows, 3),
                     share_rows->isNull(4) ? std::string()
                                           : share_rows->getString(4).asStdString()});
            }
            return Found{std::move(key)};
        });
}

core::Result<OpeningKeyRecord> MySQLBidStore::insert_opening_key(const OpeningKeyRecord& key,
                                                                 const core::AuditEvent& audit) {
    PROCURA_TRY(db::run_transaction(
        pool_, "bidding.insert_opening_key", [&](db::Transaction& tx) -> core::Status {
            auto inserted = tx.attempt("bidding.insert_opening_key", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "INSERT IGNORE INTO tender_opening_keys (tender_id, certificate_pem, "
                    "threshold, created_at_ms) VALUES (?, ?, ?, ?)"));
                s->setInt64(1, key.tender_id);
                s->setString(2, key.certificate_pem);
                s->setInt(3, key.threshold);
                s->setInt64(4, key.created_at_ms);
                return s->executeUpdate();
            });
            if (!inserted) return inserted.error();
            if (*inserted == 0) return {};  // another request stored its key first
            for (const signing::SealedShare& share : key.shares) {
                auto done = tx.attempt("bidding.insert_share", [&](sql::Connection& c) {
                    Statement s(c.prepareStatement(
                        "INSERT INTO tender_opening_shares (tender_id, member_user_id, number, "
                        "envelope_der, commitment_sha256) VALUES (?, ?, ?, ?, ?)"));
                    std::istringstream envelope(share.envelope_der);
                    s->setInt64(1, key.tender_id);
                    s->setInt64(2, share.member);
                    s->setInt(3, share.number);
                    s->setBlob(4, &envelope);
                    if (share.commitment_sha256.empty()) {
                        s->setNull(5, sql::DataType::CHAR);
                    } else {
                        s->setString(5, share.commitment_sha256);
                    }
                    s->executeUpdate();
                });
                if (!done) return done.error();
            }
            PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, audit));
            return {};
        }));
    PROCURA_TRY_ASSIGN(auto stored, find_opening_key(key.tender_id));
    if (!stored) {
        return core::internal("opening_key_lost", "the opening key was not stored");
    }
    return std::move(*stored);
}

core::Result<bool> MySQLBidStore::discard_draft_opening_key(std::int64_t tender_id,
                                                            const core::AuditEvent& audit) {
    bool discarded = false;
    PROCURA_TRY(db::run_transaction(
        pool_, "bidding.discard_draft_opening_key", [&](db::Transaction& tx) -> core::Status {
            discarded = false;
            // The tender row's lock orders this against its publication.
            PROCURA_TRY_ASSIGN(
                auto draft, tx.attempt("bidding.lock_draft", [&](sql::Connection& c) {
                    Statement s(c.prepareStatement(
                        "SELECT state = 'draft' FROM tenders WHERE id = ? FOR UPDATE"));
                    s->setInt64(1, tender_id);
                    Rows rows(s->executeQuery());
                    return rows->next() && rows->getBoolean(1);
                }));
            if (!draft) return {};
            PROCURA_TRY_ASSIGN(
                auto deleted, tx.attempt("bidding.discard_key", [&](sql::Connection& c) {
                    Statement shares(c.prepareStatement(
                        "DELETE FROM tender_opening_shares WHERE tender_id = ?"));
                    shares->setInt64(1, tender_id);
                    shares->executeUpdate();
                    Statement key(
                        c.prepareStatement("DELETE FROM tender_opening_keys WHERE tender_id = ?"));
                    key->setInt64(1, tender_id);
                    return key->executeUpdate();
                }));
            if (deleted == 0) return {};
            PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, audit));
            discarded = true;
            return {};
        }));
    return discarded;
}

core::Result<std::optional<OpeningRecord>> MySQLBidStore::find_opening(std::int64_t tender_id) {
    using Found = std::optional<OpeningRecord>;
    return db::with_connection(
        pool_, "bidding.find_opening", [&](sql::Connection& c) -> core::Result<Found> {
            Statement s(
                c.prepareStatement("SELECT opened_at_ms FROM tender_openings WHERE tender_id = ?"));
            s->setInt64(1, tender_id);
            Rows rows(s->executeQuery());
            if (!rows->next()) return Found{};
            OpeningRecord record;
            record.tender_id = tender_id;
            record.opened_at_ms = rows->getInt64(1);
            Statement bids(c.prepareStatement(
                "SELECT o.bid_id, b.supplier_id, b.lot_id, b.version, b.received_at_ms, b.sha256, "
                "o.valid, o.reason_code, o.reason, o.signature_status, o.decryption_status, "
                "o.price_minor, o.currency, o.document_json FROM bid_openings o "
                "JOIN bids b ON b.id = o.bid_id WHERE o.tender_id = ? ORDER BY o.bid_id"));
            bids->setInt64(1, tender_id);
            Rows bid_rows(bids->executeQuery());
            while (bid_rows->next()) {
                OpenedBidRecord r;
                r.bid_id = bid_rows->getInt64(1);
                r.supplier_id = bid_rows->getInt64(2);
                r.lot_id = bid_rows->getInt64(3);
                r.version = bid_rows->getInt64(4);
                r.received_at_ms = bid_rows->getInt64(5);
                r.sha256_hex = bid_rows->getString(6).asStdString();
                r.valid = bid_rows->getBoolean(7);
                r.reason_code = bid_rows->getString(8).asStdString();
                r.reason = bid_rows->getString(9).asStdString();
                r.signature_status = bid_rows->getString(10).asStdString();
                r.decryption_status = bid_rows->getString(11).asStdString();
                if (!bid_rows->isNull(12)) r.price_minor = bid_rows->getInt64(12);
                if (!bid_rows->isNull(13)) r.currency = bid_rows->getString(13).asStdString();
                r.document_json = bid_rows->getString(14).asStdString();
                record.bids.push_back(std::move(r));
            }
            return Found{std::move(record)};
        });
}

core::Result<std::optional<std::int64_t>> MySQLBidStore::find_opened_at(std::int64_t tender_id) {
    using Found = std::optional<std::int64_t>;
    return db::with_connection(
        pool_, "bidding.find_opened_at", [&](sql::Connection& c) -> core::Result<Found> {
            Statement s(
                c.prepareStatement("SELECT opened_at_ms FROM tender_openings WHERE tender_id = ?"));
            s->setInt64(1, tender_id);
            Rows rows(s->executeQuery());
            if (!rows->next()) return Found{};
            return Found{rows->getInt64(1)};
        });
}

namespace {

// Stores one batch's lines (bid_openings rows), which must name the batch's bids, ids, in
// order, and keeps its audit events in audit. Runs in insert_opening's transaction.
core::Status store_batch(db::Transaction& tx, std::int64_t tender_id,
                         const std::vector<std::int64_t>& ids, const OpenedBatch& batch,
                         std::vector<core::AuditEvent>& audit) {
    if (batch.bids.size() != ids.size()) {
        return core::internal("opening_mismatch", "a batch's lines do not match its bids");
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const OpenedBidRecord& r = batch.bids[i];
        if (r.bid_id != ids[i]) {
            return core::internal("opening_mismatch", "a batch's lines do not match its bids");
        }
        PROCURA_TRY(tx.attempt("bidding.insert_opened_bid", [&](sql::Connection& c) {
            Statement s(c.prepareStatement(
                "INSERT INTO bid_openings (bid_id, tender_id, valid, reason_code, reason, "
                "signature_status, decryption_status, price_minor, currency, document_json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
            s->setInt64(1, r.bid_id);
            s->setInt64(2, tender_id);
            s->setBoolean(3, r.valid);
            s->setString(4, r.reason_code);
            // utf8mb4 column, strict session: never half a character.
            s->setString(5, core::utf8_prefix(r.reason, 1000));
            s->setString(6, r.signature_status);
            s->setString(7, r.decryption_status);
            if (r.price_minor) {
                s->setInt64(8, *r.price_minor);
                s->setString(9, r.currency);
            } else {
                s->setNull(8, sql::DataType::BIGINT);
                s->setNull(9, sql::DataType::CHAR);
            }
            s->setString(10, r.document_json);
            s->executeUpdate();
        }));
    }
    audit.insert(audit.end(), batch.audit.begin(), batch.audit.end());
    return {};
}

}  // namespace

core::Status MySQLBidStore::insert_opening(std::int64_t tender_id, std::int64_t opened_at_ms,
                                           std::size_t batch_bytes_max, OpeningBatches& batches) {
    return db::run_transaction(
        pool_, "bidding.insert_opening", [&](db::Transaction& tx) -> core::Status {
            // Rerun after a deadlock: the batches start over.
            batches.restart();
            // The tender's row, locked for update until the commit: a group of bids being stored
            // (insert_bids holds it shared) or a withdrawal commits first, and a later one sees
            // the opening and is refused. So the pages read below are the tender's active bids
            // at the commit, and the record holds exactly them.
            PROCURA_TRY(tx.attempt("bidding.insert_opening.lock", [&](sql::Connection& c) {
                Statement lock(
                    c.prepareStatement("SELECT id FROM tenders WHERE id = ? FOR UPDATE"));
                lock->setInt64(1, tender_id);
                Rows locked(lock->executeQuery());
            }));
            // The record's row first: a second opening is refused before any bid is read.
            auto inserted = tx.attempt("bidding.insert_opening", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "INSERT INTO tender_openings (tender_id, opened_at_ms) VALUES (?, ?)"));
                s->setInt64(1, tender_id);
                s->setInt64(2, opened_at_ms);
                s->executeUpdate();
            });
            if (!inserted) {
                if (inserted.error().code == db::error_code_duplicate) {
                    return core::conflict("already_opened", "the bids are already opened");
                }
                return inserted.error();
            }
            std::vector<core::AuditEvent> audit;
            std::int64_t after = 0;
            for (;;) {
                PROCURA_TRY_ASSIGN(
                    auto page, tx.attempt("bidding.insert_opening.page", [&](sql::Connection& c) {
                        return read_active_page(c, tender_id, after, batch_bytes_max);
                    }));
                if (page.empty()) break;
                after = page.back().id;
                std::vector<std::int64_t> ids;
                ids.reserve(page.size());
                for (const Bid& b : page) ids.push_back(b.id);
                // The page's bodies are the batch's now; only its lines are kept below.
                const OpenedBatch batch = batches.open(std::move(page));
                PROCURA_TRY(store_batch(tx, tender_id, ids, batch, audit));
            }
            std::vector<core::AuditEvent> closing = batches.finish();
            audit.insert(audit.end(), closing.begin(), closing.end());
            PROCURA_TRY_ASSIGN(auto appended, db::append_audit_events(tx, audit));
            return {};
        });
}

}  // namespace procura::bidding
