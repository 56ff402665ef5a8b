#!/usr/bin/env bash
# Installs what is missing, builds, starts a private MariaDB with its data under ./var/,
# migrates, creates demo users, a published demo tender and the platform keys (var/keys),
# prints the demo logins, and serves
# Procura on http://127.0.0.1:8080 (PROCURA_LISTEN to change) until Ctrl-C.
# The private MariaDB keeps running afterwards; stop it with scripts/mariadb-stop.sh var/mariadb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
scripts/build.sh procura
db_url=$(scripts/mariadb-start.sh "$PWD/var/mariadb" | tail -n 1)
build/app/procura migrate --db "$db_url"
build/app/procura demo seed --db "$db_url"
# Demo platform keys, once: a random passphrase kept beside them (mode 600). In production the
# passphrase comes from a secret store through PROCURA_KEY_PASSPHRASE or --passphrase-file.
if [ ! -f var/keys/ca.pem ]; then
    (umask 077 && head -c 24 /dev/urandom | base64 >var/keys.passphrase)
    build/app/procura keys init --key-dir var/keys --passphrase-file var/keys.passphrase
fi
listen=${PROCURA_LISTEN:-127.0.0.1:8080}
echo "Procura: http://$listen  (API under /api/v1, OpenAPI at /api/v1/openapi.yaml)"
exec build/app/procura serve --listen "$listen" --db "$db_url" --key-dir var/keys \
    --passphrase-file var/keys.passphrase
