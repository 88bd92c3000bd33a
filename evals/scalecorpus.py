"""A bigger corpus made of the real one, for the scale benchmark: no document is invented.

Copy r000 is corpus/ as it is. Copies r001, r002 … repeat its documents verbatim (hard links) under
new paths, so every chunk gets a new id; their manifest rows are the originals with the date moved
k weeks earlier for copy k. Titles and texts are unchanged, so the embedding cache (keyed by text)
already holds their vectors and the benchmark measures ingest and search, not the embedder again
(whose speed on fresh text is measured apart). PDFs are read in r000 only: pypdf needs over a
minute for the 51-page PDF here, which would add hours at 100k chunks without telling anything new.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ingest.loaders import MANIFEST, SUPPORTED

REPEATED = frozenset(SUPPORTED) - {".pdf"}
SHIFT_DAYS = 7  # copy k is dated k weeks before the original


@dataclass(frozen=True)
class Built:
    """A generated corpus: its directory, files and the chunks they will make."""

    root: Path
    files: int
    chunks: int
    copies: int


def shifted(date: str, weeks: int) -> str:
    """An ISO date moved back by weeks (a malformed date is kept as it is)."""
    try:
        return (dt.date.fromisoformat(date) - dt.timedelta(days=SHIFT_DAYS * weeks)).isoformat()
    except ValueError:
        return date


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system: copy
        shutil.copyfile(src, dst)


def build(corpus: Path, out: Path, chunks_of: dict[str, int], target: int) -> Built:
    """Copies of corpus under out/rNNN until the chunk count reaches target (the last copy may be partial).

    chunks_of: chunks each file of corpus makes (by file name), read from an index of corpus.
    """
    stamp = out / ".built.json"  # a dot file: ingest does not see it
    key = {"target": target, "chunks_of": chunks_of, "shift_days": SHIFT_DAYS}
    if stamp.exists():
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if saved["key"] == key:
            return Built(out, saved["files"], saved["chunks"], saved["copies"])
    if out.exists():
        shutil.rmtree(out)
    with (corpus / MANIFEST).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        fields = list(reader.fieldnames or [])
        rows = {row["file"]: row for row in reader}
    names = sorted(n for n in chunks_of if (corpus / n).is_file())
    missing = [n for n in names if n not in rows]
    if missing:
        raise ValueError(f"{corpus / MANIFEST} has no row for {missing}: their dates could not be shifted")
    files = chunks = copy = 0
    while chunks < target:
        take = [n for n in names if copy == 0 or Path(n).suffix.lower() in REPEATED]
        d = out / f"r{copy:03d}"
        d.mkdir(parents=True)
        written = []
        for name in take:
            if chunks >= target:
                break
            _link(corpus / name, d / name)
            written.append({**rows[name], "date": shifted(rows[name]["date"], copy)})
            files += 1
            chunks += chunks_of[name]
        with (d / MANIFEST).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields, delimiter="\t", lineterminator="\n")
            writer.writeheader()
            writer.writerows(written)
        copy += 1
    stamp.write_text(json.dumps({"key": key, "files": files, "chunks": chunks, "copies": copy}), encoding="utf-8")
    return Built(out, files, chunks, copy)
