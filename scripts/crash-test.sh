#!/usr/bin/env bash
# The settlement crash test: `procura settle execute` killed with SIGKILL at seeded random
# points, then run again, must leave the ledger balances, the transfer count, every bank file
# (byte for byte) and the audit events per kind identical to an uninterrupted run, with
# `procura ledger check` OK.
#
#   scripts/crash-test.sh [--seeds N] [--first S] [--build-dir DIR]
#
# One template database is filled (tests/settlement/batches/batch_fixture), a batch is prepared by one
# finance user and approved by another; each run then works on its own copy of it
# (mariadb-dump), so every copy holds the very same approved batch. The reference copy is
# executed without interruption. Seed s then picks how copy s is interrupted:
# - s % 4 != 3: PROCURA_SETTLE_CRASH_SEED=s makes `settle execute` SIGKILL itself at one of its
#   checkpoints (before the start is recorded, after it, after the files are built and
#   validated, after the ledger accounts are opened, after posting and before the batch is
#   marked executed, after that), and for s % 5 == 0 a second time at another checkpoint;
# - s % 4 == 3: the script SIGKILLs the process after a seeded random delay between 0 and the
#   duration of the uninterrupted run (login, reads, posting and writing included).
# Then `settle execute` runs again without the seam, and the copy is compared.
#
# Environment (set by CTest, tests/settlement/batches.cmake): PROCURA_BIN, PROCURA_BATCH_FIXTURE,
# PROCURA_TEST_DB_URL_FILE, PROCURA_TEST_DB_SOCKET_FILE, PROCURA_PAIN001_XSD. By hand, --build-dir
# finds the binaries there and starts a private MariaDB (scripts/test-db.sh) when none is given.
# Exits 77 (skipped) naming what is missing: a binary, the database, the XSD, a tool.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
seeds=20
first=1
build_dir=""
while (($#)); do
    case $1 in
    --seeds) seeds=$2; shift 2 ;;
    --first) first=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    *) echo "usage: $0 [--seeds N] [--first S] [--build-dir DIR]" >&2; exit 2 ;;
    esac
done

log() { echo "[crash-test] $*" >&2; }
skip() { log "SKIP: $*"; exit 77; }
die() { log "FAIL: $*"; exit 1; }

if [[ -n $build_dir ]]; then
    : "${PROCURA_BIN:=$build_dir/app/procura}"
    : "${PROCURA_BATCH_FIXTURE:=$build_dir/tests/settlement/batches/batch_fixture}"
fi
: "${PROCURA_PAIN001_XSD:=$here/../../shared/schemas/iso20022/pain.001.001.09.xsd}"
[[ -n ${PROCURA_BIN:-} && -x $PROCURA_BIN ]] || skip "missing procura binary: ${PROCURA_BIN:-unset}"
[[ -n ${PROCURA_BATCH_FIXTURE:-} && -x $PROCURA_BATCH_FIXTURE ]] ||
    skip "missing batch_fixture binary: ${PROCURA_BATCH_FIXTURE:-unset}"
[[ -f $PROCURA_PAIN001_XSD ]] || skip "missing schema file: $PROCURA_PAIN001_XSD"
for tool in mariadb mariadb-dump sha256sum; do
    command -v "$tool" >/dev/null || skip "missing tool: $tool"
done

work=$(mktemp -d /tmp/procura-crash.XXXXXX)
own_testdb=""
databases=()
cleanup() {
    local status=$?
    for db in "${databases[@]}"; do
        mariadb --no-defaults --socket="$socket" -uroot -e "DROP DATABASE IF EXISTS \`$db\`" \
            2>/dev/null || true
    done
    if [[ -n $own_testdb ]]; then "$here/test-db.sh" stop "$own_testdb" >/dev/null 2>&1 || true; fi
    if ((status == 0 || status == 77)); then rm -rf "$work"; else log "kept $work"; fi
    exit "$status"
}
socket=""
trap cleanup EXIT

if [[ -z ${PROCURA_TEST_DB_URL_FILE:-} ]]; then
    [[ -n $build_dir ]] || skip "no database: set PROCURA_TEST_DB_URL_FILE or pass --build-dir"
    own_testdb="$work/testdb"
    "$here/test-db.sh" start "$own_testdb" >/dev/null || die "could not start a private MariaDB"
    PROCURA_TEST_DB_URL_FILE=$own_testdb/url
    PROCURA_TEST_DB_SOCKET_FILE=$own_testdb/socket
fi
[[ -f $PROCURA_TEST_DB_URL_FILE ]] || skip "missing database fixture file: $PROCURA_TEST_DB_URL_FILE"
[[ -f ${PROCURA_TEST_DB_SOCKET_FILE:-} ]] ||
    skip "missing database fixture file: ${PROCURA_TEST_DB_SOCKET_FILE:-unset}"
socket=$(<"$PROCURA_TEST_DB_SOCKET_FILE")
fixture_url=$(<"$PROCURA_TEST_DB_URL_FILE")
password="crash-test-password-1"
export PROCURA_PAIN001_XSD

