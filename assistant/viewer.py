"""The source viewer's data: a page's full text, and the original file, for indexed documents only.

The allow-list is built once from the index: a source is served only if the index lists it and its
file resolves to a regular file inside the corpus directory. A name from a request is looked up in
that dict and never joined to a path.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.answer import Citation
from core import store


class SourceFiles:
    """Indexed documents' lines by page, and the paths of their original files (the allow-list)."""

    def __init__(self, db: sqlite3.Connection, root: Path, corpus_dir: Path) -> None:
        corpus = (root / corpus_dir).resolve()
        self.allowed: dict[str, Path] = {}
        for source in store.sources(db):
            path = (root / source).resolve()
            if path.is_file() and path.is_relative_to(corpus):
                self.allowed[source] = path
        self.lines: dict[str, list[tuple[int | None, str]]] = {}
        for source, _date, _title, line, page in store.iter_lines(db):
            self.lines.setdefault(source, []).append((page, line))

    def file(self, source: str) -> Path | None:
        """The original file of an indexed source, or None for anything not on the allow-list."""
        return self.allowed.get(source)

    def page_lines(self, citation: Citation) -> list[str]:
        """The full text of the citation's page (the whole document when it has no pages), in reading order."""
        lines = self.lines.get(citation.source, [])
        if citation.page is not None:
            on_page = [text for page, text in lines if page == citation.page]
            if on_page:
                return on_page
        whole = [text for _page, text in lines]
        return whole or citation.text.split("\n")
