# test_readme_examples.sh — the README shows what dlx really does: the error example of
# "A first experiment of your own" is the message `dlx validate` prints for the README's my.yaml
# with `type: momentun` (compared line for line), and the README links no file outside the
# repository (the user reference is docs/config.md).
set -uo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
readme="$DLX_SOURCE_ROOT/README.md"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
awk '/^## A first experiment of your own/ { s = 1 } s && /^cat > my.yaml/ { b = 1; next }
     b && /^YAML$/ { exit } b' "$readme" > my.yaml
grep -q 'type: momentum' my.yaml || fail "the README's my.yaml was not found"
sed -i 's/type: momentum/type: momentun/' my.yaml
"$DLX_BIN" validate my.yaml > /dev/null 2> real.txt
[[ $? == 2 ]] || fail "validate of a misspelt optimizer did not exit 2"
grep -A2 'Errors point at the place' "$readme" > /dev/null || fail "the README's error example is gone"
shown=$(awk '/Errors point at the place/ { s = 1 } s && /^```$/ { if (b) exit; b = 1; next } b' "$readme")
[[ "$shown" == "$(cat real.txt)" ]] || fail "README shows '$shown', dlx prints '$(cat real.txt)'"
grep -n '\.\./' "$readme" && fail "the README links outside the repository"
echo ok
