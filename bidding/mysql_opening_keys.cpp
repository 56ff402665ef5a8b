// MySQLBidStore's opening keys: the certificate, the sealed shares with their commitments, and
// the discarding of a key a draft's failed publication left behind. Split from mysql_store.cpp.
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <sstream>

#include "bidding/mysql_blob.hpp"
#include "bidding/mysql_store.hpp"
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

}  // namespace procura::bidding
