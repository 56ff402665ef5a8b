#!/usr/bin/env bash
# The supplier tool end to end: bids made only with `procura bid seal`, `bid sign` and
# `bid submit` (no openssl on the supplier's side except to make its key and request), receipts
# checked with `procura bid verify-receipt` (hash, RFC 3161 token against the CA, the log leaf
# in a fresh signed tree head), and what must fail does: a bad bid document, a plain document
# signed without sealing, a wrong passphrase, a tampered bid file, a receipt with a changed hash,
# a wrong token, a wrong log leaf, server errors as one line. One bid is signed with
# --no-certificate and the server accepts it.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
export PROCURA_KEY_PASSPHRASE="e2e key passphrase"
w="$e2e_work"
"$PROCURA_BIN" keys init --key-dir "$w/keys" >/dev/null || e2e_fail "keys init failed"
e2e_start_server --key-dir "$w/keys" --min-tendering-days 0
curl -sf "$BASE/api/v1/pki/ca.pem" -o "$w/ca.pem" || e2e_fail "GET ca.pem"
curl -sf "$BASE/api/v1/pki/tsa.pem" -o "$w/tsa.pem" || e2e_fail "GET tsa.pem"
curl -sf "$BASE/api/v1/log/key.pem" -o "$w/log.pem" || e2e_fail "GET log key"

# register NAME ROLE: a user with an EC key from openssl req (encrypted PKCS#8 under the
# passphrase) and a certificate from the platform; sets TOKEN[name], ID[name].
declare -A TOKEN ID
register() {
    local name=$1 role=$2
    ID[$name]=$(e2e_add_user "$name" "$role")
    TOKEN[$name]=$(e2e_login "$name")
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$w/$name.key" \
        -passout env:PROCURA_KEY_PASSPHRASE -subj "/CN=$name" -out "$w/$name.csr" 2>/dev/null ||
        e2e_fail "openssl req $name"
    grep -q 'BEGIN ENCRYPTED PRIVATE KEY' "$w/$name.key" || e2e_fail "$name's key is not encrypted"
    api POST /api/v1/certificates -H "$(bearer "${TOKEN[$name]}")" \
        --data-binary "$(jq -Rsc '{csr: .}' "$w/$name.csr")"
    expect_status 201 "certificate for $name"
    jq -j .pem <<<"$BODY" >"$w/$name.pem"
}
for name in olga oleg ossi; do register "$name" officer; done
for name in acme bolt; do register "$name" supplier; done

now_ms() { date +%s%3N; }
iso() { date -u -d "@$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ; }
t0=$(now_ms)
enquiry_ms=$((t0 + 3000))
deadline_ms=$((t0 + 3600000))
opening_ms=$((t0 + 3601000))
api POST /api/v1/tenders -H "$(bearer "${TOKEN[olga]}")" --data-binary "$(
    jq -cn --arg e "$(iso "$enquiry_ms")" --arg s "$(iso "$deadline_ms")" --arg o "$(iso "$opening_ms")" \
        --argjson m "[${ID[olga]}, ${ID[oleg]}, ${ID[ossi]}]" '{
        title: "Bid tool", description: "Supplier tool e2e", buyer: {name: "Town", id: "T-1"},
        category: "works", currency: "EUR",
        lots: [{title: "Lot one", budget_minor: 1000000}, {title: "Lot two", budget_minor: 500000}],
        evaluation: {method: "lowest_price"}, bid_security_minor: 0,
        enquiry_deadline: $e, submission_deadline: $s, opening_time: $o,
        committee: {members: $m, threshold: 2}}')"
expect_status 201 "create tender"
tender=$(jq -r .id <<<"$BODY")
api POST "/api/v1/tenders/$tender/publish" -H "$(bearer "${TOKEN[olga]}")"
expect_status 200 "publish"
curl -sf "$BASE/api/v1/tenders/$tender/opening-certificate" -o "$w/opening.pem" ||
    e2e_fail "GET opening cert"

document() {  # document NAME LOT PRICE: the bid JSON on stdout
    jq -cn --argjson t "$tender" --argjson l "$2" --argjson s "${ID[$1]}" --argjson p "$3" '{
        tender_id: $t, lot_id: $l, supplier_id: $s,
        price: {amount_minor: $p, currency: "EUR"}, validity_days: 90,
        declarations: {no_conflict_of_interest: true, not_debarred: true},
        technical: {completion_weeks: 12}}'
}
# run_fails WHAT CODE COMMAND...: the command exits non-zero with exactly one stderr line
# "procura: CODE: ..."; its stdout has no "ok:" line for the failed check.
run_fails() {
    local what=$1 code=$2
    shift 2
    local status=0
    "$@" >"$w/out" 2>"$w/err" || status=$?
    ((status != 0)) || e2e_fail "$what: exited 0"
    [[ $(wc -l <"$w/err") == 1 ]] || e2e_fail "$what: expected one error line, got: $(<"$w/err")"
    grep -q "^procura: $code: " "$w/err" || e2e_fail "$what: expected code $code, got: $(<"$w/err")"
}
bid=("$PROCURA_BIN" bid)

