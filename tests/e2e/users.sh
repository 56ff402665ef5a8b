#!/usr/bin/env bash
# User administration over HTTP and from the command line (issue 16): an admin creates users
# (with a password, or with a one-time reset code instead), lists and reads them, deactivates
# and activates them, changes roles against a version, and issues reset codes; anyone holding
# a code sets a password once. Every other role gets 403 and anonymous callers 401 on every
# admin route, and a refused call writes nothing: no row and no audit-log leaf (the Merkle
# log's leaves are the audit events, counted by audit_head). A deactivated user's token, and
# one of a user whose role or password changed, stops working at once. No password, code or
# hash reaches the server's log or an audit leaf.
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

e2e_setup
e2e_start_server --password-reset-rate 0.2 --password-reset-burst 20
ada=$(e2e_add_user ada admin)
olga=$(e2e_add_user olga officer)
sam=$(e2e_add_user sam supplier)
e2e_add_user fina finance >/dev/null
e2e_add_user aud auditor >/dev/null
admin=(-H "$(bearer "$(e2e_login ada)")")

leaves() { e2e_sql "SELECT seq FROM audit_head"; }
user_actions() {
    e2e_sql "SELECT action FROM audit_events WHERE entity_type = 'user' AND entity_id = $1
             ORDER BY seq" | paste -sd, -
}

e2e_log "every admin route refuses other roles (403) and anonymous callers (401), writing nothing"
before=$(db_snapshot)
leaves_before=$(leaves)
routes=("POST /api/v1/users" "GET /api/v1/users" "GET /api/v1/users/$olga"
    "POST /api/v1/users/$olga/deactivate" "POST /api/v1/users/$olga/activate"
    "PUT /api/v1/users/$olga/role" "POST /api/v1/users/$olga/password-reset")
for name in olga sam fina aud; do
    token=$(e2e_login "$name")
    for route in "${routes[@]}"; do
        api "${route% *}" "${route#* }" -H "$(bearer "$token")" \
            --data-binary '{"username": "mallory", "role": "admin", "version": 1}'
        expect_error 403 forbidden "" "$name: $route"
    done
done
for route in "${routes[@]}"; do
    api "${route% *}" "${route#* }" --data-binary '{"username": "mallory", "role": "admin"}'
    expect_status 401 "anonymous: $route"
done
# The logins above wrote sessions: compare rows from here on, with every token in hand.
sam_token=$(e2e_login sam)
before=$(db_snapshot)
for route in "${routes[@]}"; do
    api "${route% *}" "${route#* }" -H "$(bearer "$sam_token")" --data-binary '{"role": "admin"}'
    expect_error 403 forbidden "" "supplier: $route"
done
expect_unchanged "$before" "refused admin calls"
[[ $(leaves) == "$leaves_before" ]] || e2e_fail "a refused call wrote an audit-log leaf"

e2e_log "bad input is refused, naming the field, and writes nothing"
before=$(db_snapshot)
api POST /api/v1/users "${admin[@]}" --data-binary '{"username": "nina", "role": "officer", "extra": 1}'
expect_error 400 unknown_field extra
api POST /api/v1/users "${admin[@]}" --data-binary '{"username": "nina", "role": "root"}'
expect_error 400 unknown_value role
api POST /api/v1/users "${admin[@]}" --data-binary '{"username": "nina"}'
expect_error 400 missing_field role
api POST /api/v1/users "${admin[@]}" --data-binary '{"username": "Nina!", "role": "officer"}'
expect_error 422 invalid_username username
api POST /api/v1/users "${admin[@]}" --data-binary "{\"username\": \"$(printf 'n%.0s' {1..65})\", \"role\": \"officer\"}"
expect_error 422 invalid_username username
api POST /api/v1/users "${admin[@]}" --data-binary '{"username": "nina", "role": "officer", "password": "short"}'
expect_error 422 weak_password password
api POST /api/v1/users "${admin[@]}" --data-binary '{"username": "nina", "role": "officer", "password": null}'
expect_error 400 invalid_type password
api POST /api/v1/users "${admin[@]}" --data-binary '{"username": "olga", "role": "officer"}'
expect_error 409 username_taken username
api PUT "/api/v1/users/$olga/role" "${admin[@]}" --data-binary '{"role": "auditor"}'
expect_error 400 missing_field version
api POST "/api/v1/users/$olga/deactivate" "${admin[@]}" --data-binary '{"now": true}'
expect_status 400 "a deactivation takes no input"
api GET /api/v1/users/999999 "${admin[@]}"
expect_error 404 user_not_found
api GET "/api/v1/users?limit=0" "${admin[@]}"
expect_error 400 bad_parameter limit
expect_unchanged "$before" "refused bad input"
[[ $(leaves) == "$leaves_before" ]] || e2e_fail "refused bad input wrote an audit-log leaf"

