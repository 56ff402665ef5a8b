# shellcheck shell=bash
# Shared helpers of the end-to-end tests: the real `procura serve` over HTTP, driven by curl
# and checked with jq and the mariadb client. Sourced by each tests/e2e/*.sh script.
#
# Environment (set by tests/e2e/CMakeLists.txt):
#   PROCURA_BIN                  the procura executable
#   PROCURA_TEST_DB_URL_FILE     a file holding the mysql:// URL of the private test MariaDB
#   PROCURA_TEST_DB_SOCKET_FILE  a file holding that server's unix socket path
# A missing binary, fixture file or tool ends the script with 77, which CTest reports as
# skipped, naming what is missing.
#
# e2e_setup creates a fresh database for the script; e2e_start_server starts `procura serve` on
# it; an EXIT trap stops the server by its pid and drops the database.

set -euo pipefail

readonly e2e_skip=77
readonly e2e_ready_wait_s=60
readonly e2e_stop_wait_s=10
readonly e2e_password="e2e-password-0123"

e2e_name=$(basename "$0" .sh)
e2e_work=""
e2e_db_name=""
e2e_socket=""
e2e_server_pid=""
e2e_server_log=""
DB_URL=""
BASE=""
STATUS=""
BODY=""

e2e_log() { echo "[$e2e_name] $*" >&2; }

e2e_skip_because() {
    echo "[$e2e_name] SKIP: $*" >&2
    exit "$e2e_skip"
}

e2e_fail() {
    echo "[$e2e_name] FAIL: $*" >&2
    if [[ -n $STATUS || -n $BODY ]]; then
        echo "[$e2e_name] last response: $STATUS ${BODY:0:2000}" >&2
    fi
    if [[ -n $e2e_server_log && -f $e2e_server_log ]]; then
        echo "[$e2e_name] last lines of the server log:" >&2
        tail -n 30 "$e2e_server_log" >&2
    fi
    exit 1
}

# Checks the binary, the fixture files and the tools; exits 77 naming what is missing.
e2e_require() {
    [[ -n ${PROCURA_BIN:-} ]] || e2e_skip_because "PROCURA_BIN is not set"
    [[ -x $PROCURA_BIN ]] || e2e_skip_because "missing procura binary: $PROCURA_BIN"
    [[ -n ${PROCURA_TEST_DB_URL_FILE:-} ]] ||
        e2e_skip_because "PROCURA_TEST_DB_URL_FILE is not set"
    [[ -f $PROCURA_TEST_DB_URL_FILE ]] ||
        e2e_skip_because "missing database fixture file: $PROCURA_TEST_DB_URL_FILE"
    [[ -n ${PROCURA_TEST_DB_SOCKET_FILE:-} ]] ||
        e2e_skip_because "PROCURA_TEST_DB_SOCKET_FILE is not set"
    [[ -f $PROCURA_TEST_DB_SOCKET_FILE ]] ||
        e2e_skip_because "missing database fixture file: $PROCURA_TEST_DB_SOCKET_FILE"
    local tool
    for tool in curl jq mariadb sha256sum; do
        command -v "$tool" >/dev/null || e2e_skip_because "missing tool: $tool"
    done
}

# The mariadb client as root over the fixture's unix socket, on the script's database.
e2e_sql() {
    mariadb --no-defaults --socket="$e2e_socket" -uroot -N -B "$e2e_db_name" -e "$1"
}

e2e_cleanup() {
    local status=$?
    if [[ -n $e2e_server_pid ]] && kill -0 "$e2e_server_pid" 2>/dev/null; then
        kill -TERM "$e2e_server_pid" 2>/dev/null || true
        local waited=0
        while kill -0 "$e2e_server_pid" 2>/dev/null && ((waited < e2e_stop_wait_s * 10)); do
            sleep 0.1
            waited=$((waited + 1))
        done
        if kill -0 "$e2e_server_pid" 2>/dev/null; then
            e2e_log "server $e2e_server_pid ignored SIGTERM; killing it"
            kill -KILL "$e2e_server_pid" 2>/dev/null || true
        fi
        wait "$e2e_server_pid" 2>/dev/null || true
    fi
    if [[ -n $e2e_db_name && -n $e2e_socket ]]; then
        mariadb --no-defaults --socket="$e2e_socket" -uroot \
            -e "DROP DATABASE IF EXISTS \`$e2e_db_name\`" 2>/dev/null ||
            e2e_log "could not drop database $e2e_db_name"
    fi
    if [[ -n $e2e_work && -d $e2e_work ]]; then
        if ((status != 0 && status != e2e_skip)); then
            e2e_log "keeping $e2e_work for inspection"
        else
            rm -rf "$e2e_work"
        fi
    fi
    exit "$status"
}

