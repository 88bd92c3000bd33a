"""A table as a grid of cells, flattened to one tab-joined line per row."""

from __future__ import annotations


class Grid:
    """Cells placed by (row, col) with spans, read row by row as the page shows them."""

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], str] = {}
        self._hidden: set[tuple[int, int]] = set()  # right of a cell's first column: dropped
        self._n_rows = 0
        self._n_cols = 0

    def put(self, row: int, col: int, row_span: int, col_span: int, text: str) -> None:
        """Place a cell; rows it spans below show an empty cell in its first column."""
        row_span, col_span = max(row_span, 1), max(col_span, 1)
        self._cells[(row, col)] = text
        for r in range(row, row + row_span):
            for c in range(col + 1, col + col_span):
                self._hidden.add((r, c))
        self._n_rows = max(self._n_rows, row + row_span)
        self._n_cols = max(self._n_cols, col + col_span)

    def rows(self) -> list[str]:
        """Each non-empty row as its cells joined by tabs, trailing empty cells dropped."""
        out: list[str] = []
        for r in range(self._n_rows):
            cells = [
                self._cells.get((r, c), "")
                for c in range(self._n_cols)
                if (r, c) not in self._hidden
            ]
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                out.append("\t".join(cells))
        return out
