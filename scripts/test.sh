#!/usr/bin/env bash
# test.sh — build dlx with scripts/setup.sh, then run the whole test suite with meson test.
#
# Usage: scripts/test.sh [SETUP_OPTION...] [MESON_TEST_ARG...] [-- MESON_TEST_ARG...]
#   Options for scripts/setup.sh: --build-dir DIR, --jobs N, -D<option>=<value>, --buildtype=T
#   (e.g. scripts/test.sh --build-dir build-asan -Db_sanitize=address,undefined).
#   Every other argument, and everything after `--`, goes to `meson test`
#   (e.g. scripts/test.sh --suite scripts, or scripts/test.sh -- --repeat 3).
# Runs: meson test -C DIR --print-errorlogs MESON_TEST_ARG...; exits with its status.
set -euo pipefail

cd "$(dirname "$0")/.."

build_dir=build
setup_args=()
test_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --build-dir|--jobs)
            [ $# -ge 2 ] || { echo "test: error: $1 needs a value" >&2; exit 2; }
            [ "$1" = --build-dir ] && build_dir="$2"
            setup_args+=("$1" "$2"); shift 2 ;;
        --build-dir=*) build_dir="${1#--build-dir=}"; setup_args+=("$1"); shift ;;
        --jobs=*|-D*|--buildtype=*) setup_args+=("$1"); shift ;;
        --) shift; test_args+=("$@"); break ;;
        *) test_args+=("$1"); shift ;;
    esac
done

bash scripts/setup.sh "${setup_args[@]}"
echo "test: meson test -C $build_dir --print-errorlogs${test_args[*]:+ ${test_args[*]}}" >&2
status=0
meson test -C "$build_dir" --print-errorlogs "${test_args[@]}" || status=$?
exit $status
