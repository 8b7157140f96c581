#!/usr/bin/env bash
# mutate.sh — mutation testing: apply each small source mutation of a list, one at a time, to a
# scratch copy of the tree, rebuild, run the tests that should catch it, and report every
# mutation that survives (the tests still pass with the bug in).
#
# Usage: scripts/mutate.sh [--list FILE] [--keep] [NAME...]
#   --list FILE  the mutations (default scripts/mutations.txt; its header explains the format)
#   --keep       keep the scratch copy (its path is printed) instead of removing it
#   NAME...      only these mutations (default: all)
#
# The copy is of the files git knows (tracked, and untracked ones not ignored) as they are in the
# working tree, in a temporary folder: the real tree and its build folders are never touched.
# Before any mutation, each distinct set of tests must pass on the unmutated copy.
# Prints one line per mutation: killed (with the tests that failed), SURVIVED, stale (the
# fragment is not in the file exactly once) or unbuilt (the mutant does not compile); then
# "mutations: N tried, K killed, S survived, X stale, U unbuilt". Exits 1 when any survived or
# was stale, 0 otherwise. Takes a while (a rebuild and a test run per mutation); not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

list="$root/scripts/mutations.txt"
keep=false
only=()
while [ $# -gt 0 ]; do
    case "$1" in
        --list) list="$(realpath "$2")"; shift 2 ;;
        --keep) keep=true; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        -*) echo "mutate: error: unknown option $1" >&2; exit 2 ;;
        *) only+=("$1"); shift ;;
    esac
done

say() { echo "mutate: $*" >&2; }

# The mutation list, read by python3: `mutations records` prints one tab-separated
# "name file tests" line per mutation; `mutations apply NAME DIR` replaces NAME's fragment in DIR's
# copy of its file, and exits 3 when the fragment is not there exactly once.
mutations_py='
import sys
lst, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]
blocks, cur = [], {}
for line in open(lst, encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("#"):
        continue
    if not line.strip():
        if cur: blocks.append(cur); cur = {}
        continue
    key, _, value = line.partition(":")
    cur[key.strip()] = value.strip()
if cur: blocks.append(cur)
for b in blocks:
    missing = [k for k in ("name", "file", "from", "to", "tests") if k not in b]
    if missing:
        sys.exit("mutate: error: %s: no %s" % (b.get("name", "?"), ", ".join(missing)))
if mode == "records":
    for b in blocks:
        print("\t".join((b["name"], b["file"], b["tests"])))
else:
    b = next(b for b in blocks if b["name"] == args[0])
    path = args[1] + "/" + b["file"]
    text = open(path, encoding="utf-8").read()
    if text.count(b["from"]) != 1:
        sys.exit(3)
    open(path, "w", encoding="utf-8").write(text.replace(b["from"], b["to"]))
'
mutations() { python3 -c "$mutations_py" "$list" "$@"; }
records="$(mutations records)"

scratch="$(mktemp -d)"   # the scratch copy of the tree (mktemp honours TMPDIR)
if $keep; then say "scratch copy: $scratch"; else trap 'rm -rf "$scratch"' EXIT; fi
git ls-files -z -co --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$scratch"
say "building the unmutated copy in $scratch/build"
meson setup "$scratch/build" "$scratch" >"$scratch/setup.log" 2>&1 || { cat "$scratch/setup.log" >&2; exit 1; }
ninja -C "$scratch/build" >"$scratch/build.log" 2>&1 || { tail -n 20 "$scratch/build.log" >&2; exit 1; }

# run_tests TESTS: meson test with those arguments, quietly; its status. $failed gets the names
# of the tests that failed.
run_tests() {
    local status=0
    # shellcheck disable=SC2086  # TESTS is a list of meson test arguments
    meson test -C "$scratch/build" --no-rebuild $1 </dev/null >"$scratch/test.log" 2>&1 || status=$?
    failed="$(python3 - "$scratch/build/meson-logs/testlog.json" <<'PY'
import json, sys
names = [json.loads(l)["name"] for l in open(sys.argv[1]) if l.strip()
         if json.loads(l)["result"] not in ("OK", "SKIP", "EXPECTEDFAIL")]
print(" ".join(names))
PY
)"
    return $status
}

declare -A baseline_done=()
tried=0 killed=0 survived=0 stale=0 unbuilt=0
survivors=()
while IFS=$'\t' read -r name file tests; do
    if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " == *" $name "* ]]; then
        continue
    fi
    if [ -z "${baseline_done[$tests]:-}" ]; then
        ninja -C "$scratch/build" </dev/null >"$scratch/build.log" 2>&1 || { tail -n 20 "$scratch/build.log" >&2; exit 1; }
        run_tests "$tests" || { say "error: the tests '$tests' fail without any mutation: $failed"; exit 1; }
        baseline_done[$tests]=1
    fi
    tried=$((tried + 1))
    cp "$scratch/$file" "$scratch/original"
    apply_status=0
    mutations apply "$name" "$scratch" || apply_status=$?
    if [ $apply_status -ne 0 ]; then
        echo "stale     $name: the fragment is not in $file exactly once"
        stale=$((stale + 1))
        continue
    fi
    if ! ninja -C "$scratch/build" </dev/null >"$scratch/build.log" 2>&1; then
        echo "unbuilt   $name: the mutant of $file does not compile"
        unbuilt=$((unbuilt + 1))
    elif run_tests "$tests"; then
        echo "SURVIVED  $name ($file; $tests)"
        survived=$((survived + 1))
        survivors+=("$name")
    else
        echo "killed    $name, by: ${failed:-the test run}"
        killed=$((killed + 1))
    fi
    cp "$scratch/original" "$scratch/$file"   # a new mtime: the next build recompiles it
done <<<"$records"
ninja -C "$scratch/build" >/dev/null 2>&1 || true
echo "mutations: $tried tried, $killed killed, $survived survived, $stale stale, $unbuilt unbuilt"
[ ${#survivors[@]} -eq 0 ] || echo "survivors: ${survivors[*]}"
[ $survived -eq 0 ] && [ $stale -eq 0 ]
