#!/usr/bin/env bash
# Buyer organisations against the real server (issue 16, defect 2): an administrator keeps the
# records and their officers through the API; a tender belongs to the buyer its draft names, and
# an officer of another buyer can neither see its draft nor act on it once published. Every
# refusal leaves the database as it was.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
e2e_start_server

officer_id=$(e2e_add_user olivia officer)
second_id=$(e2e_add_user oscar officer)
third_id=$(e2e_add_user ottilie officer)
# An officer of another buyer only: the e2e buyers are not his.
other_id=$(E2E_OFFICER_BUYERS="" e2e_add_user mallory officer)
e2e_add_user ada admin >/dev/null
e2e_add_user sam supplier >/dev/null
admin=(-H "$(bearer "$(e2e_login ada)")")
mine=(-H "$(bearer "$(e2e_login olivia)")")
theirs=(-H "$(bearer "$(e2e_login mallory)")")
supplier=(-H "$(bearer "$(e2e_login sam)")")

e2e_log "only an administrator adds a buyer; refusals change nothing"
before=$(db_snapshot)
buyer='{"identifier":"GB-HEALTH","legal_name":"Ministry of Health","address":"1 Victoria St"}'
api POST /api/v1/buyers "${mine[@]}" --data-binary "$buyer"
expect_error 403 forbidden
api POST /api/v1/buyers "${supplier[@]}" --data-binary "$buyer"
expect_error 403 forbidden
api POST /api/v1/buyers --data-binary "$buyer"
expect_status 401 "anonymous buyer"
api POST /api/v1/buyers "${admin[@]}" \
    --data-binary '{"identifier":"GB HEALTH","legal_name":"X","address":"Y"}'
expect_error 422 invalid_field identifier
api POST /api/v1/buyers "${admin[@]}" --data-binary '{"identifier":"GB-H","legal_name":"X"}'
expect_error 400 missing_field address
api POST /api/v1/buyers "${admin[@]}" \
    --data-binary '{"identifier":"GB-H","legal_name":"X","address":"Y","bank":1}'
expect_error 400 unknown_field bank
api POST /api/v1/buyers "${admin[@]}" \
    --data-binary '{"identifier":"TOWN-1","legal_name":"X","address":"Y"}'
expect_error 409 buyer_exists identifier
expect_unchanged "$before" "refused buyer additions"
api POST /api/v1/buyers "${admin[@]}" --data-binary "$buyer"
expect_status 201 "add a buyer"
expect_json .version 1
[[ $(response_header Location) == /api/v1/buyers/GB-HEALTH ]] || e2e_fail "Location header"

e2e_log "membership: an active officer, at the buyer's version"
before=$(db_snapshot)
api POST /api/v1/buyers/GB-HEALTH/officers "${admin[@]}" \
    --data-binary "$(jq -cn --argjson u "$other_id" '{version: 9, user_id: $u}')"
expect_error 409 stale_version version
api POST /api/v1/buyers/GB-HEALTH/officers "${admin[@]}" \
    --data-binary '{"version": 1, "user_id": 999999}'
expect_error 422 not_an_officer user_id
api POST /api/v1/buyers/GB-HEALTH/officers "${mine[@]}" \
    --data-binary "$(jq -cn --argjson u "$officer_id" '{version: 1, user_id: $u}')"
expect_error 403 forbidden
expect_unchanged "$before" "refused memberships"
api POST /api/v1/buyers/GB-HEALTH/officers "${admin[@]}" \
    --data-binary "$(jq -cn --argjson u "$other_id" '{version: 1, user_id: $u}')"
expect_status 201 "mallory acts for the Ministry of Health"
expect_json .version 2
expect_json ".officers == [$other_id]" true

e2e_log "the record is public; its members are shown to staff only"
api GET /api/v1/buyers/GB-HEALTH
expect_status 200 "public read"
expect_json .legal_name "Ministry of Health"
expect_json '.officers | length' 0
api GET /api/v1/buyers/GB-HEALTH "${mine[@]}"
expect_json '.officers | length' 1
api GET /api/v1/buyers
expect_status 200 "list"
expect_json '[.items[].identifier] | sort | join(",")' "GB-HEALTH,T-1,TOWN-1"
api GET /api/v1/buyers/NO-SUCH
expect_error 404 buyer_not_found

