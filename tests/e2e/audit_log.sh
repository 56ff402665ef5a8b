#!/usr/bin/env bash
# The public audit log, checked from outside: every audit event becomes a leaf; the signed tree
# head verifies with the stock `openssl dgst`; `procura log verify` checks downloaded entries,
# an inclusion proof and a consistency proof between two heads with code that does not share
# the server's tree building; a row changed directly in MariaDB is caught by both
# `procura log verify` and the server's periodic self-check (log and /metrics).
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
export PROCURA_KEY_PASSPHRASE="e2e key passphrase"
keys="$e2e_work/keys"
w="$e2e_work"
"$PROCURA_BIN" keys init --key-dir "$keys" >/dev/null || e2e_fail "keys init failed"
e2e_start_server --key-dir "$keys" --log-interval-ms 100 --log-self-check-seconds 1

officer_id=$(e2e_add_user olivia officer)
member_ids=("$(e2e_add_user oona officer)" "$(e2e_add_user orla officer)")  # a committee of 3
officer=(-H "$(bearer "$(e2e_login olivia)")")

# wait_for_head N: polls until the latest signed head covers at least N leaves.
wait_for_head() {
    local waited=0 size
    while ((waited < 100)); do
        size=$(curl -s "$BASE/api/v1/log/sth" | jq -r '.tree_size // 0')
        ((size >= $1)) && return 0
        sleep 0.1
        waited=$((waited + 1))
    done
    e2e_fail "no signed head covered $1 leaves within 10 s (last size $size)"
}
events() { e2e_sql "SELECT COUNT(*) FROM audit_events"; }

e2e_log "every audit event becomes a leaf under a signed head"
wait_for_head "$(events)"
curl -sf "$BASE/api/v1/log/sth" -o "$w/old_sth.json" || e2e_fail "GET sth"
old_size=$(jq -r .tree_size "$w/old_sth.json")
for i in 1 2 3; do
    api POST /api/v1/tenders "${officer[@]}" \
        --data-binary "$(tender_body "Road works $i" works "$officer_id" "${member_ids[@]}")"
    expect_status 201 "create draft $i"
done
total=$(events)
((total > old_size)) || e2e_fail "creating drafts added no audit events"
wait_for_head "$total"
curl -sf "$BASE/api/v1/log/sth" -o "$w/sth.json" || e2e_fail "GET sth"
[[ $(jq -r .tree_size "$w/sth.json") == "$total" ]] || e2e_fail "the head does not cover all $total events"
curl -sf "$BASE/api/v1/log/key.pem" -o "$w/log.pem" || e2e_fail "GET key.pem"
cmp -s "$w/log.pem" "$keys/log.pub.pem" || e2e_fail "the served log key differs from log.pub.pem"

e2e_log "the head's signature verifies with stock openssl"
jq -j .signed_text "$w/sth.json" >"$w/sth.txt"
jq -r .signature "$w/sth.json" | openssl base64 -d -A >"$w/sth.sig"
openssl dgst -sha256 -verify "$w/log.pem" -signature "$w/sth.sig" "$w/sth.txt" >/dev/null ||
    e2e_fail "openssl dgst refused the tree head's signature"
[[ $(sed -n 2p "$w/sth.txt") == "$total" ]] || e2e_fail "signed text does not carry the size"

e2e_log "procura log verify: entries, inclusion and consistency"
curl -sf "$BASE/api/v1/log/entries?start=0&end=$total" -o "$w/entries.json" || e2e_fail "GET entries"
[[ $(jq '.entries | length' "$w/entries.json") == "$total" ]] || e2e_fail "entries page size"
last=$((total - 1))
curl -sf "$BASE/api/v1/log/proof/inclusion?leaf_index=$last&tree_size=$total" -o "$w/inclusion.json" ||
    e2e_fail "GET inclusion proof"
leaf=$(jq -r ".entries[$last].leaf_hash" "$w/entries.json")
curl -sf "$BASE/api/v1/log/proof/inclusion?leaf_hash=$leaf&tree_size=$total" -o "$w/by_hash.json" ||
    e2e_fail "GET inclusion proof by leaf hash"
cmp -s <(jq -S . "$w/inclusion.json") <(jq -S . "$w/by_hash.json") || e2e_fail "proof by hash differs"
curl -sf "$BASE/api/v1/log/proof/consistency?first=$old_size&second=$total" -o "$w/consistency.json" ||
    e2e_fail "GET consistency proof"