e2e_log "an admin creates a user with a password"
api POST /api/v1/users "${admin[@]}" --data-binary '{"username": "nina", "role": "finance", "password": "nina-password-1"}'
expect_status 201 "create nina"
expect_json .password_set true
expect_json .version 1
expect_json 'has("reset")' false
nina=$(jq -r .id <<<"$BODY")
[[ $(response_header Location) == "/api/v1/users/$nina" ]] || e2e_fail "Location of nina"
api POST /api/v1/auth/login --data-binary '{"username": "nina", "password": "nina-password-1"}'
expect_status 200 "nina logs in"
[[ $(user_actions "$nina") == user.created ]] || e2e_fail "nina's leaves: $(user_actions "$nina")"

e2e_log "an admin creates a user without a password: a one-time code, shown once"
api POST /api/v1/users "${admin[@]}" --data-binary '{"username": "noel", "role": "officer"}'
expect_status 201 "create noel"
expect_json .password_set false
[[ $(response_header Cache-Control) == no-store ]] || e2e_fail "a reset code must not be cached"
noel=$(jq -r .id <<<"$BODY")
code=$(jq -r .reset.code <<<"$BODY")
[[ $code =~ ^[A-Za-z0-9_-]{43}$ ]] || e2e_fail "the code is not 256 bits in base64url: $code"
[[ $(e2e_sql "SELECT code_hash FROM password_resets WHERE user_id = $noel") == \
    "$(printf '%s' "$code" | sha256sum | cut -d' ' -f1)" ]] || e2e_fail "the code is stored only as its SHA-256"
api GET "/api/v1/users/$noel" "${admin[@]}"
expect_status 200 "read noel"
expect_json .username noel
expect_json 'has("reset")' false
api POST /api/v1/auth/password-reset --data-binary "{\"code\": \"$code\", \"new_password\": \"short\"}"
expect_error 422 weak_password new_password
api POST /api/v1/auth/password-reset --data-binary '{"code": "not-a-code", "new_password": "noel-password-1"}'
expect_error 400 invalid_reset_code code
api POST /api/v1/auth/password-reset --data-binary "{\"code\": \"$code\", \"new_password\": \"noel-password-1\", \"x\": 1}"
expect_error 400 unknown_field x
api POST /api/v1/auth/password-reset --data-binary "{\"code\": \"$code\", \"new_password\": \"noel-password-1\"}"
expect_status 204 "noel sets a password with the code"
api POST /api/v1/auth/login --data-binary '{"username": "noel", "password": "noel-password-1"}'
expect_status 200 "noel logs in"
before=$(db_snapshot)
api POST /api/v1/auth/password-reset --data-binary "{\"code\": \"$code\", \"new_password\": \"noel-password-2\"}"
expect_error 400 reset_code_used code
expect_unchanged "$before" "a used code"
[[ $(user_actions "$noel") == user.created,user.password_reset_issued,user.password_reset ]] ||
    e2e_fail "noel's leaves: $(user_actions "$noel")"

