#!/usr/bin/env bash
# Evaluation, awards and contracts end to end over the real `procura serve`: an officer publishes
# a one-lot lowest-price tender and a one-lot comprehensive tender (price 60, technical 40) with
# short deadlines; suppliers bid with the stock openssl recipe; the committee opens both. On the
# comprehensive tender the panel declares (one member recused), scores (locked, sealed from
# others until the evaluation) and the evaluation ranks by total score. On the lowest-price
# tender the evaluation is refused before the opening and run after it; the lowest bid is
# awarded, its winner declines, the next bid is awarded; a contract before the standstill ends
# is refused; after it (PROCURA_STANDSTILL_MS, docs/awards.md) the contract is signed with two
# milestones and one is accepted. Checks the tenders' status at every step, the public GET
# payloads, the audit events, roles, and that refusals change nothing. The comprehensive
# tender's lot is lot 2 (its draft's lot 1 was replaced before publication), so the notice
# board's status is checked to come from a tender's own lot numbers.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
command -v openssl >/dev/null || e2e_skip_because "missing tool: openssl"
export PROCURA_KEY_PASSPHRASE="e2e key passphrase"
standstill_ms=4000
export PROCURA_STANDSTILL_MS=$standstill_ms
w="$e2e_work"
"$PROCURA_BIN" keys init --key-dir "$w/keys" >/dev/null || e2e_fail "keys init failed"
e2e_start_server --key-dir "$w/keys" --min-tendering-days 0

declare -A TOKEN ID  # by user name, filled by e2e_register
for name in olga oleg ossi; do e2e_register "$name" officer; done  # a committee of 3
for name in acme bolt cask; do e2e_register "$name" supplier; done
ID[fina]=$(e2e_add_user fina finance)
TOKEN[fina]=$(e2e_login fina)
officer=(-H "$(bearer "${TOKEN[olga]}")")
second=${TOKEN[ossi]}  # the second officer, who confirms olga's award decisions

now_ms() { date +%s%3N; }
iso() { date -u -d "@$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ; }
t0=$(now_ms)
enquiry_ms=$((t0 + 3000))
deadline_ms=$((t0 + 12000))
opening_ms=$((t0 + 14500))  # shares are taken from 2 s after the deadline
# make_tender TITLE METHOD PRICE_WEIGHT TECHNICAL_WEIGHT [LOT_TITLE]: publishes a one-lot tender;
# prints its id. With LOT_TITLE the draft's lot 1 is first replaced by a new lot of that title,
# which is lot 2: lot numbers are stable ids, not places.
make_tender() {
    api POST /api/v1/tenders "${officer[@]}" --data-binary "$(
        jq -cn --arg e "$(iso "$enquiry_ms")" --arg s "$(iso "$deadline_ms")" \
            --arg o "$(iso "$opening_ms")" --argjson m "[${ID[olga]}, ${ID[oleg]}, ${ID[ossi]}]" \
            --arg title "$1" --arg method "$2" --argjson pw "$3" --argjson tw "$4" '{
            title: $title, description: "Awards e2e", buyer: {name: "Town", id: "T-1"},
            category: "goods", currency: "EUR", lots: [{title: "Lot", budget_minor: 200000}],
            evaluation: ({method: $method} + (if $method == "lowest_price" then {} else
                {price_weight: $pw, technical_weight: $tw} end)),
            bid_security_minor: 5000,
            enquiry_deadline: $e, submission_deadline: $s, opening_time: $o,
            committee: {members: $m, threshold: 2}}')"
    expect_status 201 "create $1"
    local id
    id=$(jq -r .id <<<"$BODY")
    if [[ -n ${5:-} ]]; then
        api PATCH "/api/v1/tenders/$id" "${officer[@]}" --data-binary "$(jq -cn --arg t "$5" \
            '{version: 1, lots: [{title: $t, budget_minor: 200000}]}')"
        expect_status 200 "replace the lot of $1"
        expect_json '[.lots[].number | tostring] | join(",")' 2 "the new lot of $1"
    fi
    api POST "/api/v1/tenders/$id/publish" "${officer[@]}"
    expect_status 200 "publish $1"
    curl -sf "$BASE/api/v1/tenders/$id/opening-certificate" -o "$w/opening-$id.pem" ||
        e2e_fail "GET opening certificate of $1"
    echo "$id"
}
tender=$(make_tender "Winter road salt" lowest_price 100 0)
design=$(make_tender "Bridge design" comprehensive 60 40 "Bridge design")
design_lot=2

