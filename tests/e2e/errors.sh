#!/usr/bin/env bash
# Bad input never hurts: each refusal gets its HTTP status and a JSON error naming the problem,
# and leaves the database exactly as it was (CHECKSUM TABLE of every table, and the audit
# head, before and after).
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

readonly body_bytes_max=1024

e2e_setup
e2e_start_server --body-bytes-max "$body_bytes_max"

officer_id=$(e2e_add_user olivia officer)
member_ids=("$(e2e_add_user oona officer)" "$(e2e_add_user orla officer)")  # a committee of 3
e2e_add_user sam-supplies supplier >/dev/null
officer=(-H "$(bearer "$(e2e_login olivia)")")
supplier=(-H "$(bearer "$(e2e_login sam-supplies)")")
valid_tender=$(tender_body "Street lighting" works "$officer_id" "${member_ids[@]}")

api POST /api/v1/tenders "${officer[@]}" --data-binary "$valid_tender"
expect_status 201 "create draft"
draft_id=$(jq -r .id <<<"$BODY")
api POST /api/v1/tenders "${officer[@]}" --data-binary "$valid_tender"
expect_status 201 "create second draft"
published_id=$(jq -r .id <<<"$BODY")
api POST "/api/v1/tenders/$published_id/publish" "${officer[@]}"
expect_status 200 "publish"
out_of_order=$(jq -c --arg e "$(in_days 25)" '.enquiry_deadline = $e' <<<"$valid_tender")
api POST /api/v1/tenders "${officer[@]}" --data-binary "$out_of_order"
expect_status 201 "create a draft with deadlines out of order"
disordered_id=$(jq -r .id <<<"$BODY")

# refuse WHAT STATUS CODE FIELD METHOD PATH [curl args...]: the request is refused as stated
# and the database is unchanged. FIELD "-" skips the field check.
refuse() {
    local what=$1 status=$2 code=$3 field=$4 method=$5 path=$6
    shift 6
    local before
    before=$(db_snapshot)
    api "$method" "$path" "$@"
    if [[ $field == - ]]; then
        expect_error "$status" "$code" "" "$what"
    else
        expect_error "$status" "$code" "$field" "$what"
    fi
    expect_unchanged "$before" "$what"
    e2e_log "refused as expected: $what -> $status $code"
}

refuse "malformed JSON" 400 malformed_json "" \
    POST /api/v1/tenders "${officer[@]}" --data-binary '{"title": "Lamps",'
refuse "a JSON array body" 400 invalid_type "" \
    POST /api/v1/tenders "${officer[@]}" --data-binary '[1, 2]'

refuse "no token" 401 missing_token "" POST /api/v1/tenders --data-binary "$valid_tender"
[[ $(response_header WWW-Authenticate) == Bearer* ]] || e2e_fail "401 without WWW-Authenticate"
refuse "an unknown token" 401 invalid_token "" \
    POST /api/v1/tenders -H "$(bearer not-a-token)" --data-binary "$valid_tender"
[[ $(response_header WWW-Authenticate) == Bearer* ]] || e2e_fail "401 without WWW-Authenticate"

refuse "a supplier creating a tender" 403 forbidden - \
    POST /api/v1/tenders "${supplier[@]}" --data-binary "$valid_tender"
refuse "a supplier publishing" 403 forbidden - \
    POST "/api/v1/tenders/$draft_id/publish" "${supplier[@]}"

refuse "publishing twice" 409 already_published - \
    POST "/api/v1/tenders/$published_id/publish" "${officer[@]}"
refuse "editing a published tender" 409 not_draft - \
    PATCH "/api/v1/tenders/$published_id" "${officer[@]}" --data-binary '{"version": 2}'
refuse "a stale version" 409 stale_version version \
    PATCH "/api/v1/tenders/$draft_id" "${officer[@]}" --data-binary '{"version": 7, "title": "X"}'

oversized=$(jq -cn --arg d "$(head -c 2000 /dev/zero | tr '\0' 'x')" '{description: $d}')
refuse "a body over --body-bytes-max" 413 body_too_large "" \
    POST /api/v1/tenders "${officer[@]}" --data-binary "$oversized"
refuse "an oversized amendment" 413 body_too_large "" \
    POST "/api/v1/tenders/$published_id/amendments" "${officer[@]}" --data-binary "$oversized"

before=$(db_snapshot)
api POST "/api/v1/tenders/$disordered_id/publish" "${officer[@]}"
expect_status 422 "deadlines out of order"
field=$(jq -r .error.field <<<"$BODY")
[[ $field == enquiry_deadline || $field == submission_deadline ]] ||
    e2e_fail "deadlines out of order named field '$field'"
expect_unchanged "$before" "deadlines out of order"
e2e_log "refused as expected: deadlines out of order -> 422 naming $field"

refuse "an unknown category" 400 unknown_value category \
    POST /api/v1/tenders "${officer[@]}" \
    --data-binary "$(jq -c '.category = "food"' <<<"$valid_tender")"
refuse "an unknown evaluation method" 400 unknown_value evaluation.method \
    POST /api/v1/tenders "${officer[@]}" \
    --data-binary "$(jq -c '.evaluation.method = "cheapest"' <<<"$valid_tender")"
refuse "an unknown status filter" 400 unknown_value status GET "/api/v1/tenders?status=open"

refuse "a budget as a string" 400 invalid_type "lots[1].budget_minor" \
    POST /api/v1/tenders "${officer[@]}" \
    --data-binary "$(jq -c '.lots[1].budget_minor = "250000"' <<<"$valid_tender")"
refuse "a fractional amount" 400 invalid_type bid_security_minor \
    POST /api/v1/tenders "${officer[@]}" \
    --data-binary "$(jq -c '.bid_security_minor = 50.5' <<<"$valid_tender")"
refuse "a deadline that is not RFC 3339" 400 invalid_time submission_deadline \
    POST /api/v1/tenders "${officer[@]}" \
    --data-binary "$(jq -c '.submission_deadline = "next Friday"' <<<"$valid_tender")"
refuse "an unknown field" 400 unknown_field colour \
    POST /api/v1/tenders "${officer[@]}" \
    --data-binary "$(jq -c '.colour = "red"' <<<"$valid_tender")"
refuse "a non-numeric limit" 400 invalid_parameter limit GET "/api/v1/tenders?limit=ten"
refuse "a limit over 100" 400 invalid_parameter limit GET "/api/v1/tenders?limit=101"

refuse "a non-numeric tender id" 404 not_found "" GET /api/v1/tenders/abc
refuse "an unknown route" 404 not_found "" GET /api/v1/nothing
refuse "a wrong method" 405 method_not_allowed "" DELETE "/api/v1/tenders/$draft_id"
[[ $(response_header Allow) == "GET, PATCH" ]] || e2e_fail "405 Allow: $(response_header Allow)"

api GET /healthz
expect_status 200 "the server is still healthy"
e2e_log "passed"
