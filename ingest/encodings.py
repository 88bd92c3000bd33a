"""Bytes of a .txt/.md/.tsv file to text: UTF-8, CP949 (EUC-KR), UTF-16 with a byte-order mark, or a
mix of UTF-8 and CP949 lines; anything else is a LoadError naming the line."""

from __future__ import annotations

import codecs

from ingest.document import LoadError

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(raw: bytes) -> str:
    """The text of raw bytes; LoadError when they are binary or in no encoding we read."""
    if raw.startswith(_UTF16_BOMS):
        try:
            text = raw.decode("utf-16")  # the byte-order mark picks little or big endian
        except UnicodeDecodeError as exc:
            raise LoadError(f"broken UTF-16 text at byte {exc.start}") from exc
    elif _looks_like_utf16(raw):
        raise LoadError("UTF-16 text without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM)")
    else:
        if b"\x00" in raw:
            raise LoadError("binary content (NUL bytes) in a text file")
        text = _utf8_or_cp949(raw.removeprefix(codecs.BOM_UTF8))
    if "\x00" in text:
        raise LoadError("binary content (NUL characters) in a text file")
    return text


def _utf8_or_cp949(raw: bytes) -> str:
    """The whole file as UTF-8, else as CP949, else line by line (a file pasted together from both)."""
    for encoding in ("utf-8", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    lines: list[str] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        for encoding in ("utf-8", "cp949"):
            try:
                lines.append(line.decode(encoding))
                break
            except UnicodeDecodeError:
                continue
        else:
            raise LoadError(f"line {number} is neither UTF-8 nor CP949 (EUC-KR) text")
    return "\n".join(lines)


def _looks_like_utf16(raw: bytes) -> bool:
    """NUL bytes nearly all on one parity, as the high byte of ASCII and spaces in UTF-16 are."""
    sample = raw[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return False
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    many, few = max(even, odd), min(even, odd)
    return many >= len(sample) // 20 and few <= many // 10  # a Hangul syllable like 관 (U+AD00) has a NUL too