root_sql() { mariadb --no-defaults --socket="$socket" -uroot -N -B "$@"; }
url_of() { echo "${fixture_url%/*}/$1"; }
new_database() {
    databases+=("$1")
    root_sql -e "CREATE DATABASE \`$1\` CHARACTER SET utf8mb4"
}
clone() {  # clone SOURCE TARGET
    new_database "$2"
    mariadb-dump --no-defaults --socket="$socket" -uroot --single-transaction "$1" |
        root_sql "$2" || die "could not copy $1 to $2"
}
settle() {  # settle USER SUBCOMMAND ARGS...: procura settle as USER on $db_url
    local user=$1
    shift
    "$PROCURA_BIN" settle "$@" --db "$db_url" --user "$user" <<<"$password"
}
# What must be identical: every account's balances, the transfer count, the bank files, and
# the number of audit events of each kind (each transfer, file and state change logged once).
fingerprint() {
    root_sql "$1" -e "
        SELECT owner_kind, owner_id, currency, kind, debits_pending, debits_posted,
               credits_pending, credits_posted FROM money_accounts
        ORDER BY owner_kind, owner_id, currency, kind;
        SELECT 'transfers', COUNT(*) FROM money_transfers;
        SELECT 'transfer', t.transfer_key, t.kind, d.owner_kind, d.owner_id, d.kind,
               c.owner_kind, c.owner_id, c.kind, t.amount_minor, t.currency, t.pending_key,
               t.code, t.reference, t.batch_id
        FROM money_transfers t JOIN money_accounts d ON d.id = t.debit_account_id
        JOIN money_accounts c ON c.id = t.credit_account_id ORDER BY t.transfer_key;
        SELECT 'batch', id, state, item_count FROM settlement_batches ORDER BY id;
        SELECT 'file', batch_id, number, message_id, sha256, SHA2(xml, 256) FROM settlement_files
        ORDER BY batch_id, number;
        SELECT 'audit', entity_type, action, COUNT(*) FROM audit_events
        GROUP BY entity_type, action ORDER BY entity_type, action;"
}

started=$(date +%s)
template="crash_tpl_$$"
new_database "$template"
db_url=$(url_of "$template")
"$PROCURA_BIN" migrate --db "$db_url" >/dev/null || die "migrate"
for name in fin-a fin-b; do
    "$PROCURA_BIN" user add --db "$db_url" --username "$name" --role finance --password-stdin \
        <<<"$password" >/dev/null || die "user add $name"
done
"$PROCURA_BATCH_FIXTURE" "$db_url" 8 3 >&2 || die "batch_fixture"
settle fin-a buyer-account --buyer-id TOWN-1 --name "Town of Example" \
    --iban "DE89 3704 0044 0532 0130 00" --bic DEUTDEFF >/dev/null || die "buyer-account"
settle fin-a prepare --cutoff 2026-06-01T00:00:00Z >"$work/prepare.txt" || die "prepare"
batch=$(sed -n 's/^batch \([0-9]*\): prepared.*/\1/p' "$work/prepare.txt")
[[ -n $batch ]] || die "prepare printed no batch id: $(cat "$work/prepare.txt")"
settle fin-b approve --batch "$batch" >/dev/null || die "approve"
log "template: $(head -n 1 "$work/prepare.txt")"

reference="crash_ref_$$"
clone "$template" "$reference"
db_url=$(url_of "$reference")
t0=$(date +%s%N)
settle fin-a execute --batch "$batch" >/dev/null || die "the uninterrupted execute failed"
run_ms=$((($(date +%s%N) - t0) / 1000000))
"$PROCURA_BIN" ledger check --db "$db_url" >/dev/null || die "ledger check of the reference"
fingerprint "$reference" >"$work/reference.txt"
grep -q "^file" "$work/reference.txt" || die "the reference run wrote no bank file"

crashes=0
for ((seed = first; seed < first + seeds; ++seed)); do
    copy="crash_${seed}_$$"
    clone "$template" "$copy"
    db_url=$(url_of "$copy")
    how=""
    if ((seed % 4 == 3)); then
        delay_ms=$(((seed * 7919) % 1000 * (run_ms + 20) / 1000))
        # procura itself in the background (not the settle function, whose $! would be a
        # subshell that SIGKILL leaves procura running under).
        "$PROCURA_BIN" settle execute --batch "$batch" --db "$db_url" --user fin-a \
            <<<"$password" >/dev/null 2>&1 &
        pid=$!
        sleep "$(printf '0.%03d' "$delay_ms")"
        if kill -KILL "$pid" 2>/dev/null; then how="killed after ${delay_ms} ms"; else how="finished within ${delay_ms} ms"; fi
        wait "$pid" 2>/dev/null || true
    else
        rounds=1
        ((seed % 5 == 0)) && rounds=2
        for ((r = 0; r < rounds; ++r)); do
            code=0
            PROCURA_SETTLE_CRASH_SEED=$((seed + r)) settle fin-a execute --batch "$batch" \
                >/dev/null 2>"$work/seam.err" || code=$?
            how+="$(sed -n 's/.*SIGKILL at checkpoint \(.*\)/\1/p' "$work/seam.err")(exit $code) "
            # The first round always reaches its checkpoint (the batch is approved, not yet
            # executed) and must die there; a later one may find the batch executed (exit 0).
            if ((r == 0 && code != 137)) || ((code != 0 && code != 137)); then
                die "seed $seed: the seam run exited $code, not killed by SIGKILL: $(cat "$work/seam.err")"
            fi
        done
    fi
    ((++crashes))
    settle fin-b execute --batch "$batch" >/dev/null 2>"$work/rerun.err" ||
        die "seed $seed ($how): the rerun failed: $(cat "$work/rerun.err")"
    "$PROCURA_BIN" ledger check --db "$db_url" >/dev/null 2>"$work/check.err" ||
        die "seed $seed ($how): ledger check: $(cat "$work/check.err")"
    fingerprint "$copy" >"$work/run.txt"
    if ! diff -u "$work/reference.txt" "$work/run.txt" >"$work/diff.txt"; then
        cat "$work/diff.txt" >&2
        die "seed $seed ($how): the result differs from the uninterrupted run"
    fi
    log "seed $seed: ${how% } -> identical"
    root_sql -e "DROP DATABASE \`$copy\`"
done
log "passed: $crashes interrupted runs identical to the reference in $(($(date +%s) - started)) s"