e2e_log "users are listed in pages, without password hashes"
api GET "/api/v1/users?limit=3" "${admin[@]}"
expect_status 200 "first page"
expect_json '.items | length' 3
cursor=$(jq -r .next_cursor <<<"$BODY")
[[ $cursor != null ]] || e2e_fail "a full page has a next cursor"
all=$(jq -c '.items' <<<"$BODY")
while [[ $cursor != null ]]; do
    api GET "/api/v1/users?limit=3&cursor=$cursor" "${admin[@]}"
    expect_status 200 "page after $cursor"
    all=$(jq -c --argjson more "$(jq -c .items <<<"$BODY")" '. + $more' <<<"$all")
    cursor=$(jq -r .next_cursor <<<"$BODY")
done
[[ $(jq -r 'map(.username) | join(",")' <<<"$all") == ada,olga,sam,fina,aud,nina,noel ]] ||
    e2e_fail "the pages hold every user once: $all"
grep -q argon2 <<<"$all" && e2e_fail "a listed user carries a password hash"
[[ $(jq -r 'map(keys) | add | unique | join(",")' <<<"$all") == \
    active,created_at,id,password_set,role,username,version ]] || e2e_fail "unexpected user fields"

e2e_log "a reset code issued by an admin ends the user's sessions when used"
olga_token=$(e2e_login olga)
api POST "/api/v1/users/$olga/password-reset" "${admin[@]}"
expect_status 201 "a code for olga"
olga_code=$(jq -r .code <<<"$BODY")
api GET /api/v1/auth/me -H "$(bearer "$olga_token")"
expect_status 200 "issuing a code ends no session"
api POST /api/v1/auth/password-reset --data-binary "{\"code\": \"$olga_code\", \"new_password\": \"olga-password-2\"}"
expect_status 204 "olga resets her password"
api GET /api/v1/auth/me -H "$(bearer "$olga_token")"
expect_status 401 "olga's old token after the reset"

e2e_log "a deactivated user's token stops working at once; an admin cannot deactivate itself"
olga_token=$(curl -s -H 'Content-Type: application/json' \
    --data-binary '{"username": "olga", "password": "olga-password-2"}' \
    "$BASE/api/v1/auth/login" | jq -r .token)
api GET /api/v1/auth/me -H "$(bearer "$olga_token")"
expect_status 200 "olga's token"
api POST "/api/v1/users/$olga/deactivate" "${admin[@]}"
expect_status 200 "deactivate olga"
expect_json .active false
api GET /api/v1/auth/me -H "$(bearer "$olga_token")"
expect_status 401 "olga's token after the deactivation"
api POST "/api/v1/users/$olga/deactivate" "${admin[@]}"
expect_error 409 already_inactive
api POST "/api/v1/users/$olga/password-reset" "${admin[@]}"
expect_error 409 user_inactive
api POST "/api/v1/users/$olga/activate" "${admin[@]}"
expect_status 200 "activate olga"
expect_json .active true
api GET /api/v1/auth/me -H "$(bearer "$olga_token")"
expect_status 401 "a reactivation does not revive old tokens"
api POST "/api/v1/users/$ada/deactivate" "${admin[@]}"
expect_error 409 own_account

e2e_log "a role change names the version and ends the user's sessions"
api GET "/api/v1/users/$sam" "${admin[@]}"
sam_version=$(jq -r .version <<<"$BODY")
api PUT "/api/v1/users/$sam/role" "${admin[@]}" --data-binary "{\"role\": \"auditor\", \"version\": $((sam_version + 1))}"
expect_error 409 stale_version version
api GET /api/v1/auth/me -H "$(bearer "$sam_token")"
expect_status 200 "a refused change ends no session"
api PUT "/api/v1/users/$sam/role" "${admin[@]}" --data-binary "{\"role\": \"auditor\", \"version\": $sam_version}"
expect_status 200 "sam becomes an auditor"
expect_json .role auditor
expect_json .version $((sam_version + 1))
api GET /api/v1/auth/me -H "$(bearer "$sam_token")"
expect_status 401 "sam's token after the role change"
api PUT "/api/v1/users/$ada/role" "${admin[@]}" --data-binary '{"role": "officer", "version": 1}'
expect_error 409 own_account
[[ $(user_actions "$olga") == user.created,user.password_reset_issued,user.password_reset,user.deactivated,user.activated ]] ||
    e2e_fail "olga's leaves: $(user_actions "$olga")"