# bid NAME PRICE [TENDER]: seal, sign and send a bid on the tender's lot (1, or $design_lot);
# sets BID[NAME] (or BID[NAME@TENDER] for another tender than $tender).
declare -A BID
bid() {
    local name=$1 price=$2 t=${3:-$tender}
    local lot=1
    [[ $t != "$design" ]] || lot=$design_lot
    jq -cn --argjson t "$t" --argjson l "$lot" --argjson s "${ID[$name]}" --argjson p "$price" '{
        tender_id: $t, lot_id: $l, supplier_id: $s,
        price: {amount_minor: $p, currency: "EUR"}, validity_days: 90,
        declarations: {no_conflict_of_interest: true, not_debarred: true},
        technical: {}}' >"$w/$name.json"
    openssl cms -encrypt -aes-256-gcm -recip "$w/opening-$t.pem" -keyopt ecdh_kdf_md:sha256 \
        -binary -in "$w/$name.json" -outform DER -out "$w/$name.env" 2>/dev/null ||
        e2e_fail "seal $name"
    openssl cms -sign -binary -nodetach -md sha256 -signer "$w/$name.pem" -inkey "$w/$name.key" \
        -inform DER -in "$w/$name.env" -outform DER -out "$w/$name.p7s" 2>/dev/null ||
        e2e_fail "sign $name"
    api POST "/api/v1/tenders/$t/bids?lot_id=$lot" -H "$(bearer "${TOKEN[$name]}")" \
        -H 'Content-Type: application/cms' --data-binary @"$w/$name.p7s"
    expect_status 201 "$name bids on $t"
    if [[ $t == "$tender" ]]; then
        BID[$name]=$(jq -r .bid_id <<<"$BODY")
    else
        BID[$name@$t]=$(jq -r .bid_id <<<"$BODY")
    fi
}
while (($(now_ms) < enquiry_ms + 100)); do sleep 0.1; done
bid acme 90000
bid bolt 100000
bid cask 110000
bid acme 90000 "$design"
bid bolt 100000 "$design"

e2e_log "the evaluation is refused before the opening and changes nothing"
before=$(db_snapshot)
api POST "/api/v1/tenders/$tender/evaluation" "${officer[@]}"
expect_error 409 not_opened
api GET "/api/v1/tenders/$tender/evaluation"
expect_error 404 not_evaluated
expect_unchanged "$before" "an evaluation before the opening"

while (($(now_ms) < opening_ms + 50)); do sleep 0.05; done
e2e_log "the committee opens the bids of both tenders"
for t in "$tender" "$design"; do
    for name in olga oleg; do
        curl -sf -H "$(bearer "${TOKEN[$name]}")" "$BASE/api/v1/tenders/$t/opening/my-share" \
            -o "$w/$name.share.der" || e2e_fail "my-share $name"
        openssl cms -decrypt -inform DER -in "$w/$name.share.der" -recip "$w/$name.pem" \
            -inkey "$w/$name.key" -out "$w/$name.share" 2>/dev/null ||
            e2e_fail "decrypt $name's share"
        api POST "/api/v1/tenders/$t/opening/shares" -H "$(bearer "${TOKEN[$name]}")" \
            -H 'Content-Type: application/octet-stream' --data-binary @"$w/$name.share"
        expect_status 200 "share of $name"
    done
    expect_json .opened true "two shares open the bids of $t"
