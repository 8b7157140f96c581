#!/usr/bin/env python3
"""Write the bash completion of dlx: the template with @DLX_KEYS@ replaced by
every key of the experiment schema (the rows of `keys[]` in src/spec/schema.c),
so the completion always offers the keys this build accepts.

usage: make_completion.py TEMPLATE SCHEMA_C OUTPUT
"""
import re
import sys


def schema_keys(schema_c):
    """The dotted keys of the schema table, in the table's order."""
    text = open(schema_c, encoding="utf-8").read()
    table = text[text.index("static const spec_key keys[]"):]
    table = table[:table.index("};")]
    return re.findall(r'\{\s*"([A-Za-z0-9_.]+)"\s*,', table)


def main():
    template, schema_c, output = sys.argv[1:4]
    keys = schema_keys(schema_c)
    if not keys:
        sys.exit("make_completion.py: no keys found in " + schema_c)
    text = open(template, encoding="utf-8").read().replace("@DLX_KEYS@", " ".join(keys))
    with open(output, "w", encoding="utf-8") as out:
        out.write(text)


if __name__ == "__main__":
    main()
