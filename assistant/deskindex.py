"""Every desk scored against a question at once, for contact routing.

A desk covers a question word in its own rows and label (credit 1), its document's title or its
document's body (lower credits). Scoring desk by desk cost one coverage() call each: 356 desks in corpus/,
12,029 in the 100k-chunk benchmark: a cost growing with the corpus on every contact question. Here a
question costs its words' postings: the same numbers as coverage() over token-only layers, as arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

import numpy as np

from assistant.facts import FactBook
from assistant.question import Query
from core.text import tokens


class DeskIndex:
    """Postings of the desks' words; safe to share between threads."""

    def __init__(self, facts: FactBook, doc_tokens: Mapping[str, set[str]]) -> None:
        self.facts = facts
        self.desks = desks = facts.desks
        self._at = {id(d): i for i, d in enumerate(desks)}
        self.sources = sorted({d.source for d in desks})
        at = {s: i for i, s in enumerate(self.sources)}
        self.source_of = np.array([at[d.source] for d in desks], dtype=np.int64)
        self.of_source: dict[str, np.ndarray] = {
            s: np.flatnonzero(self.source_of == i) for i, s in enumerate(self.sources)}
        self.offices = sorted({d.office for d in desks})  # a desk's ministry or agency, for "교육부 담당 부서는?"
        office = {o: i for i, o in enumerate(self.offices)}
        self.office_of = np.array([office[d.office] for d in desks], dtype=np.int64)
        self._own: dict[str, list[int]] = {}
        self._title: dict[str, list[int]] = {}
        title_tokens: dict[str, frozenset[str]] = {}
        for i, d in enumerate(desks):
            for t in set(tokens(f"{d.section} {d.unit} {d.passage}")):
                self._own.setdefault(t, []).append(i)
            if d.title not in title_tokens:
                title_tokens[d.title] = frozenset(tokens(d.title))
            for t in title_tokens[d.title]:
                self._title.setdefault(t, []).append(i)
        bodies = [doc_tokens.get(s, set()) for s in self.sources]

        @lru_cache(maxsize=8192)
        def in_body(token: str) -> np.ndarray:
            return np.fromiter((token in b for b in bodies), dtype=bool, count=len(bodies))

        self._in_body = in_body

    def same_department(self, at: int) -> list[int]:
        """Listings of desk at's department in every document (itself included), in listing order."""
        return [self._at[id(d)] for d in self.facts.same_desk(self.desks[at])]

    def _mask(self, postings: dict[str, list[int]], forms: Iterable[str]) -> np.ndarray:
        mask = np.zeros(len(self.desks), dtype=bool)
        for f in forms:
            if f in postings:
                mask[postings[f]] = True
        return mask

    def cover(self, q: Query, words: Mapping[str, float], title_credit: float, body_credit: float) -> np.ndarray:
        """Each desk's coverage of the weighted words: as coverage(q, [Layer(own), Layer(title, "",
        title_credit), Layer(body, "", body_credit)], words), each word credited by the best place that
        has it or one of its alternatives."""
        total = sum(words.values()) or 1.0
        got = np.zeros(len(self.desks), dtype=np.float64)
        for t, w in words.items():
            forms = (t, *q.alternatives.get(t, ()))
            body = np.zeros(len(self.sources), dtype=bool)
            for f in forms:
                body |= self._in_body(f)
            best = np.maximum(np.maximum(self._mask(self._own, forms) * 1.0,
                                         self._mask(self._title, forms) * title_credit),
                              body[self.source_of] * body_credit)
            got = got + w * best
        return got / total
