#!/usr/bin/env bash
# Benchmark of the public notice board over HTTP, against a same-run baseline.
#
#   bench/list_bench.sh [BUILD_DIR]        (default: build)
#
# Starts a private MariaDB (scripts/mariadb-start.sh) and `procura serve`, creates
# bench_tenders published tenders through the API, then runs wrk (2 threads, 64 connections,
# 15 s, latency percentiles) three times against the same server in the same run:
#   1. GET /api/v1/tenders, the public notice board's first page (20 tenders) as every
#      anonymous reader requests it, so mostly answered from the public cache
#      (web/public_cache.hpp, at most 1 s old);
#   2. the same page with a unique, ignored query parameter per request, so that every request
#      misses the cache and queries the database: the uncached path;
#   3. GET /healthz, no database: the server's own ceiling, the baseline.
# It prints the rates, p99 latencies and the ratios to the baseline. The target is list >= 30%
# of healthz. Everything it starts is stopped by pid and deleted on exit.
# Environment: PROCURA_BIN overrides the binary; BENCH_DURATION (default 15s) and
# BENCH_CONNECTIONS (default 64) override wrk's settings.
set -euo pipefail

readonly bench_tenders=1000
readonly create_parallelism=8
readonly ready_wait_s=60
readonly password="bench-password-0123"
duration=${BENCH_DURATION:-15s}
connections=${BENCH_CONNECTIONS:-64}

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build}
procura=${PROCURA_BIN:-$build_dir/app/procura}
[[ -x $procura ]] || { echo "list_bench: no procura binary at $procura (build first)" >&2; exit 1; }
for tool in wrk curl jq mariadb; do
    command -v "$tool" >/dev/null || { echo "list_bench: $tool not found" >&2; exit 1; }
done

work=$(mktemp -d /tmp/procura-bench.XXXXXX)
server_pid=""
cleanup() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ -d $work/db ]]; then
        "$root/scripts/mariadb-stop.sh" "$work/db" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "list_bench: starting a private MariaDB under $work/db" >&2
"$root/scripts/mariadb-start.sh" "$work/db" >"$work/mariadb-start.log" 2>&1 ||
    { cat "$work/mariadb-start.log" >&2; exit 1; }
db_url=$(<"$work/db/url")

