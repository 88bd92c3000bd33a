"""Load any supported file into a Document: blocks in reading order plus metadata."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from core.records import DocMeta
from ingest.document import Block, Document, LoadError
from ingest.encodings import decode_text
from ingest.limits import MAX_BLOCK_CHARS
from ingest.manifest import MANIFEST, read_manifest_checked
from ingest.markdown import read_markdown

SUPPORTED = (".txt", ".md", ".pdf", ".hwpx", ".hwp")
__all__ = ["MANIFEST", "SUPPORTED", "load", "read_manifest"]


def load(path: Path, root: Path, manifest: dict[str, DocMeta] | None = None) -> Document:
    """Read one file; raise LoadError with a one-line reason when it cannot be ingested."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(f"unsupported file type '{suffix}' (supported: {', '.join(SUPPORTED)})")
    try:
        if path.stat().st_size == 0:
            raise LoadError("the file is empty")
    except FileNotFoundError as exc:
        raise LoadError("the file disappeared while the run was reading it") from exc
    if suffix in (".hwp", ".hwpx"):
        suffix = hwp_format(path, suffix)
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
    longest = max(len(b.text) for b in blocks)
    if longest > MAX_BLOCK_CHARS:
        raise LoadError(f"a paragraph of {longest:,} characters (the limit is {MAX_BLOCK_CHARS:,}): "
                        "data or an encoded file, not prose")
    meta = (manifest or {}).get(path.name) or meta_from_header(blocks, path)
    if not meta.title or not meta.date:  # a manifest row without them (or with a bad date)
        header = meta_from_header(blocks, path)
        meta = replace(meta, title=meta.title or header.title, date=meta.date or header.date)
    return Document(source=relative_source(path, root), meta=meta, blocks=tuple(blocks), paged=paged)


def hwp_format(path: Path, suffix: str) -> str:
    """An HWP file's real format, by its first bytes: a zip is HWPX and an OLE2 compound file is HWP 5.0,
    whatever the name says (NTIS attachments and mail often keep ".hwp" on an HWPX). Neither: the name's."""
    import olefile  # the test read_hwp5 makes

    with path.open("rb") as f:
        head = f.read(len(_ZIP))
    return ".hwpx" if head == _ZIP else ".hwp" if olefile.isOleFile(str(path)) else suffix


_ZIP = b"PK\x03\x04"  # a zip's local header, also of a cut or damaged one
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
    text = _CONTROL.sub("", decode_text(path.read_bytes()))
    if path.suffix.lower() == ".md" or len(_PIPE_RULE.findall(text)) >= 1:
        return read_markdown(text)
    return read_txt_lines(text), False


_PIPE_RULE = re.compile(r"^\s*\|\s*:?-{3,}", re.M)
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1b\x7f]")  # terminal escapes, bells, backspaces; not tabs or line breaks


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
        _check_pdf_ends(path)
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # a PDF with only an owner password opens without one
            except Exception as exc:  # pypdf raises several types for unsupported crypto
                raise LoadError(f"the PDF is encrypted ({type(exc).__name__}: {exc})") from exc
            if not opened:
                raise LoadError("the PDF is encrypted (it needs a password to open)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except FileNotFoundError as exc:
        raise LoadError("the file disappeared while the run was reading it") from exc
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise LoadError(f"unreadable PDF ({exc})") from exc
    except Exception as exc:  # pypdf meets broken files with many exception types
        raise LoadError(f"unreadable PDF ({type(exc).__name__}: {exc})") from exc
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


def _check_pdf_ends(path: Path) -> None:
    """LoadError unless the file opens with %PDF- and ends with %%EOF (pypdf would half-read a cut copy)."""
    with path.open("rb") as fh:
        if b"%PDF-" not in fh.read(1024):
            raise LoadError("not a PDF (no %PDF- header; another kind of file named .pdf?)")
        fh.seek(max(0, path.stat().st_size - 2048))
        if b"%%EOF" not in fh.read():
            raise LoadError("the PDF is cut short (no %%EOF at its end): a damaged copy or an unfinished download")


# --- metadata -------------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict[str, DocMeta]:
    """Rows of manifest.tsv in directory, keyed by file name; {} when there is none (problems: manifest.py)."""
    return read_manifest_checked(directory).rows


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
