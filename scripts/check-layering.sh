#!/usr/bin/env bash
# Fails if a heavy or infrastructural header appears outside the layer that owns it
# (../shared/STYLE.md): Beast and Asio only in web/ (and its tests and benchmarks), MySQL
# Connector/C++ only in db/ and the mysql_* adapters, OpenSSL only in openssl_* files in
# core and never in the domain modules. Usage: scripts/check-layering.sh [SOURCE_DIR]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

status=0
report() {
    echo "layering: $1:" >&2
    sed 's/^/  /' <<<"$2" >&2
    status=1
}

sources() { git ls-files -- '*.cpp' '*.hpp' 2>/dev/null || find . -name '*.[ch]pp' -printf '%P\n'; }

beast=$(sources | grep -vE '^(web|tests|bench)/' |
    xargs -r grep -lE '#include\s*<boost/(beast|asio)' || true)
[[ -z $beast ]] || report "Beast/Asio outside web/" "$beast"

sql=$(sources | grep -vE '^(db|tests|bench)/' | grep -v 'mysql_' |
    xargs -r grep -lE '#include\s*[<"](cppconn/|mysql_(driver|connection|error)\.h)' || true)
[[ -z $sql ]] || report "Connector/C++ outside db/ and mysql_* adapters" "$sql"

ssl=$(sources | grep -E '^(core|tender|auth|pki|bidding|settlement|ledger|money|suppliers)/' | grep -v 'openssl_' |
    xargs -r grep -lE '#include\s*<openssl/' || true)
[[ -z $ssl ]] || report "OpenSSL in domain code (keep it in signing/ or an openssl_* file)" "$ssl"

((status == 0)) && echo "layering: ok"
exit "$status"