done
api GET "/api/v1/tenders/$tender"
expect_json .status opened
api GET "/api/v1/tenders?limit=100"
expect_json "[.items[] | select(.id == $tender) | .status] | join(\",\")" opened \
    "the notice board shows the opening too"

e2e_log "the panel of the comprehensive tender: declarations, locked scores, sealed until evaluated"
d_acme=${BID[acme@$design]}
d_bolt=${BID[bolt@$design]}
score() {  # score NAME BID POINTS
    api POST "/api/v1/tenders/$design/evaluation/scores" -H "$(bearer "${TOKEN[$1]}")" \
        --data-binary "{\"lot_id\": $design_lot, \"bid_id\": $2, \"scores\": [{\"criterion_id\": 1, \"score_micro\": $(($3 * 1000000))}]}"
}
before=$(db_snapshot)
api POST "/api/v1/tenders/$design/evaluation/declarations" -H "$(bearer "${TOKEN[fina]}")" \
    --data-binary '{"no_conflict": true, "statement": "none"}'
expect_error 403 not_panel_member
api POST "/api/v1/tenders/$design/evaluation/declarations" -H "$(bearer "${TOKEN[acme]}")" \
    --data-binary '{"no_conflict": true, "statement": "none"}'
expect_error 403 not_panel_member
score olga "$d_acme" 80
expect_error 409 declaration_required
api POST "/api/v1/tenders/$design/evaluation" "${officer[@]}"
expect_error 409 panel_empty
expect_unchanged "$before" "refused declarations and scores"
api POST "/api/v1/tenders/$design/evaluation/declarations" "${officer[@]}" \
    --data-binary '{"no_conflict": true, "statement": "I know none of the bidders"}'
expect_status 201 "olga declares"
expect_json '.supplier_ids | length' 2
api POST "/api/v1/tenders/$design/evaluation/declarations" -H "$(bearer "${TOKEN[oleg]}")" \
    --data-binary '{"no_conflict": false, "statement": "My brother works for Bolt"}'
expect_status 201 "oleg declares a conflict"
expect_json .recused true
score oleg "$d_bolt" 99
expect_error 403 recused
score olga "$d_acme" 80
expect_status 201 "olga scores acme"
api POST "/api/v1/tenders/$design/evaluation" "${officer[@]}"
expect_error 409 scores_missing scores
score olga "$d_bolt" 90
expect_status 201 "olga scores bolt"
before=$(db_snapshot)
score olga "$d_bolt" 10
expect_error 409 score_locked
score olga "$d_bolt" 101
expect_error 422 score_out_of_range "scores[0].score_micro"
withdraw() {  # withdraw CALLER MEMBER REASON_JSON
    api POST "/api/v1/tenders/$design/evaluation/panel/${ID[$2]}/withdrawal" \
        -H "$(bearer "${TOKEN[$1]}")" --data-binary "$3"
}
withdraw olga oleg '{"reason": "away"}'
expect_error 409 not_on_panel
withdraw oleg olga '{"reason": "away"}'
expect_error 403 recused
withdraw olga olga '{"reason": "away"}'
expect_error 409 member_has_scored
withdraw olga olga '{"reason": " "}'
expect_error 422 reason_required reason
withdraw acme olga '{"reason": "away"}'
expect_error 403 forbidden
api GET "/api/v1/tenders/$design/evaluation/scores"
expect_error 403 scores_sealed
api GET "/api/v1/tenders/$design/evaluation/scores" -H "$(bearer "${TOKEN[oleg]}")"
expect_json '.scores | length' 0 "a member sees only their own scores"
expect_unchanged "$before" "a second score and reads"
api GET "/api/v1/tenders/$design/evaluation/scores" "${officer[@]}"
expect_json '.scores | length' 2 "olga sees her own two scores"
# The public log carries no sealed value before the evaluation: no score, no statement.
leaked=$(e2e_sql "SELECT COUNT(*) FROM audit_events WHERE action IN ('evaluation.scored', 'evaluation.declared') AND (payload_json LIKE '%score_micro%' OR payload_json LIKE '%statement%' OR payload_json LIKE '%Bolt%')")
[[ $leaked == 0 ]] || e2e_fail "the audit log shows sealed scores or declarations: $leaked events"
api POST "/api/v1/tenders/$design/evaluation" -H "$(bearer "${TOKEN[oleg]}")"
expect_error 403 recused
expect_unchanged "$before" "a recused member cannot run the evaluation"
api POST "/api/v1/tenders/$design/evaluation" "${officer[@]}"
expect_status 201 "evaluate the comprehensive tender"
# acme: 60 × 90000/90000 + 80 × 40 % = 92 points; bolt: 54 + 36 = 90.
expect_json '[.lots[0].ranking[] | "\(.bid_id):\(.total_score_micro)"] | join(",")' \
    "$d_acme:92000000,$d_bolt:90000000"
