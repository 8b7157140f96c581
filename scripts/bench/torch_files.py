"""Files shared by the PyTorch reference scripts of scripts/bench/."""
import json
import struct


def write_safetensors(path, tensors):
    """The safetensors format by hand: u64 header length, JSON header (padded with spaces to a
    multiple of 8 bytes), raw little-endian F32 data, tensors in the given order."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().cpu().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
