#!/usr/bin/env bash
# Installs what Procura needs to build, test and run on Debian 12, skipping what is there.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
    g++ cmake make pkg-config git ca-certificates
    libboost1.74-dev libboost-test1.74-dev
    libmysqlcppconn-dev mariadb-server mariadb-client
    libssl-dev openssl libtbb-dev nlohmann-json3-dev libcli11-dev libspdlog-dev
    libargon2-dev prometheus-cpp-dev libgfshare-dev libxml2-dev libxml2-utils
    curl jq wrk clang-format
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install: all ${#packages[@]} packages present"
    exit 0
fi

echo "install: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
# policy-rc.d keeps the distribution's own MariaDB service from starting: Procura runs its own.
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
