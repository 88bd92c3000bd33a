"""HWP 5.0 (binary, OLE2) reader: paragraphs, text boxes and tables in reading order.

Follows Hancom's published "HWP 5.0 file format" spec: each ``BodyText/SectionN`` stream
is a (raw-deflated) sequence of records whose 10-bit level nests them into a tree.
Pages come from the layout cache in ``PARA_LINE_SEG`` records, as for HWPX.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import olefile

from ingest.document import Block, LoadError
from ingest.limits import MAX_UNPACKED_BYTES
from ingest.walker import Walker

_BEGIN = 0x10
PARA_HEADER = _BEGIN + 50
PARA_TEXT = _BEGIN + 51
PARA_LINE_SEG = _BEGIN + 53
CTRL_HEADER = _BEGIN + 55
LIST_HEADER = _BEGIN + 56
TABLE = _BEGIN + 61

# Control characters that occupy 8 UTF-16 units (the char, 6 units of payload, the char again).
_WIDE_CONTROLS = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23})
_SKIPPED_CTRLS = frozenset({b"head", b"foot", b"pgnp", b"pghd", b"atno", b"nwno", b"cold", b"secd"})


@dataclass
class _Rec:
    tag: int
    level: int
    data: bytes
    children: list[_Rec] = field(default_factory=list)


def read_hwp5(path: Path) -> tuple[list[Block], bool]:
    """Return the blocks of an HWP 5.0 file and whether they carry page numbers."""
    try:
        if not olefile.isOleFile(str(path)):
            raise LoadError("not an OLE2 compound file (not an HWP 5.0 document?)")
        with olefile.OleFileIO(str(path)) as ole:
            sections = _section_data(ole)
    except LoadError:
        raise
    except FileNotFoundError as exc:
        raise LoadError("the file disappeared while the run was reading it") from exc
    except Exception as exc:  # olefile reports a damaged container with several exception types
        raise LoadError(f"damaged OLE2 container ({type(exc).__name__}: {exc})") from exc
    walker = _Walker()
    try:
        for data in sections:
            walker.pages.new_page()
            for rec in _tree(_records(data)):
                if rec.tag == PARA_HEADER:
                    walker.top(rec)
    except RecursionError as exc:
        raise LoadError("text boxes or tables nested too deeply to read") from exc
    return walker.blocks, True


def _section_data(ole: olefile.OleFileIO) -> list[bytes]:
    """The record bytes of each BodyText section, decompressed, after the header's checks."""
    if not ole.exists("FileHeader"):
        raise LoadError("no FileHeader stream (not an HWP 5.0 document?)")
    header = ole.openstream("FileHeader").read()
    if not header.startswith(b"HWP Document File") or len(header) < 40:
        raise LoadError("FileHeader signature is not 'HWP Document File'")
    flags = struct.unpack_from("<I", header, 36)[0]
    if flags & 0x2:
        raise LoadError("the document is password-protected")
    if flags & 0x4:
        raise LoadError("the document is a distribution (DRM) copy whose text is encrypted")
    compressed = bool(flags & 0x1)
    sections = sorted(
        (e for e in ole.listdir() if len(e) == 2 and e[0] == "BodyText"),
        key=lambda e: int(re.sub(r"\D", "", e[1]) or 0),
    )
    if not sections:
        raise LoadError("no BodyText sections")
    out: list[bytes] = []
    budget = MAX_UNPACKED_BYTES
    for entry in sections:
        raw = ole.openstream("/".join(entry)).read()
        if not compressed:
            out.append(raw)
            continue
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(raw, budget + 1)
        except zlib.error as exc:
            raise LoadError(f"section {entry[1]} does not decompress ({exc})") from exc
        budget -= len(data)
        if not inflater.eof and not inflater.unconsumed_tail:
            raise LoadError(f"section {entry[1]} is cut short (damaged file?)")
        if budget < 0 or inflater.unconsumed_tail:
            raise LoadError(f"the sections unpack to over {MAX_UNPACKED_BYTES // 2**20} MB (a decompression bomb?)")
        out.append(data)
    return out


