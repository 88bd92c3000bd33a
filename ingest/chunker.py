"""Structure-aware chunking of press releases and plans.

- A section (①…⑳, Ⅰ., □ blocks, 붙임/참고) stays in one chunk while it fits; a longer one is cut
  between paragraphs, each piece carrying the section heading as context.
- Table rows are never cut. A 담당 부서 contact table is grouped by desk: a row that opens with
  "담당 부서" starts a group, the rows under it (책임자/담당자, or a wrapped row) join it.
- Each line of a chunk keeps its own page, so a citation can name the page of the line it quotes.
"""

from __future__ import annotations

import hashlib
import re

from core.patterns import CONTACT_LINE, desk_phone, is_heading, is_org_line, opens_desk
from core.records import Chunk
from ingest.document import Block, Document

MAX_CHARS = 900  # ~450 e5 tokens of Korean: under the embedder's 512-token window
TARGET_CHARS = 600

_CONTACT_ROW = re.compile(r"\d{2,4}[-)]\s?\d{3,4}-\d{4}")
_ROLE = re.compile(r"책임자|담당자|과\s*장|팀\s*장|사무관|주무관|연구관|연구사|서기관")


def _is_contact_line(text: str) -> bool:
    return bool(CONTACT_LINE.search(text))


def _is_desk_line(blocks: list[Block], i: int) -> bool:
    """A desk line of an entry, or a department line that a desk phone line follows closely."""
    text = blocks[i].text
    if blocks[i].table is not None:
        return False
    if desk_phone(text):
        return True
    return is_org_line(text) and any(desk_phone(b.text) for b in blocks[i + 1 : i + 4] if b.table is None)


def is_contact_table(rows: list[Block]) -> bool:
    """A 담당 부서 table: rows with phone numbers and official roles."""
    joined = "\n".join(r.text for r in rows)
    return "담당" in joined and bool(_CONTACT_ROW.search(joined)) and bool(_ROLE.search(joined))


def chunk_document(doc: Document) -> list[Chunk]:
    """Cut a document into chunks; ids are stable for the same source and text."""
    pieces: list[tuple[str, str, list[Block]]] = []  # (kind, section, blocks)
    section = ""
    current: list[Block] = []

    def flush() -> None:
        if current:
            pieces.extend(("text", section, part) for part in _pack(list(current)))
            current.clear()

    blocks = list(doc.blocks)
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.table is not None:
            j = i
            while j < len(blocks) and blocks[j].table == b.table:
                j += 1
            rows = blocks[i:j]
            i = j
            if len(rows) <= 2 and sum(len(r.text) for r in rows) < 200 and not is_contact_table(rows):
                # A two-row banner (title box, 붙임 label) reads as text of the flow.
                if any(is_heading(r.text.replace("\t", " ")) for r in rows):
                    flush()
                    section = rows[0].text.replace("\t", " ").strip()
                current.extend(rows)
                continue
            flush()
            kind = "contact" if is_contact_table(rows) else "table"
            for n, part in enumerate(_pack_rows(rows, contact=kind == "contact")):
                # Later pieces of a long table carry its header row as context (not as a line:
                # a chunk's lines are always a verbatim run of the document).
                head = f"{section} {rows[0].text}".strip() if n and len(rows) > 3 else section
                pieces.append((kind, "담당 부서" if kind == "contact" else head, part))
            continue
        if _is_contact_line(b.text):
            j = i
            while j < len(blocks) and blocks[j].table is None and _is_contact_line(blocks[j].text):
                j += 1
            flush()
            pieces.extend(("contact", "담당 부서", part) for part in _pack_rows(blocks[i:j], contact=True))
            i = j
            continue
        if _is_desk_line(blocks, i):
            # an entry's own desk ("과기정통부 디지털기반안전과 ☎ 044-202-6772"): a contact chunk under
            # the entry's title, so the desk answers for that entry and no other
            j = i
            while j < len(blocks) and blocks[j].table is None and _is_desk_line(blocks, j):
                j += 1
            flush()
            pieces.append(("contact", section, blocks[i:j]))
            i = j
            continue
        if is_heading(b.text) or b.heading:
            # Consecutive headings (a table of contents, a heading over a sub-heading) stay together.
            if any(not (is_heading(x.text) or x.heading) for x in current):
                flush()
            section = b.text
        current.append(b)
        i += 1
    flush()

    chunks: list[Chunk] = []
    for ordinal, (kind, sec, part) in enumerate(pieces):
        lines = tuple(p.text for p in part)
        digest = hashlib.sha1(f"{doc.source}\x00{ordinal}\x00{kind}\x00{sec}\x00{chr(10).join(lines)}".encode()).hexdigest()
        chunks.append(Chunk(digest[:20], doc.source, ordinal, kind, sec, lines, tuple(p.page for p in part)))
    return chunks


def _pack(blocks: list[Block]) -> list[list[Block]]:
    """Keep a section whole when it fits; otherwise cut between paragraphs near TARGET_CHARS."""
    if sum(len(b.text) + 1 for b in blocks) <= MAX_CHARS:
        return [blocks]
    out: list[list[Block]] = []
    cur: list[Block] = []
    size = 0
    for b in blocks:
        pieces = _split_long(b)
        for i, piece in enumerate(pieces):
            # Two pieces of one paragraph never share a chunk: joined by a line break they would
            # not be the document's text, and a chunk is always a verbatim passage.
            if cur and (size + len(piece.text) > TARGET_CHARS or i > 0):
                out.append(cur)
                cur, size = [], 0
            cur.append(piece)
            size += len(piece.text) + 1
    if cur:
        out.append(cur)
    return out


def _split_long(b: Block) -> list[Block]:
    """A paragraph longer than MAX_CHARS is cut at sentence ends (rare: the 51-page PDF)."""
    if len(b.text) <= MAX_CHARS:
        return [b]
    parts = re.split(r"(?<=[.다음임])\s+", b.text)
    out: list[Block] = []
    cur = ""
    for p in parts:
        if cur and len(cur) + len(p) + 1 > TARGET_CHARS:
            out.append(Block(cur, b.page, b.table))
            cur = ""
        cur = f"{cur} {p}".strip()
        while len(cur) > MAX_CHARS:
            out.append(Block(cur[:MAX_CHARS], b.page, b.table))
            cur = cur[MAX_CHARS:]
    if cur:
        out.append(Block(cur, b.page, b.table))
    return out


def _pack_rows(rows: list[Block], contact: bool) -> list[list[Block]]:
    """Group table rows (a desk with its people, or a row with its continuation lines)."""
    groups: list[list[Block]] = []
    for r in rows:
        starts = opens_desk(r.text) if contact else bool(r.text.split("\t", 1)[0].strip())
        if not groups or starts:
            groups.append([r])
        else:
            groups[-1].append(r)
    out: list[list[Block]] = []
    cur: list[Block] = []
    size = 0
    for g in groups:
        gsize = sum(len(r.text) + 1 for r in g)
        if cur and size + gsize > MAX_CHARS:
            out.append(cur)
            cur, size = [], 0
        cur.extend(g)
        size += gsize
    if cur:
        out.append(cur)
    return out
