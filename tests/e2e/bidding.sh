#!/usr/bin/env bash
# Sealed bidding end to end, with only the stock openssl command and curl on the suppliers' and
# committee's side (the recipe of docs/bidding-with-openssl.md): an officer publishes a tender
# with a 2-of-3 opening committee; three suppliers seal their bids to the tender's opening
# certificate, sign them and send them; one replaces its bid, one withdraws a bid; a bid after
# the deadline is refused; a database dump before the opening holds no price; two members open
# their shares with openssl cms -decrypt and submit them; the opening record matches what was
# sent. Adversarial input changes nothing.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
export PROCURA_KEY_PASSPHRASE="e2e key passphrase"
w="$e2e_work"
"$PROCURA_BIN" keys init --key-dir "$w/keys" >/dev/null || e2e_fail "keys init failed"
e2e_start_server --key-dir "$w/keys" --min-tendering-days 0
curl -sf "$BASE/api/v1/pki/ca.pem" -o "$w/ca.pem" || e2e_fail "GET ca.pem"
curl -sf "$BASE/api/v1/pki/tsa.pem" -o "$w/tsa.pem" || e2e_fail "GET tsa.pem"

declare -A TOKEN ID  # by user name, filled by e2e_register
for name in olga oleg ossi; do e2e_register "$name" officer; done
for name in acme bolt cask; do e2e_register "$name" supplier; done

now_ms() { date +%s%3N; }
iso() { date -u -d "@$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ; }
t0=$(now_ms)
enquiry_ms=$((t0 + 4000))
deadline_ms=$((t0 + 16000))
opening_ms=$((t0 + 18500))  # shares are taken from 2 s after the deadline
tender_json() {
    jq -cn --arg e "$(iso "$enquiry_ms")" --arg s "$(iso "$deadline_ms")" --arg o "$(iso "$opening_ms")" \
        --argjson m "[${ID[olga]}, ${ID[oleg]}, ${ID[ossi]}]" --arg title "$1" '{
        title: $title, description: "Sealed bidding e2e", buyer: {name: "Town", id: "T-1"},
        category: "works", currency: "EUR",
        lots: [{title: "Lot one", budget_minor: 1000000}, {title: "Lot two", budget_minor: 500000}],
        evaluation: {method: "lowest_price"}, bid_security_minor: 5000,
        enquiry_deadline: $e, submission_deadline: $s, opening_time: $o,
        committee: {members: $m, threshold: 2}}'
}
officer=(-H "$(bearer "${TOKEN[olga]}")")
make_tender() {
    api POST /api/v1/tenders "${officer[@]}" --data-binary "$(tender_json "$1")"
    expect_status 201 "create $1"
    local id
    id=$(jq -r .id <<<"$BODY")
    api POST "/api/v1/tenders/$id/publish" "${officer[@]}"
    expect_status 200 "publish $1"
    echo "$id"
}
tender=$(make_tender "Bridge repair")
other_tender=$(make_tender "Other works")

e2e_log "the opening certificates are public, made at publication, and chain to the CA"
keys=$(e2e_sql "SELECT COUNT(*) FROM tender_opening_keys WHERE tender_id IN ($tender, $other_tender)")
[[ $keys == 2 ]] || e2e_fail "expected both opening keys made at publication, found $keys"
rows_before=$(e2e_sql "SELECT (SELECT COUNT(*) FROM audit_events) + (SELECT COUNT(*) FROM tender_opening_keys)")
curl -sf "$BASE/api/v1/tenders/$tender/opening-certificate" -o "$w/opening.pem" || e2e_fail "GET opening cert"
curl -sf "$BASE/api/v1/tenders/$other_tender/opening-certificate" -o "$w/other_opening.pem" || e2e_fail "GET other"
rows_after=$(e2e_sql "SELECT (SELECT COUNT(*) FROM audit_events) + (SELECT COUNT(*) FROM tender_opening_keys)")
[[ $rows_before == "$rows_after" ]] || e2e_fail "an anonymous GET of opening certificates wrote rows"
openssl verify -CAfile "$w/ca.pem" "$w/opening.pem" >/dev/null || e2e_fail "opening cert does not chain"