e2e_log "a draft names a buyer its officer acts for, and keeps it"
body=$(tender_body "Hospital beds" goods "$officer_id" "$second_id" "$third_id")
api POST /api/v1/tenders "${theirs[@]}" --data-binary "$body"
expect_error 403 not_buyer_officer buyer.id
api POST /api/v1/tenders "${mine[@]}" --data-binary "$(jq -c 'del(.buyer)' <<<"$body")"
expect_error 422 missing_field buyer.id
api POST /api/v1/tenders "${mine[@]}" --data-binary "$body"
expect_status 201 "olivia drafts for the Town"
draft=$(jq -r .id <<<"$BODY")
expect_json .buyer.name "Town of Example"
api PATCH "/api/v1/tenders/$draft" "${mine[@]}" \
    --data-binary '{"version": 1, "buyer": {"id": "GB-HEALTH"}}'
expect_error 422 not_amendable buyer.id

e2e_log "another buyer's officer: the draft does not exist for him, and he changes nothing"
before=$(db_snapshot)
api GET "/api/v1/tenders/$draft" "${theirs[@]}"
expect_error 404 tender_not_found
api PATCH "/api/v1/tenders/$draft" "${theirs[@]}" --data-binary '{"version": 1, "title": "Mine"}'
expect_error 404 tender_not_found
api POST "/api/v1/tenders/$draft/publish" "${theirs[@]}"
expect_error 404 tender_not_found
api POST "/api/v1/tenders/$draft/cancel" "${theirs[@]}" --data-binary '{"reason": "Mine now"}'
expect_error 404 tender_not_found
api GET "/api/v1/tenders?status=draft" "${theirs[@]}"
expect_json '.items | length' 0
expect_unchanged "$before" "another buyer's officer on a draft"
api GET "/api/v1/tenders?status=draft" "${mine[@]}"
expect_json '.items | length' 1

e2e_log "once published, another buyer's officer reads it but may not amend or cancel it"
api POST "/api/v1/tenders/$draft/publish" "${mine[@]}"
expect_status 200 "publish"
version=$(jq -r .version <<<"$BODY")
api GET "/api/v1/tenders/$draft" "${theirs[@]}"
expect_status 200 "a public tender"
expect_json '.committee.members' null "the committee is not shown to another buyer's officer"
before=$(db_snapshot)
api POST "/api/v1/tenders/$draft/amendments" "${theirs[@]}" --data-binary "$(jq -cn \
    --argjson v "$version" '{version: $v, rationale: "Taking over", changes: {title: "Mine"}}')"
expect_error 403 not_buyer_officer
api POST "/api/v1/tenders/$draft/cancel" "${theirs[@]}" --data-binary '{"reason": "Stop it"}'
expect_error 403 not_buyer_officer
expect_unchanged "$before" "another buyer's officer on a published tender"

e2e_log "every change of a buyer is an audit event"
[[ $(e2e_sql "SELECT GROUP_CONCAT(action ORDER BY seq) FROM audit_events
              WHERE entity_type = 'buyer' AND actor_user_id <> 0") == \
    "buyer.created,buyer.officer_added" ]] || e2e_fail "buyer audit events"

e2e_log "the command line lists the buyers"
"$PROCURA_BIN" buyer list --db "$DB_URL" | grep -q "GB-HEALTH .* Ministry of Health" ||
    e2e_fail "procura buyer list"
if "$PROCURA_BIN" buyer add --db "$DB_URL" --identifier "bad id" --name X --address Y \
    2>"$e2e_work/err"; then
    e2e_fail "a bad identifier was accepted"
fi
[[ $(wc -l <"$e2e_work/err") -eq 1 ]] || e2e_fail "one readable line expected"

e2e_log "passed"