e2e_log "seal refuses a bad document with one line naming the field"
document acme 1 987650001 | jq -c 'del(.price.currency)' >"$w/bad.json"
run_fails "bad document" bid_missing_field "${bid[@]}" seal --certificate "$w/opening.pem" \
    --in "$w/bad.json" --out "$w/bad.env"
grep -q 'price.currency' "$w/err" || e2e_fail "the error does not name price.currency: $(<"$w/err")"
[[ ! -e $w/bad.env ]] || e2e_fail "an envelope was written for a bad document"

e2e_log "acme seals, signs and submits with the tool"
document acme 1 987650001 >"$w/acme.json"
"${bid[@]}" seal --certificate "$w/opening.pem" --in "$w/acme.json" --out "$w/acme.env" >/dev/null ||
    e2e_fail "bid seal"
grep -qa 987650001 "$w/acme.env" && e2e_fail "the price is readable in the envelope"
run_fails "signing the plain document" not_sealed "${bid[@]}" sign --certificate "$w/acme.pem" \
    --key "$w/acme.key" --in "$w/acme.json" --out "$w/x.p7s"
printf 'not the passphrase\n' >"$w/wrong.pass"
run_fails "wrong passphrase" wrong_passphrase "${bid[@]}" sign --certificate "$w/acme.pem" \
    --key "$w/acme.key" --passphrase-file "$w/wrong.pass" --in "$w/acme.env" --out "$w/x.p7s"
run_fails "another supplier's key" key_mismatch "${bid[@]}" sign --certificate "$w/acme.pem" \
    --key "$w/bolt.key" --in "$w/acme.env" --out "$w/x.p7s"
printf '%s\n' "$PROCURA_KEY_PASSPHRASE" >"$w/acme.pass"
"${bid[@]}" sign --certificate "$w/acme.pem" --key "$w/acme.key" --passphrase-file "$w/acme.pass" \
    --in "$w/acme.env" --out "$w/acme.p7s" >/dev/null || e2e_fail "bid sign"
openssl cms -verify -binary -inform DER -in "$w/acme.p7s" -CAfile "$w/ca.pem" -out "$w/acme.check" \
    2>/dev/null || e2e_fail "openssl cms -verify refused the tool's signature"
cmp -s "$w/acme.check" "$w/acme.env" || e2e_fail "the signed content is not the envelope"

run_fails "during the enquiry period" tendering_not_open "${bid[@]}" submit --server "$BASE" \
    --token "${TOKEN[acme]}" --tender "$tender" --lot 1 --in "$w/acme.p7s"
while (($(now_ms) < enquiry_ms + 100)); do sleep 0.1; done

PROCURA_TOKEN="${TOKEN[acme]}" "${bid[@]}" submit --server "$BASE" --tender "$tender" --lot 1 \
    --in "$w/acme.p7s" --receipt "$w/acme.receipt.json" >"$w/out" 2>"$w/err" ||
    e2e_fail "bid submit: $(<"$w/err")"
hash=$(sha256sum "$w/acme.p7s" | cut -d' ' -f1)
sed 's/^/    /' "$w/out" >&2
grep -Eq "^received: bid [0-9]+ version 1 at [0-9T:.-]+Z, sha256 $hash$" "$w/out" ||
    e2e_fail "unexpected submit output: $(<"$w/out")"
[[ $(jq -r .sha256 "$w/acme.receipt.json") == "$hash" ]] || e2e_fail "receipt file hash"
acme_bid=$(jq -r .bid_id "$w/acme.receipt.json")
api GET "/api/v1/tenders/$tender/bids" -H "$(bearer "${TOKEN[acme]}")"
expect_json '.items | length' 1 "acme's bid is stored"
expect_json '.items[0].bid_id' "$acme_bid"

e2e_log "server errors are one line with the server's code"
run_fails "unknown lot" unknown_lot "${bid[@]}" submit --server "$BASE" --token "${TOKEN[acme]}" \
    --tender "$tender" --lot 7 --in "$w/acme.p7s"
run_fails "bad token" invalid_token "${bid[@]}" submit --server "$BASE" --token nonsense \
    --tender "$tender" --lot 1 --in "$w/acme.p7s"
run_fails "bolt sends acme's bid" wrong_signer "${bid[@]}" submit --server "$BASE" \
    --token "${TOKEN[bolt]}" --tender "$tender" --lot 1 --in "$w/acme.p7s"
