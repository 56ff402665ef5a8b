#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ into ./build-fuzz with clang (-DPROCURA_FUZZ=ON) and runs
# each for FUZZ_SECONDS (default 60), one at a time, on a scratch copy of its seed corpus, so the
# committed corpus stays as it is. Prints each target's executions and findings; findings
# (crash-*, leak-*, timeout-*, oom-* inputs) are kept in fuzz/findings/, which git ignores.
# Exit code: 0 when no target found anything, 1 otherwise. Usage: scripts/fuzz.sh [target...];
# FUZZ_ARGS adds libFuzzer flags (e.g. FUZZ_ARGS=-seed=1).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(cms_verify cms_open ts_request); fi

# clang and libFuzzer (part of compiler-rt), installed only when missing, as scripts/install.sh.
packages=(clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "fuzz: installing ${missing[*]}"
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=/usr/bin/clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPROCURA_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build build-fuzz -j2 --target "${targets[@]/#/fuzz_}"

# Inputs are small: a CMS object with one certificate is 1 to 2 KB, a time-stamp request under
# 100 bytes (the TSA refuses requests over 4096 bytes).
max_len() {
    case $1 in
        ts_request) echo 1024 ;;
        *) echo 8192 ;;
    esac
}

findings_dir=fuzz/findings
mkdir -p "$findings_dir"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
summary=()
failed=0
for t in "${targets[@]}"; do
    corpus="$scratch/$t"
    mkdir -p "$corpus"
    cp fuzz/corpus/"$t"/* "$corpus"/
    log="$scratch/$t.log"
    started="$scratch/$t.started"
    touch "$started"
    echo "fuzz: running fuzz_$t for ${seconds}s"
    status=0
    build-fuzz/fuzz/fuzz_"$t" "$corpus" -max_total_time="$seconds" -max_len="$(max_len "$t")" \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$findings_dir/$t-" ${FUZZ_ARGS:-} \
        >"$log" 2>&1 || status=$?
    cp "$log" "$findings_dir/$t.log"
    executions=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -1)
    found=$(find "$findings_dir" -maxdepth 1 -name "$t-*" -newer "$started" | sort)
    if [ "$status" -ne 0 ] || [ -n "$found" ]; then
        failed=1
        result="FOUND (exit $status) ${found:-no input saved; see $findings_dir/$t.log}"
        grep -E -A30 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' "$log" |
            head -60 || true
    else
        result="nothing found"
    fi
    summary+=("$(printf '%-12s %12s executions  %s' "$t" "${executions:-?}" "$result")")
done

echo "fuzz: summary (${seconds}s per target)"
printf '  %s\n' "${summary[@]}"
exit "$failed"
