#include "settlement/batches/mysql_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "core/json_text.hpp"
#include "db/audit_sql.hpp"
#include "db/multi_row.hpp"
#include "db/transaction.hpp"
#include "money/mysql_store.hpp"
#include "settlement/batches/json.hpp"
#include "settlement/batches/mysql_candidates.hpp"
#include "settlement/batches/mysql_rows.hpp"
#include "settlement/batches/rules.hpp"

namespace procura::settlement::batches {
namespace {
using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;
using Json = nlohmann::json;

constexpr std::size_t items_per_insert_max = 500;

std::int64_t last_insert_id(sql::Connection& c) {
    std::unique_ptr<sql::Statement> last(c.createStatement());
    Rows rows(last->executeQuery("SELECT LAST_INSERT_ID()"));
    rows->next();
    return rows->getInt64(1);
}

constexpr const char* batch_columns =
    "id, state, version, cutoff_ms, item_count, skipped_json, prepared_by, prepared_at_ms, "
    "approved_by, approved_at_ms, execute_started_by, execute_started_at_ms, executed_by, "
    "executed_at_ms, cancelled_by, cancelled_at_ms, cancel_reason";

core::Result<Batch> read_batch(const sql::ResultSet& rows) {
    Batch b;
    b.id = rows.getInt64(1);
    const auto state = parse_batch_state(text(rows, 2));
    if (!state) return corrupt("batch state");
    b.state = *state;
    b.version = rows.getInt64(3);
    b.cutoff_ms = rows.getInt64(4);
    b.item_count = rows.getInt(5);
    const Json skipped = Json::parse(text(rows, 6), nullptr, false);
    if (!skipped.is_array()) return corrupt("skipped list");
    for (const Json& s : skipped) {
        Skipped k;
        k.source_key = s.value("source", "");
        k.kind = parse_item_kind(s.value("kind", "")).value_or(ItemKind::payment);
        k.supplier_id = s.value("supplier_id", std::int64_t{0});
        k.amount_minor = s.value("amount_minor", std::int64_t{0});
        k.currency = s.value("currency", "");
        k.code = s.value("code", "");
        k.reason = s.value("reason", "");
        b.skipped.push_back(std::move(k));
    }
    b.prepared_by = rows.getInt64(7);
    b.prepared_at_ms = rows.getInt64(8);
    b.approved_by = int_or_zero(rows, 9);
    b.approved_at_ms = int_or_zero(rows, 10);
    b.execute_started_by = int_or_zero(rows, 11);
    b.execute_started_at_ms = int_or_zero(rows, 12);
    b.executed_by = int_or_zero(rows, 13);
    b.executed_at_ms = int_or_zero(rows, 14);
    b.cancelled_by = int_or_zero(rows, 15);
    b.cancelled_at_ms = int_or_zero(rows, 16);
    if (!rows.isNull(17)) b.cancel_reason = text(rows, 17);
    return b;
}

constexpr const char* item_columns =
    "number, kind, source_key, tender_id, lot_id, supplier_id, contract_id, milestone_id, "
    "pending_id, amount_minor, currency, buyer_account_id, debtor_name, debtor_iban, "
    "debtor_bic, creditor_name, creditor_iban, creditor_bic, remittance";
constexpr int item_column_count = 19;

core::Result<Item> read_item(const sql::ResultSet& rows) {
    Item i;
    i.number = rows.getInt(1);
    const auto kind = parse_item_kind(text(rows, 2));
    if (!kind) return corrupt("item kind");
    i.kind = *kind;
    i.source_key = text(rows, 3);
    i.tender_id = rows.getInt64(4);
    i.lot_id = rows.getInt64(5);
    i.supplier_id = rows.getInt64(6);
    i.contract_id = rows.getInt64(7);
    i.milestone_id = rows.getInt64(8);
    i.pending_id = text(rows, 9);
    i.amount_minor = rows.getInt64(10);
    i.currency = text(rows, 11);
    i.buyer_account_id = rows.getInt64(12);
    i.debtor_name = text(rows, 13);
    i.debtor_iban = text(rows, 14);
    i.debtor_bic = text(rows, 15);
    i.creditor_name = text(rows, 16);
    i.creditor_iban = text(rows, 17);
    i.creditor_bic = text(rows, 18);
    i.remittance = text(rows, 19);
    return i;
}

void insert_items(sql::Connection& c, std::int64_t batch_id, const std::vector<Item>& items) {
    std::string row = "(";
    for (int k = 0; k <= item_column_count; ++k) row += k == 0 ? "?" : ", ?";
    row += ")";
    const db::MultiRowStatement insert{
        std::string("INSERT INTO settlement_items (batch_id, ") + item_columns + ") VALUES", row,
        ""};
    db::execute_in_chunks(c, insert, items.size(), items_per_insert_max,
                          [&](sql::PreparedStatement& s, std::size_t begin, std::size_t end) {
                              unsigned int p = 1;
                              for (std::size_t n = begin; n < end; ++n) {
                                  const Item& i = items[n];
                                  s.setInt64(p++, batch_id);
                                  s.setInt(p++, i.number);
                                  s.setString(p++, std::string(to_string(i.kind)));
                                  s.setString(p++, i.source_key);
                                  s.setInt64(p++, i.tender_id);
                                  s.setInt64(p++, i.lot_id);
                                  s.setInt64(p++, i.supplier_id);
                                  s.setInt64(p++, i.contract_id);
                                  s.setInt64(p++, i.milestone_id);
                                  s.setString(p++, i.pending_id);
                                  s.setInt64(p++, i.amount_minor);
                                  s.setString(p++, i.currency);
                                  s.setInt64(p++, i.buyer_account_id);
                                  s.setString(p++, i.debtor_name);
                                  s.setString(p++, i.debtor_iban);
                                  s.setString(p++, i.debtor_bic);
                                  s.setString(p++, i.creditor_name);
                                  s.setString(p++, i.creditor_iban);
                                  s.setString(p++, i.creditor_bic);
                                  s.setString(p++, i.remittance);
                              }
                          });
}

BuyerAccount read_buyer_account(const sql::ResultSet& rows) {
    BuyerAccount a;
    a.id = rows.getInt64(1);
    a.buyer_id = text(rows, 2);
    a.name = text(rows, 3);
    a.iban = text(rows, 4);
    a.bic = text(rows, 5);
    a.version = rows.getInt64(6);
    a.updated_by = rows.getInt64(7);
    a.updated_at_ms = rows.getInt64(8);
    return a;
}

constexpr const char* buyer_columns =
    "id, buyer_id, name, iban, bic, version, updated_by, updated_at_ms";

// Locks the batch row and returns its state, or fails the transaction.
core::Result<std::optional<BatchState>> lock_state(db::Transaction& tx, std::int64_t id) {
    using Found = std::optional<BatchState>;
    return tx.attempt("settlement.lock_batch", [&](sql::Connection& c) -> core::Result<Found> {
        Statement s(
            c.prepareStatement("SELECT state FROM settlement_batches WHERE id = ? FOR UPDATE"));
        s->setInt64(1, id);
        Rows rows(s->executeQuery());
        if (!rows->next()) return Found{};
        const auto state = parse_batch_state(text(*rows, 1));
        if (!state) return corrupt("batch state");
        return Found{*state};
    });
}

}  // namespace

MySQLBatchStore::MySQLBatchStore(db::ConnectionPool& pool) : pool_(pool) {}

core::Result<PrepareInput> MySQLBatchStore::load_candidates(std::int64_t cutoff_ms) {
    PrepareInput input;
    db::TransactionOptions options;
    options.mode = db::TransactionMode::read_only_snapshot;
    PROCURA_TRY(db::run_transaction(
        pool_, "settlement.load_candidates",
        [&](db::Transaction& tx) -> core::Status {
            input = PrepareInput{};
            return tx.attempt("settlement.load_candidates",
                              [&](sql::Connection& c) -> core::Status {
                                  read_milestone_candidates(c, cutoff_ms, input);
                                  PROCURA_TRY(read_award_facts(c, input));
                                  read_lot_releases(c, input);
                                  read_bid_deposits(c, input);
                                  read_unstored_deposits(c, input);
                                  return {};
                              });
        },
        options));
    return input;
}

core::Result<std::int64_t> MySQLBatchStore::insert_batch(const Batch& batch,
                                                         const core::AuditEvent& audit) {
    std::int64_t new_id = 0;
    PROCURA_TRY(db::run_transaction(
        pool_, "settlement.insert_batch", [&](db::Transaction& tx) -> core::Status {
            auto inserted = tx.attempt("settlement.insert_batch", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "INSERT INTO settlement_batches (state, version, cutoff_ms, item_count, "
                    "skipped_json, prepared_by, prepared_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)"));
                s->setString(1, std::string(to_string(batch.state)));
                s->setInt64(2, batch.version);
                s->setInt64(3, batch.cutoff_ms);
                s->setInt(4, batch.item_count);
                s->setString(5, core::compact_json(skipped_to_json(batch.skipped)));
                s->setInt64(6, batch.prepared_by);
                s->setInt64(7, batch.prepared_at_ms);
                s->executeUpdate();
                const std::int64_t id = last_insert_id(c);
                insert_items(c, id, batch.items);
                return id;
            });
            if (!inserted) {
                if (inserted.error().code == db::error_code_duplicate) {
                    return core::conflict("item_taken",
                                          "another batch took some of these items first");
                }
                return inserted.error();
            }
            new_id = *inserted;
            core::AuditEvent event = audit;
            event.entity_id = new_id;
            PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, event));
            return {};
        }));
    return new_id;
}

