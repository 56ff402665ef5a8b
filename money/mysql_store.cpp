#include "money/mysql_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <set>

#include "db/audit_sql.hpp"
#include "db/multi_row.hpp"
#include "db/transaction.hpp"

namespace procura::money {
namespace {
using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

// How often a batch is rerun after a racing batch inserted one of its transfer ids first.
constexpr int duplicate_reruns_max = 3;

constexpr const char* account_columns =
    "id, owner_kind, owner_id, currency, kind, debits_must_not_exceed_credits, "
    "credits_must_not_exceed_debits, debits_pending, debits_posted, credits_pending, "
    "credits_posted, created_at_ms";

// t is the transfer, r the post or void that resolved it (if t is pending).
constexpr const char* transfer_columns =
    "t.id, t.transfer_key, t.kind, t.debit_account_id, t.credit_account_id, t.amount_minor, "
    "t.currency, t.pending_key, t.code, t.reference, t.batch_id, t.created_at_ms, r.kind";

core::Error corrupt(const std::string& what) {
    return core::internal(std::string(db::error_code_internal), "stored " + what + " is corrupt");
}

std::string placeholders(std::size_t n) {
    std::string out;
    out.reserve(n * 3);
    for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
    return out;
}

core::Result<Account> read_account(const sql::ResultSet& rows) {
    Account a;
    a.id = rows.getInt64(1);
    const auto owner = parse_owner_kind(rows.getString(2).asStdString());
    a.owner_id = rows.getInt64(3);
    a.currency = rows.getString(4).asStdString();
    const auto kind = parse_account_kind(rows.getString(5).asStdString());
    if (!owner || !kind) return corrupt("account " + std::to_string(a.id));
    a.owner = *owner;
    a.kind = *kind;
    a.flags.debits_must_not_exceed_credits = rows.getBoolean(6);
    a.flags.credits_must_not_exceed_debits = rows.getBoolean(7);
    a.balances.debits_pending = rows.getInt64(8);
    a.balances.debits_posted = rows.getInt64(9);
    a.balances.credits_pending = rows.getInt64(10);
    a.balances.credits_posted = rows.getInt64(11);
    a.created_at_ms = rows.getInt64(12);
    return a;
}

core::Result<Transfer> read_transfer(const sql::ResultSet& rows) {
    Transfer t;
    t.row_id = rows.getInt64(1);
    t.id = rows.getString(2).asStdString();
    const auto kind = parse_transfer_kind(rows.getString(3).asStdString());
    if (!kind) return corrupt("transfer " + std::to_string(t.row_id));
    t.kind = *kind;
    t.debit_account_id = rows.getInt64(4);
    t.credit_account_id = rows.getInt64(5);
    t.amount_minor = rows.getInt64(6);
    t.currency = rows.getString(7).asStdString();
    if (!rows.isNull(8)) t.pending_id = rows.getString(8).asStdString();
    t.code = rows.getInt(9);
    t.reference = rows.getString(10).asStdString();
    t.batch_id = rows.getString(11).asStdString();
    t.at_ms = rows.getInt64(12);
    if (t.kind == TransferKind::pending) {
        t.pending_state = PendingState::pending;
        if (!rows.isNull(13)) {
            t.pending_state = rows.getString(13).asStdString() == "post_pending"
                                  ? PendingState::posted
                                  : PendingState::voided;
        }
    }
    return t;
}

// An IN list of n ids has list_slots(n) placeholders: n rounded up to a power of two, the
// last id repeated in the spare ones (which changes nothing an IN list selects). Lists of up
// to cached_list_max ids therefore use one of eleven statement texts, each cached on the
// connection (a deposit locks two accounts, a group of bids' deposits a few more, a batch of
// 1,000 transfers up to 1,000); longer lists are prepared for their one use.
constexpr std::size_t cached_list_max = 1024;

std::size_t list_slots(std::size_t n) { return n <= cached_list_max ? std::bit_ceil(n) : n; }

// The statement sql, whose IN list has slots placeholders: cached in tx when the list is short
// (and tx is given), else prepared into owned.
sql::PreparedStatement& list_statement(db::Transaction* tx, sql::Connection& c,
                                       const std::string& sql, std::size_t slots,
                                       Statement& owned) {
    if (tx != nullptr && slots <= cached_list_max) return tx->prepared(sql);
    owned.reset(c.prepareStatement(sql));
    return *owned;
}

// The SELECT of n transfers by client id, with the post or void that resolved each.
std::string transfers_sql(std::size_t n) {
    return std::string("SELECT ") + transfer_columns +
           " FROM money_transfers t LEFT JOIN money_transfers r ON r.pending_key = "
           "t.transfer_key WHERE t.transfer_key IN (" +
           placeholders(n) + ")";
}

core::Result<std::map<std::string, Transfer>> read_transfers_with(sql::PreparedStatement& s,
                                                                  const std::set<std::string>& ids,
                                                                  std::size_t slots);

// The transfers with these client ids, with their pending states, keyed by id. tx, if given,
// is the transaction c belongs to (for its statement cache).
core::Result<std::map<std::string, Transfer>> read_transfers(db::Transaction* tx,
                                                             sql::Connection& c,
                                                             const std::set<std::string>& ids) {
    if (ids.empty()) return std::map<std::string, Transfer>{};
    const std::size_t slots = list_slots(ids.size());
    Statement owned;
    return read_transfers_with(list_statement(tx, c, transfers_sql(slots), slots, owned), ids,
                               slots);
}

// The same with s, a statement of transfers_sql(slots), slots >= ids.size() > 0.
core::Result<std::map<std::string, Transfer>> read_transfers_with(sql::PreparedStatement& s,
                                                                  const std::set<std::string>& ids,
                                                                  std::size_t slots) {
    std::map<std::string, Transfer> out;
    unsigned int p = 1;
    for (const std::string& id : ids) s.setString(p++, id);
    while (p <= slots) s.setString(p++, *ids.rbegin());
    Rows rows(s.executeQuery());
    while (rows->next()) {
        PROCURA_TRY_ASSIGN(auto t, read_transfer(*rows));
        out.emplace(t.id, std::move(t));
    }
    return out;
}

// Locks the accounts with these ids, ascending, and returns those that exist.
core::Result<std::map<std::int64_t, Account>> lock_accounts(db::Transaction& tx, sql::Connection& c,
                                                            const std::set<std::int64_t>& ids) {
    std::map<std::int64_t, Account> out;
    if (ids.empty()) return out;
    const std::size_t slots = list_slots(ids.size());
    Statement owned;
    sql::PreparedStatement& s = list_statement(&tx, c,
                                               std::string("SELECT ") + account_columns +
                                                   " FROM money_accounts WHERE id IN (" +
                                                   placeholders(slots) + ") ORDER BY id FOR UPDATE",
                                               slots, owned);
    unsigned int p = 1;
    for (std::int64_t id : ids) s.setInt64(p++, id);
    while (p <= slots) s.setInt64(p++, *ids.rbegin());
    Rows rows(s.executeQuery());
    while (rows->next()) {
        PROCURA_TRY_ASSIGN(auto a, read_account(*rows));
        out.emplace(a.id, std::move(a));
    }
    return out;
}

// Inserts created in chunks and sets their row ids from what each INSERT returns (RETURNING,
// in the same round trip), matched by transfer key.
core::Status insert_transfers(db::Transaction& tx, sql::Connection& c,
                              std::vector<Transfer>& created) {
    const db::MultiRowStatement insert{
        "INSERT INTO money_transfers (transfer_key, kind, debit_account_id, credit_account_id, "
        "amount_minor, currency, pending_key, code, reference, batch_id, created_at_ms) VALUES",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", " RETURNING transfer_key, id"};
    const auto bind = [&](sql::PreparedStatement& s, std::size_t begin, std::size_t end) {
        unsigned int p = 1;
        for (std::size_t i = begin; i < end; ++i) {
            const Transfer& t = created[i];
            s.setString(p++, t.id);
            s.setString(p++, std::string(to_string(t.kind)));
            s.setInt64(p++, t.debit_account_id);
            s.setInt64(p++, t.credit_account_id);
            s.setInt64(p++, t.amount_minor);
            s.setString(p++, t.currency);
            if (t.pending_id.empty()) {
                s.setNull(p++, sql::DataType::VARCHAR);
            } else {
                s.setString(p++, t.pending_id);
            }
            s.setInt(p++, t.code);
            s.setString(p++, t.reference);
            s.setString(p++, t.batch_id);
            s.setInt64(p++, t.at_ms);
        }
    };
    const std::map<std::string, std::int64_t> ids =
        db::insert_returning_ids(tx, c, insert, created.size(), money_rows_per_insert_max, bind);
    for (Transfer& t : created) {
        const auto found = ids.find(t.id);
        if (found == ids.end()) return corrupt("transfer " + t.id + " (not returned)");
        t.row_id = found->second;
    }
    return {};
}

// Writes the new balances of the changed accounts, which exist and are locked: a multi-row
// upsert that always takes its UPDATE branch.
void write_balances(db::Transaction& tx, sql::Connection& c,
                    const std::vector<std::int64_t>& changed,
                    const std::map<std::int64_t, Account>& accounts) {
    const db::MultiRowStatement upsert{
        std::string("INSERT INTO money_accounts (") + account_columns + ") VALUES",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        " ON DUPLICATE KEY UPDATE debits_pending = VALUES(debits_pending), "
        "debits_posted = VALUES(debits_posted), credits_pending = VALUES(credits_pending), "
        "credits_posted = VALUES(credits_posted)"};
    db::execute_in_chunks(tx, c, upsert, changed.size(), money_rows_per_insert_max,
                          [&](sql::PreparedStatement& s, std::size_t begin, std::size_t end) {
                              unsigned int p = 1;
                              for (std::size_t i = begin; i < end; ++i) {
                                  const Account& a = accounts.at(changed[i]);
                                  s.setInt64(p++, a.id);
                                  s.setString(p++, std::string(to_string(a.owner)));
                                  s.setInt64(p++, a.owner_id);
                                  s.setString(p++, a.currency);
                                  s.setString(p++, std::string(to_string(a.kind)));
                                  s.setBoolean(p++, a.flags.debits_must_not_exceed_credits);
                                  s.setBoolean(p++, a.flags.credits_must_not_exceed_debits);
                                  s.setInt64(p++, a.balances.debits_pending);
                                  s.setInt64(p++, a.balances.debits_posted);
                                  s.setInt64(p++, a.balances.credits_pending);
                                  s.setInt64(p++, a.balances.credits_posted);
                                  s.setInt64(p++, a.created_at_ms);
                              }
                          });
}

// A batch as apply_batch runs it, with what it names, gathered once for all its runs.
struct BatchRun {
    const std::vector<Transfer>& requests;
    std::int64_t at_ms;
    core::UserId actor;
    const PostingGuard* guard;
    std::set<std::string> named;      // the batch's ids and pending ids
    std::set<std::string> pending;    // its pending ids (a subset of named)
    std::set<std::int64_t> accounts;  // the accounts it names directly
};

// The batch with the ids and accounts its requests name.
BatchRun batch_run(const std::vector<Transfer>& requests, std::int64_t at_ms, core::UserId actor,
                   const PostingGuard* guard) {
    BatchRun batch{requests, at_ms, actor, guard, {}, {}, {}};
    for (const Transfer& t : requests) {
        batch.named.insert(t.id);
        if (!t.pending_id.empty()) {
            batch.named.insert(t.pending_id);
            batch.pending.insert(t.pending_id);
        }
        if (t.debit_account_id > 0) batch.accounts.insert(t.debit_account_id);
        if (t.credit_account_id > 0) batch.accounts.insert(t.credit_account_id);
    }
    return batch;
}

// The first stage of a run, inside tx's attempt on c: checks the guard, locks the accounts,
// reads the transfers the batch depends on into view (all of its ids when careful, else only
// its pending ids) and plans the batch. The locks last until tx ends.
core::Result<BatchPlan> lock_and_plan(db::Transaction& tx, sql::Connection& c,
                                      const BatchRun& batch, bool careful, LedgerView& view) {
    // The guard first: whatever it locks (the settlement batch's row), a racing change (a
    // cancellation) waits for this transaction, or this one sees the change and writes nothing.
    if (batch.guard != nullptr) {
        MySQLPostingTransaction posting(tx);
        PROCURA_TRY(batch.guard->check(posting));
    }
    // A pending transfer's accounts never change, so an unlocked read finds which accounts its
    // post or void will touch.
    std::set<std::int64_t> to_lock = batch.accounts;
    if (!batch.pending.empty()) {
        PROCURA_TRY_ASSIGN(auto pendings, read_transfers(&tx, c, batch.pending));
        for (const auto& [id, t] : pendings) {
            to_lock.insert(t.debit_account_id);
            to_lock.insert(t.credit_account_id);
        }
    }
    PROCURA_TRY_ASSIGN(auto locked, lock_accounts(tx, c, to_lock));
    view.accounts = std::move(locked);
    // Under the account locks: whoever posts, voids or creates a transfer on these accounts has
    // committed or waits for us.
    PROCURA_TRY_ASSIGN(auto existing,
                       read_transfers(&tx, c, careful ? batch.named : batch.pending));
    view.transfers = std::move(existing);
    return plan_batch(batch.requests, batch.at_ms, view);
}

// The second stage of a run, for a plan that creates transfers: writes them, the new balances
// (which view holds, under lock_and_plan's locks) and their audit events, and sets the row ids
// in plan's results. A failed write fails tx, so that nothing of it commits.
core::Status write_plan(db::Transaction& tx, const BatchRun& batch, BatchPlan& plan,
                        const LedgerView& view) {
    auto written = tx.attempt("money.apply_batch.write", [&](sql::Connection& c) -> core::Status {
        PROCURA_TRY(insert_transfers(tx, c, plan.created));
        write_balances(tx, c, plan.changed_accounts, view.accounts);
        return {};
    });
    if (!written) {
        tx.fail(written.error());
        return written.error();
    }
    finish_results(plan);
    std::vector<core::AuditEvent> events;
    events.reserve(plan.created.size());
    for (const Transfer& t : plan.created) events.push_back(transfer_audit_event(t, batch.actor));
    PROCURA_TRY_ASSIGN(auto appended, db::append_audit_events(tx, events));
    return {};
}

// One run of the batch in tx: plans it under its locks and writes the plan, leaving the results
// in results. A first (optimistic, not careful) run whose plan does not create every transfer
// writes nothing and sets optimism_failed instead.
core::Status run_batch(db::Transaction& tx, const BatchRun& batch, bool careful,
                       bool& optimism_failed, std::vector<TransferResult>& results) {
    LedgerView view;
    PROCURA_TRY_ASSIGN(
        auto planned,
        tx.attempt("money.apply_batch.plan", [&](sql::Connection& c) -> core::Result<BatchPlan> {
            return lock_and_plan(tx, c, batch, careful, view);
        }));
    BatchPlan& plan = planned;
    if (!careful && plan.created.size() != batch.requests.size()) {
        optimism_failed = true;
        return {};  // nothing written yet: the commit is empty
    }
    if (!plan.created.empty()) PROCURA_TRY(write_plan(tx, batch, plan, view));
    results = std::move(plan.results);
    return {};
}

}  // namespace

MySQLMoneyStore::MySQLMoneyStore(db::ConnectionPool& pool) : pool_(pool) {}

core::Result<std::int64_t> MySQLMoneyStore::insert_account(const Account& a,
                                                           const core::AuditEvent& audit) {
    std::int64_t new_id = 0;
    PROCURA_TRY(db::run_transaction(
        pool_, "money.insert_account", [&](db::Transaction& tx) -> core::Status {
            auto inserted = tx.attempt("money.insert_account", [&](sql::Connection& c) {
                Statement s(c.prepareStatement(
                    "INSERT INTO money_accounts (owner_kind, owner_id, currency, kind, "
                    "debits_must_not_exceed_credits, credits_must_not_exceed_debits, "
                    "created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)"));
                s->setString(1, std::string(to_string(a.owner)));
                s->setInt64(2, a.owner_id);
                s->setString(3, a.currency);
                s->setString(4, std::string(to_string(a.kind)));
                s->setBoolean(5, a.flags.debits_must_not_exceed_credits);
                s->setBoolean(6, a.flags.credits_must_not_exceed_debits);
                s->setInt64(7, a.created_at_ms);
                s->executeUpdate();
                std::unique_ptr<sql::Statement> last(c.createStatement());
                Rows rows(last->executeQuery("SELECT LAST_INSERT_ID()"));
                rows->next();
                return rows->getInt64(1);
            });
            if (!inserted) {
                if (inserted.error().code == db::error_code_duplicate) {
                    return core::conflict("account_exists",
                                          "there is already a " + std::string(to_string(a.kind)) +
                                              " account in " + a.currency + " for " +
                                              std::string(to_string(a.owner)) + " " +
                                              std::to_string(a.owner_id));
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

core::Result<std::optional<Account>> MySQLMoneyStore::find_account(std::int64_t id) {
    using Found = std::optional<Account>;
    return db::with_prepared(
        pool_, "money.find_account",
        std::string("SELECT ") + account_columns + " FROM money_accounts WHERE id = ?",
        [&](sql::PreparedStatement& s) -> core::Result<Found> {
            s.setInt64(1, id);
            Rows rows(s.executeQuery());
            if (!rows->next()) return Found{};
            PROCURA_TRY_ASSIGN(auto a, read_account(*rows));
            return Found{std::move(a)};
        });
}

core::Result<std::optional<Account>> MySQLMoneyStore::find_account_of(OwnerKind owner,
                                                                      std::int64_t owner_id,
                                                                      const std::string& currency,
                                                                      AccountKind kind) {
    using Found = std::optional<Account>;
    return db::with_prepared(
        pool_, "money.find_account_of",
        std::string("SELECT ") + account_columns +
            " FROM money_accounts WHERE owner_kind = ? AND owner_id = ? AND currency = ? AND "
            "kind = ?",
        [&](sql::PreparedStatement& s) -> core::Result<Found> {
            s.setString(1, std::string(to_string(owner)));
            s.setInt64(2, owner_id);
            s.setString(3, currency);
            s.setString(4, std::string(to_string(kind)));
            Rows rows(s.executeQuery());
            if (!rows->next()) return Found{};
            PROCURA_TRY_ASSIGN(auto a, read_account(*rows));
            return Found{std::move(a)};
        });
}

core::Result<std::optional<Transfer>> MySQLMoneyStore::find_transfer(const std::string& id) {
    using Found = std::optional<Transfer>;
    return db::with_prepared(pool_, "money.find_transfer", transfers_sql(1),
                             [&](sql::PreparedStatement& s) -> core::Result<Found> {
                                 PROCURA_TRY_ASSIGN(auto found, read_transfers_with(s, {id}, 1));
                                 const auto it = found.find(id);
                                 if (it == found.end()) return Found{};
                                 return Found{it->second};
                             });
}

core::Result<std::vector<TransferResult>> MySQLMoneyStore::apply_batch(
    const std::vector<Transfer>& requests, std::int64_t at_ms, core::UserId actor,
    const PostingGuard* guard) {
    const BatchRun batch = batch_run(requests, at_ms, actor, guard);

    // The first run is optimistic: it assumes the batch's own ids are new and does not read
    // them, which saves a lookup per transfer. Its plan is committed only if every transfer
    // was created, and then the unique key on transfer_key proves the assumption (a duplicate
    // fails the INSERT and rolls everything back). Anything else reruns carefully, reading
    // the batch's ids, so that "exists", conflicts and every refusal are judged on the whole
    // state.
    bool careful = false;
    for (int run = 1;; ++run) {
        std::vector<TransferResult> results;
        bool optimism_failed = false;
        const core::Status status = db::run_transaction(
            pool_, "money.apply_batch", [&](db::Transaction& tx) -> core::Status {
                return run_batch(tx, batch, careful, optimism_failed, results);
            });
        if (status && !optimism_failed) return results;
        if (optimism_failed || (!careful && status.error().code == db::error_code_duplicate)) {
            careful = true;
            continue;
        }
        if (status.error().code != db::error_code_duplicate || run >= duplicate_reruns_max) {
            return status.error();
        }
    }
}

core::Result<LedgerFacts> MySQLMoneyStore::ledger_facts() {
    LedgerFacts facts;
    PROCURA_TRY(db::run_transaction(
        pool_, "money.ledger_facts",
        [&](db::Transaction& tx) -> core::Status {
            facts = LedgerFacts{};
            return tx.attempt("money.ledger_facts", [&](sql::Connection& c) -> core::Status {
                std::unique_ptr<sql::Statement> s(c.createStatement());
                std::map<std::int64_t, std::size_t> index;
                Rows accounts(s->executeQuery(std::string("SELECT ") + account_columns +
                                              " FROM money_accounts ORDER BY id"));
                while (accounts->next()) {
                    PROCURA_TRY_ASSIGN(auto a, read_account(*accounts));
                    index[a.id] = facts.accounts.size();
                    facts.accounts.push_back(AccountFacts{std::move(a), {}});
                }
                // Per account: pending = unresolved pending transfers; posted = single
                // transfers and posts (with the amount posted). Voids move nothing.
                Rows sums(s->executeQuery(
                    "SELECT account_id, CAST(SUM(dpend) AS SIGNED), CAST(SUM(dpost) AS SIGNED), "
                    "CAST(SUM(cpend) AS SIGNED), CAST(SUM(cpost) AS SIGNED) FROM ("
                    " SELECT t.debit_account_id AS account_id,"
                    "  IF(t.kind = 'pending' AND r.id IS NULL, t.amount_minor, 0) AS dpend,"
                    "  IF(t.kind IN ('single', 'post_pending'), t.amount_minor, 0) AS dpost,"
                    "  0 AS cpend, 0 AS cpost"
                    " FROM money_transfers t"
                    " LEFT JOIN money_transfers r ON r.pending_key = t.transfer_key"
                    " UNION ALL"
                    " SELECT t.credit_account_id, 0, 0,"
                    "  IF(t.kind = 'pending' AND r.id IS NULL, t.amount_minor, 0),"
                    "  IF(t.kind IN ('single', 'post_pending'), t.amount_minor, 0)"
                    " FROM money_transfers t"
                    " LEFT JOIN money_transfers r ON r.pending_key = t.transfer_key"
                    ") x GROUP BY account_id"));
                while (sums->next()) {
                    const auto found = index.find(sums->getInt64(1));
                    if (found == index.end()) continue;  // the foreign keys rule this out
                    Balances& b = facts.accounts[found->second].recomputed;
                    b.debits_pending = sums->getInt64(2);
                    b.debits_posted = sums->getInt64(3);
                    b.credits_pending = sums->getInt64(4);
                    b.credits_posted = sums->getInt64(5);
                }
                Rows count(s->executeQuery("SELECT COUNT(*) FROM money_transfers"));
                count->next();
                facts.transfer_count = count->getInt64(1);
                const std::string unaudited =
                    " FROM money_transfers t WHERE NOT EXISTS (SELECT 1 FROM audit_events e "
                    "WHERE e.entity_type = 'transfer' AND e.entity_id = t.id)";
                Rows missing_count(s->executeQuery("SELECT COUNT(*)" + unaudited));
                missing_count->next();
                facts.transfers_without_audit_count = missing_count->getInt64(1);
                Rows missing(
                    s->executeQuery("SELECT t.id" + unaudited + " ORDER BY t.id LIMIT 20"));
                while (missing->next())
                    facts.transfers_without_audit.push_back(missing->getInt64(1));
                return {};
            });
        },
        db::TransactionOptions{db::TransactionMode::read_only_snapshot, {}}));
    return facts;
}

}  // namespace procura::money
