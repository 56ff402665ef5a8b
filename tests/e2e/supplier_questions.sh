#!/usr/bin/env bash
# Clarification questions: a supplier asks during the enquiry period, an officer answers, the
# public sees question and answer without anything that identifies the supplier, and a
# supplier cannot answer.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
e2e_start_server

officer_id=$(e2e_add_user olivia officer)
member_ids=("$(e2e_add_user oona officer)" "$(e2e_add_user orla officer)")  # a committee of 3
supplier_name="acme-roadworks-ltd"
supplier_id=$(e2e_add_user "$supplier_name" supplier)
officer=(-H "$(bearer "$(e2e_login olivia)")")
supplier=(-H "$(bearer "$(e2e_login "$supplier_name")")")

api POST /api/v1/tenders "${officer[@]}" \
    --data-binary "$(tender_body "Bridge repair" works "$officer_id" "${member_ids[@]}")"
expect_status 201 "create draft"
id=$(jq -r .id <<<"$BODY")

e2e_log "a draft takes no questions"
api POST "/api/v1/tenders/$id/questions" "${supplier[@]}" --data-binary '{"text": "Early?"}'
expect_status 404 "question on a draft"

api POST "/api/v1/tenders/$id/publish" "${officer[@]}"
expect_status 200 "publish"
expect_json .status active.enquiries

e2e_log "the supplier asks"
api POST "/api/v1/tenders/$id/questions" "${supplier[@]}" \
    --data-binary '{"text": "Does lot one include the approach ramps?"}'
expect_status 201 "ask"
expect_json .text "Does lot one include the approach ramps?"
expect_json .answer null
expect_json 'keys | join(",")' "answer,answered_at,asked_at,id,text" "question JSON members"
question_id=$(jq -r .id <<<"$BODY")

e2e_log "an officer cannot ask; a supplier cannot answer"
api POST "/api/v1/tenders/$id/questions" "${officer[@]}" --data-binary '{"text": "Me?"}'
expect_error 403 forbidden
before=$(db_snapshot)
api POST "/api/v1/tenders/$id/questions/$question_id/answer" "${supplier[@]}" \
    --data-binary '{"answer": "Yes"}'
expect_error 403 forbidden
expect_unchanged "$before" "a supplier's answer"

e2e_log "the officer answers, once"
api POST "/api/v1/tenders/$id/questions/$question_id/answer" "${officer[@]}" \
    --data-binary '{"answer": "Yes, both ramps are part of lot one."}'
expect_status 200 "answer"
expect_json .answer "Yes, both ramps are part of lot one."
[[ $(jq -r .answered_at <<<"$BODY") != null ]] || e2e_fail "answered_at is null"
before=$(db_snapshot)
api POST "/api/v1/tenders/$id/questions/$question_id/answer" "${officer[@]}" \
    --data-binary '{"answer": "Again"}'
expect_error 409 already_answered
expect_unchanged "$before" "a second answer"

e2e_log "the public sees the question and answer, not the asker"
api GET "/api/v1/tenders/$id"
expect_status 200 "anonymous read"
expect_json '.questions | length' 1
expect_json '.questions[0].text' "Does lot one include the approach ramps?"
expect_json '.questions[0].answer' "Yes, both ramps are part of lot one."
expect_json '.questions[0] | keys | join(",")' "answer,answered_at,asked_at,id,text"
grep -q "$supplier_name" <<<"$BODY" && e2e_fail "the tender JSON names the asking supplier"
grep -Eqi '"(asker|asker_id|asked_by|user_id|answered_by)"' <<<"$BODY" &&
    e2e_fail "the tender JSON has a user id field"
jq -e --argjson sid "$supplier_id" \
    '[.questions[] | del(.id) | .. | numbers] | index($sid) == null' <<<"$BODY" >/dev/null ||
    e2e_fail "a question carries the supplier's user id"

e2e_log "only officers see who sits on the opening committee"
expect_json '.committee | has("members")' false
expect_json '.committee.size' 3
api GET "/api/v1/tenders/$id" "${supplier[@]}"
expect_status 200 "supplier read"
expect_json '.committee | has("members")' false
api GET "/api/v1/tenders/$id" "${officer[@]}"
expect_status 200 "officer read"
expect_json '.committee.members | length' 3

# The asker is stored for accountability, only in the database.
stored=$(e2e_sql "SELECT asker_id FROM tender_questions WHERE id = $question_id")
[[ $stored == "$supplier_id" ]] || e2e_fail "asker_id not stored: '$stored'"

e2e_log "passed"
