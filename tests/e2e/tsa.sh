#!/usr/bin/env bash
# The platform keys and the RFC 3161 time-stamp authority over HTTP, checked only with
# independent clients: `procura keys init` makes the keys, the stock `openssl ts` makes the
# query and verifies the reply against the CA certificate downloaded with curl.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
export PROCURA_KEY_PASSPHRASE="e2e key passphrase"
keys="$e2e_work/keys"

"$PROCURA_BIN" keys init --key-dir "$keys" >/dev/null || e2e_fail "keys init failed"
for file in ca.key.pem tsa.key.pem log.key.pem; do
    grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$keys/$file" || e2e_fail "$file is not encrypted"
    [[ $(stat -c %a "$keys/$file") == 600 ]] || e2e_fail "$file is readable by others"
done
"$PROCURA_BIN" keys init --key-dir "$keys" 2>/dev/null && e2e_fail "keys init overwrote keys"
PROCURA_KEY_PASSPHRASE="" "$PROCURA_BIN" keys init --key-dir "$e2e_work/other" 2>/dev/null &&
    e2e_fail "keys init ran without a passphrase"

# A small rate limit, so that the test can reach it: 1 request/s per address, bursts of 20.
e2e_start_server --key-dir "$keys" --tsa-rate 1 --tsa-burst 20

e2e_log "the CA and TSA certificates are public"
curl -sf "$BASE/api/v1/pki/ca.pem" -o "$e2e_work/ca.pem" || e2e_fail "GET ca.pem"
cmp -s "$e2e_work/ca.pem" "$keys/ca.pem" || e2e_fail "served ca.pem differs from the key dir"
curl -sf "$BASE/api/v1/pki/tsa.pem" -o "$e2e_work/tsa.pem" || e2e_fail "GET tsa.pem"
openssl verify -CAfile "$e2e_work/ca.pem" "$e2e_work/tsa.pem" >/dev/null ||
    e2e_fail "the TSA certificate does not chain to the CA"

e2e_log "openssl ts -query -> POST /tsa -> openssl ts -verify"
printf 'SHA-256 of a received bid' >"$e2e_work/data"
openssl ts -query -data "$e2e_work/data" -sha256 -cert -out "$e2e_work/q.tsq" 2>/dev/null ||
    e2e_fail "openssl ts -query"
status=$(curl -s -o "$e2e_work/r.tsr" -w '%{http_code}' -H 'Content-Type: application/timestamp-query' \
    --data-binary @"$e2e_work/q.tsq" "$BASE/tsa")
[[ $status == 200 ]] || e2e_fail "POST /tsa: HTTP $status"
openssl ts -verify -data "$e2e_work/data" -in "$e2e_work/r.tsr" -CAfile "$e2e_work/ca.pem" \
    >/dev/null 2>&1 || e2e_fail "openssl ts -verify refused our token"
printf 'other data' >"$e2e_work/other"
openssl ts -verify -data "$e2e_work/other" -in "$e2e_work/r.tsr" -CAfile "$e2e_work/ca.pem" \
    >/dev/null 2>&1 && e2e_fail "openssl ts -verify accepted altered data"

e2e_log "a SHA-1 query gets a DER rejection"
openssl ts -query -data "$e2e_work/data" -sha1 -out "$e2e_work/q1.tsq" 2>/dev/null
curl -s -o "$e2e_work/r1.tsr" -H 'Content-Type: application/timestamp-query' \
    --data-binary @"$e2e_work/q1.tsq" "$BASE/tsa"
openssl ts -reply -in "$e2e_work/r1.tsr" -text 2>/dev/null | grep -q "Status: Rejected." ||
    e2e_fail "a SHA-1 imprint was not rejected in DER"

e2e_log "bad requests"
api POST /tsa -H 'Content-Type: text/plain' --data-binary @"$e2e_work/q.tsq"
expect_error 400 wrong_content_type
api POST /tsa -H 'Content-Type: application/timestamp-query' --data-binary 'not DER'
expect_error 400 not_ts_request
head -c 5000 /dev/zero >"$e2e_work/big"
api POST /tsa -H 'Content-Type: application/timestamp-query' --data-binary @"$e2e_work/big"
expect_status 413 "an oversized time-stamp query"

e2e_log "the rate limit: a burst past 20 requests gets 429 with Retry-After, then the TSA answers again"
codes=$(for _ in $(seq 1 40); do
    curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/timestamp-query' \
        --data-binary @"$e2e_work/q.tsq" "$BASE/tsa"
done | sort | uniq -c)
grep -qE '^ *[0-9]+ 200$' <<<"$codes" || e2e_fail "no request of the burst was answered: $codes"
grep -qE '^ *[0-9]+ 429$' <<<"$codes" || e2e_fail "the burst was not limited: $codes"
api POST /tsa -H 'Content-Type: application/timestamp-query' --data-binary @"$e2e_work/q.tsq"
expect_error 429 rate_limited
[[ $(response_header Retry-After) == 1 ]] || e2e_fail "429 without Retry-After: 1"
sleep 2.2
status=$(curl -s -o "$e2e_work/r2.tsr" -w '%{http_code}' -H 'Content-Type: application/timestamp-query' \
    --data-binary @"$e2e_work/q.tsq" "$BASE/tsa")
[[ $status == 200 ]] || e2e_fail "the TSA did not answer again after a pause: HTTP $status"

e2e_log "passed"