# Creates a fresh database and sets DB_URL to the fixture's URL with that database.
e2e_setup() {
    e2e_require
    e2e_work=$(mktemp -d "/tmp/procura-e2e-$e2e_name.XXXXXX")
    trap e2e_cleanup EXIT
    e2e_socket=$(<"$PROCURA_TEST_DB_SOCKET_FILE")
    local fixture_url
    fixture_url=$(<"$PROCURA_TEST_DB_URL_FILE")
    [[ $fixture_url == mysql://*/* ]] ||
        e2e_fail "unexpected fixture URL form: ${fixture_url%%:*}://..."
    e2e_db_name="e2e_${e2e_name}_$$_${RANDOM}"
    mariadb --no-defaults --socket="$e2e_socket" -uroot \
        -e "CREATE DATABASE \`$e2e_db_name\` CHARACTER SET utf8mb4" ||
        e2e_fail "cannot create database $e2e_db_name over $e2e_socket"
    # Replace the path (the database name) and keep any ?query.
    local query=""
    if [[ $fixture_url == *\?* ]]; then
        query="?${fixture_url#*\?}"
        fixture_url=${fixture_url%%\?*}
    fi
    DB_URL="${fixture_url%/*}/$e2e_db_name$query"
}

# Starts `procura serve` with any extra flags on a port the kernel picks (--listen
# 127.0.0.1:0, so parallel tests never race for a port), learns the port from the log line
# "listening on 127.0.0.1:PORT", and waits for /readyz (bounded). Sets BASE and
# e2e_server_pid.
e2e_start_server() {
    e2e_server_log="$e2e_work/serve.log"
    : >"$e2e_server_log"
    "$PROCURA_BIN" serve --listen "127.0.0.1:0" --db "$DB_URL" "$@" >>"$e2e_server_log" 2>&1 &
    e2e_server_pid=$!
    BASE=""
    local waited=0 port
    while ((waited < e2e_ready_wait_s * 10)); do
        if ! kill -0 "$e2e_server_pid" 2>/dev/null; then
            e2e_server_pid=""
            e2e_fail "procura serve exited during start-up"
        fi
        if [[ -z $BASE ]]; then
            port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' \
                "$e2e_server_log" | head -n 1)
            if [[ -n $port && $port != 0 ]]; then
                BASE="http://127.0.0.1:$port"
            fi
        fi
        if [[ -n $BASE &&
            $(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" 2>/dev/null) == 200 ]]; then
            return 0
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    [[ -n $BASE ]] || e2e_fail "the server log never said 'listening on 127.0.0.1:PORT'"
    e2e_fail "procura serve was not ready within $e2e_ready_wait_s s"
}

# Stops the server with SIGTERM and waits for it; fails unless it exits 0 within the bound.
e2e_stop_server() {
    [[ -n $e2e_server_pid ]] || return 0
    local pid=$e2e_server_pid
    kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null && ((waited < e2e_stop_wait_s * 10)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    kill -0 "$pid" 2>/dev/null &&
        e2e_fail "server did not exit within $e2e_stop_wait_s s of SIGTERM"
    local code=0
    wait "$pid" || code=$?
    e2e_server_pid=""
    ((code == 0)) || e2e_fail "server exited with status $code after SIGTERM"
}

# The buyers the scripts' tenders name (identifier and legal name): every officer made by
# e2e_add_user acts for both, unless the script says otherwise (E2E_OFFICER_BUYERS).
e2e_buyers=("TOWN-1|Town of Example" "T-1|Town")

# Adds the buyer IDENTIFIER with LEGAL_NAME through the command line, once per database.
e2e_add_buyer() {
    local identifier=$1 name=$2
    [[ -e $e2e_work/buyer-$identifier ]] && return 0
    "$PROCURA_BIN" buyer add --db "$DB_URL" --identifier "$identifier" --name "$name" \
        --address "1 Town Hall Square" >/dev/null || e2e_fail "procura buyer add $identifier failed"
    : >"$e2e_work/buyer-$identifier"
}

# Lets officer NAME act for the buyer IDENTIFIER, through the command line.
e2e_add_officer_to_buyer() {
    "$PROCURA_BIN" buyer add-officer --db "$DB_URL" --identifier "$2" --username "$1" \
        >/dev/null || e2e_fail "procura buyer add-officer $1 $2 failed"
}

# Adds a user through the command line; prints the new user's id. An officer acts for the
# buyers of E2E_OFFICER_BUYERS (identifiers, space-separated; default: all of e2e_buyers).
e2e_add_user() {
    local name=$1 role=$2 id entry
    id=$("$PROCURA_BIN" user add --db "$DB_URL" --username "$name" --role "$role" \
        --password-stdin <<<"$e2e_password") || e2e_fail "procura user add $name failed"
    id=$(tail -n 1 <<<"$id" | tr -dc '0-9')
    [[ -n $id ]] || e2e_fail "procura user add $name printed no id"
    if [[ $role == officer ]]; then
        for entry in "${e2e_buyers[@]}"; do
            local identifier=${entry%%|*}
            if [[ -n ${E2E_OFFICER_BUYERS+x} && " $E2E_OFFICER_BUYERS " != *" $identifier "* ]]; then
                continue
            fi
            e2e_add_buyer "$identifier" "${entry#*|}"
            e2e_add_officer_to_buyer "$name" "$identifier"
        done
    fi
    echo "$id"
}

# Logs in through the API; prints the bearer token.
e2e_login() {
    local name=$1
    api POST /api/v1/auth/login \
        --data-binary "$(jq -cn --arg u "$name" --arg p "$e2e_password" \
            '{username: $u, password: $p}')"
    expect_status 200 "login as $name"
    jq -r .token <<<"$BODY"
}

# api METHOD PATH [curl arguments...]: sends a request; sets STATUS and BODY, and keeps the
# response headers in $e2e_work/headers. JSON is the default Content-Type of a body.
api() {
    local method=$1 path=$2
    shift 2
    local content_type=(-H 'Content-Type: application/json')
    local arg
    for arg in "$@"; do
        if [[ ${arg,,} == content-type:* ]]; then content_type=(); fi
    done
    STATUS=$(curl -sS -X "$method" -o "$e2e_work/body" -D "$e2e_work/headers" \
        -w '%{http_code}' "${content_type[@]}" "$@" "$BASE$path") ||
        e2e_fail "curl $method $path failed"
    BODY=$(<"$e2e_work/body")
}

# The Authorization header argument for curl.
bearer() { printf 'Authorization: Bearer %s' "$1"; }

# The value of a response header of the last api call (case-insensitive), without CR.
response_header() {
    grep -i "^$1:" "$e2e_work/headers" | tail -n 1 | cut -d: -f2- | sed 's/^ *//' | tr -d '\r'
}

expect_status() {
    [[ $STATUS == "$1" ]] || e2e_fail "${2:-request}: expected HTTP $1, got $STATUS"
}

# expect_json JQ_FILTER EXPECTED [WHAT]: the filter's raw output on BODY equals EXPECTED.
expect_json() {
    local actual
    actual=$(jq -r "$1" <<<"$BODY") || e2e_fail "${3:-$1}: body is not JSON"
    [[ $actual == "$2" ]] || e2e_fail "${3:-$1}: expected '$2', got '$actual'"
}

# expect_error STATUS CODE [FIELD] [WHAT]: an error response with that code (and field).
expect_error() {
    expect_status "$1" "${4:-error $2}"
    expect_json .error.code "$2" "${4:-error code}"
    if [[ -n ${3:-} ]]; then
        expect_json .error.field "$3" "${4:-error field}"
    fi
    [[ -n $(jq -r .error.message <<<"$BODY") ]] || e2e_fail "${4:-error}: empty message"
}

# e2e_register NAME ROLE: a user with a P-256 key made by openssl (unencrypted,
# $e2e_work/NAME.key) and a certificate from the platform ($e2e_work/NAME.pem); sets TOKEN[NAME]
# and ID[NAME], the associative arrays the calling script declares (declare -A TOKEN ID).
# shellcheck disable=SC2004,SC2034 # TOKEN and ID are the caller's associative arrays
e2e_register() {
    local name=$1 role=$2
    ID[$name]=$(e2e_add_user "$name" "$role")
    TOKEN[$name]=$(e2e_login "$name")
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$e2e_work/$name.key" \
        -subj "/CN=$name" -out "$e2e_work/$name.csr" 2>/dev/null || e2e_fail "openssl req $name"
    api POST /api/v1/certificates -H "$(bearer "${TOKEN[$name]}")" \
        --data-binary "$(jq -Rsc '{csr: .}' "$e2e_work/$name.csr")"
    expect_status 201 "certificate for $name"
    jq -j .pem <<<"$BODY" >"$e2e_work/$name.pem"
}

# e2e_confirm TOKEN: the last api call proposed an award decision (202, the proposal as its
# body); a second officer, whose token is TOKEN, confirms it. Sets STATUS and BODY to the
# confirmation's answer (201 with the award, contract or milestone).
e2e_confirm() {
    expect_status 202 "the proposal"
    local decision
    decision=$(jq -r .id <<<"$BODY")
    api POST "/api/v1/decisions/$decision/confirm" -H "$(bearer "$1")"
}

# RFC 3339 instant N days (may be fractional via hours) from now, UTC.
in_days() { date -u -d "+$1 days" +%Y-%m-%dT%H:%M:%SZ; }
in_hours() { date -u -d "+$1 hours" +%Y-%m-%dT%H:%M:%SZ; }

# A complete, publishable tender body. Arguments: title, category, then committee member ids.
tender_body() {
    local title=$1 category=$2
    shift 2
    local members
    members=$(printf '%s\n' "$@" | jq -cs 'map(tonumber)')
    jq -cn --arg title "$title" --arg category "$category" --argjson members "$members" \
        --arg enquiry "$(in_days 5)" --arg submission "$(in_days 20)" \
        --arg opening "$(in_days 21)" '{
        title: $title,
        description: "End-to-end test tender",
        buyer: {name: "Town of Example", id: "TOWN-1"},
        category: $category,
        currency: "EUR",
        lots: [{title: "Lot one", budget_minor: 1000000}, {title: "Lot two", budget_minor: 250000}],
        evaluation: {method: "lowest_price"},
        bid_security_minor: 5000,
        enquiry_deadline: $enquiry,
        submission_deadline: $submission,
        opening_time: $opening,
        committee: {members: $members, threshold: ($members | length)}
    }'
}

# A digest of the whole database: CHECKSUM TABLE of every table plus the audit head. Two equal
# snapshots mean nothing was written in between.
db_snapshot() {
    local tables
    # The Merkle log's tables (log_*) are left out: the server's sequencer fills them in the
    # background from audit_events, which are compared (with audit_head) like every other table.
    tables=$(e2e_sql "SELECT GROUP_CONCAT(table_name ORDER BY table_name SEPARATOR ', ')
                      FROM information_schema.tables WHERE table_schema = DATABASE()
                      AND table_name NOT LIKE 'log\\_%'")
    [[ -n $tables && $tables != NULL ]] || e2e_fail "no tables in $e2e_db_name"
    e2e_sql "CHECKSUM TABLE $tables EXTENDED"
    e2e_sql "SELECT seq, HEX(hash) FROM audit_head"
}

# expect_unchanged SNAPSHOT WHAT: the database is as it was when SNAPSHOT was taken.
expect_unchanged() {
    local now
    now=$(db_snapshot)
    if [[ $now != "$1" ]]; then
        diff <(echo "$1") <(echo "$now") >&2 || true
        e2e_fail "$2 changed the database"
    fi
}