core::Result<std::optional<Batch>> MySQLBatchStore::find_batch(std::int64_t id, bool with_items) {
    std::optional<Batch> found;
    db::TransactionOptions options;
    options.mode = db::TransactionMode::read_only_snapshot;
    PROCURA_TRY(db::run_transaction(
        pool_, "settlement.find_batch",
        [&](db::Transaction& tx) -> core::Status {
            found.reset();
            return tx.attempt("settlement.find_batch", [&](sql::Connection& c) -> core::Status {
                {
                    Statement s(c.prepareStatement(std::string("SELECT ") + batch_columns +
                                                   " FROM settlement_batches WHERE id = ?"));
                    s->setInt64(1, id);
                    Rows rows(s->executeQuery());
                    if (!rows->next()) return {};
                    PROCURA_TRY_ASSIGN(auto b, read_batch(*rows));
                    found = std::move(b);
                }
                if (with_items) {
                    Statement s(c.prepareStatement(std::string("SELECT ") + item_columns +
                                                   " FROM settlement_items WHERE batch_id = ? "
                                                   "ORDER BY number"));
                    s->setInt64(1, id);
                    Rows rows(s->executeQuery());
                    while (rows->next()) {
                        PROCURA_TRY_ASSIGN(auto item, read_item(*rows));
                        found->items.push_back(std::move(item));
                    }
                }
                Statement s(c.prepareStatement(
                    "SELECT number, buyer_account_id, currency, message_id, payment_count, "
                    "control_sum_minor, sha256 FROM settlement_files WHERE batch_id = ? "
                    "ORDER BY number"));
                s->setInt64(1, id);
                Rows rows(s->executeQuery());
                while (rows->next()) {
                    BankFile f;
                    f.number = rows->getInt(1);
                    f.buyer_account_id = rows->getInt64(2);
                    f.currency = text(*rows, 3);
                    f.message_id = text(*rows, 4);
                    f.payment_count = rows->getInt(5);
                    f.control_sum_minor = rows->getInt64(6);
                    f.sha256_hex = text(*rows, 7);
                    found->files.push_back(std::move(f));
                }
                return {};
            });
        },
        options));
    return found;
}

