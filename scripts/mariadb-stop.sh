#!/usr/bin/env bash
# Stops the private MariaDB server started by scripts/mariadb-start.sh under DIR.
#
#   scripts/mariadb-stop.sh DIR
#
# Sends TERM to the pid in DIR/mariadbd.pid, waits up to 60 seconds for a clean shutdown, then
# sends KILL. Succeeds quietly when no server is running there. Leaves the data in place.
set -euo pipefail

readonly shutdown_wait_s=60

if [[ $# -ne 1 || -z $1 ]]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi

pid_file="$1/mariadbd.pid"
[[ -f $pid_file ]] || exit 0
pid=$(cat "$pid_file" 2>/dev/null || true)

# Only signal the pid if it is still a mariadbd: after a crash the number may have been reused.
# A zombie (exited, not yet reaped by its parent) counts as stopped.
is_mariadbd() {
    local stat
    kill -0 "$pid" 2>/dev/null || return 1
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == mariadbd ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ ${stat##*) } != Z* ]]
}

if [[ $pid =~ ^[0-9]+$ ]] && is_mariadbd; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + shutdown_wait_s))
    while is_mariadbd; do
        if ((SECONDS >= deadline)); then
            echo "mariadb-stop: mariadbd $pid ignored TERM for ${shutdown_wait_s}s; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            break
        fi
        sleep 0.2
    done
fi
rm -f "$pid_file"
