#!/usr/bin/env bash
# Settlement batches over the real `procura serve` and the `procura settle` command: a finance
# user sets the buyer's bank account and prepares a batch over HTTP, approving it herself is
# refused (403 four_eyes) and changes nothing, a second finance user approves, execution posts
# the transfers (not while the server lacks the XSD: 503, nothing changed) and writes a
# pain.001.001.09 file that validates against the XSD (xmllint, when installed) with the right
# NbOfTxs and CtrlSum, executing again changes nothing, the ledger check passes and
# `procura settle status` shows the batch.
#
# What the award part of Procura will produce (tenders, bids, awards signed and declined, a
# contract with accepted milestones, pending bid-security deposits made through the real
# ledger service) is written by tests/settlement/batches/batch_fixture, found beside PROCURA_BIN's
# build tree. Skips (77) without it or without the XSD, naming the missing file.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
xsd="$(cd "$(dirname "$0")/../.." && pwd)/../shared/schemas/iso20022/pain.001.001.09.xsd"
[[ -f $xsd ]] || e2e_skip_because "missing schema file: $xsd"
fixture_bin="$(dirname "$PROCURA_BIN")/../tests/settlement/batches/batch_fixture"
[[ -x $fixture_bin ]] || e2e_skip_because "missing fixture binary: $fixture_bin"

"$PROCURA_BIN" migrate --db "$DB_URL" >/dev/null || e2e_fail "migrate"
fin_a=$(e2e_add_user fin-a finance)
e2e_add_user fin-b finance >/dev/null
e2e_add_user officer-1 officer >/dev/null
e2e_add_user auditor-1 auditor >/dev/null
"$fixture_bin" "$DB_URL" 4 1 >&2 || e2e_fail "batch_fixture"
# First without the schema: execution must refuse before anything moves.
e2e_start_server --pain001-xsd "$e2e_work/missing/pain.001.001.09.xsd"
grep -q "settlement batches cannot be executed.*missing/pain.001.001.09.xsd" "$e2e_server_log" ||
    e2e_fail "the server did not report the missing schema at start-up"
a=$(e2e_login fin-a)
b=$(e2e_login fin-b)
officer=$(e2e_login officer-1)
auditor=$(e2e_login auditor-1)

e2e_log "without a token 401, an officer 403"
api POST /api/v1/settlement/batches --data-binary '{"cutoff":"2026-06-01T00:00:00Z"}'
expect_status 401 "prepare without a token"
api POST /api/v1/settlement/batches -H "$(bearer "$officer")" \
    --data-binary '{"cutoff":"2026-06-01T00:00:00Z"}'
expect_error 403 forbidden_role

e2e_log "the buyer's bank account: a bad IBAN is refused and changes nothing"
before=$(db_snapshot)
api PUT /api/v1/settlement/buyer-accounts -H "$(bearer "$a")" \
    --data-binary '{"buyer_id":"TOWN-1","name":"Town of Example","iban":"DE89370400440532013001"}'
expect_error 422 bad_iban iban
api PUT /api/v1/settlement/buyer-accounts -H "$(bearer "$a")" \
    --data-binary '{"buyer_id":"TOWN-1","name":"Town","iban":"DE89370400440532013000","x":1}'
expect_error 400 unknown_field x
expect_unchanged "$before" "refused buyer accounts"
api PUT /api/v1/settlement/buyer-accounts -H "$(bearer "$a")" \
    --data-binary '{"buyer_id":"TOWN-1","name":"Town of Example","iban":"DE89 3704 0044 0532 0130 00","bic":"DEUTDEFF"}'
expect_status 200 "set the buyer account"
expect_json .iban DE89370400440532013000

e2e_log "finance user A prepares a batch"
api POST /api/v1/settlement/batches -H "$(bearer "$a")" --data-binary '{"cutoff":"soon"}'
expect_error 400 invalid_time cutoff
api POST /api/v1/settlement/batches -H "$(bearer "$a")" \
    --data-binary '{"cutoff":"2026-06-01T00:00:00Z"}'
