"""manifest.tsv: one row of bibliographic metadata per file of a directory, and what is wrong with it.

A bad row never stops an ingest and never replaces metadata already indexed: a file already in
the index keeps its title and date, a new file takes them from its own header, and the problem is
reported (one line naming the manifest line) so that someone fixes it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from core.records import DocMeta
from ingest.document import LoadError
from ingest.encodings import decode_text

MANIFEST = "manifest.tsv"
REQUIRED = ("file", "title", "date")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Manifest:
    """The rows of one directory's manifest by file name, and one line per problem found in it."""

    rows: dict[str, DocMeta] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    flawed: set[str] = field(default_factory=set)  # files whose row was rejected or had a bad field
    unusable: bool = False  # the whole manifest was unreadable: every file's row is in doubt

    def doubtful(self, name: str) -> bool:
        """True when the row of file `name` is missing or wrong because of a problem reported here."""
        return self.unusable or name in self.flawed


def read_manifest_checked(directory: Path) -> Manifest:
    """Parse directory/manifest.tsv; a missing manifest is an empty one, a broken one a list of problems."""
    path = directory / MANIFEST
    out = Manifest()
    if not path.is_file():
        return out
    try:
        text = decode_text(path.read_bytes())
    except (OSError, LoadError) as exc:
        out.problems.append(f"cannot be read ({exc}); its rows are ignored")
        out.unusable = True
        return out
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if "file" in missing:
        out.problems.append(f"no 'file' column (columns: {', '.join(header) or 'none'}); its rows are ignored")
        out.unusable = True
        return out
    if missing:
        out.problems.append(f"no {', '.join(repr(c) for c in missing)} column; titles and dates come from the files")
    where: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if missing:
            out.flawed.add(row[header.index("file")].strip() if len(row) > header.index("file") else "")
        if len(row) != len(header):
            out.problems.append(f"line {line}: {len(row)} fields where the header has {len(header)}; row ignored")
            out.flawed.add(row[header.index("file")].strip() if len(row) > header.index("file") else "")
            continue
        cells = dict(zip(header, (cell.strip() for cell in row)))
        name = cells["file"]
        if not name:
            out.problems.append(f"line {line}: empty 'file' field; row ignored")
            continue
        if name != Path(name).name or name in (".", ".."):
            out.problems.append(f"line {line}: file {name!r} is a path, not a file name in {directory.as_posix()}/; "
                                "row ignored")
            continue
        if not (directory / name).exists():
            out.problems.append(f"line {line}: no file {name!r} in {directory.as_posix()}/")
        if name in where:
            out.problems.append(f"line {line}: a second row for {name!r} (line {where[name]}); the later one is used")
        where[name] = line
        date = cells.get("date", "")
        if date and not _real_date(date):
            out.problems.append(f"line {line}: date {date!r} of {name!r} is not a real YYYY-MM-DD date; "
                                "the date in the document's own header is used")
            out.flawed.add(name)
            date = ""
        out.rows[name] = DocMeta(title=cells.get("title", ""), date=date, publisher=cells.get("publisher", ""),
                                 url=cells.get("source_url", ""))
    return out


def _real_date(text: str) -> bool:
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
