#!/usr/bin/env bash
# sanitizer_halts.sh FAULT_PROGRAM — in a sanitizer build, a sanitizer report must stop the
# program with a non-zero status, or CI would print "runtime error: ..." and pass. Runs
# sanitizer_fault.c (built like every other program of the build) for each sanitizer the build
# has and checks: the report is printed, the program stops there (it never prints "got past"),
# and its status is non-zero. Needs -fno-sanitize-recover=all (or UBSAN_OPTIONS=halt_on_error=1)
# for UndefinedBehaviorSanitizer, as .ci/run's sanitizer build has.
# Prints "N passed, M failed"; exits non-zero when anything failed.
set -uo pipefail
fault="$1"
shift
passed=0
failed=0
for kind in "$@"; do
    case "$kind" in
        undefined) report="runtime error: signed integer overflow" ;;
        address) report="ERROR: AddressSanitizer: heap-buffer-overflow" ;;
        *) echo "sanitizer_halts: unknown sanitizer $kind" >&2; exit 2 ;;
    esac
    out="$("$fault" "$kind" 2>&1)"
    status=$?
    if [ $status -ne 0 ] && grep -qF "$report" <<<"$out" && ! grep -qF "got past" <<<"$out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $kind: a report must stop the program with a non-zero status; got status $status:" >&2
        echo "$out" | head -n 5 >&2
    fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
