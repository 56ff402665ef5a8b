#!/usr/bin/env bash
# Benchmark of sealed-bid intake over HTTP, against a same-run ceiling.
#
#   bench/intake_bench.sh [BUILD_DIR] [BIDS] [CLIENTS]     (defaults: build 5000 64)
#
# Starts a private MariaDB (scripts/mariadb-start.sh), makes platform keys with
# `procura keys init` and starts `procura serve --key-dir` with the default thread and pool
# sizes (tendering periods of any length, rate limits off). Three officers and bench_suppliers
# suppliers are created with `procura user add`, each with an EC P-256 key made by openssl and a
# certificate from POST /api/v1/certificates; the suppliers' keys are written as encrypted
# PKCS#8 and their tokens come from POST /api/v1/auth/login. An officer publishes a tender with
# bench_lots lots and a 2-of-3 opening committee whose tendering period opens a few seconds
# later and lasts an hour. Then BUILD_DIR/bench/intake_bench (bench/intake_bench.cpp) makes
# BIDS distinct bids, measures the in-process ceiling (signature check + time stamp, 1 thread
# and every core) while the server idles, and posts the bids from CLIENTS threads. During the
# load a `top` snapshot is taken; afterwards the server's /metrics histogram for the bid route
# is printed. The target is intake >= 40% of the all-cores ceiling (the higher of the two the
# program measures, before and after the load). Everything it starts is stopped by pid and
# deleted on exit.
# Environment: PROCURA_BIN overrides the server binary, INTAKE_BENCH_BIN the load program;
# INTAKE_KEEP_ALIVE=no makes the clients open one connection per request (default: each client
# keeps its connection open).
set -euo pipefail

readonly bench_suppliers=32
readonly bench_lots=8
readonly setup_parallelism=4
readonly ready_wait_s=60
readonly enquiry_lead_s=6
readonly top_after_s=5
readonly password="bench-password-0123"

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build}
bids=${2:-5000}
clients=${3:-64}
procura=${PROCURA_BIN:-$build_dir/app/procura}
intake_bench=${INTAKE_BENCH_BIN:-$build_dir/bench/intake_bench}
[[ -x $procura ]] || { echo "intake_bench: no procura binary at $procura (build first)" >&2; exit 1; }
[[ -x $intake_bench ]] ||
    { echo "intake_bench: no $intake_bench (build with -DPROCURA_BENCH=ON)" >&2; exit 1; }
for tool in curl jq openssl mariadb top; do
    command -v "$tool" >/dev/null || { echo "intake_bench: $tool not found" >&2; exit 1; }
done
export PROCURA_KEY_PASSPHRASE=${PROCURA_KEY_PASSPHRASE:-"intake bench key passphrase"}