run_fails "https" https_not_supported "${bid[@]}" submit --server "https://127.0.0.1:1" \
    --token "${TOKEN[acme]}" --tender "$tender" --lot 1 --in "$w/acme.p7s"
run_fails "no server" connect_failed "${bid[@]}" submit --server "http://127.0.0.1:1" \
    --token "${TOKEN[acme]}" --tender "$tender" --lot 1 --in "$w/acme.p7s"

e2e_log "the receipt verifies, with pinned files and with files fetched from the server"
verify=("${bid[@]}" verify-receipt --server "$BASE")
"${verify[@]}" --receipt "$w/acme.receipt.json" --bid "$w/acme.p7s" --ca "$w/ca.pem" \
    --tsa "$w/tsa.pem" --log-key "$w/log.pem" >"$w/out" 2>"$w/err" ||
    e2e_fail "verify-receipt: $(<"$w/err")"
[[ $(grep -c '^ok: ' "$w/out") == 5 ]] || e2e_fail "expected 5 ok lines, got: $(<"$w/out")"
grep -q "^ok: commitment .* supplier ${ID[acme]}, lot 1 " "$w/out" ||
    e2e_fail "no commitment line: $(<"$w/out")"
sed 's/^/    /' "$w/out" >&2
grep -q 'note:' "$w/out" && e2e_fail "a note about fetched files although all were pinned"
grep -q "bid.received of bid $acme_bid" "$w/out" || e2e_fail "no log line: $(<"$w/out")"
"${verify[@]}" --receipt "$w/acme.receipt.json" --bid "$w/acme.p7s" >"$w/out" 2>"$w/err" ||
    e2e_fail "verify-receipt with fetched files: $(<"$w/err")"
[[ $(grep -c '^note: .*fetched from' "$w/out") == 3 ]] ||
    e2e_fail "expected notes for the fetched CA, TSA and log key: $(<"$w/out")"
grep -q -- '--ca FILE' "$w/out" || e2e_fail "no advice to pin the CA"

e2e_log "a tampered bid file, a changed hash, a wrong token and a wrong leaf fail"
pinned=(--ca "$w/ca.pem" --tsa "$w/tsa.pem" --log-key "$w/log.pem")
cp "$w/acme.p7s" "$w/tampered.p7s"
size=$(stat -c %s "$w/tampered.p7s")
printf '\x5a' | dd of="$w/tampered.p7s" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
cmp -s "$w/acme.p7s" "$w/tampered.p7s" && e2e_fail "the tampering changed nothing"
run_fails "tampered bid" hash_mismatch "${verify[@]}" "${pinned[@]}" \
    --receipt "$w/acme.receipt.json" --bid "$w/tampered.p7s"
jq --arg h "$(sha256sum "$w/tampered.p7s" | cut -d' ' -f1)" '.sha256 = $h' \
    "$w/acme.receipt.json" >"$w/changed.json"
run_fails "changed hash, original bid" hash_mismatch "${verify[@]}" "${pinned[@]}" \
    --receipt "$w/changed.json" --bid "$w/acme.p7s"
run_fails "changed hash matching the tampered bid" imprint_mismatch "${verify[@]}" "${pinned[@]}" \
    --receipt "$w/changed.json" --bid "$w/tampered.p7s"
grep -q '^ok: ' "$w/out" || e2e_fail "the hash check should pass before the token check fails"
# The leaf names no supplier: it is the receipt's salt that ties it to acme, and any other salt
# (or supplier, or lot) gives another commitment than the leaf's.
jq --arg s "$(printf 'other salt' | sha256sum | cut -d' ' -f1)" '.salt = $s' \
    "$w/acme.receipt.json" >"$w/salted.json"
run_fails "another salt" wrong_log_entry "${verify[@]}" "${pinned[@]}" \
    --receipt "$w/salted.json" --bid "$w/acme.p7s"
jq '.supplier_id += 1' "$w/acme.receipt.json" >"$w/other_supplier.json"
run_fails "another supplier" wrong_log_entry "${verify[@]}" "${pinned[@]}" \
    --receipt "$w/other_supplier.json" --bid "$w/acme.p7s"

e2e_log "bolt bids with --no-certificate; the server looks its certificate up"
document bolt 2 876540002 >"$w/bolt.json"
"${bid[@]}" seal --certificate "$w/opening.pem" --in "$w/bolt.json" --out "$w/bolt.env" >/dev/null ||
    e2e_fail "bolt seal"
"${bid[@]}" sign --certificate "$w/bolt.pem" --key "$w/bolt.key" --no-certificate \
    --in "$w/bolt.env" --out "$w/bolt.p7s" >/dev/null || e2e_fail "bolt sign --no-certificate"
openssl cms -cmsout -print -inform DER -in "$w/bolt.p7s" >"$w/bolt.txt" 2>/dev/null ||
    e2e_fail "openssl cannot read bolt's bid"
