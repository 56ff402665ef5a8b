#!/usr/bin/env bash
# Operations: health and readiness, Prometheus metrics labelled by route pattern, the embedded
# OpenAPI document, HTTP keep-alive, and a prompt, clean exit on SIGTERM.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

readonly sigterm_exit_wait_max_ms=5000
source_dir=$(cd "$(dirname "$0")/../.." && pwd)

e2e_setup
# Started from an unrelated directory: nothing the server serves may depend on the cwd.
cd "$e2e_work" || e2e_fail "cannot enter $e2e_work"
e2e_start_server

api GET /healthz
expect_status 200 healthz
expect_json .status ok
api GET /readyz
expect_status 200 readyz
expect_json .status ready

e2e_log "metrics use route patterns as labels"
api GET /api/v1/tenders/987654
expect_status 404 "unknown tender"
api GET /api/v1/no-such-route-31337
expect_status 404 "unknown route"
api GET /metrics
expect_status 200 metrics
[[ $(response_header Content-Type) == text/plain* ]] || e2e_fail "metrics Content-Type"
grep -q '^# TYPE procura_http_requests_total counter' <<<"$BODY" || e2e_fail "no request counter"
grep -q '^# TYPE procura_http_request_duration_seconds histogram' <<<"$BODY" ||
    e2e_fail "no duration histogram"
grep -Eq '^procura_http_requests_total\{.*route="/healthz".*\} [0-9]+' <<<"$BODY" ||
    e2e_fail "no counter with route=\"/healthz\""
grep -q 'route="/api/v1/tenders/{id}",status="404"' <<<"$BODY" ||
    e2e_fail "no counter with the route pattern /api/v1/tenders/{id}"
grep -q 'route="unmatched"' <<<"$BODY" || e2e_fail "unknown paths are not labelled unmatched"
grep -q '987654\|31337' <<<"$BODY" && e2e_fail "a raw path leaked into the metric labels"

e2e_log "the OpenAPI document is served from the binary"
api GET /api/v1/openapi.yaml
expect_status 200 openapi
[[ $(response_header Content-Type) == application/yaml* ]] || e2e_fail "openapi Content-Type"
[[ $(sha256sum <"$e2e_work/body") == "$(sha256sum <"$source_dir/docs/openapi.yaml")" ]] ||
    e2e_fail "served openapi.yaml differs from docs/openapi.yaml"

api GET /
expect_status 200 "the UI page"
[[ $(response_header Content-Type) == text/html* ]] || e2e_fail "UI page Content-Type"
[[ $(sha256sum <"$e2e_work/body") == "$(sha256sum <"$source_dir/web/ui/index.html")" ]] ||
    e2e_fail "served UI page differs from web/ui/index.html"
api GET /ui/app.js
expect_status 200 "the UI script"
[[ $(response_header Content-Security-Policy) == *"script-src 'self'"* ]] ||
    e2e_fail "the UI script has no strict Content-Security-Policy"

e2e_log "keep-alive: two requests on one connection"
verbose=$(curl -sv -o /dev/null -o /dev/null "$BASE/healthz" "$BASE/readyz" 2>&1) ||
    e2e_fail "curl with two URLs failed"
grep -qi 're-using existing connection' <<<"$verbose" ||
    e2e_fail "curl did not reuse the connection: $(grep -i connect <<<"$verbose")"
[[ $(grep -c '^< HTTP/1.1 200' <<<"$verbose") == 2 ]] || e2e_fail "two 200 responses expected"

e2e_log "SIGTERM stops the server promptly with status 0"
started_ms=$(date +%s%3N)
e2e_stop_server
elapsed_ms=$(($(date +%s%3N) - started_ms))
((elapsed_ms < sigterm_exit_wait_max_ms)) ||
    e2e_fail "the server took $elapsed_ms ms to exit after SIGTERM"
grep -q 'signal 15' "$e2e_server_log" || e2e_fail "the server log does not mention the signal"
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz" || true)
[[ $code == 000 ]] || e2e_fail "the server still answers after exiting ($code)"

e2e_log "a committee smaller than 3 or a threshold below 2 cannot be configured"
for bad in "--committee-min 2" "--threshold-min 1" "--committee-min 4 --threshold-min 5"; do
    # shellcheck disable=SC2086 # each case is several words
    if out=$(timeout 20 "$PROCURA_BIN" serve --listen 127.0.0.1:0 --db "$DB_URL" $bad 2>&1); then
        e2e_fail "serve $bad started"
    fi
    [[ $(wc -l <<<"$out") == 1 && $out == "procura: error: --"* ]] ||
        e2e_fail "serve $bad: expected one readable line, got: $out"
done

e2e_log "passed"
