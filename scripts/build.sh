#!/usr/bin/env bash
# Configures and builds Procura into ./build (warnings are errors). With target names, builds
# only those (scripts/run.sh builds just `procura`, so a first run compiles no test).
# Usage: scripts/build.sh [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROCURA_WERROR=ON >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build build -j"$(nproc)" "${targets[@]}"