published=$(e2e_sql "SELECT COUNT(*) FROM audit_events WHERE action = 'evaluation.declarations_published' AND payload_json LIKE '%My brother works for Bolt%'")
[[ $published == 1 ]] || e2e_fail "the declarations are not in the log after the evaluation"
api GET "/api/v1/tenders/$design/evaluation/scores"
expect_status 200 "scores are public after the evaluation"
expect_json '.scores | length' 2
expect_json '[.declarations[] | .recused] | join(",")' "false,true"
api GET "/api/v1/tenders/$design"
expect_json .status evaluated
api GET "/api/v1/tenders?limit=100"
expect_json "[.items[] | select(.id == $design) | .status] | join(\",\")" evaluated \
    "the notice board reads the tender's own lot (2) for its status, not lots 1..lot_count"
e2e_log "a recused officer neither proposes nor confirms an award"
api POST "/api/v1/tenders/$design/lots/$design_lot/award" -H "$(bearer "${TOKEN[oleg]}")" \
    --data-binary "{\"bid_id\": $d_acme}"
expect_error 403 recused
api POST "/api/v1/tenders/$design/lots/$design_lot/award" "${officer[@]}" \
    --data-binary "{\"bid_id\": $d_acme}"
expect_status 202 "olga proposes an award of the design lot"
design_decision=$(jq -r .id <<<"$BODY")
before=$(db_snapshot)
api POST "/api/v1/decisions/$design_decision/confirm" -H "$(bearer "${TOKEN[oleg]}")"
expect_error 403 recused
api POST "/api/v1/decisions/$design_decision/withdraw" -H "$(bearer "${TOKEN[oleg]}")"
expect_error 403 recused
expect_unchanged "$before" "a recused officer's confirmation"
api POST "/api/v1/decisions/$design_decision/withdraw" -H "$(bearer "$second")"
expect_status 200 "another officer withdraws olga's proposal"
expect_json .state withdrawn
api POST "/api/v1/decisions/$design_decision/confirm" -H "$(bearer "$second")"
expect_error 409 decision_withdrawn
api POST "/api/v1/tenders/$design/lots/$design_lot/unsuccessful" -H "$(bearer "${TOKEN[acme]}")" \
    --data-binary '{"reason": "no"}'
expect_error 403 forbidden
api POST "/api/v1/tenders/$design/lots/$design_lot/unsuccessful" "${officer[@]}" \
    --data-binary '{"reason": "Both designs exceed the span requirement"}'
expect_status 200 "close the design lot"
expect_json '.skipped_bid_ids | join(",")' "$d_acme,$d_bolt"
api POST "/api/v1/tenders/$design/lots/$design_lot/award" "${officer[@]}" \
    --data-binary "{\"bid_id\": $d_acme}"
expect_error 409 lot_closed
api GET "/api/v1/tenders/$design"
expect_json .status unsuccessful "a tender whose only lot is closed"
api GET "/api/v1/tenders?limit=100"
expect_json "[.items[] | select(.id == $design) | .status] | join(\",\")" unsuccessful \
    "the notice board shows the same status as the tender"
