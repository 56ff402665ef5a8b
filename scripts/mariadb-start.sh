#!/usr/bin/env bash
# Starts a private MariaDB server under DIR, or reuses the one already running there.
#
#   scripts/mariadb-start.sh DIR
#
# DIR/data holds the data files; the server listens on DIR/mysqld.sock and on a loopback TCP
# port (PROCURA_DB_PORT, or a free random one from 20000 up to the kernel's ephemeral range).
# The script creates database
# `procura` and user `procura`@`127.0.0.1`/`localhost` with a random password kept in
# DIR/password (mode 600), writes DIR/url, DIR/port and DIR/socket, and prints the URL as the
# last line of its output. It never uses systemd or mysqld_safe and touches nothing outside DIR.
# Running it twice is safe: the second run finds the live server and only re-checks the grants.
set -euo pipefail

readonly startup_wait_s=60
readonly socket_path_bytes_max=100

die() {
    echo "mariadb-start: $*" >&2
    exit 1
}

if [[ $# -ne 1 || -z $1 ]]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi

# mariadbd lives in /usr/sbin, which is not on every user's PATH.
export PATH="$PATH:/usr/sbin:/usr/bin"
for tool in mariadbd mariadb mariadb-install-db; do
    command -v "$tool" >/dev/null ||
        die "$tool not found; install mariadb-server and mariadb-client"
done

mkdir -p "$1"
dir=$(cd "$1" && pwd)
data="$dir/data"
socket="$dir/mysqld.sock"
pid_file="$dir/mariadbd.pid"
log="$dir/mariadbd.log"

# The kernel limits unix socket paths to 108 bytes; fail clearly instead of obscurely.
if ((${#socket} > socket_path_bytes_max)); then
    die "socket path $socket is longer than $socket_path_bytes_max bytes; use a shorter DIR"
fi

client() {
    mariadb --no-defaults --socket="$socket" -uroot "$@"
}

# Succeeds if pid names a live mariadbd process. A killed server can linger as a zombie
# until its parent reaps it; that counts as dead.
is_mariadbd() {
    local pid=$1 stat
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == mariadbd ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ ${stat##*) } != Z* ]]
}

# Succeeds if something already accepts connections on 127.0.0.1:port.
port_in_use() {
    local port=$1
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        return 0
    fi
    if command -v ss >/dev/null && ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
        return 0
    fi
    return 1
}

pick_port() {
    if [[ -n ${PROCURA_DB_PORT:-} ]]; then
        if ! [[ $PROCURA_DB_PORT =~ ^[0-9]+$ ]] ||
            ((PROCURA_DB_PORT < 1 || PROCURA_DB_PORT > 65535)); then
            die "PROCURA_DB_PORT=$PROCURA_DB_PORT is not a port number"
        fi
        if port_in_use "$PROCURA_DB_PORT"; then
            die "PROCURA_DB_PORT=$PROCURA_DB_PORT is already in use"
        fi
        echo "$PROCURA_DB_PORT"
        return
    fi
    # Stay below the kernel's ephemeral range, from which outgoing connections (curl, the
    # tests' own clients) take their local ports: a port chosen there can be taken between
    # the check and mariadbd's bind.
    local ephemeral_low=32768
    if [[ -r /proc/sys/net/ipv4/ip_local_port_range ]]; then
        read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range
    fi
    local low=20000 high=$((ephemeral_low - 1))
    ((high > low)) || { low=10000; high=60000; }
    local attempt port
    for attempt in $(seq 1 100); do
        port=$((low + (RANDOM * 32768 + RANDOM) % (high - low + 1)))
        if ! port_in_use "$port"; then
            echo "$port"
            return
        fi
    done
    die "no free loopback port found in $low-$high after $attempt attempts"
}

log_tail() {
    if [[ -f $log ]]; then
        echo "---- last lines of $log ----" >&2
        tail -n 30 "$log" >&2
    fi
    if [[ -s $dir/mariadbd.out ]]; then
        echo "---- last lines of $dir/mariadbd.out ----" >&2
        tail -n 10 "$dir/mariadbd.out" >&2
    fi
}

# 1. Initialise the data directory once. The marker is written only after a successful
# install, so a half-initialised directory from an interrupted run is rebuilt, never used.
if [[ ! -f $dir/initialised ]]; then
    if [[ -e $data ]]; then
        echo "mariadb-start: $data is from an incomplete initialisation; rebuilding it" >&2
        rm -rf "$data"
    fi
    mkdir -p "$data"
    if ! mariadb-install-db --no-defaults --datadir="$data" \
        --auth-root-authentication-method=normal --skip-test-db --user=root \
        >"$dir/install.log" 2>&1; then
        tail -n 30 "$dir/install.log" >&2
        die "mariadb-install-db failed; see $dir/install.log"
    fi
    touch "$dir/initialised"
fi

# 2. Reuse a live server, or start one.
launch() {
    rm -f "$pid_file"
    port=$(pick_port)
    # setsid detaches the server from the caller's session and process group, so that a test
    # runner waiting for this script (or signalling its group) neither waits for nor kills it.
    setsid mariadbd --no-defaults --datadir="$data" --socket="$socket" --port="$port" \
        --bind-address=127.0.0.1 --pid-file="$pid_file" --user=root --skip-name-resolve \
        --max-allowed-packet=64M --innodb-buffer-pool-size=256M --log-error="$log" \
        </dev/null >"$dir/mariadbd.out" 2>&1 &
    launched_pid=$!
    echo "$port" >"$dir/port"
}

# 3. Wait until the server answers on its socket. Returns 2 if the launched server exited
# because another process took its port first (then a new port is tried), dies otherwise.
wait_until_up() {
    local deadline=$((SECONDS + startup_wait_s))
    until client -e 'SELECT 1' >/dev/null 2>&1; do
        if [[ -n ${launched_pid:-} ]] && ! kill -0 "$launched_pid" 2>/dev/null; then
            if tail -c +"$((log_offset + 1))" "$log" 2>/dev/null |
                grep -q "Address already in use"; then
                return 2
            fi
            log_tail
            die "mariadbd exited during start-up"
        fi
        if ((SECONDS >= deadline)); then
            log_tail
            die "mariadbd did not answer on $socket within ${startup_wait_s}s"
        fi
        sleep 0.2
    done
}

pid=""
[[ -f $pid_file ]] && pid=$(cat "$pid_file" 2>/dev/null || true)
if is_mariadbd "$pid" && [[ -f $dir/port ]]; then
    port=$(cat "$dir/port")
    wait_until_up
else
    for launch_attempt in 1 2 3 4 5; do
        # Only what this launch writes to the (kept) error log decides whether to retry.
        log_offset=$(stat -c %s "$log" 2>/dev/null || echo 0)
        launch
        status=0
        wait_until_up || status=$?
        ((status == 0)) && break
        echo "mariadb-start: port $port was taken meanwhile; trying another" >&2
        ((launch_attempt < 5)) || die "mariadbd could not bind a free port in 5 attempts"
    done
fi

# 4. The application's database and user, idempotently. The password is generated once and
# kept private; the SQL travels on stdin so the password never appears in a process list.
if [[ ! -s $dir/password ]]; then
    (
        umask 077
        head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 >"$dir/password"
    )
fi
chmod 600 "$dir/password"
password=$(cat "$dir/password")
[[ $password =~ ^[A-Za-z0-9]+$ ]] || die "$dir/password must hold only letters and digits"

client <<SQL
CREATE DATABASE IF NOT EXISTS procura CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'procura'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER IF NOT EXISTS 'procura'@'localhost' IDENTIFIED BY '$password';
ALTER USER 'procura'@'127.0.0.1' IDENTIFIED BY '$password';
ALTER USER 'procura'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'procura'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'procura'@'localhost';
FLUSH PRIVILEGES;
SQL

url="mysql://procura:$password@127.0.0.1:$port/procura"
(
    umask 077
    echo "$url" >"$dir/url"
)
echo "$socket" >"$dir/socket"
echo "$url"
