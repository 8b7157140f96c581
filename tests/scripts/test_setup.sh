#!/usr/bin/env bash
# test_setup.sh — the shell logic of scripts/setup.sh, scripts/test.sh and .ci/run, run in a
# scratch copy of the repository with stand-ins for dpkg-query, apt-get, sudo, id, meson, ninja,
# locale and locale-gen (first on PATH) that log their arguments: which packages get installed
# and how, the retry after a failed install, root vs sudo, meson setup vs --reconfigure and the
# build type, the dlx link and its idempotence, how test.sh splits its arguments, setup.sh
# --install-only, and .ci/run's steps: its packages, the locale, the strict sanitizer build and
# its environment, the memcheck suite, and failing on a skipped test with CI=true.
# Prints "N passed, M failed"; exits non-zero when anything failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_root="${DLX_SOURCE_ROOT:-$here/../..}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0

# pass_if NAME COMMAND...: run COMMAND; count it as passed when it succeeds.
pass_if() {
    local name="$1"
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name" >&2
    fi
}

# --- a scratch repository and the stand-in commands ------------------------------------------
repo="$work/repo"
mkdir -p "$repo/scripts" "$repo/.ci" "$work/bin" "$work/usr_local_bin"
cp "$source_root/scripts/setup.sh" "$source_root/scripts/test.sh" "$repo/scripts/"
cp "$source_root/.ci/run" "$source_root/.ci/check_skips.py" "$repo/.ci/"
log="$work/calls.log"
installed="$work/installed"   # one installed package per line
apt_failures="$work/apt_failures"   # how many more `apt-get install` calls fail

fake() {
    cat >"$work/bin/$1"
    chmod +x "$work/bin/$1"
}
fake dpkg-query <<EOF
#!/usr/bin/env bash
# dpkg-query -W -f='\${Status}' PACKAGE
package="\${!#}"
grep -qx -- "\$package" "$installed" || { echo "dpkg-query: no packages found matching \$package" >&2; exit 1; }
printf 'install ok installed'
EOF
fake apt-get <<EOF
#!/usr/bin/env bash
echo "apt-get \$* [uid=\$(id -u) DEBIAN_FRONTEND=\${DEBIAN_FRONTEND:-}]" >>"$log"
if [ "\$1" = install ]; then
    n="\$(cat "$apt_failures")"
    if [ "\$n" -gt 0 ]; then echo \$((n - 1)) >"$apt_failures"; exit 100; fi
    for arg in "\$@"; do case "\$arg" in -*|install) ;; *) echo "\$arg" >>"$installed" ;; esac; done
fi
EOF
fake sudo <<EOF
#!/usr/bin/env bash
echo "sudo \$*" >>"$log"
FAKE_UID=0 exec "\$@"
EOF
fake id <<EOF
#!/usr/bin/env bash
if [ "\$1" = -u ] && [ -n "\${FAKE_UID:-}" ]; then echo "\$FAKE_UID"; else exec /usr/bin/id "\$@"; fi
EOF
fake meson <<EOF
#!/usr/bin/env bash
echo "meson \$* [UBSAN_OPTIONS=\${UBSAN_OPTIONS:-}]" >>"$log"
if [ "\$1" = setup ]; then
    for arg in "\${@:2}"; do case "\$arg" in -*) ;; *) dir="\$arg" ;; esac; done
    mkdir -p "\$dir/meson-private" && touch "\$dir/meson-private/coredata.dat"
    echo "The Meson build system (chatter that setup.sh hides)"
elif [ "\$1" = test ]; then
    # meson test -C DIR ...: the test log FAKE_TESTLOG, under each setup's name
    mkdir -p "\$3/meson-logs"
    for name in testlog testlog-valgrind testlog-memcheck; do
        cp "\${FAKE_TESTLOG:-$work/ok.json}" "\$3/meson-logs/\$name.json"
    done
    exit "\${FAKE_TEST_STATUS:-0}"
fi
EOF
fake locale <<EOF
#!/usr/bin/env bash
printf 'C\nC.utf8\nPOSIX\n%s\n' "\${FAKE_LOCALES-de_DE.utf8}"
EOF
fake locale-gen <<EOF
#!/usr/bin/env bash
echo "locale-gen \$* [uid=\$(id -u)]" >>"$log"
EOF
# Test logs as meson writes them (one JSON object a line): all passed; a test skipped (exit 77);
# a passing cmocka program with a skipped case.
echo '{"name": "dlx:util / test_rng", "result": "OK", "stdout": "[  PASSED  ] 1 test(s)."}' >"$work/ok.json"
echo '{"name": "dlx:io / test_csv_writer_decimal_comma", "result": "SKIP", "stdout": "skip: no locale"}' \
    >"$work/skip.json"
