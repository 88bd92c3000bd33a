"""Load any supported file into a Document: blocks in reading order plus metadata."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

from core.records import DocMeta
from ingest.document import Block, Document, LoadError
from ingest.markdown import read_markdown

SUPPORTED = (".txt", ".md", ".pdf", ".hwpx", ".hwp")
MANIFEST = "manifest.tsv"


def load(path: Path, root: Path, manifest: dict[str, DocMeta] | None = None) -> Document:
    """Read one file; raise LoadError with a one-line reason when it cannot be ingested."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(f"unsupported file type '{suffix}' (supported: {', '.join(SUPPORTED)})")
    if path.stat().st_size == 0:
        raise LoadError("the file is empty")
    if suffix in (".txt", ".md"):
        blocks, paged = read_text(path)
    elif suffix == ".pdf":
        blocks, paged = read_pdf(path), True
    elif suffix == ".hwpx":
        from ingest.hwpx import read_hwpx

        blocks, paged = read_hwpx(path)
    else:
        from ingest.hwp5 import read_hwp5

        blocks, paged = read_hwp5(path)
    blocks = [Block(t, b.page if paged else None, b.table, b.heading) for b in blocks if (t := normalize(b.text))]
    if not blocks:
        raise LoadError("no text could be extracted (scanned image or empty document?)")
    meta = (manifest or {}).get(path.name) or meta_from_header(blocks, path)
    return Document(source=relative_source(path, root), meta=meta, blocks=tuple(blocks), paged=paged)


_PUA = re.compile("[\ue000-\uf8ff]")
_SPACES = re.compile(r"[ \u00a0\u2002\u2003\u3000]+")


def normalize(text: str) -> str:
    """NFC, private-use glyphs (Hancom bullets) dropped, runs of spaces collapsed; tabs kept."""
    text = unicodedata.normalize("NFC", text).replace("\ufffd", "")
    text = _PUA.sub("", text)
    cells = [_SPACES.sub(" ", cell).strip() for cell in text.split("\t")]
    return "\t".join(cells).rstrip("\t") if any(cells) else ""


def relative_source(path: Path, root: Path) -> str:
    """The path as cited: relative to the repo root when under it, absolute otherwise."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


# --- plain text -----------------------------------------------------------------------------


def read_text(path: Path) -> tuple[list[Block], bool]:
    """A .md file, or a .txt with Markdown pipe tables, as Markdown; another .txt line by line."""
    text = _decode(path)
    if path.suffix.lower() == ".md" or len(_PIPE_RULE.findall(text)) >= 1:
        return read_markdown(text)
    return read_txt_lines(text), False


_PIPE_RULE = re.compile(r"^\s*\|\s*:?-{3,}", re.M)


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp949"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise LoadError("not UTF-8 or CP949 text")
    if "\x00" in text:
        raise LoadError(f"binary content (NUL bytes) in a {path.suffix} file")
    return text


def read_txt_lines(text: str) -> list[Block]:
    """Paragraphs are lines; a line with tabs is a table row, consecutive ones one table."""
    blocks: list[Block] = []
    tables = 0
    in_table = False
    for line in text.splitlines():
        if not line.strip():
            in_table = False
            continue
        if "\t" in line:
            if not in_table:
                tables += 1
                in_table = True
            blocks.append(Block(line.rstrip(), None, tables))
        else:
            in_table = False
            blocks.append(Block(line.strip(), None))
    return blocks


# --- PDF ------------------------------------------------------------------------------------

_BLOCK_START = re.compile(r"^\s*([□■○●◦◯▪▸‣•·\-–※*＊☞<\[【(（]|[①-⑳❶-❿➊-➓ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|\d+[.)]\s|[가-하][.)]\s)")
_PHONE = re.compile(r"\d{2,4}-\d{3,4}-\d{4}")


def read_pdf(path: Path) -> list[Block]:
    """Text per page; wrapped lines are re-joined into paragraphs (pypdf keeps line breaks)."""
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise LoadError("the PDF is encrypted")
            except Exception as exc:  # pypdf raises several types for unsupported crypto
                raise LoadError(f"the PDF is encrypted ({exc})") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise LoadError(f"unreadable PDF ({exc})") from exc
    blocks: list[Block] = []
    for number, text in enumerate(pages, start=1):
        current = ""
        for line in text.splitlines():
            if not line.strip():
                continue
            starts = bool(_BLOCK_START.match(line)) or bool(_PHONE.search(line))
            prev_short = len(current.strip()) < 25 or bool(_PHONE.search(current))
            if current and (starts or prev_short):
                blocks.append(Block(current.strip(), number))
                current = ""
            # A wrapped line keeps its trailing space when the break fell between words; a line
            # that opens with a digit or Latin letter after one that did not is a new word too.
            if current and not current.endswith(" ") and re.match(r"[0-9A-Za-z(]", line):
                current += " "
            current += line
        if current.strip():
            blocks.append(Block(current.strip(), number))
    return blocks


# --- metadata -------------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict[str, DocMeta]:
    """Rows of manifest.tsv in directory, keyed by file name; {} when there is none."""
    path = directory / MANIFEST
    if not path.exists():
        return {}
    out: dict[str, DocMeta] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            name = (row.get("file") or "").strip()
            if name:
                out[name] = DocMeta(
                    title=(row.get("title") or "").strip(),
                    date=(row.get("date") or "").strip(),
                    publisher=(row.get("publisher") or "").strip(),
                    url=(row.get("source_url") or "").strip(),
                )
    return out


_DATE = re.compile(r"(20\d\d|19\d\d)\s*[.\-년]\s*(\d{1,2})\s*[.\-월]\s*(\d{1,2})")
_HEADER_WORDS = ("보도자료", "보도시점", "배포", "담당 부서", "조간", "석간", "(지 면)", "(인터넷)")


def meta_from_header(blocks: list[Block], path: Path) -> DocMeta:
    """Title and date read from a 보도자료 header, for a file with no manifest row."""
    date = ""
    for b in blocks[:15]:
        if "배포" in b.text or "보도시점" in b.text or "보도일시" in b.text:
            m = _DATE.search(b.text)
            if m:
                date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
                break
    if not date:
        m = _DATE.search(path.stem.replace("_", "."))
        if m:
            date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    title = ""
    for b in blocks[:20]:
        text = b.text.replace("\t", " ").strip()
        if len(text) < 8 or _DATE.search(text) or any(w in text for w in _HEADER_WORDS):
            continue
        title = text
        break
    return DocMeta(title=title or path.stem, date=date, publisher="", url="")