core::Result<std::vector<Batch>> MySQLBatchStore::list_batches(std::size_t limit) {
    return db::with_connection(
        pool_, "settlement.list_batches",
        [&](sql::Connection& c) -> core::Result<std::vector<Batch>> {
            Statement s(c.prepareStatement(std::string("SELECT ") + batch_columns +
                                           " FROM settlement_batches ORDER BY id DESC LIMIT ?"));
            s->setInt64(1, static_cast<std::int64_t>(limit));
            Rows rows(s->executeQuery());
            std::vector<Batch> out;
            while (rows->next()) {
                PROCURA_TRY_ASSIGN(auto b, read_batch(*rows));
                out.push_back(std::move(b));
            }
            return out;
        });
}

core::Status MySQLBatchStore::transition(std::int64_t id, BatchState from, const Batch& updated,
                                         const core::AuditEvent& audit) {
    return db::run_transaction(
        pool_, "settlement.transition", [&](db::Transaction& tx) -> core::Status {
            auto state = lock_state(tx, id);
            if (!state) return state.error();
            if (!*state) {
                return core::not_found("batch_not_found",
                                       "there is no settlement batch " + std::to_string(id));
            }
            if (**state != from) {
                return core::conflict("stale_state", "batch " + std::to_string(id) + " is " +
                                                         std::string(to_string(**state)));
            }
            PROCURA_TRY(tx.attempt("settlement.transition", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "UPDATE settlement_batches SET state = ?, version = ?, approved_by = ?, "
                    "approved_at_ms = ?, execute_started_by = ?, execute_started_at_ms = ? "
                    "WHERE id = ?"));
                s->setString(1, std::string(to_string(updated.state)));
                s->setInt64(2, updated.version);
                const auto set_optional = [&](int p, std::int64_t v) {
                    if (v > 0) {
                        s->setInt64(p, v);
                    } else {
                        s->setNull(p, 0);
                    }
                };
                set_optional(3, updated.approved_by);
                set_optional(4, updated.approved_at_ms);
                set_optional(5, updated.execute_started_by);
                set_optional(6, updated.execute_started_at_ms);
                s->setInt64(7, id);
                s->executeUpdate();
            }));
            PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, audit));
            return {};
        });
}

