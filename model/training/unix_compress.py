"""Decoding Unix `compress` (.Z, LZW) data, which Python's standard library cannot.

The UCI pen digits archive keeps its original trajectories as .Z files. The
format: the magic bytes 1F 9D, a flags byte (maximum code width in the low five
bits, "block mode" in the top bit: code 256 then clears the table), then codes
packed least significant bit first, 9 bits wide at first and one bit wider each
time the table outgrows the width. `compress` writes codes in groups of eight
and starts a new group whenever the width changes or the table is cleared, so
the unused rest of a group is skipped there (as gzip's unlzw.c does).
"""

MAGIC = b"\x1f\x9d"
FIRST_WIDTH = 9
CLEAR = 256


def decompress(data: bytes) -> bytes:
    """The original bytes of a .Z file's content; ValueError if it is not one."""
    if len(data) < 3 or data[:2] != MAGIC:
        raise ValueError("not Unix compress (.Z) data: the magic bytes 1F 9D are missing")
    max_width, block_mode = data[2] & 0x1F, bool(data[2] & 0x80)
    if not FIRST_WIDTH <= max_width <= 16:
        raise ValueError(f"unsupported .Z maximum code width {max_width}")
    body, table_limit = data[3:] + b"\0\0", 1 << max_width  # padding: a code spans 3 bytes
    total_bits = 8 * (len(data) - 3)
    first_entry = CLEAR + 1 if block_mode else CLEAR
    table = [bytes([value]) for value in range(256)] + [b""] * (first_entry - 256)
    width, position, group_start, previous = FIRST_WIDTH, 0, 0, None
    out = bytearray()

    def next_group() -> int:
        group_bits = 8 * width
        return group_start + -(-(position - group_start) // group_bits) * group_bits

    while True:
        if len(table) > (1 << width) - 1 and width < max_width:
            position = group_start = next_group()
            width += 1
        if position + width > total_bits:
            break
        start = position >> 3
        code = (int.from_bytes(body[start : start + 3], "little") >> (position & 7)) & (
            (1 << width) - 1
        )
        position += width
        if block_mode and code == CLEAR:
            position = group_start = next_group()
            del table[first_entry:]
            width, previous = FIRST_WIDTH, None
            continue
        if previous is None:
            if code >= 256:
                raise ValueError(f"corrupt .Z data: the first code {code} is not a byte")
            entry = table[code]
        elif code < len(table):
            entry = table[code]
            if len(table) < table_limit:
                table.append(table[previous] + entry[:1])
        elif code == len(table):  # the entry this very code defines: previous + its first byte
            entry = table[previous] + table[previous][:1]
            table.append(entry)
        else:
            raise ValueError(f"corrupt .Z data: code {code} is beyond the table ({len(table)})")
        out += entry
        previous = code
    return bytes(out)
