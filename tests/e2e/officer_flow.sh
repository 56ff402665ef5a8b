#!/usr/bin/env bash
# An officer's whole tender flow against the real server: log in, draft, edit, upload and
# download a document, publish, paginate the public notice board, amend, cancel; then check
# the audit events and their hash chain in the database.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
e2e_start_server

officer_id=$(e2e_add_user olivia officer)
second_officer_id=$(e2e_add_user oscar officer)
third_officer_id=$(e2e_add_user ottilie officer)  # the opening committee has at least 3
token=$(e2e_login olivia)
auth=(-H "$(bearer "$token")")

e2e_log "create a draft"
api POST /api/v1/tenders "${auth[@]}" \
    --data-binary "$(tender_body "Road resurfacing" works "$officer_id" "$second_officer_id" \
        "$third_officer_id")"
expect_status 201 "create draft"
expect_json .status draft
expect_json .version 1
expect_json '.lots | length' 2
expect_json '.lots[1].number' 2
expect_json '.lots[0].budget_minor' 1000000
id=$(jq -r .id <<<"$BODY")
[[ $(response_header Location) == "/api/v1/tenders/$id" ]] || e2e_fail "Location header"

e2e_log "edit the draft with its version"
api PATCH "/api/v1/tenders/$id" "${auth[@]}" \
    --data-binary '{"version": 1, "title": "Road resurfacing, Main Street"}'
expect_status 200 "edit draft"
expect_json .version 2
expect_json .title "Road resurfacing, Main Street"

e2e_log "upload a document and download it back"
document="$e2e_work/specification.bin"
head -c 300000 /dev/urandom >"$document"
document_sha=$(sha256sum "$document" | cut -d' ' -f1)
upload_query="filename=specification.pdf&title=Technical%20specification"
api POST "/api/v1/tenders/$id/documents?$upload_query" "${auth[@]}" \
    -H 'Content-Type: application/pdf' --data-binary "@$document"
expect_status 201 "upload document"
expect_json .sha256 "$document_sha"
expect_json .size_bytes 300000
expect_json .title "Technical specification"
document_url=$(jq -r .url <<<"$BODY")
downloaded="$e2e_work/downloaded.bin"
download_status=$(curl -sS -o "$downloaded" -D "$e2e_work/download_headers" \
    -w '%{http_code}' "${auth[@]}" "$BASE$document_url")
[[ $download_status == 200 ]] || e2e_fail "download: HTTP $download_status"
[[ $(sha256sum "$downloaded" | cut -d' ' -f1) == "$document_sha" ]] ||
    e2e_fail "downloaded bytes differ from the upload"
grep -qi '^content-type: application/pdf' "$e2e_work/download_headers" ||
    e2e_fail "download Content-Type"
grep -qi "^etag: \"$document_sha\"" "$e2e_work/download_headers" || e2e_fail "download ETag"
grep -qi '^content-disposition: attachment; filename="specification.pdf"' \
    "$e2e_work/download_headers" || e2e_fail "download Content-Disposition"

e2e_log "the draft is invisible to the public, visible to officers"
api GET "/api/v1/tenders/$id"
expect_error 404 tender_not_found
api GET "$document_url"
expect_status 404 "anonymous document download of a draft"
api GET "/api/v1/tenders?limit=100"
expect_status 200 "anonymous list"
expect_json "[.items[].id] | index($id)" null "draft absent from the anonymous list"
api GET "/api/v1/tenders/$id" "${auth[@]}"
expect_status 200 "officer reads the draft"
api GET "/api/v1/tenders?limit=100" "${auth[@]}"
expect_json "[.items[].id] | index($id) != null" true "draft in the officer's list"

e2e_log "publish"
api POST "/api/v1/tenders/$id/publish" "${auth[@]}" --data-binary '{"version": 3}'
expect_status 200 "publish"
expect_json .status active.enquiries
expect_json .version 4
api GET "/api/v1/tenders/$id"
expect_status 200 "anonymous read after publication"
expect_json '.documents[0].sha256' "$document_sha"

e2e_log "anonymous list, filters and cursor pagination"
published_ids=("$id")
for n in 1 2 3 4; do
    category=goods
    ((n % 2 == 0)) && category=services
    api POST /api/v1/tenders "${auth[@]}" \
        --data-binary "$(tender_body "Supply $n" "$category" "$officer_id" "$second_officer_id" \
            "$third_officer_id")"
    expect_status 201 "create tender $n"
    other=$(jq -r .id <<<"$BODY")
    api POST "/api/v1/tenders/$other/publish" "${auth[@]}"
    expect_status 200 "publish tender $n"
    published_ids+=("$other")
done
# One more draft that must never appear to the public.
api POST /api/v1/tenders "${auth[@]}" --data-binary '{"title": "Unpublished", "buyer": {"id": "TOWN-1"}}'
expect_status 201 "create a second draft"
draft_id=$(jq -r .id <<<"$BODY")