echo '{"name": "dlx:io / test_csv_writer", "result": "OK", "stdout": "[  SKIPPED ] test_x\n"}' \
    >"$work/case_skip.json"
fake ninja <<EOF
#!/usr/bin/env bash
echo "ninja \$*" >>"$log"
[ -z "\${FAKE_BUILD_ERROR:-}" ] || { echo "\$FAKE_BUILD_ERROR"; exit 1; }
touch "\$2/dlx"
EOF

all_packages="build-essential pkg-config meson ninja-build libyaml-dev libcjson-dev libopenblas-dev zlib1g-dev
libdeflate-dev libcmocka-dev dataset-fashion-mnist python3 python3-matplotlib python3-numpy git
libdnnl-dev python3-yaml python3-pandas python3-torch chromium"

# run_script SCRIPT ARGS...: run a script of the scratch repo (from another folder, to check it
# finds its root) with the stand-ins first on PATH, as root unless FAKE_UID says otherwise;
# leaves $status, $work/stdout, $work/stderr and the calls in $log. Without the sanitizer
# options of the environment (CI's sanitizer step sets them), which .ci/run's own are checked
# against.
run_script() {
    : >"$log"
    status=0
    (unset UBSAN_OPTIONS ASAN_OPTIONS && cd "$work" && PATH="$work/bin:$PATH" DLX_BIN_DIR="$work/usr_local_bin" \
        FAKE_UID="${FAKE_UID:-0}" bash "$@" >"$work/stdout" 2>"$work/stderr") || status=$?
}
logged() { grep -qF -- "$1" "$log"; }
not_logged() { ! grep -qF -- "$1" "$log"; }
said() { grep -qF -- "$1" "$work/stderr"; }
not_printed() { ! grep -qF -- "$1" "$work/stdout" "$work/stderr"; }
calls() { grep -c -- "$1" "$log" || true; }

# --- everything installed: no apt-get, release build, dlx linked ----------------------------
tr ' ' '\n' <<<"$all_packages" | tr -s '\n' >"$installed"
echo 0 >"$apt_failures"
run_script "$repo/scripts/setup.sh"
pass_if "all installed: exit 0" [ "$status" -eq 0 ]
pass_if "all installed: says so" said "setup: packages: all 20 installed"
pass_if "all installed: no apt-get" not_logged "apt-get"
pass_if "fresh build folder: meson setup build --buildtype=release" \
    logged "meson setup build --buildtype=release"
pass_if "fresh build folder: not --reconfigure" not_logged "--reconfigure"
pass_if "meson's chatter stays hidden" not_printed "Meson build system"
pass_if "builds with ninja -C build" logged "ninja -C build"
pass_if "links dlx from the default build" \
    [ "$(readlink "$work/usr_local_bin/dlx")" = "$repo/build/dlx" ]
pass_if "announces the link" said "linking $work/usr_local_bin/dlx -> $repo/build/dlx"
pass_if "prints nothing on stdout" [ ! -s "$work/stdout" ]
pass_if "one line per step on stderr" [ "$(wc -l <"$work/stderr")" -eq 4 ]

# Second run: reconfigure, nothing installed, link left as it is.
run_script "$repo/scripts/setup.sh"
pass_if "second run: exit 0" [ "$status" -eq 0 ]
pass_if "second run: meson setup --reconfigure" \
    logged "meson setup --reconfigure build --buildtype=release"
pass_if "second run: link already there" said "(already linked)"

# --- two packages missing: one apt-get update, one install of exactly those --------------------
grep -vx -e libcmocka-dev -e python3-numpy "$installed" >"$work/rest" && mv "$work/rest" "$installed"
run_script "$repo/scripts/setup.sh"
pass_if "missing: exit 0" [ "$status" -eq 0 ]
pass_if "missing: one apt-get update" [ "$(calls "apt-get update")" -eq 1 ]
pass_if "missing: installs only the missing ones, non-interactively" \
    logged "apt-get install -y --no-install-recommends libcmocka-dev python3-numpy [uid=0 DEBIAN_FRONTEND=noninteractive]"