expect_json "[.items[] | select(.id == $tender) | .status] | join(\",\")" opened
api GET "/api/v1/tenders/$design/awards"
expect_json '.lots[0].closure.reason' "Both designs exceed the span requirement"

e2e_log "an absent panel member is withdrawn with a reason, once"
api POST "/api/v1/tenders/$tender/evaluation/declarations" -H "$(bearer "${TOKEN[oleg]}")" \
    --data-binary '{"no_conflict": true, "statement": "none"}'
expect_status 201 "oleg declares on the salt tender"
before=$(db_snapshot)
api POST "/api/v1/tenders/$tender/evaluation/panel/${ID[oleg]}/withdrawal" "${officer[@]}" \
    --data-binary '{"reason": "on sick leave until March"}'
expect_error 403 not_panel_member
expect_unchanged "$before" "a withdrawal by an officer who is not on the panel"
api POST "/api/v1/tenders/$tender/evaluation/panel/${ID[oleg]}/withdrawal" \
    -H "$(bearer "${TOKEN[oleg]}")" --data-binary '{"reason": "on sick leave until March"}'
expect_status 201 "oleg withdraws himself"
expect_json .withdrawn true
expect_json .withdrawn_by "${ID[oleg]}"
expect_json .withdrawal_reason "on sick leave until March"
before=$(db_snapshot)
api POST "/api/v1/tenders/$tender/evaluation/panel/${ID[oleg]}/withdrawal" \
    -H "$(bearer "${TOKEN[oleg]}")" --data-binary '{"reason": "again"}'
expect_error 409 already_withdrawn
api POST "/api/v1/tenders/$tender/evaluation/panel/x/withdrawal" "${officer[@]}" \
    --data-binary '{"reason": "again"}'
expect_error 404 not_found
expect_unchanged "$before" "a second withdrawal"
logged=$(e2e_sql "SELECT COUNT(*) FROM audit_events WHERE action = 'evaluation.member_withdrawn' AND payload_json LIKE '%on sick leave until March%'")
[[ $logged == 1 ]] || e2e_fail "the withdrawal is not in the audit log"

e2e_log "roles: the evaluation is run by officers only"
before=$(db_snapshot)
api POST "/api/v1/tenders/$tender/evaluation"
expect_error 401 missing_token
api POST "/api/v1/tenders/$tender/evaluation" -H "$(bearer "${TOKEN[acme]}")"
expect_error 403 forbidden
api POST "/api/v1/tenders/$tender/evaluation" -H "$(bearer "${TOKEN[fina]}")"
expect_error 403 forbidden
api POST "/api/v1/tenders/$tender/evaluation" "${officer[@]}" --data-binary '{"force": true}'
expect_error 400 unknown_field force
api POST "/api/v1/tenders/$tender/lots/1/award" -H "$(bearer "${TOKEN[acme]}")" \
    --data-binary "{\"bid_id\": ${BID[acme]}}"
expect_error 403 forbidden
expect_unchanged "$before" "refused evaluations"

e2e_log "the evaluation is stored and public; the tender is evaluated"
api POST "/api/v1/tenders/$tender/evaluation" "${officer[@]}"
expect_status 201 "evaluate"
api POST "/api/v1/tenders/$tender/evaluation" -H "$(bearer "${TOKEN[oleg]}")"
expect_error 409 already_evaluated
api GET "/api/v1/tenders/$tender/evaluation"
expect_status 200 "public evaluation"
expect_json '.lots[0].method' lowest_price
expect_json '[.lots[0].ranking[].bid_id] | join(",")' "${BID[acme]},${BID[bolt]},${BID[cask]}" \
    "ranked by price"
expect_json '.lots[0].ranking[0].price_minor' 90000
expect_json '[.lots[0].ranking[].abnormally_low] | any' false
api GET "/api/v1/tenders/$tender"
expect_json .status evaluated

