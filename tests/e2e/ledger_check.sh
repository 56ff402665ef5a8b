#!/usr/bin/env bash
# `procura ledger check` against a real MariaDB: OK on a consistent ledger (empty, then with an
# account), and one readable line per broken invariant, exit 1, when a balance is changed
# behind the ledger's back; a database it cannot reach is one error line, not a crash.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
"$PROCURA_BIN" migrate --db "$DB_URL" >/dev/null || e2e_fail "migrate"

e2e_log "an empty ledger is consistent"
out=$("$PROCURA_BIN" ledger check --db "$DB_URL") || e2e_fail "ledger check failed on an empty ledger"
[[ $out == "ledger OK: 0 accounts, 0 transfers"* ]] || e2e_fail "unexpected output: $out"

e2e_log "a balance changed directly in MariaDB is reported"
e2e_sql "INSERT INTO money_accounts (owner_kind, owner_id, currency, kind,
             debits_must_not_exceed_credits, credits_must_not_exceed_debits, created_at_ms)
         VALUES ('platform', 0, 'EUR', 'fees', FALSE, FALSE, 0)"
out=$("$PROCURA_BIN" ledger check --db "$DB_URL") || e2e_fail "an account without transfers failed"
[[ $out == "ledger OK: 1 accounts"* ]] || e2e_fail "unexpected output: $out"
e2e_sql "UPDATE money_accounts SET credits_posted = 500"
if "$PROCURA_BIN" ledger check --db "$DB_URL" >/dev/null 2>"$e2e_work/check.err"; then
    e2e_fail "ledger check accepted a balance without transfers"
fi
grep -q "procura: ledger check: " "$e2e_work/check.err" || e2e_fail "no violation line: $(cat "$e2e_work/check.err")"
e2e_log "violations: $(tr '\n' ' ' <"$e2e_work/check.err")"

e2e_log "an unreachable database is one error line"
if "$PROCURA_BIN" ledger check --db "mysql://nobody:x@127.0.0.1:1/none" 2>"$e2e_work/down.err"; then
    e2e_fail "ledger check succeeded without a database"
fi
[[ $(wc -l <"$e2e_work/down.err") == 1 ]] || e2e_fail "expected one line: $(cat "$e2e_work/down.err")"

e2e_log "passed"
