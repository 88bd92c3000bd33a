"""HWPX (OWPML, KS X 6101) reader: paragraphs, text boxes and tables in reading order.

Pages come from the layout cache Hancom stores in each paragraph (``hp:lineseg``):
``vertpos`` restarts near zero on a new page, and ``pageBreak="1"`` forces one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from ingest.document import Block, LoadError
from ingest.limits import MAX_UNPACKED_BYTES
from ingest.walker import Walker

HP = "{http://www.hancom.co.kr/hwpml/2011/paragraph}"
_SECTION = re.compile(r"Contents/section(\d+)\.xml$")
_LISTED = re.compile(r'href="(Contents/section\d+\.xml)"')


def read_hwpx(path: Path) -> tuple[list[Block], bool]:
    """Return the blocks of an HWPX file and whether they carry page numbers."""
    try:
        with zipfile.ZipFile(path) as zf:
            roots = [ET.fromstring(zf.read(n)) for n in _section_names(zf)]
    except zipfile.BadZipFile as exc:
        raise LoadError(f"not a valid HWPX zip archive ({exc})") from exc
    except (zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise LoadError(f"damaged HWPX archive ({exc})") from exc
    except ET.ParseError as exc:
        raise LoadError(f"malformed section XML ({exc})") from exc
    walker = _Walker()
    try:
        for root in roots:
            walker.pages.new_page()
            for p in root.findall(f"{HP}p"):
                walker.top(p)
    except RecursionError as exc:
        raise LoadError("text boxes or tables nested too deeply to read") from exc
    return walker.blocks, True


def _section_names(zf: zipfile.ZipFile) -> list[str]:
    """The section XML entries in order, after checks for encryption, missing sections and zip bombs."""
    infos = {i.filename: i for i in zf.infolist()}
    if "META-INF/manifest.xml" in infos and b"encryption-data" in _head(zf, "META-INF/manifest.xml"):
        raise LoadError("the document is password-protected")
    names = sorted((n for n in infos if _SECTION.search(n)),
                   key=lambda n: int(_SECTION.search(n).group(1)))  # type: ignore[union-attr]
    if not names:
        raise LoadError("no Contents/section*.xml in the archive (not an HWPX document?)")
    if "Contents/content.hpf" in infos:
        listed = _LISTED.findall(_head(zf, "Contents/content.hpf").decode("utf-8", "replace"))
        missing = [n for n in listed if n not in infos]
        if missing:
            raise LoadError(f"{missing[0]} is listed in Contents/content.hpf but missing from the archive "
                            "(damaged or cut-down file)")
    numbers = [int(_SECTION.search(n).group(1)) for n in names]  # type: ignore[union-attr]
    if numbers != list(range(len(numbers))):
        gap = min(set(range(max(numbers) + 1)) - set(numbers))
        raise LoadError(f"Contents/section{gap}.xml is missing from the archive (damaged or cut-down file)")
    unpacked = sum(infos[n].file_size for n in names)
    if unpacked > MAX_UNPACKED_BYTES:
        raise LoadError(f"the sections unpack to {unpacked / 2**20:,.0f} MB, over the {MAX_UNPACKED_BYTES // 2**20} MB "
                        "limit (a zip bomb?)")
    return names


def _head(zf: zipfile.ZipFile, name: str) -> bytes:
    """The first megabyte of an entry (a package file is a few kilobytes; a bomb stops here)."""
    with zf.open(name) as fh:
        return fh.read(2**20)


class _Walker(Walker[ET.Element]):
    def top(self, p: ET.Element) -> None:
        segs = [int(s.get("vertpos", "0")) for s in p.iter(f"{HP}lineseg") if _own(p, s)]
        self.top_paragraph(p, segs, p.get("pageBreak") == "1")

    def _paragraph(self, p: ET.Element) -> None:
        text: list[str] = []
        pending: list[ET.Element] = []
        for run in p.findall(f"{HP}run"):
            for child in run:
                tag = child.tag
                if tag == f"{HP}t":
                    text.append(_t_text(child))
                elif tag == f"{HP}tbl" or _has_sublist(child):
                    pending.append(child)
        self.line("".join(text))
        for obj in pending:
            if obj.tag == f"{HP}tbl":
                self.table(list(_cells(obj)), _cell_text, _cell_paragraphs)
            else:  # text box or other drawing object with paragraphs
                for sub in obj.iter(f"{HP}subList"):
                    for q in sub.findall(f"{HP}p"):
                        self._paragraph(q)


def _cell_paragraphs(tc: ET.Element) -> list[ET.Element]:
    return [q for sub in tc.findall(f"{HP}subList") for q in sub.findall(f"{HP}p")]


def _own(p: ET.Element, seg: ET.Element) -> bool:
    """True when the lineseg belongs to p itself, not to a paragraph nested in a table."""
    arr = p.find(f"{HP}linesegarray")
    return arr is not None and seg in list(arr)


def _has_sublist(el: ET.Element) -> bool:
    return el.tag != f"{HP}ctrl" and el.find(f".//{HP}subList") is not None


def _cells(tbl: ET.Element) -> Iterator[tuple[int, int, int, int, ET.Element]]:
    for tr_i, tr in enumerate(tbl.findall(f"{HP}tr")):
        for tc in tr.findall(f"{HP}tc"):
            addr = tc.find(f"{HP}cellAddr")
            span = tc.find(f"{HP}cellSpan")
            r = int(addr.get("rowAddr", tr_i)) if addr is not None else tr_i
            c = int(addr.get("colAddr", 0)) if addr is not None else 0
            rs = int(span.get("rowSpan", 1)) if span is not None else 1
            cs = int(span.get("colSpan", 1)) if span is not None else 1
            yield r, c, rs, cs, tc


def _cell_text(tc: ET.Element) -> str:
    # Paragraph boundaries inside a cell become spaces.
    out: list[str] = []
    for p in tc.iter(f"{HP}p"):
        own = "".join(_t_text(t) for r in p.findall(f"{HP}run") for t in r.findall(f"{HP}t"))
        if own.strip():
            out.append(own)
    return " ".join(out)


def _t_text(t: ET.Element) -> str:
    parts = [t.text or ""]
    for child in t:
        name = child.tag.rsplit("}", 1)[-1]
        if name in ("tab", "lineBreak", "fwSpace", "nbSpace", "hyphen"):
            parts.append(" " if name != "hyphen" else "-")
        parts.append(child.tail or "")
    return "".join(parts)