e2e_log "awards: a lower bid needs a reason; the top bid is awarded once"
before=$(db_snapshot)
api POST "/api/v1/tenders/$tender/lots/1/award" "${officer[@]}" \
    --data-binary "{\"bid_id\": ${BID[bolt]}}"
expect_error 422 reason_required reason
api POST "/api/v1/tenders/$tender/lots/1/award" "${officer[@]}" \
    --data-binary "{\"bid_id\": ${BID[acme]}, \"colour\": \"red\"}"
expect_error 400 unknown_field colour
api POST "/api/v1/tenders/$tender/lots/2/award" "${officer[@]}" \
    --data-binary "{\"bid_id\": ${BID[acme]}}"
expect_error 404 lot_not_found
expect_unchanged "$before" "refused awards"

e2e_log "one officer alone cannot award: the proposer's own confirmation is 403 and writes nothing"
api POST "/api/v1/tenders/$tender/lots/1/award" "${officer[@]}" \
    --data-binary "{\"bid_id\": ${BID[acme]}}"
expect_status 202 "olga proposes to award acme"
expect_json .kind award
expect_json .state proposed
expect_json .subject.lot_id 1
expect_json .proposed_by "${ID[olga]}"
decision=$(jq -r .id <<<"$BODY")
[[ $(response_header Location) == "/api/v1/decisions/$decision" ]] ||
    e2e_fail "the proposal's Location"
api GET "/api/v1/decisions/$decision"
expect_error 401 missing_token
api GET "/api/v1/decisions/$decision" -H "$(bearer "${TOKEN[acme]}")"
expect_error 403 forbidden
api GET "/api/v1/tenders/$tender/decisions" -H "$(bearer "$second")"
expect_json '[.items[] | "\(.kind):\(.state)"] | join(",")' "award:proposed"
api GET "/api/v1/tenders/$tender/awards"
expect_json '.awards | length' 0 "a proposal awards nothing"
api POST "/api/v1/tenders/$tender/lots/1/award" -H "$(bearer "$second")" \
    --data-binary "{\"bid_id\": ${BID[acme]}}"
expect_error 409 decision_pending
before=$(db_snapshot)
events_before=$(e2e_sql "SELECT COUNT(*) FROM audit_events")
api POST "/api/v1/decisions/$decision/confirm" "${officer[@]}"
expect_error 403 same_officer
api POST "/api/v1/decisions/$decision/confirm" -H "$(bearer "${TOKEN[fina]}")"
expect_error 403 forbidden
expect_unchanged "$before" "the proposer's own confirmation"
[[ $(e2e_sql "SELECT COUNT(*) FROM audit_events") == "$events_before" ]] ||
    e2e_fail "a refused confirmation grew the audit log"
api POST "/api/v1/decisions/$decision/confirm" -H "$(bearer "$second")"
expect_status 201 "ossi confirms: acme is awarded"
first_award=$(jq -r .id <<<"$BODY")
expect_json .awarded_by "${ID[ossi]}"
expect_json .award_proposed_by "${ID[olga]}"
expect_json .state awarded
expect_json .awarded_rank 1
expect_json .value.amount_minor 90000
api POST "/api/v1/decisions/$decision/confirm" -H "$(bearer "${TOKEN[oleg]}")"
expect_error 409 decision_confirmed
api POST "/api/v1/tenders/$tender/lots/1/award" "${officer[@]}" \
    --data-binary "{\"bid_id\": ${BID[bolt]}, \"reason\": \"second try\"}"
expect_error 409 lot_already_awarded
api GET "/api/v1/decisions/$decision" "${officer[@]}"
expect_json .state confirmed
expect_json .result_id "$first_award"
api GET "/api/v1/tenders/$tender"
expect_json .status awarded

e2e_log "the winner declines; the next bid is awarded without a reason"
api POST "/api/v1/awards/$first_award/decline" -H "$(bearer "${TOKEN[acme]}")" \
    --data-binary '{"reason": "no"}'
