#!/usr/bin/env bash
# run_catalogue.sh — run every case of catalogue.txt (the bad-input catalogue) with the built dlx
# in this folder and compare its exit status and standard error with the expected ones, exactly.
# Also checks that every *.yaml here is used by some case. Prints "N cases passed"; exits 1 with
# a diff for the first case that differs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dlx="${DLX_BIN:?DLX_BIN must point at the dlx program}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$here"

passed=0
name=""
args=""
code=""
expected=""

run_case() {
    [[ -n "$name" ]] || return 0
    rm -rf "$work/o"
    local cmd="${args//\{out\}/$work/o}" rc=0
    eval "\"\$dlx\" $cmd" >/dev/null 2>"$work/stderr" || rc=$?
    if [[ "$rc" != "$code" ]]; then
        echo "FAIL: $name: exit $rc, expected $code" >&2
        cat "$work/stderr" >&2
        exit 1
    fi
    if ! diff <(printf '%s' "$expected") "$work/stderr" >"$work/diff"; then
        echo "FAIL: $name: standard error differs (< expected, > got)" >&2
        cat "$work/diff" >&2
        exit 1
    fi
    passed=$((passed + 1))
}

while IFS= read -r line || [[ -n "$line" ]]; do
    case "$line" in
    '#'*) ;;
    '== '*)
        run_case
        name="${line#== }" args="" code="" expected="" ;;
    '$ dlx '*) args="${line#\$ dlx }" ;;
    'exit '*) code="${line#exit }" ;;
    '')
        run_case
        name="" ;;
    *) expected+="$line"$'\n' ;;
    esac
done <catalogue.txt
run_case

for f in *.yaml; do
    grep -q "^\$ dlx .*\b${f}\b" catalogue.txt || {
        echo "FAIL: $f is in tests/bad/ but no case uses it" >&2
        exit 1
    }
done
echo "$passed cases passed"
