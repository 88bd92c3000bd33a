"""Search filters: a publisher (ministry) and a date range. A filtered answer never cites outside them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.records import StoredChunk

# A ministry or agency named in a manifest's publisher ("교육부·과학기술정보통신부 (공동)" names two).
_MINISTRY = re.compile(r"관계부처\s*합동|[가-힣]{2,}(?:부|처|청)(?![가-힣])")


def ministries(publishers: Iterable[str]) -> list[str]:
    """The short names a publisher filter offers: each ministry the publishers name, "과학기술정보통신부" for
    "과학기술정보통신부 · 한국연구재단" (the filter matches a part of the publisher, so it finds both)."""
    found = {" ".join(m.group(0).split()) for p in publishers for m in _MINISTRY.finditer(p)}
    return sorted(found)


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