core::Status MySQLBatchStore::cancel_batch(const Batch& updated, const core::AuditEvent& audit,
                                           const std::optional<std::string>& first_transfer) {
    return db::run_transaction(
        pool_, "settlement.cancel_batch", [&](db::Transaction& tx) -> core::Status {
            auto state = lock_state(tx, updated.id);
            if (!state) return state.error();
            if (!*state) {
                return core::not_found("batch_not_found", "there is no settlement batch " +
                                                              std::to_string(updated.id));
            }
            if (**state != BatchState::prepared && **state != BatchState::approved &&
                !(first_transfer && **state == BatchState::executing)) {
                return core::conflict("stale_state", "batch " + std::to_string(updated.id) +
                                                         " is " + std::string(to_string(**state)));
            }
            if (**state == BatchState::executing) {
                // Under the batch row's lock, which a posting holds until it commits: what is
                // read now stays true until this transaction ends.
                PROCURA_TRY_ASSIGN(
                    auto posted,
                    tx.attempt("settlement.cancel_batch.posted", [&](sql::Connection& c) {
                        Statement s(c.prepareStatement(
                            "SELECT COUNT(*) FROM money_transfers WHERE transfer_key = ?"));
                        s->setString(1, *first_transfer);
                        Rows rows(s->executeQuery());
                        return rows->next() && rows->getInt64(1) > 0;
                    }));
                if (posted) {
                    return core::conflict("batch_posted",
                                          "batch " + std::to_string(updated.id) +
                                              " is posted in the ledger and cannot be "
                                              "cancelled: run its execution again to finish it");
                }
            }
            PROCURA_TRY(tx.attempt("settlement.cancel_batch", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "UPDATE settlement_batches SET state = 'cancelled', version = ?, "
                    "cancelled_by = ?, cancelled_at_ms = ?, cancel_reason = ? WHERE id = ?"));
                s->setInt64(1, updated.version);
                s->setInt64(2, updated.cancelled_by);
                s->setInt64(3, updated.cancelled_at_ms);
                s->setString(4, updated.cancel_reason);
                s->setInt64(5, updated.id);
                s->executeUpdate();
                Statement items(c.prepareStatement(
                    "UPDATE settlement_items SET source_key = CONCAT(source_key, '#cancelled:', "
                    "batch_id) WHERE batch_id = ?"));
                items->setInt64(1, updated.id);
                items->executeUpdate();
            }));
            PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, audit));
            return {};
        });
}

