"""What the HWP 5.0 and HWPX readers share: a walk over paragraphs and tables into Blocks, with pages.

A format supplies how to read one paragraph node (its text, its layout positions, its page-break
flag, the objects it holds); the walk, the page tracking and the table grid are common.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from ingest.document import Block
from ingest.pages import PageTracker
from ingest.tables import Grid

Node = TypeVar("Node")
_WS = re.compile(r"[ \u00a0\u3000\t]+")


def clean(s: str) -> str:
    """Runs of spaces (and tabs, non-breaking and ideographic spaces) collapsed, ends trimmed."""
    return _WS.sub(" ", s).strip()


class Walker(Generic[Node]):
    """Collects blocks in reading order; subclasses implement _paragraph for their node type."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.pages = PageTracker()
        self.tables = 0

    @property
    def page(self) -> int:
        """The page the walk is on."""
        return self.pages.page

    def top_paragraph(self, node: Node, vertpos: list[int], page_break: bool) -> None:
        """A paragraph of the body: its layout positions move the page count."""
        self.pages.before(vertpos, page_break, bool(self.blocks))
        self._paragraph(node)
        self.pages.after(vertpos)

    def _paragraph(self, node: Node) -> None:
        raise NotImplementedError

    def line(self, text: str) -> None:
        """A paragraph's own text, when it has any."""
        text = clean(text)
        if text:
            self.blocks.append(Block(text, self.page))

    def table(self, cells: list[tuple[int, int, int, int, Node]], cell_text: Callable[[Node], str],
              cell_paragraphs: Callable[[Node], Iterable[Node]]) -> None:
        """A table: (row, col, row span, col span, cell) placed on a grid, one block a row; a
        one-cell table is a framed box of body text, not data."""
        if len(cells) == 1:
            for para in cell_paragraphs(cells[0][4]):
                self._paragraph(para)
            return
        grid = Grid()
        for row, col, row_span, col_span, cell in cells:
            grid.put(row, col, row_span, col_span, clean(cell_text(cell)))
        self.tables += 1
        for text in grid.rows():
            self.blocks.append(Block(text, self.page, table=self.tables))