[[ $(user_actions "$sam") == user.created,user.role_changed ]] || e2e_fail "sam's leaves: $(user_actions "$sam")"

e2e_log "the command line does the same, with one readable line and exit 1 on bad input"
"$PROCURA_BIN" user --help >/dev/null || e2e_fail "procura user --help"
for sub in add list show set-role deactivate activate reset-password; do
    "$PROCURA_BIN" user "$sub" --help >/dev/null || e2e_fail "procura user $sub --help"
done
cli_fails() {
    local expected=$1 out
    shift
    if out=$("$PROCURA_BIN" user "$@" --db "$DB_URL" 2>&1 </dev/null); then
        e2e_fail "procura user $* succeeded"
    fi
    [[ $(wc -l <<<"$out") == 1 && $out == *"$expected"* ]] ||
        e2e_fail "procura user $*: expected one line naming $expected, got: $out"
}
cli_fails unknown_role add --username cli-user --role root
cli_fails invalid_username add --username 'Bad Name' --role officer
cli_fails user_not_found deactivate --username nobody
cli_fails last_active_admin deactivate --username ada
cli_fails last_active_admin set-role --username ada --role officer
cli_fails stale_version set-role --username nina --role auditor --version 99
out=$("$PROCURA_BIN" user add --db "$DB_URL" --username cleo --role auditor) || e2e_fail "user add without a password"
cleo_code=$(sed -n 's/^reset code .*: //p' <<<"$out")
[[ $cleo_code =~ ^[A-Za-z0-9_-]{43}$ ]] || e2e_fail "user add printed no code: $out"
"$PROCURA_BIN" user set-role --db "$DB_URL" --username nina --role auditor --version 1 >/dev/null ||
    e2e_fail "user set-role"
"$PROCURA_BIN" user deactivate --db "$DB_URL" --username nina >/dev/null || e2e_fail "user deactivate"
"$PROCURA_BIN" user activate --db "$DB_URL" --username nina >/dev/null || e2e_fail "user activate"
out=$("$PROCURA_BIN" user reset-password --db "$DB_URL" --username nina) || e2e_fail "user reset-password"
nina_code=$(sed -n 's/^reset code .*: //p' <<<"$out")
"$PROCURA_BIN" user show --db "$DB_URL" --username nina | grep -q ' auditor ' || e2e_fail "user show"
api POST /api/v1/auth/password-reset --data-binary "{\"code\": \"$nina_code\", \"new_password\": \"nina-password-2\"}"
expect_status 204 "a code from the command line"
[[ $(user_actions "$nina") == user.created,user.role_changed,user.deactivated,user.activated,user.password_reset_issued,user.password_reset ]] ||
    e2e_fail "nina's leaves: $(user_actions "$nina")"
[[ $(e2e_sql "SELECT COUNT(*) FROM audit_events WHERE action = 'user.added'") == 0 ]] ||
    e2e_fail "the command line still writes user.added"

e2e_log "no password, code or hash is in the server's log or an audit leaf"
leaves_text=$(e2e_sql "SELECT payload_json FROM audit_events")
for secret in "$code" "$olga_code" "$cleo_code" "$nina_code" nina-password olga-password noel-password argon2; do
    grep -qF -- "$secret" "$e2e_server_log" && e2e_fail "the server log holds a secret"
    grep -qF -- "$secret" <<<"$leaves_text" && e2e_fail "an audit leaf holds a secret"
done
for secret in "$code" "$olga_code"; do
    hash=$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)
    grep -qF -- "$hash" <<<"$leaves_text" && e2e_fail "an audit leaf holds a code's hash"
done

e2e_log "password resets are rate-limited per address"
codes=$(for i in $(seq 1 25); do
    curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
        --data-binary "{\"code\": \"flood$i\", \"new_password\": \"flood-password\"}" \
        "$BASE/api/v1/auth/password-reset"
done | sort | uniq -c)
grep -qE '^ *[0-9]+ 429$' <<<"$codes" || e2e_fail "no 429 in a burst of password resets: $codes"

e2e_log "passed"
