#!/usr/bin/env bash
# Installs what is missing, builds, starts a private MariaDB with its data under ./var/,
# migrates, creates demo users and a published demo tender, prints the demo logins, and serves
# Procura on http://127.0.0.1:8080 (PROCURA_LISTEN to change) until Ctrl-C.
# The private MariaDB keeps running afterwards; stop it with scripts/mariadb-stop.sh var/mariadb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
scripts/build.sh
db_url=$(scripts/mariadb-start.sh "$PWD/var/mariadb" | tail -n 1)
build/app/procura migrate --db "$db_url"
build/app/procura demo seed --db "$db_url"
listen=${PROCURA_LISTEN:-127.0.0.1:8080}
echo "Procura: http://$listen  (API under /api/v1, OpenAPI at /api/v1/openapi.yaml)"
exec build/app/procura serve --listen "$listen" --db "$db_url"