# bid NAME LOT PRICE [OPENING_PEM] [OUT]: the recipe: bid document -> seal -> sign.
bid() {
    local name=$1 lot=$2 price=$3 recip=${4:-$w/opening.pem} out=${5:-$w/$1-$2.p7s}
    jq -cn --argjson t "$tender" --argjson l "$lot" --argjson s "${ID[$name]}" --argjson p "$price" '{
        tender_id: $t, lot_id: $l, supplier_id: $s,
        price: {amount_minor: $p, currency: "EUR"}, validity_days: 90,
        declarations: {no_conflict_of_interest: true, not_debarred: true},
        technical: {completion_weeks: 12}}' >"$w/$name.json"
    openssl cms -encrypt -aes-256-gcm -recip "$recip" -keyopt ecdh_kdf_md:sha256 -binary \
        -in "$w/$name.json" -outform DER -out "$w/$name.env" 2>/dev/null || e2e_fail "seal $name"
    openssl cms -sign -binary -nodetach -md sha256 -signer "$w/$name.pem" -inkey "$w/$name.key" \
        -inform DER -in "$w/$name.env" -outform DER -out "$out" 2>/dev/null || e2e_fail "sign $name"
}
send() {  # send NAME FILE LOT
    api POST "/api/v1/tenders/$tender/bids?lot_id=$3" -H "$(bearer "${TOKEN[$1]}")" \
        -H 'Content-Type: application/cms' --data-binary @"$2"
}

e2e_log "no bids during the enquiry period"
bid acme 1 987650001
send acme "$w/acme-1.p7s" 1
expect_error 409 tendering_not_open
while (($(now_ms) < enquiry_ms + 100)); do sleep 0.1; done

e2e_log "three suppliers bid with the openssl recipe; receipts verify with openssl"
send acme "$w/acme-1.p7s" 1
expect_status 201 "acme bids"
acme_first=$(jq -r .bid_id <<<"$BODY")
printf '%s' "$BODY" >"$w/acme-first.receipt.json"
cp "$w/acme-1.p7s" "$w/acme-first.p7s"
jq -r .timestamp_token <<<"$BODY" | openssl base64 -d -A >"$w/acme.tst"
[[ $(jq -r .sha256 <<<"$BODY") == $(sha256sum "$w/acme-1.p7s" | cut -d' ' -f1) ]] || e2e_fail "receipt hash"
openssl ts -verify -token_in -in "$w/acme.tst" -data "$w/acme-1.p7s" -CAfile "$w/ca.pem" \
    -untrusted "$w/tsa.pem" >/dev/null 2>&1 || e2e_fail "openssl ts -verify refused the receipt token"
leaf=$(jq -r .log_leaf_index <<<"$BODY")
send acme "$w/acme-1.p7s" 1
expect_status 200 "the same body again is the same bid"
expect_json .bid_id "$acme_first"
bid bolt 1 876540002
send bolt "$w/bolt-1.p7s" 1
expect_status 201 "bolt bids"
bid cask 2 765430003
send cask "$w/cask-2.p7s" 2
expect_status 201 "cask bids on lot 2"
cask_lot2=$(jq -r .bid_id <<<"$BODY")

e2e_log "the receipt's leaf is in the log"
waited=0
until (($(curl -s "$BASE/api/v1/log/sth" | jq -r .tree_size) > leaf)); do
    ((waited++ < 50)) || e2e_fail "the receipt's leaf never reached a signed head"
    sleep 0.1