expect_error 403 forbidden
api POST "/api/v1/awards/$first_award/decline" "${officer[@]}" \
    --data-binary '{"reason": "Acme declined to sign the contract"}'
expect_status 202 "olga proposes the decline"
decline_decision=$(jq -r .id <<<"$BODY")
api GET "/api/v1/awards/$first_award"
expect_json .state awarded "a proposed decline forfeits nothing yet"
expect_json .decline_reason null
api POST "/api/v1/decisions/$decline_decision/confirm" "${officer[@]}"
expect_error 403 same_officer
api POST "/api/v1/decisions/$decline_decision/confirm" -H "$(bearer "$second")"
expect_status 201 "decline confirmed"
expect_json .state declined
expect_json .decline_reason "Acme declined to sign the contract"
expect_json .decided_by "${ID[ossi]}"
expect_json .decision_proposed_by "${ID[olga]}"
api GET "/api/v1/tenders/$tender"
expect_json .status evaluated "the lot is open again"
api POST "/api/v1/tenders/$tender/lots/1/award" "${officer[@]}" \
    --data-binary "{\"bid_id\": ${BID[acme]}, \"reason\": \"again\"}"
expect_error 409 bid_declined
api POST "/api/v1/tenders/$tender/lots/1/award" "${officer[@]}" \
    --data-binary "{\"bid_id\": ${BID[bolt]}}"
e2e_confirm "$second"
expect_status 201 "award bolt"
award=$(jq -r .id <<<"$BODY")
expect_json .awarded_rank 2
expect_json '.skipped_bid_ids | length' 0
standstill_end=$(jq -r .standstill_ends_at <<<"$BODY")

e2e_log "no contract before the standstill ends"
before=$(db_snapshot)
api POST "/api/v1/awards/$award/contract" "${officer[@]}" \
    --data-binary '{"milestones": [{"title": "Delivery", "amount_minor": 100000}]}'
expect_error 409 standstill_not_over
expect_unchanged "$before" "an early contract"
end_ms=$(($(date -d "$standstill_end" +%s%3N) + 50))
while (($(now_ms) < end_ms)); do sleep 0.1; done

e2e_log "milestones must add up; then the contract is signed"
before=$(db_snapshot)
api POST "/api/v1/awards/$award/contract" "${officer[@]}" \
    --data-binary '{"milestones": [{"title": "Delivery", "amount_minor": 60000}, {"title": "Rest", "amount_minor": 39999}]}'
expect_error 422 milestones_sum milestones
api POST "/api/v1/awards/$award/contract" "${officer[@]}" \
    --data-binary '{"milestones": [{"title": "Delivery", "amount_minor": 100000.0}]}'
expect_error 400 invalid_type "milestones[0].amount_minor"
api POST "/api/v1/awards/$award/contract" "${officer[@]}" \
    --data-binary '{"milestones": [{"title": "Delivery", "amount_minor": 0}, {"title": "All", "amount_minor": 100000}]}'
expect_error 422 amount_not_positive "milestones[0].amount_minor"
api POST "/api/v1/awards/$award/contract" -H "$(bearer "${TOKEN[fina]}")" \
    --data-binary '{"milestones": [{"title": "Delivery", "amount_minor": 100000}]}'
expect_error 403 forbidden
expect_unchanged "$before" "refused contracts"
api POST "/api/v1/awards/$award/contract" "${officer[@]}" \
    --data-binary '{"milestones": [{"title": "Delivery", "amount_minor": 60000}, {"title": "Acceptance", "amount_minor": 40000}]}'
