#!/usr/bin/env bash
# Benchmark of the audit log against a private MariaDB (bench/log_bench.cpp says what it
# measures). Usage: bench/log_bench.sh [BUILD_DIR] [LEAVES] [PROOFS]
# (defaults: build-bench, 1000000, 2000). Build first with -DPROCURA_BENCH=ON.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build-bench}
leaves=${2:-1000000}
proofs=${3:-2000}
bench="$build_dir/bench/log_bench"
[[ -x $bench ]] || { echo "log_bench: no $bench (configure with -DPROCURA_BENCH=ON and build)" >&2; exit 1; }

work=$(mktemp -d /tmp/procura-log-bench.XXXXXX)
cleanup() {
    "$root/scripts/mariadb-stop.sh" "$work/db" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
"$root/scripts/mariadb-start.sh" "$work/db" >"$work/mariadb-start.log" 2>&1 ||
    { cat "$work/mariadb-start.log" >&2; exit 1; }
echo "machine: $(nproc) vCPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
"$bench" "$(<"$work/db/url")" "$leaves" "$proofs"
