#!/usr/bin/env bash
# Users' certificates over HTTP, checked with independent clients: a supplier makes a key and a
# PKCS#10 request with the stock `openssl req`, registers it with curl, and openssl verifies
# the issued certificate against the CA; a signature made by `openssl cms -sign` with that
# key chains to the CA; after revocation the CRL served by the platform makes
# `openssl verify -crl_check` refuse the certificate. Bad input changes nothing.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
export PROCURA_KEY_PASSPHRASE="e2e key passphrase"
keys="$e2e_work/keys"
w="$e2e_work"
"$PROCURA_BIN" keys init --key-dir "$keys" >/dev/null || e2e_fail "keys init failed"

e2e_log "without the platform keys the certificate routes answer 503"
e2e_start_server
api GET /api/v1/pki/crl.pem
expect_error 503 pki_not_initialised
e2e_stop_server

e2e_start_server --key-dir "$keys"
supplier_id=$(e2e_add_user sigrid supplier)
other_id=$(e2e_add_user oskar supplier)
admin_id=$(e2e_add_user ada admin)
supplier=(-H "$(bearer "$(e2e_login sigrid)")")
other=(-H "$(bearer "$(e2e_login oskar)")")
admin=(-H "$(bearer "$(e2e_login ada)")")
curl -sf "$BASE/api/v1/pki/ca.pem" -o "$w/ca.pem" || e2e_fail "GET ca.pem"

# make_csr NAME [KEY OPTIONS]: NAME.key and NAME.csr by openssl req.
make_csr() {
    openssl req -new -newkey "${2:-ec}" ${3:+-pkeyopt "$3"} -nodes -keyout "$w/$1.key" \
        -subj "/CN=$1/O=Ignored" -out "$w/$1.csr" 2>/dev/null || e2e_fail "openssl req $1"
}
csr_body() { jq -Rsc '{csr: .}' "$w/$1.csr"; }

e2e_log "register: openssl req -> POST /api/v1/certificates -> openssl verify"
make_csr sigrid ec ec_paramgen_curve:P-256
api POST /api/v1/certificates "${supplier[@]}" --data-binary "$(csr_body sigrid)"
expect_status 201 "register a certificate"
expect_json .user_id "$supplier_id"
expect_json .status active
expect_json .revocation null
serial=$(jq -r .serial <<<"$BODY")
[[ $(response_header Location) == "/api/v1/certificates/$serial" ]] || e2e_fail "Location header"
jq -j .pem <<<"$BODY" >"$w/sigrid.pem"
openssl verify -CAfile "$w/ca.pem" "$w/sigrid.pem" >/dev/null ||
    e2e_fail "openssl verify refused the issued certificate"
subject=$(openssl x509 -in "$w/sigrid.pem" -noout -subject -nameopt RFC2253)
[[ $subject == *"UID=$supplier_id"* && $subject == *"CN=sigrid"* && $subject != *Ignored* ]] ||
    e2e_fail "subject should carry the user id and not the request's own subject: $subject"
[[ $(openssl x509 -in "$w/sigrid.pem" -noout -pubkey) == $(openssl pkey -in "$w/sigrid.key" -pubout) ]] ||
    e2e_fail "the certificate does not carry the requested key"

e2e_log "anyone can download it; the holder lists it"
curl -sf "$BASE/api/v1/certificates/$serial/pem" -o "$w/downloaded.pem" || e2e_fail "GET pem"
cmp -s "$w/downloaded.pem" "$w/sigrid.pem" || e2e_fail "downloaded PEM differs"
api GET "/api/v1/certificates/${serial,,}"
expect_status 200 "lookup by lower-case serial"
expect_json .serial "$serial"
api GET "/api/v1/users/$supplier_id/certificates" "${supplier[@]}"
expect_status 200 "the holder lists"
expect_json '.items | length' 1
api GET "/api/v1/users/$supplier_id/certificates" "${other[@]}"
expect_error 403 forbidden

e2e_log "a signature by openssl cms -sign with the registered key chains to the CA"
printf 'bid for tender 1' >"$w/bid"
openssl cms -sign -nodetach -binary -in "$w/bid" -signer "$w/sigrid.pem" -inkey "$w/sigrid.key" \
    -md sha256 -outform DER -out "$w/bid.p7s" 2>/dev/null || e2e_fail "openssl cms -sign"
openssl cms -verify -binary -inform DER -in "$w/bid.p7s" -CAfile "$w/ca.pem" -purpose any \
    -out /dev/null 2>/dev/null || e2e_fail "openssl cms -verify refused the signature"

