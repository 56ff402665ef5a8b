#!/usr/bin/env bash
# The authorisation matrix (issue 16): every operation of docs/openapi.yaml, called by each of
# ten callers against the real server, must answer the status written in authz_matrix.tsv, and
# a refused change (4xx, 5xx) must leave every table as it was. The operations are read from
# docs/openapi.yaml, so an operation without a row, or a row without an operation, fails too.
# The calls carry no body: they show which check comes first (who may call, before what is
# sent); the bodies themselves are checked route by route in the other scripts.
#   AUTHZ_RECORD=1 prints the observed table instead of checking it (to review a change).
# shellcheck source=tests/e2e/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
openapi="$here/../../docs/openapi.yaml"
table="$here/authz_matrix.tsv"
[[ -f $openapi && -f $table ]] || e2e_fail "missing $openapi or $table"

export PROCURA_KEY_PASSPHRASE="e2e key passphrase"
e2e_setup
w="$e2e_work"
"$PROCURA_BIN" keys init --key-dir "$w/keys" >/dev/null || e2e_fail "keys init failed"
e2e_start_server --key-dir "$w/keys" --min-tendering-days 0

# The ten callers, in the table's column order. The evaluator sits on the tender's committee
# (the panel); a declared conflict needs an opened tender and is covered by
# tests/settlement/awards/service_test.cpp: a_recused_officer_neither_proposes_nor_confirms.
callers=(anonymous supplier supplier2 officer officer_other evaluator finance finance2 auditor admin)
declare -A TOKEN ID
e2e_register officer officer
e2e_register oleg officer
e2e_register evaluator officer
e2e_add_buyer OTHER-1 "Other Council"
ID[officer_other]=$(E2E_OFFICER_BUYERS="OTHER-1" e2e_add_user officer_other officer)
TOKEN[officer_other]=$(e2e_login officer_other)
for name in supplier supplier2 finance finance2 auditor admin; do
    role=$name
    [[ $name == supplier2 ]] && role=supplier
    [[ $name == finance2 ]] && role=finance
    ID[$name]=$(e2e_add_user "$name" "$role")
    TOKEN[$name]=$(e2e_login "$name")
done
victim=$(E2E_OFFICER_BUYERS="" e2e_add_user victim officer)

api POST /api/v1/tenders -H "$(bearer "${TOKEN[officer]}")" --data-binary \
    "$(tender_body "Matrix" works "${ID[officer]}" "${ID[oleg]}" "${ID[evaluator]}")"
expect_status 201 "the matrix's tender"
tender=$(jq -r .id <<<"$BODY")
api POST "/api/v1/tenders/$tender/publish" -H "$(bearer "${TOKEN[officer]}")"
expect_status 200 "publish the matrix's tender"

# The path with its parameters filled: the tender above, its lot 1, a user who is no caller,
# the e2e buyer, and numbers naming nothing for the other records.
fill() {
    local path=$1 id=999999
    case $path in
    /api/v1/tenders/*) id=$tender ;;
    /api/v1/users/*) id=$victim ;;
    esac
    path=${path//\{id\}/$id}
    path=${path//\{identifier\}/TOWN-1}
    path=${path//\{user_id\}/$victim}
    path=${path//\{member_id\}/$victim}
    path=${path//\{lot_id\}/1}
    path=${path//\{number\}/1}
    path=${path//\{n\}/1}
    path=${path//\{serial\}/00}
    path=${path//\{bid_id\}/999999}
    path=${path//\{doc_id\}/999999}
    path=${path//\{qid\}/999999}
    echo "$path"
}

# The operations of docs/openapi.yaml, "METHOD PATH" per line; logout last (it ends the tokens).
operations() {
    awk '/^paths:/ { p = 1; next }
         p && /^[a-z]/ { p = 0 }
         p && /^  \/[^ ]*:$/ { path = $1; sub(":$", "", path) }
         p && /^    (get|post|put|patch|delete):/ { m = $1; sub(":", "", m); print toupper(m), path }' \
        "$openapi" | sort -s -k2,2 -k1,1 | awk '$2 == "/api/v1/auth/logout" { last = $0; next }
                                           { print } END { print last }'
}

declare -A expected
while read -r method path rest; do
    [[ -z $method || $method == \#* ]] && continue
    expected["$method $path"]=$rest
done <"$table"

record=${AUTHZ_RECORD:-}
count=0
while read -r method path; do
    key="$method $path"
    if [[ -z $record && -z ${expected[$key]+x} ]]; then
        e2e_fail "$key is in docs/openapi.yaml but has no row in authz_matrix.tsv"
    fi
    read -r -a want <<<"${expected[$key]:-}"
    url=$(fill "$path")
    got=()
    snapshot=""
    [[ $method != GET ]] && snapshot=$(db_snapshot)
    for i in "${!callers[@]}"; do
        caller=${callers[$i]}
        auth=()
        [[ $caller != anonymous ]] && auth=(-H "$(bearer "${TOKEN[$caller]}")")
        api "$method" "$url" "${auth[@]}"
        got+=("$STATUS")
        if [[ -z $record && $STATUS != "${want[$i]}" ]]; then
            e2e_fail "$key as $caller: expected ${want[$i]}, got $STATUS ($BODY)"
        fi
        ((STATUS != 500)) || e2e_fail "$key as $caller: 500 ($BODY)"
        if [[ $method != GET ]]; then
            if ((STATUS >= 400)); then
                expect_unchanged "$snapshot" "$key refused to $caller"
            else
                snapshot=$(db_snapshot)
            fi
        fi
        count=$((count + 1))
    done
    if [[ -n $record ]]; then
        printf '%-7s %-62s %s\n' "$method" "$path" "${got[*]}"
    fi
    unset "expected[$key]"
done < <(operations)

if [[ -z $record ]]; then
    for key in "${!expected[@]}"; do
        e2e_fail "authz_matrix.tsv has a row for $key, which docs/openapi.yaml does not describe"
    done
fi
e2e_log "$count calls answered as the matrix says; no refused change wrote a row"
