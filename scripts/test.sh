#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit, db (a private MariaDB started by
# a CTest fixture) and e2e (the real `procura serve` driven by curl). Exit code is CTest's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