done
curl -sf "$BASE/api/v1/log/sth" -o "$w/sth.json"
size=$(jq -r .tree_size "$w/sth.json")
curl -sf "$BASE/api/v1/log/proof/inclusion?leaf_index=$leaf&tree_size=$size" -o "$w/incl.json"
curl -sf "$BASE/api/v1/log/key.pem" -o "$w/log.pem"
"$PROCURA_BIN" log verify --key "$w/log.pem" --sth "$w/sth.json" --inclusion "$w/incl.json" \
    >/dev/null || e2e_fail "the receipt's inclusion proof does not verify"

e2e_log "the supplier recomputes its leaf's commitment from its receipt with stock tools"
# docs/bidding-with-openssl.md, step 6: the leaf carries SHA-256 of this text, not who bid.
r="$w/acme-first.receipt.json"
commitment=$(printf 'procura-bid-commitment-v1\n%s\n%s\n%s\n%s\n%s\n' \
    "$(jq -r .salt "$r")" "$(jq -r .tender_id "$r")" "$(jq -r .supplier_id "$r")" \
    "$(jq -r .lot_id "$r")" "$(sha256sum "$w/acme-first.p7s" | cut -d' ' -f1)" |
    openssl dgst -sha256 -r | cut -d' ' -f1)
[[ $(jq -r .supplier_id "$r") == "${ID[acme]}" ]] || e2e_fail "the receipt names another supplier"
[[ $commitment == $(jq -r .commitment "$r") ]] || e2e_fail "the receipt's commitment does not recompute"
curl -sf "$BASE/api/v1/log/entries?start=$leaf&end=$((leaf + 1))" -o "$w/leaf.json" || e2e_fail "GET leaf"
[[ $(jq -r '.entries[0].payload_json | fromjson | .commitment' "$w/leaf.json") == "$commitment" ]] ||
    e2e_fail "the log leaf does not carry the commitment recomputed with openssl"

e2e_log "a token logged out right after a bid cannot bid again, even within its remembered check"
bolt_second=$(e2e_login bolt)
send_with() {  # send_with TOKEN FILE LOT
    api POST "/api/v1/tenders/$tender/bids?lot_id=$3" -H "$(bearer "$1")" \
        -H 'Content-Type: application/cms' --data-binary @"$2"
}
send_with "$bolt_second" "$w/bolt-1.p7s" 1
expect_status 200 "bolt's resend with a second token (its check is now remembered)"
api POST /api/v1/auth/logout -H "$(bearer "$bolt_second")"
expect_status 204 "bolt logs the second token out"
before=$(db_snapshot)
bid bolt 1 876540099 "$w/opening.pem" "$w/bolt-after-logout.p7s"
send_with "$bolt_second" "$w/bolt-after-logout.p7s" 1
expect_error 401 invalid_token
send_with "$bolt_second" "$w/bolt-1.p7s" 1   # not even a stored bid's receipt
expect_error 401 invalid_token
[[ $(db_snapshot) == "$before" ]] || e2e_fail "a logged-out token changed the database"

e2e_log "adversarial bids are refused and change nothing"
before=$(db_snapshot)
send bolt "$w/acme-1.p7s" 1                     # bolt replays acme's body
expect_error 403 wrong_signer
bid acme 1 111 "$w/opening.pem" "$w/acme-by-bolt.p7s"
send bolt "$w/acme-by-bolt.p7s" 1               # signed with another supplier's certificate
expect_error 403 wrong_signer
bid bolt 1 222 "$w/other_opening.pem" "$w/bolt-other.p7s"
send bolt "$w/bolt-other.p7s" 1                 # sealed for another tender
expect_error 422 not_for_this_recipient
send bolt "$w/bolt-1.p7s" 7
expect_error 422 unknown_lot lot_id
api POST "/api/v1/tenders/$tender/bids?lot_id=1" -H "$(bearer "${TOKEN[bolt]}")" \
    -H 'Content-Type: application/json' --data-binary @"$w/bolt-1.p7s"
