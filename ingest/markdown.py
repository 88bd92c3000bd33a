"""Markdown and text converted from PDF: paragraphs re-joined, pipe tables as rows, headings, pages.

Handbooks reach us as Markdown made from a PDF: a sentence wrapped over several lines (often with
blank lines between), bold entry titles, pipe tables (`|구분|현행|개정|`, `<br>` inside cells),
and running footers ("2026년부터 이렇게 달라집니다 297", "298") that end each page. The blocks are
the document as it reads: emphasis marks dropped, a wrapped sentence one paragraph, a table row
one block with its cells joined by tabs, a footer turned into the page of the lines above it.
"""

from __future__ import annotations

import re
from collections import Counter

from core.patterns import desk_phone, is_org_line
from ingest.document import Block

_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ATX = re.compile(r"^\s{0,3}#{1,6}\s+")
_EMPHASIS = re.compile(r"\*\*|__|~~")
_BREAK = re.compile(r"<br\s*/?>", re.I)
_BOLD_LINE = re.compile(r"^\s*\*\*[^*]+\*\*\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?(\d{1,4})(?:\s*-)?\s*$")
_TRAILING_NUMBER = re.compile(r"^(.{4,60}?)\s+(\d{1,4})\s*$")
# A line that starts a new paragraph: a bullet, a numbered item, a note, a heading, a contact.
_STARTS = re.compile(r"^\s*(?:[□■○●◦◯▪▸‣•·\-–※*＊☞☎<\[【(（]|[①-⑳❶-❿➊-➓ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|\d+[.)]\s|[가-하][.)]\s)")
_ENDS = re.compile(r"(?:[.!?。」』”\"')\]]|다|요|음|함|임)\s*$")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\ufeff]")
_CELL_NAME = re.compile(r"^Col\d+$")  # a converter's placeholder header ("Col2")


def read_markdown(text: str) -> tuple[list[Block], bool]:
    """Blocks of a Markdown (or PDF-to-text) document and whether pages were found in its footers."""
    lines = [_ZERO_WIDTH.sub("", ln).rstrip() for ln in text.splitlines()]
    footers = _footer_forms(lines)
    blocks: list[tuple[str, int | None, bool]] = []  # (text, table number or None, heading)
    page_ends: list[tuple[int, int]] = []  # (index of the first block after a footer, the footer's page)
    tables = 0
    in_table = False
    paragraph = ""
    heading_run = False

    def flush() -> None:
        nonlocal paragraph
        if paragraph.strip():
            blocks.append((paragraph.strip(), None, False))
        paragraph = ""

    for raw in lines:
        if not raw.strip():
            in_table = False
            continue
        number = _footer_page(raw, footers)
        if number is not None:
            flush()
            page_ends.append((len(blocks), number))
            continue
        if _TABLE_ROW.match(raw):
            flush()
            if _TABLE_RULE.match(raw):
                continue
            if not in_table:
                tables += 1
                in_table = True
            cells = [_inline(c) for c in raw.strip().strip("|").split("|")]
            cells = ["" if _CELL_NAME.match(c) else c for c in cells]
            if any(cells):
                blocks.append(("\t".join(cells).rstrip("\t"), tables, False))
            continue
        in_table = False
        line = _inline(_ATX.sub("", raw))
        if not line:
            continue
        heading = (bool(_ATX.match(raw)) or (bool(_BOLD_LINE.match(raw)) and len(raw) < 90)) and not (
            is_org_line(line) or desk_phone(line))  # "**관세청 보세산업과**" is an entry's desk, not a title
        if heading:
            flush()
            if heading_run and blocks and blocks[-1][2]:
                # a title wrapped over two bold lines is one heading
                blocks[-1] = (f"{blocks[-1][0]} {line}", None, True)
            else:
                blocks.append((line, None, True))
            heading_run = True
            continue
        heading_run = False
        if paragraph and (_STARTS.match(line) or _ENDS.search(paragraph) or "☎" in paragraph or is_org_line(line)
                          or is_org_line(paragraph) or desk_phone(line)):
            flush()
        paragraph = f"{paragraph} {line}" if paragraph else line
    flush()
    page_ends = _increasing(page_ends)
    paged = len(page_ends) >= 3
    out: list[Block] = []
    for i, (text_, table, heading) in enumerate(blocks):
        page = next((n for start, n in page_ends if start > i), page_ends[-1][1] + 1 if page_ends else None)
        out.append(Block(text_, page if paged else None, table, heading))
    return out, paged


def _increasing(ends: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Footers whose numbers go up a page or a few at a time (a stray number in the text is not a page)."""
    kept: list[tuple[int, int]] = []
    for start, n in ends:
        if not kept or kept[-1][1] < n <= kept[-1][1] + 5:
            kept.append((start, n))
    return kept


def _inline(text: str) -> str:
    """A line or cell as it reads: emphasis marks dropped, <br> a space, spaces collapsed."""
    text = _BREAK.sub(" ", _EMPHASIS.sub("", text))
    return re.sub(r"\s+", " ", text).strip()


def _footer_forms(lines: list[str]) -> set[str]:
    """Running footers: short lines that end in a number and repeat (digits aside) at least five times."""
    counts: Counter[str] = Counter()
    for ln in lines:
        m = _TRAILING_NUMBER.match(_inline(ln))
        if m and not _TABLE_ROW.match(ln):
            counts[m.group(1)] += 1
    return {form for form, n in counts.items() if n >= 5}


def _footer_page(line: str, footers: set[str]) -> int | None:
    """The page number a footer line gives ("298", "2026년부터 이렇게 달라집니다 297"), else None."""
    flat = _inline(line)
    m = _PAGE_NUMBER.match(flat)
    if m:
        return int(m.group(1))
    m = _TRAILING_NUMBER.match(flat)
    if m and m.group(1) in footers:
        return int(m.group(2))
    return None