e2e_log "bad input is refused and changes nothing"
before=$(db_snapshot)
make_csr second ec ec_paramgen_curve:P-256
api POST /api/v1/certificates "${supplier[@]}" --data-binary "$(csr_body second)"
expect_error 409 certificate_active csr
api POST /api/v1/certificates "${other[@]}" --data-binary "$(csr_body sigrid)"
expect_error 409 key_already_registered csr
make_csr weak rsa:1024
api POST /api/v1/certificates "${other[@]}" --data-binary "$(csr_body weak)"
expect_error 400 weak_key csr
api POST /api/v1/certificates "${other[@]}" --data-binary '{"csr": "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"}'
expect_error 400 bad_csr csr
api POST /api/v1/certificates "${other[@]}" --data-binary '{"csr": ""}'
expect_error 422 csr_required csr
api POST /api/v1/certificates "${other[@]}" --data-binary '{"csr": 42}'
expect_error 400 invalid_type csr
api POST /api/v1/certificates "${other[@]}" --data-binary '{"csr": "x", "user_id": 1}'
expect_error 400 unknown_field user_id
api POST /api/v1/certificates "${other[@]}" --data-binary "$(printf '%.0s[' {1..5000})"
expect_error 400 malformed_json
api POST /api/v1/certificates "${other[@]}" -H 'Content-Type: text/plain' --data-binary 'x'
[[ $STATUS == 4* ]] || e2e_fail "a non-JSON body got HTTP $STATUS"
api POST /api/v1/certificates --data-binary "$(csr_body second)"
expect_status 401 "registration without a token"
api POST "/api/v1/certificates/$serial/revoke" "${other[@]}" --data-binary '{"reason": "keyCompromise"}'
expect_error 403 forbidden
api POST "/api/v1/certificates/$serial/revoke" "${supplier[@]}" --data-binary '{"reason": "stolen"}'
expect_error 422 bad_reason reason
api GET /api/v1/certificates/not-hex
expect_error 400 bad_serial serial
api GET /api/v1/certificates/ABCDEF
expect_error 404 certificate_not_found
expect_unchanged "$before" "refused certificate requests"

e2e_log "revocation: the CRL makes openssl verify -crl_check refuse the certificate"
curl -sf "$BASE/api/v1/pki/crl.pem" -o "$w/crl0.pem" || e2e_fail "GET crl.pem"
openssl verify -crl_check -CRLfile "$w/crl0.pem" -CAfile "$w/ca.pem" "$w/sigrid.pem" >/dev/null ||
    e2e_fail "an unrevoked certificate failed the CRL check"
api POST "/api/v1/certificates/$serial/revoke" "${supplier[@]}" --data-binary '{"reason": "keyCompromise"}'
expect_status 200 "revoke"
expect_json .status revoked
expect_json .revocation.reason keyCompromise
expect_json .revocation.revoked_by "$supplier_id"
api POST "/api/v1/certificates/$serial/revoke" "${admin[@]}" --data-binary '{"reason": "superseded"}'
expect_error 409 already_revoked
curl -sf "$BASE/api/v1/pki/crl.pem" -o "$w/crl.pem" || e2e_fail "GET crl.pem"
openssl crl -in "$w/crl.pem" -CAfile "$w/ca.pem" -noout 2>&1 | grep -q "verify OK" ||
    e2e_fail "the CRL's signature does not verify against the CA"
if openssl verify -crl_check -CRLfile "$w/crl.pem" -CAfile "$w/ca.pem" "$w/sigrid.pem" \
    >"$w/verify.out" 2>&1; then
    e2e_fail "openssl accepted a revoked certificate"
fi
grep -q "certificate revoked" "$w/verify.out" || e2e_fail "unexpected refusal: $(cat "$w/verify.out")"

e2e_log "after revocation the holder registers a new key; an admin may revoke it"
api POST /api/v1/certificates "${supplier[@]}" --data-binary "$(csr_body second)"
expect_status 201 "renewal"
second_serial=$(jq -r .serial <<<"$BODY")
api POST "/api/v1/certificates/$second_serial/revoke" "${admin[@]}" --data-binary '{"reason": "affiliationChanged"}'
expect_status 200 "an admin revokes"
expect_json .revocation.revoked_by "$admin_id"
api GET "/api/v1/users/$supplier_id/certificates" "${admin[@]}"
expect_json '[.items[].status] | join(",")' "revoked,revoked" "both certificates revoked"

e2e_log "every change is on the audit chain"
count=$(e2e_sql "SELECT COUNT(*) FROM audit_events WHERE entity_type = 'certificate'")
[[ $count == 4 ]] || e2e_fail "expected 4 certificate audit events, found $count"

e2e_log "passed"