expect_error 400 wrong_content_type
api POST "/api/v1/tenders/$tender/bids?lot_id=1" -H "$(bearer "${TOKEN[bolt]}")" \
    -H 'Content-Type: application/cms' --data-binary 'not a bid'
[[ $STATUS == 4* ]] || e2e_fail "garbage got HTTP $STATUS"
send olga "$w/bolt-1.p7s" 1                     # an officer cannot bid
expect_error 403 forbidden
api POST "/api/v1/tenders/$tender/opening/shares" -H "$(bearer "${TOKEN[olga]}")" \
    -H 'Content-Type: application/octet-stream' --data-binary 'early'
expect_error 409 opening_not_yet
api GET "/api/v1/tenders/$tender/opening/my-share" -H "$(bearer "${TOKEN[olga]}")"
expect_error 409 opening_not_yet
expect_unchanged "$before" "refused bids and early shares"

e2e_log "acme replaces its bid; cask's lot-2 bid is withdrawn; cask sends a tampered bid"
bid acme 1 555550004
send acme "$w/acme-1.p7s" 1
expect_status 201 "acme replaces"
expect_json .version 2
acme_latest=$(jq -r .bid_id <<<"$BODY")
api DELETE "/api/v1/tenders/$tender/bids/$cask_lot2" -H "$(bearer "${TOKEN[cask]}")"
expect_status 200 "cask withdraws"
api DELETE "/api/v1/tenders/$tender/bids/$cask_lot2" -H "$(bearer "${TOKEN[bolt]}")"
expect_status 404 "another supplier cannot withdraw it"
jq -cn --argjson t "$tender" --argjson s "${ID[cask]}" '{tender_id: $t, lot_id: 1, supplier_id: $s,
    price: {amount_minor: 444440005, currency: "EUR"}, validity_days: 90,
    declarations: {no_conflict_of_interest: true, not_debarred: true}, technical: {}}' >"$w/cask.json"
openssl cms -encrypt -aes-256-gcm -recip "$w/opening.pem" -keyopt ecdh_kdf_md:sha256 -binary \
    -in "$w/cask.json" -outform DER -out "$w/cask.env" 2>/dev/null
size=$(stat -c %s "$w/cask.env")
printf '\x5a' | dd of="$w/cask.env" bs=1 seek=$((size - 30)) conv=notrunc 2>/dev/null  # tamper
openssl cms -sign -binary -nodetach -md sha256 -signer "$w/cask.pem" -inkey "$w/cask.key" \
    -inform DER -in "$w/cask.env" -outform DER -out "$w/cask-1.p7s" 2>/dev/null
send cask "$w/cask-1.p7s" 1
expect_status 201 "a tampered ciphertext is accepted (only the opening can tell)"
cask_tampered=$(jq -r .bid_id <<<"$BODY")

e2e_log "bid security: a pending deposit per received bid, voided on replacement and withdrawal"
pending=$(e2e_sql "SELECT COUNT(*) FROM money_transfers WHERE kind = 'pending' AND amount_minor = 5000")
voided=$(e2e_sql "SELECT COUNT(*) FROM money_transfers WHERE kind = 'void_pending'")
[[ $pending == 5 && $voided == 2 ]] || e2e_fail "expected 5 deposits and 2 voids, found $pending and $voided"
"$PROCURA_BIN" ledger check --db "$DB_URL" >/dev/null || e2e_fail "the ledger is inconsistent"

e2e_log "suppliers see only their own bids; officers see how many bids each lot holds, not whose"
api GET "/api/v1/tenders/$tender/bids" -H "$(bearer "${TOKEN[bolt]}")"
expect_json '[.items[].supplier_id] | unique | join(",")' "${ID[bolt]}" "bolt sees only its bids"
api GET "/api/v1/tenders/$tender/bids" "${officer[@]}"
expect_json '.sealed' true
expect_json '.items | length' 0 "officers see no bid before the opening"
expect_json '[.lots[] | "\(.lot_id):\(.active_bids)"] | join(",")' "1:3,2:0" "active bids per lot"
for who in acme bolt cask; do
    grep -q "\"supplier_id\":${ID[$who]}\b" <<<"$BODY" && e2e_fail "the officers' listing names $who"