expect_status 202 "olga proposes the contract"
before=$(db_snapshot)
contract_decision=$(jq -r .id <<<"$BODY")
api POST "/api/v1/decisions/$contract_decision/confirm" "${officer[@]}"
expect_error 403 same_officer
expect_unchanged "$before" "olga's own confirmation of her contract"
api POST "/api/v1/decisions/$contract_decision/confirm" -H "$(bearer "$second")"
expect_status 201 "sign the contract"
expect_json .signed_by "${ID[ossi]}"
expect_json .proposed_by "${ID[olga]}"
contract=$(jq -r .id <<<"$BODY")
expect_json .value.amount_minor 100000
expect_json .supplier_id "${ID[bolt]}"
expect_json '[.milestones[].state] | join(",")' "planned,planned"
api GET "/api/v1/tenders/$tender"
expect_json .status complete
api GET "/api/v1/tenders?limit=100"
expect_json "[.items[] | select(.id == $tender) | .status] | join(\",\")" complete \
    "the notice board shows a complete tender"

e2e_log "milestones are accepted once"
api POST "/api/v1/contracts/$contract/milestones/1/accept" -H "$(bearer "${TOKEN[bolt]}")"
expect_error 403 forbidden
api POST "/api/v1/contracts/$contract/milestones/1/accept" -H "$(bearer "${TOKEN[oleg]}")"
expect_status 202 "oleg proposes to accept milestone 1"
before=$(db_snapshot)
accept_decision=$(jq -r .id <<<"$BODY")
api POST "/api/v1/decisions/$accept_decision/confirm" -H "$(bearer "${TOKEN[oleg]}")"
expect_error 403 same_officer
expect_unchanged "$before" "oleg's own confirmation of his acceptance"
api POST "/api/v1/decisions/$accept_decision/confirm" "${officer[@]}"
expect_status 201 "accept milestone 1"
expect_json .state accepted
expect_json .accepted_by "${ID[olga]}"
expect_json .proposed_by "${ID[oleg]}"
before=$(db_snapshot)
api POST "/api/v1/contracts/$contract/milestones/1/accept" "${officer[@]}"
expect_error 409 milestone_accepted
api POST "/api/v1/contracts/$contract/milestones/9/accept" "${officer[@]}"
expect_error 404 milestone_not_found
api POST "/api/v1/awards/$award/decline" "${officer[@]}" --data-binary '{"reason": "late"}'
expect_error 409 award_signed
expect_unchanged "$before" "a second acceptance"

e2e_log "the public reads awards and contracts"
api GET "/api/v1/tenders/$tender/awards"
expect_status 200 "awards of the tender"
expect_json .status complete
expect_json '.lots[0].status' contracted
expect_json '[.awards[].state] | join(",")' "declined,signed"
expect_json '.awards[0].decline_reason' "Acme declined to sign the contract"
expect_json '.contracts | length' 1
api GET "/api/v1/awards/$award"
expect_json .state signed
expect_json .bid_id "${BID[bolt]}"
api GET "/api/v1/contracts/$contract"
expect_json '[.milestones[] | "\(.number):\(.amount_minor):\(.state)"] | join(",")' \
    "1:60000:accepted,2:40000:planned"
api GET "/api/v1/awards/999999"
expect_error 404 award_not_found
api GET "/api/v1/contracts/999999"
expect_error 404 contract_not_found

e2e_log "every change is an audit event"
for pair in evaluation.lot_evaluated:2 evaluation.bid_evaluated:5 evaluation.declared:3 evaluation.member_withdrawn:1 \
    evaluation.scored:2 lot.unsuccessful:1 award.made:2 award.declined:1 \
    award.signed:1 contract.signed:1 milestone.accepted:1 decision.proposed:6 \
    decision.confirmed:5 decision.withdrawn:1; do
    count=$(e2e_sql "SELECT COUNT(*) FROM audit_events WHERE action = '${pair%%:*}'")
    [[ $count == "${pair##*:}" ]] || e2e_fail "expected ${pair##*:} ${pair%%:*} events, found $count"
done
[[ $(e2e_sql "SELECT state FROM awards WHERE id = $first_award") == declined ]] ||
    e2e_fail "the first award is not declined in the table"

e2e_log "passed"