"$PROCURA_BIN" log verify --key "$w/log.pem" --sth "$w/sth.json" --entries "$w/entries.json" \
    --inclusion "$w/inclusion.json" --consistency "$w/consistency.json" \
    --old-sth "$w/old_sth.json" >"$w/verify.out" 2>&1 ||
    e2e_fail "procura log verify refused an honest log: $(cat "$w/verify.out")"
grep -q "ok: leaf $last is in the signed tree" "$w/verify.out" || e2e_fail "no inclusion line"
grep -q "extends the head of size $old_size" "$w/verify.out" || e2e_fail "no consistency line"

e2e_log "a prefix of the entries plus a consistency proof also verifies"
half=$((total / 2))
curl -sf "$BASE/api/v1/log/entries?start=0&end=$half" -o "$w/half.json" || e2e_fail "GET half"
curl -sf "$BASE/api/v1/log/proof/consistency?first=$half&second=$total" -o "$w/half_c.json" ||
    e2e_fail "GET consistency from half"
"$PROCURA_BIN" log verify --key "$w/log.pem" --sth "$w/sth.json" --entries "$w/half.json" \
    --consistency "$w/half_c.json" >/dev/null 2>&1 || e2e_fail "prefix + consistency refused"

e2e_log "forged heads and proofs are refused"
jq '.tree_size += 1' "$w/sth.json" >"$w/forged.json"
"$PROCURA_BIN" log verify --key "$w/log.pem" --sth "$w/forged.json" 2>"$w/forged.err" &&
    e2e_fail "a head with a changed size passed"
grep -q "signature does not verify" "$w/forged.err" || e2e_fail "forged head: $(cat "$w/forged.err")"
jq '.proof[0] = ("00" * 32)' "$w/inclusion.json" >"$w/bad_proof.json"
"$PROCURA_BIN" log verify --key "$w/log.pem" --sth "$w/sth.json" --inclusion "$w/bad_proof.json" \
    2>/dev/null && e2e_fail "a tampered inclusion proof passed"

e2e_log "bad queries get clear errors"
api GET "/api/v1/log/entries?start=5&end=2"
expect_error 400 bad_range end
api GET "/api/v1/log/entries?start=0&end=$((total + 5))"
expect_error 400 beyond_latest_head end
api GET "/api/v1/log/entries?start=0&end=5000"
expect_error 400 bad_range end
api GET "/api/v1/log/entries?start=x&end=2"
expect_error 400 bad_parameter start
api GET "/api/v1/log/proof/inclusion?leaf_index=$total&tree_size=$total"
expect_error 400 bad_index leaf_index
api GET "/api/v1/log/proof/inclusion?leaf_hash=zz&tree_size=$total"
expect_error 400 bad_parameter leaf_hash
api GET "/api/v1/log/proof/inclusion?leaf_hash=$(printf '0%.0s' {1..64})&tree_size=$total"
expect_error 404 leaf_not_found leaf_hash
api GET "/api/v1/log/proof/consistency?first=0&second=$total"
expect_error 400 bad_range first
api GET "/api/v1/log/proof/consistency?first=1&second=$((total + 1))"
expect_error 400 beyond_latest_head second

e2e_log "tamper: one event row changed in MariaDB is reported by log verify and the self-check"
grep -q "procura_log_self_check_ok 1" <(curl -s "$BASE/metrics") ||
    e2e_fail "the self-check had not passed on the honest log"
e2e_sql "UPDATE audit_events SET payload_json = '{\"tampered\":true}' WHERE seq = 2"
curl -sf "$BASE/api/v1/log/entries?start=0&end=$total" -o "$w/tampered.json" || e2e_fail "GET entries"
if "$PROCURA_BIN" log verify --key "$w/log.pem" --sth "$w/sth.json" \
    --entries "$w/tampered.json" 2>"$w/tampered.err"; then
    e2e_fail "procura log verify accepted a changed event row"
fi
grep -q "do not give the signed root" "$w/tampered.err" || e2e_fail "tamper: $(cat "$w/tampered.err")"
waited=0
until curl -s "$BASE/metrics" | grep -q "procura_log_self_check_ok 0"; do
    ((waited < 50)) || e2e_fail "the self-check did not report the changed row within 5 s"
    sleep 0.1
    waited=$((waited + 1))
done
curl -s "$BASE/metrics" | grep -qE "procura_log_self_check_failures_total [1-9]" ||
    e2e_fail "no self-check failure counted in /metrics"
grep -q "leaf 1 (audit event seq 2) does not match its event row" "$e2e_server_log" ||
    e2e_fail "the server log does not name the changed row"

e2e_log "passed"