done
api GET "/api/v1/tenders/$tender/opening"
expect_error 404 not_opened

e2e_log "before the opening the public log's bid leaves name neither supplier nor lot"
all_events=$(e2e_sql "SELECT COUNT(*) FROM audit_events")
waited=0
until (($(curl -s "$BASE/api/v1/log/sth" | jq -r .tree_size) >= all_events)); do
    ((waited++ < 50)) || e2e_fail "the events never reached a signed head"
    sleep 0.1
done
curl -sf "$BASE/api/v1/log/sth" -o "$w/sealed_sth.json" || e2e_fail "GET sth"
size=$(jq -r .tree_size "$w/sealed_sth.json")
curl -sf "$BASE/api/v1/log/entries?start=0&end=$size" -o "$w/sealed_log.json" || e2e_fail "GET entries"
jq -c '.entries[] | select(.entity_type == "bid")' "$w/sealed_log.json" >"$w/bid_leaves.jsonl"
[[ $(wc -l <"$w/bid_leaves.jsonl") == 6 ]] || e2e_fail "expected 6 bid leaves (5 receipts, 1 withdrawal)"
while read -r entry; do
    [[ $(jq -r .actor_user_id <<<"$entry") == 0 ]] || e2e_fail "a bid leaf names its actor: $entry"
    payload=$(jq -r .payload_json <<<"$entry")
    [[ $(jq -r 'keys | join(",")' <<<"$payload") =~ ^commitment,(received_at_ms,)?tender_id$ ]] ||
        e2e_fail "a bid leaf carries more than the tender, the time and a commitment: $payload"
done <"$w/bid_leaves.jsonl"
for f in "$w"/acme-first.p7s "$w"/acme-1.p7s "$w"/bolt-1.p7s "$w"/cask-2.p7s "$w"/cask-1.p7s; do
    ! grep -q "$(sha256sum "$f" | cut -d' ' -f1)" "$w/sealed_log.json" ||
        e2e_fail "the public log names the hash of $f before the opening"
done
"$PROCURA_BIN" log verify --key "$w/log.pem" --sth "$w/sealed_sth.json" --entries "$w/sealed_log.json" \
    >"$w/sealed_verify.out" 2>&1 || e2e_fail "log verify before the opening: $(<"$w/sealed_verify.out")"
grep -q "ok: bid commitments: 0 leaves of 0 opened tenders .* 6 leaves of tenders not yet opened stay sealed" \
    "$w/sealed_verify.out" || e2e_fail "no sealed commitments line: $(<"$w/sealed_verify.out")"

e2e_log "a database dump before the opening holds no price"
mariadb-dump --no-defaults --socket="$e2e_socket" -uroot --hex-blob "$e2e_db_name" >"$w/dump.sql" 2>/dev/null ||
    mysqldump --no-defaults --socket="$e2e_socket" -uroot --hex-blob "$e2e_db_name" >"$w/dump.sql"
[[ -s $w/dump.sql ]] || e2e_fail "empty dump"
for price in 987650001 876540002 765430003 555550004; do
    ! grep -q "$price" "$w/dump.sql" || e2e_fail "price $price readable in a dump before opening"
done
mariadb-dump --no-defaults --socket="$e2e_socket" -uroot "$e2e_db_name" bids 2>/dev/null | grep -qa "amount_minor" &&
    e2e_fail "bid JSON readable in the raw dump"

e2e_log "a bid after the deadline is refused"
while (($(now_ms) < deadline_ms)); do sleep 0.05; done
bid bolt 1 333330006
send bolt "$w/bolt-1.p7s" 1
expect_error 409 submission_closed
while (($(now_ms) < opening_ms + 50)); do sleep 0.05; done

