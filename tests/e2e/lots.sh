#!/usr/bin/env bash
# Lots keep their numbers for life (issue 16, defect 4), end to end: an officer publishes two
# tenders with lots 1, 2, 3. On the first a supplier bids on lot 3 (the stock openssl recipe of
# docs/bidding-with-openssl.md); an amendment removing lot 2 is then refused with 409
# lots_locked, in the old form (the list without numbers, which renumbered the lots by
# position, so that lot 3 vanished under the bid and the cupboards became lot 2) and in the new
# one (the kept lots named by number), and changes nothing; reordering is refused too, while
# retitling, rebudgeting and adding a lot at the end are not. On the second tender, without
# bids, removing lot 2 leaves lot 3 as lot 3, a new lot gets 4 (never 2 again), and a bid on
# lot 3 is a bid on the cupboards.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
export PROCURA_KEY_PASSPHRASE="e2e key passphrase"
w="$e2e_work"
"$PROCURA_BIN" keys init --key-dir "$w/keys" >/dev/null || e2e_fail "keys init failed"
e2e_start_server --key-dir "$w/keys" --min-tendering-days 0

declare -A TOKEN ID  # by user name, filled by e2e_register
for name in olga oleg ossi; do e2e_register "$name" officer; done  # a committee of 3
e2e_register acme supplier
officer=(-H "$(bearer "${TOKEN[olga]}")")

now_ms() { date +%s%3N; }
iso() { date -u -d "@$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ; }
enquiry_ms=$(($(now_ms) + 4000))
# Far from the deadline, so that no amendment here falls in the extension window.
deadline_ms=$(($(now_ms) + 20 * 86400000))
three_lots='[{title: "Desks", budget_minor: 800000}, {title: "Chairs", budget_minor: 400000},
             {title: "Cupboards", budget_minor: 200000}]'
make_tender() {  # make_tender TITLE: publishes a tender with lots 1, 2, 3; prints its id
    api POST /api/v1/tenders "${officer[@]}" --data-binary "$(jq -cn --arg t "$1" \
        --arg e "$(iso "$enquiry_ms")" --arg s "$(iso "$deadline_ms")" \
        --arg o "$(iso $((deadline_ms + 3600000)))" --argjson m "[${ID[olga]}, ${ID[oleg]}, ${ID[ossi]}]" "{
        title: \$t, description: \"Stable lots e2e\", buyer: {name: \"Town\", id: \"T-1\"},
        category: \"goods\", currency: \"EUR\", lots: $three_lots,
        evaluation: {method: \"lowest_price\"}, bid_security_minor: 5000,
        enquiry_deadline: \$e, submission_deadline: \$s, opening_time: \$o,
        committee: {members: \$m, threshold: 2}}")"
    expect_status 201 "create $1"
    local id
    id=$(jq -r .id <<<"$BODY")
    api POST "/api/v1/tenders/$id/publish" "${officer[@]}"
    expect_status 200 "publish $1"
    echo "$id"
}
# amend TENDER LOTS_JSON: an amendment of the tender's lots at its current version.
amend() {
    api GET "/api/v1/tenders/$1"
    local version
    version=$(jq -r .version <<<"$BODY")
    api POST "/api/v1/tenders/$1/amendments" "${officer[@]}" --data-binary "$(jq -cn \
        --argjson v "$version" "{version: \$v, rationale: \"Lots changed\", changes: {lots: $2}}")"
}
lots_of() {  # lots_of TENDER: "number:title" of each lot, in order
    api GET "/api/v1/tenders/$1"
    expect_status 200 "GET tender $1"
    jq -r '[.lots[] | "\(.number):\(.title)"] | join(",")' <<<"$BODY"
}
# bid TENDER LOT: acme's bid for that lot, sealed to the tender's opening certificate, signed
# and sent.
bid() {
    curl -sf "$BASE/api/v1/tenders/$1/opening-certificate" -o "$w/opening-$1.pem" ||
        e2e_fail "GET opening certificate of $1"
    jq -cn --argjson t "$1" --argjson l "$2" --argjson s "${ID[acme]}" '{
        tender_id: $t, lot_id: $l, supplier_id: $s,
        price: {amount_minor: 150000, currency: "EUR"}, validity_days: 90,
        declarations: {no_conflict_of_interest: true, not_debarred: true}, technical: {}}' \
        >"$w/bid-$1-$2.json"
    openssl cms -encrypt -aes-256-gcm -recip "$w/opening-$1.pem" -keyopt ecdh_kdf_md:sha256 \
        -binary -in "$w/bid-$1-$2.json" -outform DER -out "$w/bid-$1-$2.env" 2>/dev/null ||
        e2e_fail "seal the bid on $1 lot $2"
    openssl cms -sign -binary -nodetach -md sha256 -signer "$w/acme.pem" -inkey "$w/acme.key" \
        -inform DER -in "$w/bid-$1-$2.env" -outform DER -out "$w/bid-$1-$2.p7s" 2>/dev/null ||
        e2e_fail "sign the bid on $1 lot $2"
    api POST "/api/v1/tenders/$1/bids?lot_id=$2" -H "$(bearer "${TOKEN[acme]}")" \
        -H 'Content-Type: application/cms' --data-binary @"$w/bid-$1-$2.p7s"
}

