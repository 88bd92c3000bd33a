"""Page numbers from the layout cache Hancom stores with each paragraph (HWP 5.0 and HWPX alike)."""

from __future__ import annotations


class PageTracker:
    """Each line's vertical position restarts near zero on a new page; a page break starts one too."""

    def __init__(self) -> None:
        self.page = 0
        self._last = -1

    def new_page(self) -> None:
        """Start a page (a new section starts one)."""
        self.page += 1
        self._last = -1

    def before(self, vertpos: list[int], page_break: bool, started: bool) -> None:
        """Call before a top-level paragraph with its lines' vertical positions."""
        if (page_break and started) or (vertpos and self._last >= 0 and vertpos[0] < self._last):
            self.new_page()

    def after(self, vertpos: list[int]) -> None:
        """Call after it: a paragraph can itself run over a page end."""
        if vertpos:
            self.page += sum(1 for a, b in zip(vertpos, vertpos[1:]) if b < a)
            self._last = vertpos[-1]