def _records(data: bytes) -> list[_Rec]:
    out: list[_Rec] = []
    pos, end = 0, len(data)
    while pos + 4 <= end:
        (hdr,) = struct.unpack_from("<I", data, pos)
        pos += 4
        tag, level, size = hdr & 0x3FF, (hdr >> 10) & 0x3FF, hdr >> 20
        if size == 0xFFF:
            if pos + 4 > end:
                break
            (size,) = struct.unpack_from("<I", data, pos)
            pos += 4
        out.append(_Rec(tag, level, data[pos : pos + size]))
        pos += size
    return out


def _tree(records: list[_Rec]) -> list[_Rec]:
    roots: list[_Rec] = []
    stack: list[_Rec] = []
    for rec in records:
        while stack and stack[-1].level >= rec.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(rec)
        stack.append(rec)
    return roots


def _para_text(rec: _Rec) -> str:
    data = next((c.data for c in rec.children if c.tag == PARA_TEXT), b"")
    units = struct.unpack(f"<{len(data) // 2}H", data[: len(data) // 2 * 2])
    out: list[str] = []
    i = 0
    while i < len(units):
        u = units[i]
        if u < 32:
            if u == 9 or u in (10, 30, 31):
                out.append(" ")
            elif u == 24:
                out.append("-")
            i += 8 if u in _WIDE_CONTROLS else 1
            continue
        out.append(chr(u))
        i += 1
    # Surrogate pairs arrive as two units; re-pair them.
    return "".join(out).encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _vertpos(rec: _Rec) -> list[int]:
    data = next((c.data for c in rec.children if c.tag == PARA_LINE_SEG), b"")
    return [struct.unpack_from("<i", data, off + 4)[0] for off in range(0, len(data) - 35, 36)]


def _ctrl_id(rec: _Rec) -> bytes:
    return rec.data[:4][::-1] if len(rec.data) >= 4 else b""


class _Walker(Walker[_Rec]):
    def top(self, rec: _Rec) -> None:
        breaks = rec.data[11] if len(rec.data) > 11 else 0
        self.top_paragraph(rec, _vertpos(rec), bool(breaks & 0x04))

    def _paragraph(self, rec: _Rec) -> None:
        self.line(_para_text(rec))
        for ctrl in rec.children:
            if ctrl.tag != CTRL_HEADER or _ctrl_id(ctrl) in _SKIPPED_CTRLS:
                continue
            if _ctrl_id(ctrl) == b"tbl ":
                self.table(_cells(ctrl), _cell_text, _cell_paragraphs)
            else:  # text boxes, footnotes: their paragraphs hang below the control
                for para in _descendant_paragraphs(ctrl):
                    self._paragraph(para)


def _cells(ctrl: _Rec) -> list[tuple[int, int, int, int, _Rec]]:
    """A table control's cells; each cell is a synthetic record holding its paragraphs."""
    cells: list[tuple[int, int, int, int, _Rec]] = []
    for child in ctrl.children:
        if child.tag == LIST_HEADER and len(child.data) >= 16:
            col, row, col_span, row_span = struct.unpack_from("<4H", child.data, 8)
            cells.append((row, col, row_span, col_span, _Rec(LIST_HEADER, 0, b"", [])))
        elif child.tag == PARA_HEADER and cells:
            cells[-1][4].children.append(child)
    return cells


def _cell_text(cell: _Rec) -> str:
    return " ".join(_deep_text(p) for p in cell.children)


def _cell_paragraphs(cell: _Rec) -> list[_Rec]:
    return cell.children


def _descendant_paragraphs(rec: _Rec) -> list[_Rec]:
    out: list[_Rec] = []
    for child in rec.children:
        if child.tag == PARA_HEADER:
            out.append(child)
        elif child.tag != CTRL_HEADER:
            out.extend(_descendant_paragraphs(child))
    return out


def _deep_text(para: _Rec) -> str:
    """A paragraph's text followed by the text of anything nested in it (tables, boxes)."""
    parts = [_para_text(para)]
    for ctrl in para.children:
        if ctrl.tag == CTRL_HEADER and _ctrl_id(ctrl) not in _SKIPPED_CTRLS:
            for child in ctrl.children:
                if child.tag == PARA_HEADER:
                    parts.append(_deep_text(child))
                else:
                    parts.extend(_deep_text(p) for p in _descendant_paragraphs(child))
    return " ".join(parts)
