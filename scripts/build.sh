#!/usr/bin/env bash
# Configures and builds Procura into ./build (warnings are errors). Usage: scripts/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROCURA_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
