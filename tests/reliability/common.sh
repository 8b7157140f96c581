# common.sh — sourced by the reliability drivers: the dlx program, a scratch folder removed on
# exit, a pass counter and the failure and comparison helpers.
set -euo pipefail

dlx="${DLX_BIN:?DLX_BIN must point at the dlx program}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Every column of a metrics.csv but wall_s (the 12th): what must be identical between runs.
without_wall() { cut -d, -f1-11,13- "$1"; }