e2e_log "the opening: members open their shares with openssl and submit them"
share() {  # share NAME: fetch, decrypt with openssl, print the path of the plaintext
    api GET "/api/v1/tenders/$tender/opening/my-share" -H "$(bearer "${TOKEN[$1]}")"
    expect_status 200 "my-share $1"
    curl -sf -H "$(bearer "${TOKEN[$1]}")" "$BASE/api/v1/tenders/$tender/opening/my-share" -o "$w/$1.share.der"
    openssl cms -decrypt -inform DER -in "$w/$1.share.der" -recip "$w/$1.pem" -inkey "$w/$1.key" \
        -out "$w/$1.share" 2>/dev/null || e2e_fail "openssl cms -decrypt of $1's share"
}
submit_share() {
    api POST "/api/v1/tenders/$tender/opening/shares" -H "$(bearer "${TOKEN[$1]}")" \
        -H 'Content-Type: application/octet-stream' --data-binary @"$2"
}
share olga
share oleg
share ossi
api GET "/api/v1/tenders/$tender/opening/my-share" -H "$(bearer "${TOKEN[acme]}")"
expect_error 403 forbidden
submit_share acme "$w/olga.share"
expect_error 403 forbidden
head -c 40 /dev/urandom >"$w/junk.share"
submit_share olga "$w/junk.share"
expect_error 422 bad_share                      # checked on arrival: never kept, never spoils a set
submit_share olga "$w/oleg.share"
expect_error 422 not_your_share
# Her own share with its header intact and its last (secret) byte changed: refused at once by
# the commitment taken when the key was split, so it cannot spoil the shares after it.
last=$(tail -c 1 "$w/olga.share" | od -An -tu1 | tr -d ' ')
{ head -c -1 "$w/olga.share"; printf "\\$(printf %o $((last ^ 1)))"; } >"$w/olga.altered.share"
cmp -s "$w/olga.share" "$w/olga.altered.share" && e2e_fail "the altered share is unchanged"
submit_share olga "$w/olga.altered.share"
expect_error 422 share_mismatch
submit_share olga "$w/olga.share"
expect_status 200 "first share"
expect_json .shares_in 1 "only the valid share was kept"
expect_json .opened false "k-1 shares do not open"
api GET "/api/v1/tenders/$tender/opening"
expect_error 404 not_opened
head -c 40 /dev/urandom >"$w/wrong.share"
submit_share ossi "$w/wrong.share"
[[ $STATUS == 422 ]] || e2e_fail "a wrong share got HTTP $STATUS"
api GET "/api/v1/tenders/$tender/opening"
expect_error 404 not_opened
submit_share oleg "$w/oleg.share"
expect_status 200 "second share"
expect_json .opened true "k shares open the bids"
submit_share ossi "$w/ossi.share"
expect_error 409 already_opened

e2e_log "the opening record matches what was sent"
api GET "/api/v1/tenders/$tender/opening"
expect_status 200 "opening record"
expect_json '.bids | length' 3 "acme's latest, bolt's, cask's tampered one"
expect_json ".bids[] | select(.bid_id == $acme_latest) | .price.amount_minor" 555550004
expect_json ".bids[] | select(.bid_id == $acme_latest) | .valid" true
expect_json ".bids[] | select(.supplier_id == ${ID[bolt]}) | .price.amount_minor" 876540002
expect_json ".bids[] | select(.supplier_id == ${ID[bolt]}) | .signature_status" valid
expect_json ".bids[] | select(.bid_id == $cask_tampered) | .valid" false
expect_json ".bids[] | select(.bid_id == $cask_tampered) | .reason_code" decrypt_failed
expect_json "[.bids[].bid_id] | map(select(. == $acme_first or . == $cask_lot2)) | length" 0 \
    "replaced and withdrawn bids are not opened"
