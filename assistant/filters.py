"""Search filters: a publisher (ministry) and a date range. A filtered answer never cites outside them."""

from __future__ import annotations

from dataclasses import dataclass

from core.records import StoredChunk


@dataclass(frozen=True)
class Filters:
    """Which documents may be searched and cited; empty fields do not filter."""

    publisher: str = ""  # a part of the manifest's publisher, e.g. "과학기술정보통신부" or "교육부"
    since: str = ""  # YYYY-MM-DD, inclusive
    until: str = ""  # YYYY-MM-DD, inclusive

    @property
    def active(self) -> bool:
        """True when any field filters."""
        return bool(self.publisher or self.since or self.until)

    def allows(self, item: StoredChunk) -> bool:
        """The chunk's document is of the publisher and within the dates."""
        if self.publisher and self.publisher.replace(" ", "") not in item.publisher.replace(" ", ""):
            return False
        if self.since and item.date < self.since:
            return False
        return not (self.until and item.date > self.until)
