#!/usr/bin/env bash
# setup.sh — make a fresh Debian 12 machine ready to build, test and run dlx, then build it.
#
# Usage: scripts/setup.sh [--build-dir DIR] [--jobs N] [MESON_SETUP_OPTION...]
#        scripts/setup.sh --install-only PACKAGE...
#   --build-dir DIR  build folder (default: build); any other folder is a separate build,
#                    e.g. scripts/setup.sh --build-dir build-asan -Db_sanitize=address,undefined
#   --jobs N         parallel compile jobs for ninja (default: ninja's own choice)
#   other arguments  passed to `meson setup` as they are (e.g. -Db_sanitize=..., -Dtests=false)
#   --install-only PACKAGE...  step 1 alone, for these Debian packages instead of the list below
#                    (how .ci/run installs the packages only CI needs)
#
# Steps, each announced on stderr by one "setup: ..." line:
#   1. install whichever of these Debian packages are missing: build-essential pkg-config
#      meson ninja-build libyaml-dev libcjson-dev libopenblas-dev zlib1g-dev libdeflate-dev
#      libcmocka-dev dataset-fashion-mnist python3 python3-matplotlib python3-numpy git
#      libdnnl-dev (oneDNN, the second GEMM backend; src/util/gemm.h)
#      python3-yaml python3-pandas python3-torch chromium (scripts/dlx_results.py, scripts/report.py
#      and the headless-browser test of its page)
#      (dpkg-query first; apt-get update and apt-get install only when something is missing;
#      the install is retried once after a fresh apt-get update). apt-get runs as root,
#      through sudo when the script is not run as root.
#   2. meson setup DIR --buildtype=release, or meson setup --reconfigure when DIR is already
#      configured. --buildtype=release is left out when an option names a build type, and for
#      sanitizer builds (-Db_sanitize=...), which keep the project's debugoptimized default so
#      that their reports have line numbers;
#   3. ninja -C DIR;
#   4. for the default folder only: symlink DIR/dlx as $DLX_BIN_DIR/dlx (default
#      /usr/local/bin), so that `dlx` is on the PATH.
# Idempotent: a second run installs nothing and takes a few seconds.
set -euo pipefail

cd "$(dirname "$0")/.."
repo_root="$(pwd)"

packages=(build-essential pkg-config meson ninja-build libyaml-dev libcjson-dev libopenblas-dev zlib1g-dev
          libdeflate-dev libcmocka-dev dataset-fashion-mnist python3 python3-matplotlib
          python3-numpy git)
packages+=(libdnnl-dev) # oneDNN, the optional second GEMM backend (src/util/gemm.h)
packages+=(python3-yaml python3-pandas python3-torch chromium) # scripts/dlx_results.py, scripts/report.py and its browser test
default_build_dir=build
bin_dir="${DLX_BIN_DIR:-/usr/local/bin}"

say() { echo "setup: $*" >&2; }
die() { echo "setup: error: $*" >&2; exit 1; }
usage_error() { echo "setup: error: $* (see scripts/setup.sh --help)" >&2; exit 2; }

# The comment block at the top of this file, without its '#'.
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run '$*' (run this script as root, or install sudo)"
    fi
}

# Run a command with its output kept in a temporary log, shown (on stderr) only if it fails.
quietly() {
    local log status=0
    log="$(mktemp)"
    "$@" >"$log" 2>&1 || status=$?
    if [ $status -ne 0 ]; then
        cat "$log" >&2
    fi
    rm -f "$log"
    return $status
}

# True when we can create or replace entries in folder $1 (or create it) without root.
can_write() {
    local folder="$1"
    while [ ! -e "$folder" ]; do
        folder="$(dirname "$folder")"
    done
    [ -d "$folder" ] && [ -w "$folder" ]
}