expect_json '[.bids[] | has("document")] | any' false "the public record carries no bid document"
grep -q '"amount_minor":555550004' <<<"$BODY" || e2e_fail "the public record lacks the price"
e2e_log "the decrypted documents go to the panel and auditors only"
api GET "/api/v1/tenders/$tender/opening/documents"
expect_error 401 missing_token
api GET "/api/v1/tenders/$tender/opening/documents" -H "$(bearer "${TOKEN[acme]}")"
expect_error 403 forbidden
api GET "/api/v1/tenders/$tender/opening/documents" -H "$(bearer "${TOKEN[oleg]}")"
expect_status 200 "a panel member reads the documents"
expect_json ".bids[] | select(.bid_id == $acme_latest) | .document.supplier_id" "${ID[acme]}"
expect_json ".bids[] | select(.bid_id == $cask_tampered) | .document" null
api GET "/api/v1/tenders/$tender/bids" "${officer[@]}"
expect_json '.sealed' false
expect_json '.items | length' 5 "after the opening officers see every version"
api GET "/api/v1/tenders/$tender"
expect_json .status opened "the tender shows as opened"
count=$(e2e_sql "SELECT COUNT(*) FROM audit_events WHERE action IN ('bid.opened', 'tender.opened')")
[[ $count == 4 ]] || e2e_fail "expected 4 opening audit events, found $count"

e2e_log "after the opening procura log verify checks every bid leaf against the revealed salts"
api GET "/api/v1/tenders/$tender/opening"
printf '%s' "$BODY" >"$w/opening.json"
expect_json '.revealed | length' 5 "every version is revealed: replaced and withdrawn ones too"
expect_json ".revealed[] | select(.bid_id == $acme_first) | .salt" "$(jq -r .salt "$w/acme-first.receipt.json")"
expect_json ".revealed[] | select(.bid_id == $cask_lot2) | .state" withdrawn
all_events=$(e2e_sql "SELECT COUNT(*) FROM audit_events")
waited=0
until (($(curl -s "$BASE/api/v1/log/sth" | jq -r .tree_size) >= all_events)); do
    ((waited++ < 50)) || e2e_fail "the opening never reached a signed head"
    sleep 0.1
done
curl -sf "$BASE/api/v1/log/sth" -o "$w/sth.json"
size=$(jq -r .tree_size "$w/sth.json")
curl -sf "$BASE/api/v1/log/entries?start=0&end=$size" -o "$w/opened_log.json" || e2e_fail "GET entries"
"$PROCURA_BIN" log verify --key "$w/log.pem" --sth "$w/sth.json" --entries "$w/opened_log.json" \
    --opening "$w/opening.json" >"$w/opened_verify.out" 2>&1 ||
    e2e_fail "log verify after the opening: $(<"$w/opened_verify.out")"
grep -q "ok: bid commitments: 6 leaves of 1 opened tenders match" "$w/opened_verify.out" ||
    e2e_fail "no commitments line: $(<"$w/opened_verify.out")"
grep -q "ok: the 5 bid versions revealed by the opening record" "$w/opened_verify.out" ||
    e2e_fail "no opening record line: $(<"$w/opened_verify.out")"
# A doctored record: acme's first salt given to bolt's bid fails, with one clear line.
jq --arg s "$(jq -r .salt "$w/acme-first.receipt.json")" \
    '(.revealed[] | select(.supplier_id == '"${ID[bolt]}"') | .salt) = $s' "$w/opening.json" >"$w/doctored.json"
status=0
"$PROCURA_BIN" log verify --key "$w/log.pem" --sth "$w/sth.json" --entries "$w/opened_log.json" \
    --opening "$w/doctored.json" >"$w/doctored.out" 2>"$w/doctored.err" || status=$?
((status == 1)) || e2e_fail "log verify accepted a doctored opening record (exit $status)"
grep -q "does not match the commitment of log leaf" "$w/doctored.err" ||
    e2e_fail "unclear failure: $(<"$w/doctored.err")"

e2e_log "passed"
