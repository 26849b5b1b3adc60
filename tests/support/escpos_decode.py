"""A small ESC/POS decoder for tests: the command sequence, and raster images rebuilt.

Understands what our jobs contain: ESC @ (init), GS v 0 (raster image, possibly in
several fragments), ESC d n (feed), GS V (cut), ESC p (drawer kick). Anything else is
reported as unknown, which a test can then refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image


@dataclass
class Decoded:
    commands: list[str] = field(default_factory=list)
    fragments: list[Image.Image] = field(default_factory=list)

    def image(self) -> Image.Image:
        width = self.fragments[0].width
        height = sum(f.height for f in self.fragments)
        joined = Image.new("1", (width, height), 1)
        y = 0
        for fragment in self.fragments:
            joined.paste(fragment, (0, y))
            y += fragment.height
        return joined


def decode(data: bytes) -> Decoded:
    out = Decoded()
    i = 0
    while i < len(data):
        if data[i : i + 2] == b"\x1b@":
            out.commands.append("init")
            i += 2
        elif data[i : i + 3] == b"\x1dv0":
            mode = data[i + 3]
            width_bytes = data[i + 4] | data[i + 5] << 8
            rows = data[i + 6] | data[i + 7] << 8
            raster = data[i + 8 : i + 8 + width_bytes * rows]
            if mode != 0 or len(raster) != width_bytes * rows:
                raise ValueError("truncated or unexpected raster")
            # ESC/POS: a set bit prints a dot (black); PIL "1": 0 is black.
            inverted = bytes(b ^ 0xFF for b in raster)
            out.fragments.append(Image.frombytes("1", (width_bytes * 8, rows), inverted))
            out.commands.append("raster")
            i += 8 + width_bytes * rows
        elif data[i : i + 2] == b"\x1bd":
            out.commands.append("feed")
            i += 3
        elif data[i : i + 2] == b"\x1dV":
            out.commands.append("cut")
            i += 3 if data[i + 2] in (0, 1, 48, 49) else 4
        elif data[i : i + 2] == b"\x1bp":
            out.commands.append("drawer")
            i += 5
        else:
            out.commands.append(f"unknown:{data[i]:02x}")
            i += 1
    return out
