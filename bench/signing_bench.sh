#!/usr/bin/env bash
# Benchmark of the signing library (CMS verify with chain, seal, open, RFC 3161 responses)
# against a same-run baseline, the raw ECDSA P-256 verify rate of `openssl speed`.
#
#   bench/signing_bench.sh [BUILD_DIR]        (default: build-bench)
#
# Configures BUILD_DIR with -DPROCURA_BENCH=ON (RelWithDebInfo unless CMAKE_BUILD_TYPE says
# otherwise), builds the signing_bench program (2 jobs), runs
# `openssl speed -seconds 5 ecdsap256` and the same with `-multi 2` as the baseline, makes one
# request with `openssl ts -query`, then runs the program, which measures operations per second
# on 1 and 2 threads for: a raw ECDSA verify in process, verify-with-chain without and with the
# verifier's chain cache, the cached verify of a signature without the signer's certificate
# (-nocerts; the verifier looks it up once and keeps it parsed), seal, open, and TSA responses
# (to requests made with OpenSSL's TS API in process, and to the `openssl ts -query` DER). It
# prints a table with each rate's share of the baseline. Targets: cached verify-with-chain
# >= 50% of the raw verify rate; TSA >= 10,000 responses/s per core. Environment:
# BENCH_SECONDS (default 5) per cell; BENCH_JOBS (default 2).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build-bench}
seconds=${BENCH_SECONDS:-5}
jobs=${BENCH_JOBS:-2}
build_type=${CMAKE_BUILD_TYPE:-RelWithDebInfo}
for tool in cmake openssl awk; do
    command -v "$tool" >/dev/null || { echo "signing_bench: $tool not found" >&2; exit 1; }
done

work=$(mktemp -d /tmp/procura-signing-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "signing_bench: configuring and building $build_dir ($build_type)" >&2
cmake -S "$root" -B "$build_dir" -DPROCURA_BENCH=ON -DCMAKE_BUILD_TYPE="$build_type" \
    >"$work/cmake.log" 2>&1 || { cat "$work/cmake.log" >&2; exit 1; }
cmake --build "$build_dir" --target signing_bench -j "$jobs" >"$work/build.log" 2>&1 ||
    { tail -n 40 "$work/build.log" >&2; exit 1; }

# The verify rate (last column) of the "256 bits ecdsa (nistp256)" line of openssl speed.
speed_verify() {
    local out
    out=$(openssl speed -seconds "$seconds" "$@" ecdsap256 2>/dev/null)
    printf "== openssl speed %s ecdsap256\n%s\n" "$*" "$out" >>"$work/speed.log"
    awk '/ecdsa \(nistp256\)/ {rate = $NF} END {print rate}' <<<"$out"
}
echo "signing_bench: baseline: openssl speed -seconds $seconds ecdsap256 (1 and 2 processes)" >&2
baseline_1=$(speed_verify)
baseline_2=$(speed_verify -multi 2)
[[ -n $baseline_1 && -n $baseline_2 ]] ||
    { cat "$work/speed.log" >&2; echo "signing_bench: cannot read openssl speed" >&2; exit 1; }

head -c 4096 /dev/urandom >"$work/data.bin"
openssl ts -query -data "$work/data.bin" -sha256 -cert -out "$work/request.tsq" 2>/dev/null

cat "$work/speed.log"
"$build_dir/bench/signing_bench" --seconds "$seconds" --query "$work/request.tsq" \
    --baseline-verify-1 "$baseline_1" --baseline-verify-2 "$baseline_2" | tee "$work/table.txt"

cached=$(awk -F'  +' '/^verify with chain, cached  / {print $2}' "$work/table.txt")
nocerts=$(awk -F'  +' '/^verify with chain, cached, certificate-less/ {print $2}' "$work/table.txt")
tsa=$(awk -F'  +' '/^TSA respond \(TS API/ {print $2}' "$work/table.txt")
awk -v c="$cached" -v n="$nocerts" -v b="$baseline_1" -v t="$tsa" 'BEGIN {
    printf "\ncached verify / raw verify (1 thread) = %.1f%% (target >= 50%%)\n", 100 * c / b
    printf "cached verify, -nocerts / raw verify (1 thread) = %.1f%% (target >= 50%%)\n",
        100 * n / b
    printf "TSA responses per second on 1 thread = %.0f (target >= 10000 per core)\n", t
}'
