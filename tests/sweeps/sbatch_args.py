"""The arguments sbatch takes from the #SBATCH lines of a script on stdin, one a line.

A model of sbatch's own scanner (src/sbatch/opt.c, _get_argument): a backslash takes the
next character literally, "..." groups (and '...' in the newer form), white space outside
quotes separates arguments, and a # ends the line: outside quotes in the newer form,
anywhere in the older one. Lines are read until the first one that is neither blank nor a
comment, as sbatch does. Usage: sbatch_args.py newer|older < script. Exits 1 on an
unmatched quote (sbatch refuses the script) or an argument with a control character.
"""
import sys


def arguments(line, newer):
    args, i, n = [], 0, len(line)
    while True:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            return args
        arg, quote, escape, started = [], None, False, False
        while i < n and (quote or not line[i].isspace()):
            c = line[i]
            if escape:
                escape = False
            elif c == "\\":
                escape, i = True, i + 1
                continue
            elif newer and quote:
                if c == quote:
                    quote, i = None, i + 1
                    continue
            elif c == '"' or (newer and c == "'"):
                quote = None if quote else c
                i += 1
                continue
            elif c == "#":
                i = n
                break
            arg.append(c)
            i += 1
        if quote:
            sys.exit("unmatched quote in: " + line)
        if arg:
            args.append("".join(arg))
        if i >= n:
            return args


def main():
    newer = sys.argv[1] == "newer"
    text = sys.stdin.buffer.read().decode("latin-1")
    for line in text.split("\n"):
        if line.startswith("#SBATCH"):
            for a in arguments(line[len("#SBATCH"):], newer):
                if any(ord(c) < 0x20 or ord(c) == 0x7F for c in a):
                    sys.exit("control character in: " + repr(a))
                sys.stdout.buffer.write(a.encode("latin-1") + b"\n")
        elif line.strip() and not line.startswith("#"):
            break


main()