# ---------------------------------------------------------------------------------------------
# Arguments
build_dir="$default_build_dir"
install_only=false
ninja_jobs=()
meson_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --build-dir) [ $# -ge 2 ] || usage_error "--build-dir needs a folder"; build_dir="$2"; shift 2 ;;
        --build-dir=*) build_dir="${1#--build-dir=}"; shift ;;
        --jobs) [ $# -ge 2 ] || usage_error "--jobs needs a number"; ninja_jobs=(-j "$2"); shift 2 ;;
        --jobs=*) ninja_jobs=(-j "${1#--jobs=}"); shift ;;
        --install-only) shift; packages=("$@"); install_only=true; break ;;
        -h|--help) usage; exit 0 ;;
        *) meson_args+=("$1"); shift ;;
    esac
done
[ -n "$build_dir" ] || usage_error "--build-dir needs a folder"
if [ ${#ninja_jobs[@]} -gt 0 ] && ! [[ "${ninja_jobs[1]}" =~ ^[1-9][0-9]*$ ]]; then
    usage_error "--jobs needs a positive number, not '${ninja_jobs[1]}'"
fi

# ---------------------------------------------------------------------------------------------
# 1. Debian packages
missing_packages() {
    local package
    for package in "${packages[@]}"; do
        if [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" != "install ok installed" ]; then
            echo "$package"
        fi
    done
}

apt_update() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update >&2
}

apt_install() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    say "no dpkg-query: not Debian, skipping package installation (needed: ${packages[*]})"
else
    mapfile -t missing < <(missing_packages)
    if [ ${#missing[@]} -eq 0 ]; then
        say "packages: all ${#packages[@]} installed"
    else
        say "apt-get update (missing: ${missing[*]})"
        apt_update
        say "apt-get install ${missing[*]}"
        if ! apt_install "${missing[@]}"; then
            say "install failed; apt-get update and one more try"
            apt_update
            apt_install "${missing[@]}" || die "could not install: ${missing[*]}"
        fi
    fi
fi

$install_only && exit 0

# ---------------------------------------------------------------------------------------------
# 2. Configure
setup_args=("${meson_args[@]}")
buildtype_given=false
for arg in "${meson_args[@]}"; do
    case "$arg" in
        --buildtype|--buildtype=*|-Dbuildtype=*|--debug|--optimization*|-Doptimization=*|-Ddebug=*)
            buildtype_given=true ;;
        -Db_sanitize=*|--b_sanitize*)
            buildtype_given=true ;;  # keep debug information for the sanitizer's reports
    esac
done
if ! $buildtype_given; then
    setup_args=(--buildtype=release "${setup_args[@]}")
fi
if [ -f "$build_dir/meson-private/coredata.dat" ]; then
    say "meson setup --reconfigure $build_dir ${setup_args[*]}"
    quietly meson setup --reconfigure "$build_dir" "${setup_args[@]}" \
        || die "meson setup --reconfigure $build_dir failed (its log: $build_dir/meson-logs/meson-log.txt)"
else
    say "meson setup $build_dir ${setup_args[*]}"
    quietly meson setup "$build_dir" "${setup_args[@]}" \
        || die "meson setup $build_dir failed (its log: $build_dir/meson-logs/meson-log.txt)"
fi

# ---------------------------------------------------------------------------------------------
# 3. Build
say "ninja -C $build_dir${ninja_jobs[*]:+ ${ninja_jobs[*]}}"
quietly ninja -C "$build_dir" "${ninja_jobs[@]}" || die "the build failed (run: ninja -C $build_dir)"

# ---------------------------------------------------------------------------------------------
# 4. Put dlx on the PATH (default build folder only)
if [ "$build_dir" = "$default_build_dir" ]; then
    target="$repo_root/$build_dir/dlx"
    link="$bin_dir/dlx"
    if [ "$(readlink "$link" 2>/dev/null || true)" = "$target" ]; then
        say "$link -> $target (already linked)"
    else
        if [ -e "$link" ] && [ ! -L "$link" ]; then
            say "replacing $link (not a link) with a link to $target"
        else
            say "linking $link -> $target"
        fi
        if can_write "$bin_dir"; then
            mkdir -p "$bin_dir" && ln -sfn "$target" "$link"
        else
            as_root mkdir -p "$bin_dir" && as_root ln -sfn "$target" "$link"
        fi
    fi
else
    say "built $build_dir/dlx (not linked: only the default '$default_build_dir' folder is)"
fi