grep -A1 'certificates:$' "$w/bolt.txt" | grep -q '<ABSENT>' ||
    e2e_fail "bolt's signature carries a certificate"
openssl cms -cmsout -print -inform DER -in "$w/acme.p7s" | grep -A1 'certificates:$' |
    grep -q 'd.certificate:' || e2e_fail "acme's signature does not carry its certificate"
"${bid[@]}" submit --server "$BASE" --token "${TOKEN[bolt]}" --tender "$tender" --lot 2 \
    --in "$w/bolt.p7s" --receipt "$w/bolt.receipt.json" >"$w/out" 2>"$w/err" ||
    e2e_fail "bolt's bid without certificate refused: $(<"$w/err")"
grep -q '^received: bid ' "$w/out" || e2e_fail "bolt submit output: $(<"$w/out")"
"${verify[@]}" "${pinned[@]}" --receipt "$w/bolt.receipt.json" --bid "$w/bolt.p7s" >/dev/null \
    2>"$w/err" || e2e_fail "bolt's receipt: $(<"$w/err")"

jq --arg t "$(jq -r .timestamp_token "$w/bolt.receipt.json")" '.timestamp_token = $t' \
    "$w/acme.receipt.json" >"$w/wrong_token.json"
run_fails "another bid's token" imprint_mismatch "${verify[@]}" "${pinned[@]}" \
    --receipt "$w/wrong_token.json" --bid "$w/acme.p7s"
jq '.timestamp_token = "bm90IGEgdG9rZW4="' "$w/acme.receipt.json" >"$w/junk_token.json"
run_fails "not a token" not_ts_token "${verify[@]}" "${pinned[@]}" \
    --receipt "$w/junk_token.json" --bid "$w/acme.p7s"
# A CA that is not the platform's: the genuine token does not chain to it.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$w/other-ca.key" \
    -subj "/CN=Other CA" -days 2 -out "$w/other-ca.pem" 2>/dev/null || e2e_fail "other CA"
run_fails "foreign CA" time_stamp_invalid "${verify[@]}" --ca "$w/other-ca.pem" --tsa "$w/tsa.pem" \
    --log-key "$w/log.pem" --receipt "$w/acme.receipt.json" --bid "$w/acme.p7s"
jq --argjson l "$(jq -r .log_leaf_index "$w/bolt.receipt.json")" '.log_leaf_index = $l' \
    "$w/acme.receipt.json" >"$w/wrong_leaf.json"
run_fails "another bid's leaf" wrong_log_entry "${verify[@]}" "${pinned[@]}" \
    --receipt "$w/wrong_leaf.json" --bid "$w/acme.p7s"
jq '.log_leaf_index = 0' "$w/acme.receipt.json" >"$w/leaf0.json"
run_fails "a leaf that is no bid" wrong_log_entry "${verify[@]}" "${pinned[@]}" \
    --receipt "$w/leaf0.json" --bid "$w/acme.p7s"
# A log key that is not the server's: the fresh head's signature does not verify.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$w/other-log.key" 2>/dev/null
openssl pkey -in "$w/other-log.key" -pubout -out "$w/other-log.pem" 2>/dev/null
run_fails "foreign log key" head_signature_invalid "${verify[@]}" --ca "$w/ca.pem" \
    --tsa "$w/tsa.pem" --log-key "$w/other-log.pem" --receipt "$w/acme.receipt.json" \
    --bid "$w/acme.p7s"

e2e_log "acme replaces its bid with the tool; the new receipt is a bid.replaced leaf"
document acme 1 555550004 >"$w/acme2.json"
"${bid[@]}" seal --certificate "$w/opening.pem" --in "$w/acme2.json" --out "$w/acme2.env" >/dev/null &&
    "${bid[@]}" sign --certificate "$w/acme.pem" --key "$w/acme.key" --in "$w/acme2.env" \
        --out "$w/acme2.p7s" >/dev/null || e2e_fail "acme's second bid"
"${bid[@]}" submit --server "$BASE" --token "${TOKEN[acme]}" --tender "$tender" --lot 1 \
    --in "$w/acme2.p7s" --receipt "$w/acme2.receipt.json" >"$w/out" || e2e_fail "replace"
grep -q ' version 2 ' "$w/out" || e2e_fail "the replacement is not version 2: $(<"$w/out")"
"${verify[@]}" "${pinned[@]}" --receipt "$w/acme2.receipt.json" --bid "$w/acme2.p7s" >"$w/out" \
    2>"$w/err" || e2e_fail "the replacement's receipt: $(<"$w/err")"
grep -q 'bid.replaced' "$w/out" || e2e_fail "not a bid.replaced leaf: $(<"$w/out")"

e2e_log "passed"