work=$(mktemp -d /tmp/procura-intake.XXXXXX)
dir=$work/bench  # what intake_bench reads (see bench/intake_bench.cpp)
mkdir -p "$dir"
server_pid=""
top_pid=""
cleanup() {
    if [[ -n $top_pid ]] && kill -0 "$top_pid" 2>/dev/null; then
        kill -TERM "$top_pid" 2>/dev/null || true
        wait "$top_pid" 2>/dev/null || true
    fi
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

echo "intake_bench: $(nproc) cores; load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "intake_bench: starting a private MariaDB under $work/db" >&2
"$root/scripts/mariadb-start.sh" "$work/db" >"$work/mariadb-start.log" 2>&1 ||
    { cat "$work/mariadb-start.log" >&2; exit 1; }
db_url=$(<"$work/db/url")

"$procura" keys init --key-dir "$dir/keys" >/dev/null

# Port 0: the kernel picks a free port at bind time; the server logs the port it got.
"$procura" serve --listen "127.0.0.1:0" --db "$db_url" --key-dir "$dir/keys" \
    --min-tendering-days 0 --tsa-rate 0 --registration-rate 0 >"$work/serve.log" 2>&1 &
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
[[ -n $base ]] || { echo "intake_bench: the server never said where it listens" >&2; exit 1; }
echo "$base" >"$dir/url"

# register NAME ROLE: a user, logged in, with a key made by openssl and a certificate from the
# platform. Writes $dir/NAME.id, NAME.token, NAME.pem and NAME.key.pem (encrypted PKCS#8).
register() {
    local name=$1 role=$2 id token
    id=$("$procura" user add --db "$db_url" --username "$name" --role "$role" \
        --password-stdin <<<"$password" | tail -n 1 | tr -dc '0-9')
    [[ -n $id ]] || { echo "intake_bench: user add $name printed no id" >&2; return 1; }
    token=$(curl -sf "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
        --data-binary "$(jq -cn --arg u "$name" --arg p "$password" '{username: $u, password: $p}')" |
        jq -r .token)
    [[ -n $token && $token != null ]] || { echo "intake_bench: login $name failed" >&2; return 1; }
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$work/$name.plain.key" -subj "/CN=$name" -out "$work/$name.csr" 2>/dev/null
    openssl pkcs8 -topk8 -v2 aes-256-cbc -passout env:PROCURA_KEY_PASSPHRASE \
        -in "$work/$name.plain.key" -out "$dir/$name.key.pem"
    rm -f "$work/$name.plain.key"
    curl -sf "$base/api/v1/certificates" -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' --data-binary "$(jq -Rsc '{csr: .}' "$work/$name.csr")" |
        jq -j .pem >"$dir/$name.pem"
    grep -q 'BEGIN CERTIFICATE' "$dir/$name.pem" ||
        { echo "intake_bench: no certificate for $name" >&2; return 1; }
    echo "$id" >"$dir/$name.id"
    echo "$token" >"$dir/$name.token"
}
export -f register
export procura db_url base password dir work

echo "intake_bench: creating 3 officers and $bench_suppliers suppliers with certificates" >&2
started=$(date +%s)
# shellcheck disable=SC2016  # $0 and $1 are expanded by the inner bash
{
    printf '%s officer\n' officer-1 officer-2 officer-3
    for ((s = 1; s <= bench_suppliers; s++)); do printf 'supplier-%02d supplier\n' "$s"; done
} | xargs -P "$setup_parallelism" -L 1 bash -c 'register "$0" "$1"' ||
    { echo "intake_bench: creating users failed" >&2; tail -n 20 "$work/serve.log" >&2; exit 1; }
for ((s = 1; s <= bench_suppliers; s++)); do
    name=$(printf 'supplier-%02d' "$s")
    echo "$(<"$dir/$name.id") $name"
done >"$dir/suppliers"
echo "intake_bench: users ready in $(($(date +%s) - started)) s" >&2

# The tender: its tendering period opens enquiry_lead_s from now and lasts an hour.
now_ms=$(date +%s%3N)
enquiry_ms=$((now_ms + enquiry_lead_s * 1000))
iso() { date -u -d "@$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ; }
officer_token=$(<"$dir/officer-1.token")
tender_body=$(jq -cn --argjson lots "$bench_lots" \
    --arg e "$(iso "$enquiry_ms")" --arg s "$(iso $((now_ms + 3600 * 1000)))" \
    --arg o "$(iso $((now_ms + 3660 * 1000)))" \
    --argjson m "[$(<"$dir/officer-1.id"), $(<"$dir/officer-2.id"), $(<"$dir/officer-3.id")]" '{
    title: "Intake benchmark", description: "Sealed bids under load",
    buyer: {name: "Benchmark Authority", id: "BENCH-1"}, category: "works", currency: "EUR",
    lots: [range(1; $lots + 1) | {title: "Lot \(.)", budget_minor: 1000000}],
    evaluation: {method: "lowest_price"}, bid_security_minor: 1000,
    enquiry_deadline: $e, submission_deadline: $s, opening_time: $o,
    committee: {members: $m, threshold: 2}}')
tender=$(curl -sf "$base/api/v1/tenders" -H "Authorization: Bearer $officer_token" \
    -H 'Content-Type: application/json' --data-binary "$tender_body" | jq -r .id)
[[ $tender =~ ^[0-9]+$ ]] || { echo "intake_bench: creating the tender failed" >&2; exit 1; }
curl -sf -o /dev/null -X POST "$base/api/v1/tenders/$tender/publish" \
    -H "Authorization: Bearer $officer_token" ||
    { echo "intake_bench: publishing the tender failed" >&2; exit 1; }
curl -sf "$base/api/v1/tenders/$tender/opening-certificate" -o "$dir/opening.pem" ||
    { echo "intake_bench: no opening certificate" >&2; exit 1; }
echo "$tender" >"$dir/tender"
echo "$bench_lots" >"$dir/lots"
# Whose CPU time the program reports per bid.
printf 'server %s\nmariadbd %s\n' "$server_pid" "$(<"$work/db/mariadbd.pid")" >"$dir/pids"

while (($(date +%s%3N) < enquiry_ms + 200)); do sleep 0.1; done
echo "intake_bench: tender $tender is in its tendering period; running $intake_bench" >&2

# A snapshot of where the CPU goes, taken once the load is under way (the program first makes
# the bids and measures the ceiling: the snapshot waits for its first request to the server).
(
    until grep -q 'ceiling, verify + stamp on [2-9]\|ceiling, verify + stamp on [1-9][0-9]' \
        "$work/intake.out" 2>/dev/null; do sleep 0.2; done
    sleep "$top_after_s"
    { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; top -b -n1 -w 120 | head -n 20; } \
        >"$work/top.txt"
) &
top_pid=$!

"$intake_bench" --dir "$dir" --bids "$bids" --clients "$clients" \
    --keep-alive "${INTAKE_KEEP_ALIVE:-yes}" | tee "$work/intake.out"
wait "$top_pid" 2>/dev/null || true
top_pid=""

echo
echo "== top, ${top_after_s} s into the load"
cat "$work/top.txt" 2>/dev/null || echo "(the load ended before the snapshot)"
echo
echo "== /metrics, the bid route"
curl -sf "$base/metrics" | grep 'procura_http_request_duration_seconds' | grep 'bids"' |
    grep 'method="POST"' | grep -v ' 0$' || true
echo
echo "intake_bench: load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
