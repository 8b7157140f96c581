# test_completion.sh — the bash completion built from the schema (build/dlx.bash): sourced
# in a plain bash, it completes commands, each command's options, --gemm/--emit values,
# and every experiment key of src/spec/schema.c after --set and after the file.
# usage: test_completion.sh BUILD/dlx.bash
set -uo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$1" || fail "sourcing $1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
touch exp.yaml notes.txt
mkdir results
# complete WORD...: the completions of the last word of `dlx WORD...`, one per line, sorted.
complete_words() {
    COMP_WORDS=(dlx "$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _dlx
    printf '%s\n' "${COMPREPLY[@]}" | sort
}
has() { grep -qxF -- "$2" <<<"$1" || fail "completions lack '$2': $(echo $1)"; }
lacks() { grep -qxF -- "$2" <<<"$1" && fail "completions offer '$2'"; return 0; }

c=$(complete_words "")
for w in run validate sweep collect summarize help; do has "$c" "$w"; done
c=$(complete_words su); [[ $c == summarize ]] || fail "'su' completed to '$c'"
c=$(complete_words run exp.yaml --)
for o in --set --out --arms --seeds --point --jobs --threads --resume --force --quiet --gemm; do
    has "$c" "$o"
done
c=$(complete_words sweep exp.yaml --e); [[ $c == --emit ]] || fail "sweep --e: '$c'"
c=$(complete_words sweep exp.yaml --emit ""); has "$c" commands; has "$c" slurm
c=$(complete_words run exp.yaml --gemm o); has "$c" openblas; has "$c" onednn; lacks "$c" auto
c=$(complete_words collect -); has "$c" -o; has "$c" --runs; lacks "$c" --csv
c=$(complete_words summarize --); has "$c" --csv
c=$(complete_words help v); [[ $c == validate ]] || fail "help v: '$c'"
# Files: experiment files and folders, not other files.
c=$(complete_words run ""); has "$c" exp.yaml; has "$c" results/; lacks "$c" notes.txt
# Keys: every key of the schema, as KEY= (the value follows).
keys=$(python3 - "$DLX_SOURCE_ROOT/src/spec/schema.c" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
t = t[t.index("static const spec_key keys[]"):]
print("\n".join(re.findall(r'\{\s*"([A-Za-z0-9_.]+)"\s*,', t[:t.index("};")])))
PY
)
[[ $(wc -l <<<"$keys") -gt 50 ]] || fail "too few schema keys read: $(wc -l <<<"$keys")"
c=$(complete_words run exp.yaml --set "")
while read -r k; do has "$c" "$k="; done <<<"$keys"
c=$(complete_words run exp.yaml --set optimizer.l); has "$c" optimizer.lr=; lacks "$c" model.type=
c=$(complete_words run exp.yaml training.ep); has "$c" training.epochs=
c=$(complete_words validate exp.yaml --set=data.so); [[ $c == --set=data.source= ]] || fail "--set=data.so: '$c'"
echo ok