core::Result<bool> MySQLBatchStore::finish_execution(
    const Batch& updated, const std::vector<BankFile>& files, const core::AuditEvent& batch_audit,
    const std::vector<core::AuditEvent>& file_audits) {
    bool finished = false;
    PROCURA_TRY(db::run_transaction(
        pool_, "settlement.finish_execution", [&](db::Transaction& tx) -> core::Status {
            finished = false;
            auto state = lock_state(tx, updated.id);
            if (!state) return state.error();
            if (!*state) {
                return core::not_found("batch_not_found", "there is no settlement batch " +
                                                              std::to_string(updated.id));
            }
            if (**state == BatchState::executed) return {};
            if (**state != BatchState::executing) {
                return core::conflict("stale_state", "batch " + std::to_string(updated.id) +
                                                         " is " + std::string(to_string(**state)));
            }
            std::vector<core::AuditEvent> events = file_audits;
            auto written = tx.attempt("settlement.finish_execution", [&](sql::Connection& c) {
                for (std::size_t n = 0; n < files.size(); ++n) {
                    const BankFile& f = files[n];
                    Statement s(c.prepareStatement(
                        "INSERT INTO settlement_files (batch_id, number, buyer_account_id, "
                        "currency, message_id, payment_count, control_sum_minor, xml, sha256) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
                    s->setInt64(1, updated.id);
                    s->setInt(2, f.number);
                    s->setInt64(3, f.buyer_account_id);
                    s->setString(4, f.currency);
                    s->setString(5, f.message_id);
                    s->setInt(6, f.payment_count);
                    s->setInt64(7, f.control_sum_minor);
                    s->setString(8, f.xml);
                    s->setString(9, f.sha256_hex);
                    s->executeUpdate();
                    if (n < events.size()) events[n].entity_id = last_insert_id(c);
                }
                Statement s(c.prepareStatement(
                    "UPDATE settlement_batches SET state = ?, version = ?, executed_by = ?, "
                    "executed_at_ms = ? WHERE id = ?"));
                s->setString(1, std::string(to_string(updated.state)));
                s->setInt64(2, updated.version);
                s->setInt64(3, updated.executed_by);
                s->setInt64(4, updated.executed_at_ms);
                s->setInt64(5, updated.id);
                s->executeUpdate();
            });
            if (!written) return written.error();
            events.push_back(batch_audit);
            PROCURA_TRY_ASSIGN(auto appended, db::append_audit_events(tx, events));
            finished = true;
            return {};
        }));
    return finished;
}

core::Result<std::optional<BankFile>> MySQLBatchStore::find_file(std::int64_t batch_id,
                                                                 std::int32_t number) {
    using Found = std::optional<BankFile>;
    return db::with_connection(
        pool_, "settlement.find_file", [&](sql::Connection& c) -> core::Result<Found> {
            Statement s(c.prepareStatement(
                "SELECT number, buyer_account_id, currency, message_id, payment_count, "
                "control_sum_minor, sha256, xml FROM settlement_files "
                "WHERE batch_id = ? AND number = ?"));
            s->setInt64(1, batch_id);
            s->setInt(2, number);
            Rows rows(s->executeQuery());
            if (!rows->next()) return Found{};
            BankFile f;
            f.number = rows->getInt(1);
            f.buyer_account_id = rows->getInt64(2);
            f.currency = text(*rows, 3);
            f.message_id = text(*rows, 4);
            f.payment_count = rows->getInt(5);
            f.control_sum_minor = rows->getInt64(6);
            f.sha256_hex = text(*rows, 7);
            f.xml = text(*rows, 8);
            return Found{std::move(f)};
        });
}

core::Result<BuyerAccount> MySQLBatchStore::upsert_buyer_account(const BuyerAccount& account,
                                                                 const core::AuditEvent& audit) {
    BuyerAccount stored;
    PROCURA_TRY(db::run_transaction(
        pool_, "settlement.upsert_buyer_account", [&](db::Transaction& tx) -> core::Status {
            auto written = tx.attempt("settlement.upsert_buyer_account", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "INSERT INTO buyer_bank_accounts (buyer_id, name, iban, bic, version, "
                    "updated_by, updated_at_ms) VALUES (?, ?, ?, ?, 1, ?, ?) "
                    "ON DUPLICATE KEY UPDATE name = VALUES(name), iban = VALUES(iban), "
                    "bic = VALUES(bic), version = version + 1, updated_by = VALUES(updated_by), "
                    "updated_at_ms = VALUES(updated_at_ms)"));
                s->setString(1, account.buyer_id);
                s->setString(2, account.name);
                s->setString(3, account.iban);
                s->setString(4, account.bic);
                s->setInt64(5, account.updated_by);
                s->setInt64(6, account.updated_at_ms);
                s->executeUpdate();
                Statement q(c.prepareStatement(std::string("SELECT ") + buyer_columns +
                                               " FROM buyer_bank_accounts WHERE buyer_id = ?"));
                q->setString(1, account.buyer_id);
                Rows rows(q->executeQuery());
                rows->next();
                stored = read_buyer_account(*rows);
            });
            if (!written) return written.error();
            core::AuditEvent event = audit;
            event.entity_id = stored.id;
            event.entity_version = stored.version;
            PROCURA_TRY_ASSIGN(auto appended, db::append_audit_event(tx, event));
            return {};
        }));
    return stored;
}