seen=()
cursor=""
pages=0
while :; do
    query="limit=2"
    [[ -n $cursor ]] && query+="&cursor=$cursor"
    api GET "/api/v1/tenders?$query"
    expect_status 200 "list page $pages"
    count=$(jq '.items | length' <<<"$BODY")
    ((count <= 2)) || e2e_fail "page of $count items with limit=2"
    mapfile -t page_ids < <(jq -r '.items[].id' <<<"$BODY")
    seen+=("${page_ids[@]}")
    pages=$((pages + 1))
    cursor=$(jq -r '.next_cursor // empty' <<<"$BODY")
    [[ -z $cursor ]] && break
    ((pages < 10)) || e2e_fail "pagination does not end"
done
((pages >= 3)) || e2e_fail "5 tenders with limit=2 took $pages pages"
[[ $(printf '%s\n' "${seen[@]}" | sort -n | uniq -d) == "" ]] || e2e_fail "duplicates across pages"
[[ $(printf '%s\n' "${seen[@]}" | sort -n | tr '\n' ' ') == \
    "$(printf '%s\n' "${published_ids[@]}" | sort -n | tr '\n' ' ')" ]] ||
    e2e_fail "pages hold ${seen[*]}, expected ${published_ids[*]}"
previous=""
for one in "${seen[@]}"; do
    [[ -z $previous ]] || ((one < previous)) || e2e_fail "list is not newest first"
    previous=$one
done
[[ " ${seen[*]} " != *" $draft_id "* ]] || e2e_fail "a draft appeared on the public board"

api GET "/api/v1/tenders?category=goods&limit=100"
expect_status 200 "filter by category"
expect_json '[.items[].category] | unique | join(",")' goods
expect_json '.items | length' 2
api GET "/api/v1/tenders?status=active.enquiries&q=supply&limit=100"
expect_status 200 "filter by status and text"
expect_json '.items | length' 4
api GET "/api/v1/tenders?status=closed"
expect_json '.items | length' 0 "no closed tenders yet"

e2e_log "amend"
api POST "/api/v1/tenders/$id/amendments" "${auth[@]}" --data-binary "$(jq -cn '{
    version: 4, rationale: "Clarify the surface",
    changes: {description: "Resurface with porous asphalt"}}')"
expect_status 201 "amend"
expect_json .version 5
expect_json '.amendments | length' 1
expect_json '.amendments[0].number' 1
expect_json '.amendments[0].tender_version' 5
api GET "/api/v1/tenders/$id"
expect_json '.amendments[0].rationale' "Clarify the surface" "amendment visible publicly"
expect_json '.amendments[0].changes.description' "Resurface with porous asphalt"
expect_json .description "Resurface with porous asphalt"

e2e_log "cancel"
api POST "/api/v1/tenders/$id/cancel" "${auth[@]}" --data-binary '{"reason": "Budget withdrawn"}'
expect_status 200 "cancel"
expect_json .status cancelled
expect_json .cancel_reason "Budget withdrawn"
api GET "/api/v1/tenders/$id"
expect_json .status cancelled "cancelled tender visible publicly"

e2e_log "audit events and their hash chain"
actions=$(e2e_sql "SELECT GROUP_CONCAT(action ORDER BY seq SEPARATOR ' ') FROM audit_events
                   WHERE entity_type = 'tender' AND entity_id = $id")
expected="tender.drafted tender.edited tender.document_added tender.published"
expected+=" tender.amended tender.cancelled"
[[ $actions == "$expected" ]] || e2e_fail "audit actions for tender $id: '$actions'"
versions=$(e2e_sql "SELECT GROUP_CONCAT(entity_version ORDER BY seq SEPARATOR ' ')
                    FROM audit_events WHERE entity_type = 'tender' AND entity_id = $id")
[[ $versions == "1 2 3 4 5 6" ]] || e2e_fail "audit entity versions: '$versions'"
previous_hash=$(printf '0%.0s' {1..64})
rows=0
while read -r seq prev_hash hash; do
    rows=$((rows + 1))
    ((seq == rows)) || e2e_fail "audit seq $seq where $rows was expected (gap)"
    [[ $prev_hash == "$previous_hash" ]] ||
        e2e_fail "audit event $seq: prev_hash does not equal the previous event's hash"
    previous_hash=$hash
done < <(e2e_sql "SELECT seq, HEX(prev_hash), HEX(hash) FROM audit_events ORDER BY seq")
((rows >= 16)) || e2e_fail "only $rows audit events"
head=$(e2e_sql "SELECT CONCAT(seq, ' ', HEX(hash)) FROM audit_head")
[[ $head == "$rows $previous_hash" ]] || e2e_fail "audit_head '$head' is not the last event"

e2e_log "passed"