expect_status 201 "prepare"
batch=$(jq -r .id <<<"$BODY")
[[ $(response_header Location) == "/api/v1/settlement/batches/$batch" ]] || e2e_fail "Location"
expect_json .state prepared
expect_json .item_count 13 "2 payments, 10 refunds, 1 forfeit"
expect_json '[.items[] | select(.kind == "payment")] | length' 2
expect_json '[.items[] | select(.kind == "refund")] | length' 10
expect_json '[.items[] | select(.kind == "forfeit")] | length' 1
expect_json '.skipped[0].code' buyer_without_bank_account
expect_json '.items[0].transfer_id' "stl:$batch:1"
payments_minor=$(jq -r '.totals.per_currency[] | select(.currency == "EUR") | .payments_minor' <<<"$BODY")
expect_json '.totals.per_currency[0].refunds_minor' 50000
[[ $(jq '.totals.per_supplier | length' <<<"$BODY") -ge 1 ]] || e2e_fail "no per-supplier totals"

e2e_log "a batch cancelled before execution frees its items for the next one"
before=$(db_snapshot)
api POST "/api/v1/settlement/batches/$batch/cancel" -H "$(bearer "$a")" --data-binary '{"reason":" "}'
expect_error 422 reason_required reason
api POST "/api/v1/settlement/batches/$batch/cancel" -H "$(bearer "$auditor")" \
    --data-binary '{"reason":"not mine to cancel"}'
expect_error 403 forbidden_role
expect_unchanged "$before" "refused cancellations"
api POST "/api/v1/settlement/batches/$batch/cancel" -H "$(bearer "$b")" \
    --data-binary '{"reason":"the cut-off is to be confirmed"}'
expect_status 200 "cancel"
expect_json .state cancelled
expect_json .cancel_reason "the cut-off is to be confirmed"
api POST "/api/v1/settlement/batches/$batch/approve" -H "$(bearer "$b")"
expect_error 409 batch_not_prepared
api POST /api/v1/settlement/batches -H "$(bearer "$a")" \
    --data-binary '{"cutoff":"2026-06-01T00:00:00Z"}'
expect_status 201 "prepare again"
batch=$(jq -r .id <<<"$BODY")
expect_json .item_count 13 "the cancelled batch's items, again"
expect_json '.items[0].transfer_id' "stl:$batch:1"

e2e_log "A may not approve her own batch (403 four_eyes), nothing changes"
before=$(db_snapshot)
api POST "/api/v1/settlement/batches/$batch/approve" -H "$(bearer "$a")"
expect_error 403 four_eyes
api POST "/api/v1/settlement/batches/$batch/execute" -H "$(bearer "$b")"
expect_error 409 batch_not_approved
api POST "/api/v1/settlement/batches/$batch/approve" -H "$(bearer "$auditor")"
expect_error 403 forbidden_role
expect_unchanged "$before" "refused approvals and executions"

e2e_log "B approves; without the XSD execution is refused (503) and changes nothing"
api POST "/api/v1/settlement/batches/$batch/approve" -H "$(bearer "$b")"
expect_status 200 "approve by B"
expect_json .state approved
api POST "/api/v1/settlement/batches/$batch/approve" -H "$(bearer "$b")"
expect_error 409 batch_not_prepared
before=$(db_snapshot)
api POST "/api/v1/settlement/batches/$batch/execute" -H "$(bearer "$a")"
expect_error 503 schema_unavailable
[[ $(jq -r .error.message <<<"$BODY") == *missing/pain.001.001.09.xsd* ]] ||
    e2e_fail "the refusal does not name the schema file"
expect_unchanged "$before" "an execution without the schema"
e2e_stop_server
e2e_start_server --pain001-xsd "$xsd"

e2e_log "A executes"
api POST "/api/v1/settlement/batches/$batch/execute" -H "$(bearer "$a")"
expect_status 200 "execute"
expect_json .state executed
expect_json '.files | length' 1
file_sha=$(jq -r '.files[0].sha256' <<<"$BODY")
[[ $(e2e_sql "SELECT COUNT(*) FROM money_transfers WHERE batch_id = 'settlement-$batch'") == 13 ]] ||
    e2e_fail "expected 13 settlement transfers"

e2e_log "the bank file: pain.001.001.09, NbOfTxs, CtrlSum, SHA-256 in the audit log"
api GET "/api/v1/settlement/batches/$batch/files/1" -H "$(bearer "$auditor")"
expect_status 200 "download the bank file"
[[ $(response_header Content-Type) == application/xml* ]] || e2e_fail "not application/xml"
cp "$e2e_work/body" "$e2e_work/pain.xml"
[[ $(sha256sum "$e2e_work/pain.xml" | cut -d' ' -f1) == "$file_sha" ]] ||
    e2e_fail "the file's SHA-256 is not the one the batch shows"