attacked=$(make_tender "Furniture, with a bid")
unbid=$(make_tender "Furniture, without bids")
[[ $(lots_of "$attacked") == "1:Desks,2:Chairs,3:Cupboards" ]] || e2e_fail "lots 1, 2, 3 at first"
while (($(now_ms) < enquiry_ms + 100)); do sleep 0.1; done

e2e_log "a bid on lot 3, then an amendment removing lot 2 is refused and changes nothing"
bid "$attacked" 3
expect_status 201 "acme bids on lot 3"
expect_json .lot_id 3
bid_id=$(jq -r .bid_id <<<"$BODY")
before=$(db_snapshot)
# The form the API took until now: the lots without numbers, renumbered by their place.
amend "$attacked" '[{title: "Desks", budget_minor: 800000},
                    {title: "Cupboards", budget_minor: 200000}]'
expect_error 409 lots_locked changes.lots "removing lot 2 after a bid (lots without numbers)"
amend "$attacked" '[{number: 1, title: "Desks", budget_minor: 800000},
                    {number: 3, title: "Cupboards", budget_minor: 200000}]'
expect_error 409 lots_locked changes.lots "removing lot 2 after a bid (lots named by number)"
amend "$attacked" '[{number: 1, title: "Desks", budget_minor: 800000},
                    {number: 3, title: "Cupboards", budget_minor: 200000},
                    {number: 2, title: "Chairs", budget_minor: 400000}]'
expect_error 409 lots_locked changes.lots "reordering lots after a bid"
expect_unchanged "$before" "refused amendments of the lots"
[[ $(lots_of "$attacked") == "1:Desks,2:Chairs,3:Cupboards" ]] || e2e_fail "the lots moved"
expect_json '.amendments | length' 0 "no amendment recorded"
[[ $(e2e_sql "SELECT b.lot_id, l.title FROM bids b JOIN tender_lots l
              ON l.tender_id = b.tender_id AND l.number = b.lot_id WHERE b.id = $bid_id") == \
    $'3\tCupboards' ]] || e2e_fail "the bid is no longer on the cupboards"

e2e_log "after a bid, lots may be retitled and rebudgeted, and new ones added at the end"
amend "$attacked" '[{number: 1, title: "Desks", budget_minor: 800000},
                    {number: 2, title: "Chairs and stools", budget_minor: 450000},
                    {number: 3, title: "Cupboards", budget_minor: 200000},
                    {title: "Shelves", budget_minor: 50000}]'
expect_status 201 "a compatible amendment after a bid"
expect_json '[.amendments[0].changes.lots[] | .number | tostring] | join(",")' "1,2,3,4"
[[ $(lots_of "$attacked") == "1:Desks,2:Chairs and stools,3:Cupboards,4:Shelves" ]] ||
    e2e_fail "the compatible amendment was not applied as sent"

e2e_log "without bids, removing lot 2 keeps lot 3 as lot 3; its number is never given again"
amend "$unbid" '[{number: 1, title: "Desks", budget_minor: 800000},
                 {number: 3, title: "Cupboards", budget_minor: 200000}]'
expect_status 201 "removing lot 2 before any bid"
expect_json '[.lots[] | "\(.number):\(.title)"] | join(",")' "1:Desks,3:Cupboards"
before=$(db_snapshot)
amend "$unbid" '[{number: 1, title: "Desks", budget_minor: 800000},
                 {number: 2, title: "Chairs", budget_minor: 400000}]'
expect_error 422 unknown_lot "lots[1].number" "a removed lot's number"
amend "$unbid" '[{number: 1, title: "Desks", budget_minor: 800000},
                 {number: 1, title: "Desks again", budget_minor: 800000}]'
expect_error 422 duplicate_lot "lots[1].number" "a lot named twice"
amend "$unbid" '[{number: 0, title: "Desks", budget_minor: 800000}]'
expect_error 422 unknown_lot "changes.lots[0].number" "lot number 0"
expect_unchanged "$before" "refused lot numbers"
amend "$unbid" '[{number: 1, title: "Desks", budget_minor: 800000},
                 {number: 3, title: "Cupboards", budget_minor: 200000},
                 {title: "Shelves", budget_minor: 50000}]'
expect_status 201 "adding a lot"
expect_json '[.lots[] | "\(.number):\(.title)"] | join(",")' "1:Desks,3:Cupboards,4:Shelves"
bid "$unbid" 3
expect_status 201 "a bid on lot 3 after lot 2 went"
expect_json .lot_id 3
bid "$unbid" 2
expect_error 422 unknown_lot lot_id "a bid on the removed lot 2"

e2e_log "ok"
