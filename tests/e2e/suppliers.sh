#!/usr/bin/env bash
# The supplier registry over HTTP: public self-registration (IBAN mod-97, BIC, every field
# checked, duplicates refused, nothing stored on refusal), an inactive login until an officer
# approves, rejection with a reason, who may read and review, and the registration rate limit.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
e2e_start_server --registration-rate 0.2 --registration-burst 20
e2e_add_user olivia officer >/dev/null
officer=(-H "$(bearer "$(e2e_login olivia)")")

# registration NAME NUMBER IBAN: a registration body.
registration() {
    jq -cn --arg user "$1" --arg number "$2" --arg iban "$3" '{
        organisation_name: "Acme Roadworks GmbH", registration_number: $number,
        address: {street: "Hauptstrasse 1", postal_code: "10115", city: "Berlin", country: "DE"},
        contact: {name: "Ada Acme", email: "ada@acme.example", phone: "+49 30 1234567"},
        bank_account: {iban: $iban, bic: "DEUTDEFF"},
        username: $user, password: "supplier-password-1"}'
}
good_iban="DE89 3704 0044 0532 0130 00"

e2e_log "bad registrations are refused, naming the field, and store nothing"
before=$(db_snapshot)
api POST /api/v1/suppliers --data-binary "$(registration acme HRB-1 "DE89 3704 0044 0532 0130 01")"
expect_error 422 bad_iban bank_account.iban
api POST /api/v1/suppliers --data-binary "$(registration acme HRB-1 "DE89 3704 0044 0532 0130")"
expect_error 422 bad_iban bank_account.iban
api POST /api/v1/suppliers --data-binary "$(registration acme HRB-1 "$good_iban" | jq -c '.bank_account.bic = "DEUT"')"
expect_error 422 bad_bic bank_account.bic
api POST /api/v1/suppliers --data-binary "$(registration acme HRB-1 "$good_iban" | jq -c 'del(.contact.email)')"
expect_error 400 missing_field contact.email
api POST /api/v1/suppliers --data-binary "$(registration acme HRB-1 "$good_iban" | jq -c '.extra = 1')"
expect_error 400 unknown_field extra
api POST /api/v1/suppliers --data-binary "$(registration acme HRB-1 "$good_iban" | jq -c '.address.country = 7')"
expect_error 400 invalid_type address.country
api POST /api/v1/suppliers --data-binary "$(registration acme HRB-1 "$good_iban" | jq -c '.contact.email = "not-an-email"')"
expect_error 422 bad_email contact.email
api POST /api/v1/suppliers --data-binary '{"organisation_name": '
expect_error 400 malformed_json
expect_unchanged "$before" "refused registrations"

e2e_log "a registration makes a pending supplier whose login is inactive"
api POST /api/v1/suppliers --data-binary "$(registration acme HRB-1 "$good_iban")"
expect_status 201 "register acme"
expect_json .status pending
expect_json .bank_account.iban DE89370400440532013000
acme=$(jq -r .id <<<"$BODY")
api POST /api/v1/auth/login --data-binary '{"username": "acme", "password": "supplier-password-1"}'
expect_status 401 "login before approval"
api POST /api/v1/suppliers --data-binary "$(registration acme2 hrb-1 "$good_iban")"
expect_error 409 registration_number_taken registration_number
api POST /api/v1/suppliers --data-binary "$(registration acme HRB-2 "$good_iban")"
expect_error 409 username_taken username
api POST /api/v1/suppliers --data-binary "$(registration bolt HRB-3 "GB82 WEST 1234 5698 7654 32")"
expect_status 201 "register bolt"
bolt=$(jq -r .id <<<"$BODY")

e2e_log "officers list and review; others cannot"
api GET "/api/v1/suppliers?status=pending" "${officer[@]}"
expect_json '[.items[].registration_number] | join(",")' "HRB-1,HRB-3"
api GET "/api/v1/suppliers?status=bogus" "${officer[@]}"
expect_error 400 unknown_value status
api POST "/api/v1/suppliers/$acme/approve"
expect_status 401 "approval without a token"
api POST "/api/v1/suppliers/$acme/approve" "${officer[@]}"
expect_status 200 "approve acme"
expect_json .status approved
api POST "/api/v1/suppliers/$acme/approve" "${officer[@]}"
expect_error 409 supplier_not_pending
api POST /api/v1/auth/login --data-binary '{"username": "acme", "password": "supplier-password-1"}'
expect_status 200 "an approved supplier logs in"
acme_token=$(jq -r .token <<<"$BODY")
api GET "/api/v1/suppliers/$acme" -H "$(bearer "$acme_token")"
expect_status 200 "acme reads its own record"
api GET "/api/v1/suppliers/$bolt" -H "$(bearer "$acme_token")"
expect_error 403 forbidden
api POST "/api/v1/suppliers/$bolt/approve" -H "$(bearer "$acme_token")"
expect_error 403 forbidden
api POST "/api/v1/suppliers/$bolt/reject" "${officer[@]}" --data-binary '{"reason": "not registered in the EU"}'
expect_status 200 "reject bolt"
expect_json .review.reason "not registered in the EU"
api POST /api/v1/auth/login --data-binary '{"username": "bolt", "password": "supplier-password-1"}'
expect_status 401 "a rejected supplier cannot log in"

e2e_log "registrations are rate-limited per address"
codes=$(for i in $(seq 1 25); do
    curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
        --data-binary "$(registration "flood$i" "FLOOD-$i" "$good_iban")" "$BASE/api/v1/suppliers"
done | sort | uniq -c)
grep -qE '^ *[0-9]+ 429$' <<<"$codes" || e2e_fail "no 429 in a burst of registrations: $codes"

e2e_log "passed"