pass_if "missing: names them" said "libcmocka-dev python3-numpy"
run_script "$repo/scripts/setup.sh"
pass_if "after installing: nothing more to install" not_logged "apt-get"

# --- a failed install is retried once after a fresh update ---------------------------------
grep -vx git "$installed" >"$work/rest" && mv "$work/rest" "$installed"
echo 1 >"$apt_failures"
run_script "$repo/scripts/setup.sh"
pass_if "retry: exit 0" [ "$status" -eq 0 ]
pass_if "retry: two updates" [ "$(calls "apt-get update")" -eq 2 ]
pass_if "retry: two installs" [ "$(calls "apt-get install")" -eq 2 ]
pass_if "retry: says it retries" said "one more try"

grep -vx git "$installed" >"$work/rest" && mv "$work/rest" "$installed"
echo 2 >"$apt_failures"
run_script "$repo/scripts/setup.sh"
pass_if "install fails twice: exit 1" [ "$status" -eq 1 ]
pass_if "install fails twice: message" said "setup: error: could not install: git"
pass_if "install fails twice: no third try" [ "$(calls "apt-get install")" -eq 2 ]
pass_if "install fails twice: no build" not_logged "ninja"
echo 0 >"$apt_failures"

# --- not root: apt-get through sudo ------------------------------------------------------------
grep -vx meson "$installed" >"$work/rest" && mv "$work/rest" "$installed"
FAKE_UID=1000 run_script "$repo/scripts/setup.sh"
pass_if "not root: exit 0" [ "$status" -eq 0 ]
pass_if "not root: apt-get update through sudo" logged "sudo env DEBIAN_FRONTEND=noninteractive apt-get update"
pass_if "not root: apt-get install through sudo" \
    logged "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends meson"

# --- a separate sanitizer build: options passed through, no release type, no link -------------
rm -f "$work/usr_local_bin/dlx"
run_script "$repo/scripts/setup.sh" --build-dir build-asan -Db_sanitize=address,undefined --jobs 2
pass_if "sanitizer build: exit 0" [ "$status" -eq 0 ]
pass_if "sanitizer build: options reach meson" logged "meson setup build-asan -Db_sanitize=address,undefined"
pass_if "sanitizer build: keeps the debugoptimized default" not_logged "--buildtype=release"
pass_if "sanitizer build: ninja -j 2 in its folder" logged "ninja -C build-asan -j 2"
pass_if "sanitizer build: no link" [ ! -e "$work/usr_local_bin/dlx" ]
pass_if "sanitizer build: says it is not linked" said "not linked"

run_script "$repo/scripts/setup.sh" --build-dir=build-debug --buildtype=debug
pass_if "explicit build type: used as given" logged "meson setup build-debug --buildtype=debug"
pass_if "explicit build type: no second one" not_logged "--buildtype=release"

run_script "$repo/scripts/setup.sh" --jobs zero
pass_if "bad --jobs: usage error, exit 2" [ "$status" -eq 2 ]
pass_if "bad --jobs: message" said "--jobs needs a positive number, not 'zero'"

FAKE_BUILD_ERROR="src/x.c:3:1: error: expected ';'" run_script "$repo/scripts/setup.sh"
pass_if "build error: exit 1" [ "$status" -eq 1 ]
pass_if "build error: the compiler's message is shown" said "src/x.c:3:1: error: expected ';'"
pass_if "build error: says what failed" said "setup: error: the build failed"

run_script "$repo/scripts/setup.sh" --help
pass_if "--help: usage on stdout" grep -qF "Usage: scripts/setup.sh" "$work/stdout"
pass_if "--help: does nothing else" not_logged "meson"

# --- test.sh: setup options to setup.sh, the rest to meson test, its status returned ---------
run_script "$repo/scripts/test.sh" --build-dir build-asan -Db_sanitize=address,undefined --suite util
pass_if "test.sh: exit 0" [ "$status" -eq 0 ]
pass_if "test.sh: sanitizer option reaches setup" \
    logged "meson setup --reconfigure build-asan -Db_sanitize=address,undefined"
pass_if "test.sh: meson test in that folder with the rest" \
    logged "meson test -C build-asan --print-errorlogs --suite util"

FAKE_TEST_STATUS=3 run_script "$repo/scripts/test.sh" -- --repeat 2
pass_if "test.sh: meson test's status is its status" [ "$status" -eq 3 ]
pass_if "test.sh: arguments after -- go to meson test" \
    logged "meson test -C build --print-errorlogs --repeat 2"