# Port 0: the kernel picks a free port at bind time, so no other process can take it between a
# check and the bind; the server logs the port it got.
"$procura" serve --listen "127.0.0.1:0" --db "$db_url" >"$work/serve.log" 2>&1 &
server_pid=$!
base=""
for ((i = 0; i < ready_wait_s * 10; i++)); do
    if [[ -z $base ]]; then
        port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$work/serve.log" |
            head -n 1)
        [[ -n $port ]] && base="http://127.0.0.1:$port"
    fi
    [[ -n $base && $(curl -s -o /dev/null -w '%{http_code}' "$base/readyz") == 200 ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.1
done
[[ -n $base ]] || { echo "list_bench: the server never said where it listens" >&2; exit 1; }

officer_id=$("$procura" user add --db "$db_url" --username bench-officer --role officer \
    --password-stdin <<<"$password" | tail -n 1 | tr -dc '0-9')
# The opening committee has at least 3 members (threshold at least 2): two more officers.
members="[$officer_id"
for n in 2 3; do
    members+=","$("$procura" user add --db "$db_url" --username "bench-officer-$n" \
        --role officer --password-stdin <<<"$password" | tail -n 1 | tr -dc '0-9')
done
members+="]"
token=$(curl -sf "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    --data-binary "{\"username\":\"bench-officer\",\"password\":\"$password\"}" | jq -r .token)

# One complete tender body; titles differ only by number.
template=$(jq -cn --argjson members "$members" \
    --arg enquiry "$(date -u -d '+5 days' +%Y-%m-%dT%H:%M:%SZ)" \
    --arg submission "$(date -u -d '+20 days' +%Y-%m-%dT%H:%M:%SZ)" \
    --arg opening "$(date -u -d '+21 days' +%Y-%m-%dT%H:%M:%SZ)" '{
    title: "TITLE", description: "Benchmark tender",
    buyer: {name: "Benchmark Authority", id: "BENCH-1"}, category: "goods", currency: "EUR",
    lots: [{title: "Lot one", budget_minor: 1000000}, {title: "Lot two", budget_minor: 500000}],
    evaluation: {method: "lowest_price"}, bid_security_minor: 1000,
    enquiry_deadline: $enquiry, submission_deadline: $submission, opening_time: $opening,
    committee: {members: $members, threshold: 2}}')

create_one() {
    local n=$1 id
    id=$(curl -sf "$base/api/v1/tenders" -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' \
        --data-binary "${template/TITLE/Benchmark tender $n}" | jq -r .id) || return 1
    curl -sf -o /dev/null -X POST "$base/api/v1/tenders/$id/publish" \
        -H "Authorization: Bearer $token"
}
export -f create_one
export base token template

echo "list_bench: creating $bench_tenders published tenders" >&2
started=$(date +%s)
seq "$bench_tenders" | xargs -P "$create_parallelism" -I{} bash -c 'create_one {}' ||
    { echo "list_bench: creating tenders failed" >&2; tail -n 20 "$work/serve.log" >&2; exit 1; }
echo "list_bench: created in $(($(date +%s) - started)) s" >&2
total=$(curl -sf "$base/api/v1/tenders?limit=100" | jq '.items | length')
[[ $total == 100 ]] || { echo "list_bench: the list shows $total of 100" >&2; exit 1; }

# run_wrk URL NAME [wrk options]: writes "RATE P99" (requests per second, p99 latency as wrk
# prints it) to $work/NAME.result.
run_wrk() {
    local url=$1 name=$2 out
    shift 2
    out=$(wrk -t2 -c"$connections" -d"$duration" --latency "$@" "$url")
    printf "== %s\n%s\n" "$name" "$out" >>"$work/wrk.log"
    if grep -q 'Non-2xx' <<<"$out"; then
        echo "list_bench: non-2xx responses from $url:" >&2
        echo "$out" >&2
        exit 1
    fi
    echo "$(awk '/^Requests\/sec:/ {print $2}' <<<"$out") $(awk '$1 == "99%" {print $2}' <<<"$out")" \
        >"$work/$name.result"
}

# Each wrk thread numbers its requests; with the thread's own id the targets never repeat.
cat >"$work/uncached.lua" <<'LUA'
local threads = 0
local counter = 0
function setup(thread)
    threads = threads + 1
    thread:set("id", threads)
end
function request()
    counter = counter + 1
    return wrk.format("GET", "/api/v1/tenders?uncached=" .. id .. "-" .. counter)
end
LUA

# A short warm-up of each route, then the measured runs.
wrk -t2 -c"$connections" -d3s "$base/api/v1/tenders" >/dev/null
wrk -t2 -c"$connections" -d3s -s "$work/uncached.lua" "$base" >/dev/null
wrk -t2 -c"$connections" -d3s "$base/healthz" >/dev/null
run_wrk "$base/api/v1/tenders" list
run_wrk "$base" uncached -s "$work/uncached.lua"
run_wrk "$base/healthz" healthz
read -r list_rate list_p99 <"$work/list.result"
read -r uncached_rate uncached_p99 <"$work/uncached.result"
read -r health_rate health_p99 <"$work/healthz.result"
percent() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f%%", 100 * a / b}'; }

cat "$work/wrk.log"
echo
printf '%-42s %12s %10s %9s\n' "run" "requests/s" "p99" "/healthz"
printf '%-42s %12s %10s %9s\n' "GET /api/v1/tenders (public page)" "$list_rate" "$list_p99" \
    "$(percent "$list_rate" "$health_rate")"
printf '%-42s %12s %10s %9s\n' "GET /api/v1/tenders (every request uncached)" \
    "$uncached_rate" "$uncached_p99" "$(percent "$uncached_rate" "$health_rate")"
printf '%-42s %12s %10s %9s\n' "GET /healthz (baseline)" "$health_rate" "$health_p99" "100.0%"
echo "list / healthz = $(percent "$list_rate" "$health_rate") (target >= 30%)"
