#!/usr/bin/env bash
# Benchmark of the money ledger against a same-run baseline.
#
#   bench/money_bench.sh [BUILD_DIR] [ROUNDS] [BATCHES_PER_ROUND]   (defaults: build, 5, 20)
#
# Starts a private MariaDB (scripts/mariadb-start.sh), then runs bench/money_bench, which
# alternates, round by round, between
#   1. a raw multi-row INSERT of 1,000 transfer rows per transaction into a plain table with
#      the same columns (the baseline), and
#   1b. the same rows into a table made LIKE money_transfers (its unique keys and indexes, no
#      foreign keys), and
#   2. the same transfer rows plus their 1,000 audit rows (same payload, no chain) into plain
#      copies of the tables: every row the ledger writes, raw (the second baseline), and
#   3. LedgerService::create_transfers with the same 1,000 transfers as one linked batch:
#      100 accounts locked, transfers and balances written, one chained audit event each;
# and prints each round and the medians. The target is ledger >= 50% of raw. The server is
# stopped by pid and its files deleted on exit. The binary must be built with
# -DPROCURA_BENCH=ON.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build}
rounds=${2:-5}
batches=${3:-20}
bench=$build_dir/bench/money_bench
[[ -x $bench ]] || { echo "money_bench: no binary at $bench (configure with -DPROCURA_BENCH=ON and build money_bench)" >&2; exit 1; }

work=$(mktemp -d /tmp/procura-money-bench.XXXXXX)
cleanup() {
    if [[ -d $work/db ]]; then
        "$root/scripts/mariadb-stop.sh" "$work/db" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "money_bench: starting a private MariaDB under $work/db" >&2
"$root/scripts/mariadb-start.sh" "$work/db" >"$work/mariadb-start.log" 2>&1 ||
    { cat "$work/mariadb-start.log" >&2; exit 1; }
db_url=$(<"$work/db/url")

# The migrations' log lines are noise here.
"$bench" "$db_url" "$rounds" "$batches" | grep -v '\[info\]'