core::Result<std::vector<BuyerAccount>> MySQLBatchStore::list_buyer_accounts() {
    return db::with_connection(
        pool_, "settlement.list_buyer_accounts",
        [&](sql::Connection& c) -> core::Result<std::vector<BuyerAccount>> {
            Statement s(c.prepareStatement(std::string("SELECT ") + buyer_columns +
                                           " FROM buyer_bank_accounts ORDER BY buyer_id"));
            Rows rows(s->executeQuery());
            std::vector<BuyerAccount> out;
            while (rows->next()) out.push_back(read_buyer_account(*rows));
            return out;
        });
}

namespace {

// Holds while the batch row is executing, and locks it (FOR UPDATE) for the rest of the
// posting's transaction: a cancellation, which locks the same row, waits for the posting or
// is seen by it.
class MySQLExecutingGuard final : public money::PostingGuard {
public:
    explicit MySQLExecutingGuard(std::int64_t batch_id) : batch_id_(batch_id) {}

    core::Status check(money::PostingTransaction& transaction) const override {
        auto* posting = dynamic_cast<money::MySQLPostingTransaction*>(&transaction);
        if (posting == nullptr) {
            return core::internal(std::string(db::error_code_internal),
                                  "a MariaDB batch guard was checked outside a MariaDB posting");
        }
        sql::PreparedStatement& s = posting->transaction().prepared(
            "SELECT state FROM settlement_batches WHERE id = ? FOR UPDATE");
        s.setInt64(1, batch_id_);
        Rows row(s.executeQuery());
        const bool executing = row->next() && text(*row, 1) == to_string(BatchState::executing);
        if (!executing) return rules::cancelled_during_execution(batch_id_);
        return {};
    }

private:
    std::int64_t batch_id_;
};

}  // namespace

std::unique_ptr<money::PostingGuard> MySQLBatchStore::executing_guard(std::int64_t id) {
    return std::make_unique<MySQLExecutingGuard>(id);
}

}  // namespace procura::settlement::batches
