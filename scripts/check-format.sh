#!/usr/bin/env bash
# Fails if a C++ source is not formatted as .clang-format says (clang-format --dry-run
# --Werror over every tracked *.cpp and *.hpp), naming the files. To fix them:
#   git ls-files '*.cpp' '*.hpp' | xargs clang-format -i
# Usage: scripts/check-format.sh [SOURCE_DIR]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

if ! command -v clang-format >/dev/null; then
    echo "format: clang-format is not installed (scripts/install.sh installs it)" >&2
    exit 1
fi
files=$(git ls-files -- '*.cpp' '*.hpp' 2>/dev/null || find . -name '*.[ch]pp' -not -path './build*' -printf '%P\n')
bad=$(xargs -r clang-format --dry-run --Werror <<<"$files" 2>&1 | grep -oE '^[^:]+\.(cpp|hpp):' | sort -u || true)
if [[ -n $bad ]]; then
    echo "format: not formatted as .clang-format says (fix: git ls-files '*.cpp' '*.hpp' | xargs clang-format -i):" >&2
    sed 's/:$//; s/^/  /' <<<"$bad" >&2
    exit 1
fi
echo "format: ok ($(wc -l <<<"$files") files)"