[[ $(e2e_sql "SELECT COUNT(*) FROM audit_events WHERE entity_type = 'settlement_file'
              AND payload_json LIKE '%$file_sha%'") == 1 ]] ||
    e2e_fail "no audit event carries the file's SHA-256"
if command -v xmllint >/dev/null; then
    xmllint --noout --schema "$xsd" "$e2e_work/pain.xml" 2>"$e2e_work/xmllint.err" ||
        e2e_fail "xmllint: $(cat "$e2e_work/xmllint.err")"
    nb=$(xmllint --xpath "string(//*[local-name()='GrpHdr']/*[local-name()='NbOfTxs'])" "$e2e_work/pain.xml")
    sum=$(xmllint --xpath "string(//*[local-name()='GrpHdr']/*[local-name()='CtrlSum'])" "$e2e_work/pain.xml")
    e2e_id=$(xmllint --xpath "string((//*[local-name()='EndToEndId'])[1])" "$e2e_work/pain.xml")
    [[ $nb == 2 ]] || e2e_fail "NbOfTxs is $nb, expected 2"
    expected_sum=$(printf '%d.%02d' $((payments_minor / 100)) $((payments_minor % 100)))
    [[ $sum == "$expected_sum" ]] || e2e_fail "CtrlSum is $sum, expected $expected_sum"
    [[ $e2e_id == "stl:$batch:1" ]] || e2e_fail "EndToEndId is $e2e_id"
else
    e2e_log "xmllint is not installed (libxml2-utils): the XSD check is the server's own"
    grep -q "<NbOfTxs>2</NbOfTxs>" "$e2e_work/pain.xml" || e2e_fail "NbOfTxs is not 2"
fi
api GET "/api/v1/settlement/batches/$batch/report.csv" -H "$(bearer "$a")"
expect_status 200 "download the report"
[[ $(response_header Content-Type) == text/csv* ]] || e2e_fail "not text/csv"
[[ $(printf '%s\n' "$BODY" | wc -l) == 14 ]] || e2e_fail "the report should have 14 lines"

api GET /api/v1/settlement/batches -H "$(bearer "$auditor")"
expect_status 200 "list batches"
expect_json '.items | length' 2 "the executed batch and the cancelled one"
expect_json '.items[0].state' executed
api GET "/api/v1/settlement/batches/$batch" -H "$(bearer "$officer")"
expect_error 403 forbidden_role

e2e_log "executing again changes nothing; the ledger check passes"
before=$(db_snapshot)
api POST "/api/v1/settlement/batches/$batch/execute" -H "$(bearer "$b")"
expect_status 200 "execute again"
expect_json .state executed
expect_unchanged "$before" "a second execute"
"$PROCURA_BIN" ledger check --db "$DB_URL" >/dev/null || e2e_fail "ledger check"

e2e_log "the command line: status, four-eyes, nothing left to settle"
out=$("$PROCURA_BIN" settle status --db "$DB_URL" --user fin-b --batch "$batch" <<<"$e2e_password") ||
    e2e_fail "settle status"
[[ $out == "batch $batch: executed"* ]] || e2e_fail "unexpected status: $out"
grep -q "file 1: STL-$batch-1, 2 payments" <<<"$out" || e2e_fail "status shows no file: $out"
if "$PROCURA_BIN" settle prepare --db "$DB_URL" --user fin-a --cutoff 2026-06-01T00:00:00Z \
    <<<"$e2e_password" >/dev/null 2>"$e2e_work/prepare.err"; then
    e2e_fail "a second prepare found items again"
fi
grep -q "nothing_to_settle" "$e2e_work/prepare.err" || e2e_fail "$(cat "$e2e_work/prepare.err")"
if "$PROCURA_BIN" settle status --db "$DB_URL" --user fin-a <<<"wrong-password-123" \
    >/dev/null 2>"$e2e_work/login.err"; then
    e2e_fail "a wrong password was accepted"
fi
[[ $(wc -l <"$e2e_work/login.err") == 1 ]] || e2e_fail "expected one error line"
[[ $fin_a -gt 0 ]] || e2e_fail "no user id"

e2e_log "passed"
