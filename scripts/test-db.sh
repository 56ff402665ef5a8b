#!/usr/bin/env bash
# The CTest `mariadb` fixture: a throw-away MariaDB server for the db and e2e test labels.
#
#   scripts/test-db.sh start BUILDDIR_TESTDB
#   scripts/test-db.sh stop  BUILDDIR_TESTDB
#
# start makes a fresh temporary directory (short, so the unix socket path fits), records it in
# BUILDDIR_TESTDB/datadir_path, starts scripts/mariadb-start.sh there and copies its url and
# socket files to BUILDDIR_TESTDB/url and BUILDDIR_TESTDB/socket, which the tests read.
# stop shuts that server down and deletes the temporary directory with all its data.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
    echo "usage: $0 start|stop BUILDDIR_TESTDB" >&2
    exit 2
}

[[ $# -eq 2 && -n $2 ]] || usage
command=$1
state=$2

# Stops the server recorded in $state and removes its temporary directory. Only directories
# that look like ours are ever deleted.
stop_recorded() {
    [[ -f $state/datadir_path ]] || return 0
    local datadir
    datadir=$(cat "$state/datadir_path")
    if [[ -d $datadir ]]; then
        "$here/mariadb-stop.sh" "$datadir"
        case $(basename "$datadir") in
            procura-testdb.*) rm -rf "$datadir" ;;
            *) echo "test-db: not deleting $datadir: not a procura-testdb directory" >&2 ;;
        esac
    fi
    rm -f "$state/datadir_path" "$state/url" "$state/socket"
}

case $command in
    start)
        mkdir -p "$state"
        # A previous run that was interrupted before its cleanup left a server behind.
        stop_recorded
        datadir=$(mktemp -d /tmp/procura-testdb.XXXXXX)
        echo "$datadir" >"$state/datadir_path"
        "$here/mariadb-start.sh" "$datadir"
        (
            umask 077
            cp "$datadir/url" "$state/url"
        )
        cp "$datadir/socket" "$state/socket"
        ;;
    stop)
        stop_recorded
        ;;
    *)
        usage
        ;;
esac
