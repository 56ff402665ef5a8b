#!/usr/bin/env bash
# Benchmark of a settlement batch against its same-run baseline.
#
#   bench/settlement_bench.sh [BUILD_DIR] [PAYMENTS] [CONTRACTS]   (defaults: build, 1000000, 1000)
#
# Starts a private MariaDB (scripts/mariadb-start.sh), then runs bench/settlement_bench: a
# fixture of PAYMENTS accepted milestones written with SQL, one batch prepared, approved and
# executed through the real BatchService (bank files XSD-validated, one linked ledger group),
# and the raw multi-row INSERT of the same transfer rows in the same run. The target is posting
# at most 2x the raw time. The XSD is PROCURA_PAIN001_XSD or ../shared/schemas/iso20022/
# pain.001.001.09.xsd from the project root. The server is stopped by pid and its files deleted
# on exit. The binary must be built with -DPROCURA_BENCH=ON.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build}
payments=${2:-1000000}
contracts=${3:-1000}
xsd=${PROCURA_PAIN001_XSD:-$root/../shared/schemas/iso20022/pain.001.001.09.xsd}
bench=$build_dir/bench/settlement_bench
[[ -x $bench ]] || { echo "settlement_bench: no binary at $bench (configure with -DPROCURA_BENCH=ON and build settlement_bench)" >&2; exit 1; }
[[ -f $xsd ]] || { echo "settlement_bench: the pain.001 XSD is missing: $xsd" >&2; exit 1; }

work=$(mktemp -d /tmp/procura-settlement-bench.XXXXXX)
cleanup() {
    if [[ -d $work/db ]]; then
        "$root/scripts/mariadb-stop.sh" "$work/db" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "settlement_bench: starting a private MariaDB under $work/db" >&2
"$root/scripts/mariadb-start.sh" "$work/db" >"$work/mariadb-start.log" 2>&1 ||
    { cat "$work/mariadb-start.log" >&2; exit 1; }
db_url=$(<"$work/db/url")

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" "$db_url" "$xsd" "$payments" "$contracts" | grep -v '\[info\]'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
