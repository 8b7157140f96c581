#!/usr/bin/env python3
"""edit_checkpoint.py — rewrite a dlx checkpoint (safetensors) with some metadata changed or a
tensor element replaced, as a damaged or hand-edited file would be.

    edit_checkpoint.py FILE [KEY=VALUE]... [--nan TENSOR]

KEY=VALUE sets a metadata string; --nan TENSOR makes the first element of TENSOR (float32) a NaN.
The header is re-encoded (8-byte little-endian length, JSON), the data section kept otherwise.
"""
import json
import struct
import sys


def main(argv):
    path = argv[1]
    blob = open(path, "rb").read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = bytearray(blob[8 + n:])
    args = argv[2:]
    i = 0
    while i < len(args):
        if args[i] == "--nan":
            begin = header[args[i + 1]]["data_offsets"][0]
            data[begin:begin + 4] = struct.pack("<f", float("nan"))
            i += 2
            continue
        key, value = args[i].split("=", 1)
        header["__metadata__"][key] = value
        i += 1
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    open(path, "wb").write(struct.pack("<Q", len(text)) + text + bytes(data))


if __name__ == "__main__":
    main(sys.argv)