FAKE_TEST_STATUS=1 run_script "$repo/.ci/run" --suite scripts
pass_if ".ci/run: runs test.sh and fails with it" [ "$status" -eq 1 ]
pass_if ".ci/run: passes its arguments on" logged "meson test -C build --print-errorlogs --suite scripts"

# --- setup.sh --install-only: step 1 for the packages named, nothing else ---------------------
run_script "$repo/scripts/setup.sh" --install-only ci-tool-a ci-tool-b
pass_if "--install-only: exit 0" [ "$status" -eq 0 ]
pass_if "--install-only: installs exactly those" \
    logged "apt-get install -y --no-install-recommends ci-tool-a ci-tool-b [uid=0 DEBIAN_FRONTEND=noninteractive]"
pass_if "--install-only: no build" not_logged "meson"
FAKE_UID=1000 run_script "$repo/scripts/setup.sh" --install-only ci-tool-c
pass_if "--install-only: not root: through sudo" \
    logged "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ci-tool-c"
echo 1 >"$apt_failures"
run_script "$repo/scripts/setup.sh" --install-only ci-tool-d
pass_if "--install-only: retried once" [ "$status" -eq 0 ]
pass_if "--install-only: two installs" [ "$(calls "apt-get install")" -eq 2 ]

# --- .ci/run: every step, with an all-passed test log -----------------------------------------
for p in slurmctld slurmd slurm-client munge parallel valgrind locales; do
    grep -vx "$p" "$installed" >"$work/rest" || true
    mv "$work/rest" "$installed"
done
run_script "$repo/.ci/run"
pass_if ".ci/run: exit 0" [ "$status" -eq 0 ]
pass_if ".ci/run: its packages through setup.sh" \
    logged "apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge parallel valgrind locales [uid=0"
pass_if ".ci/run: the locale is there: not generated" not_logged "locale-gen"
pass_if ".ci/run: the sanitizer build stops at the first report" \
    logged "meson setup --reconfigure build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fno-sanitize-recover=all -Dc_link_args=-fno-sanitize-recover=all"
pass_if ".ci/run: the sanitizer tests with UBSAN_OPTIONS=halt_on_error=1" \
    logged "meson test -C build-asan --print-errorlogs [UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1]"
pass_if ".ci/run: the whole suite without it" logged "meson test -C build --print-errorlogs [UBSAN_OPTIONS=]"
pass_if ".ci/run: the unit suites under valgrind" logged "meson test -C build --setup valgrind"
pass_if ".ci/run: the memcheck suite" logged "meson test -C build --setup memcheck --suite memcheck"

printf '# de_DE.UTF-8 UTF-8\n# fr_FR.UTF-8 UTF-8\n' >"$work/locale.gen"
FAKE_LOCALES="" DLX_LOCALE_GEN="$work/locale.gen" run_script "$repo/.ci/run"
pass_if ".ci/run: no de_DE locale: exit 0" [ "$status" -eq 0 ]
pass_if ".ci/run: no de_DE locale: enabled in locale.gen" grep -qx "de_DE.UTF-8 UTF-8" "$work/locale.gen"
pass_if ".ci/run: ... and only that one" grep -qx "# fr_FR.UTF-8 UTF-8" "$work/locale.gen"
pass_if ".ci/run: ... and generated" logged "locale-gen  [uid=0]"

# --- .ci/run and skipped tests ------------------------------------------------------------------
CI=true FAKE_TESTLOG="$work/skip.json" run_script "$repo/.ci/run"
pass_if ".ci/run, CI=true: a skipped test fails the run" [ "$status" -ne 0 ]
pass_if ".ci/run, CI=true: names it" said "test_csv_writer_decimal_comma: skipped: skip: no locale (required)"
pass_if ".ci/run, CI=true: stops after that step" not_logged "build-asan"
CI=true FAKE_TESTLOG="$work/case_skip.json" run_script "$repo/.ci/run"
pass_if ".ci/run, CI=true: a skipped cmocka case fails the run" [ "$status" -ne 0 ]
pass_if ".ci/run, CI=true: names the case" said "cases skipped: test_x"
CI= FAKE_TESTLOG="$work/skip.json" run_script "$repo/.ci/run"
pass_if ".ci/run outside CI: a skip is listed, not a failure" [ "$status" -eq 0 ]
pass_if ".ci/run outside CI: listed" said "test_csv_writer_decimal_comma: skipped"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
