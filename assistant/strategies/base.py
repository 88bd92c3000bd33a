"""What every answer strategy reads (one part of a message, analysed, retrieved and scored once)
and what it returns (a reply with its own citations, numbered from 1)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer import Citation, Sentence
from assistant.candidates import Candidate
from assistant.corpus import Corpus
from assistant.deskindex import DeskIndex
from assistant.facts import FactBook
from assistant.question import Query
from assistant.ranker import Ranker
from assistant.retrieval import Hit
from assistant.tuning import Tuning
from core.dates import annotate
from core.records import Contact, Desk, StoredChunk


def mark(n: int) -> str:
    """A citation marker inside a reply; render() numbers it for the whole message."""
    return f"⟦{n}⟧"


@dataclass
class Env:
    """What the strategies share across questions: the corpus, its facts, the fitted ranker."""

    corpus: Corpus
    facts: FactBook
    ranker: Ranker
    tuning: Tuning
    desks: DeskIndex | None = None  # every desk's words, for contact routing
    desk_bar: float = 0.0  # under this confidence a refusal on its own names no desk (fitted: refusal_desk.json)


@dataclass
class Turn:
    """One asking part: its analysis, hits and scored candidates (best first)."""

    q: Query
    hits: list[Hit]
    cands: list[Candidate]
    allowed: set[str] | None = None  # sources a filtered question may cite; None: all
    part: str = ""  # the asking part as written
    follows: bool = False  # it has no topic of its own and took the one of the part before it
    confidence: float = 0.0  # the decision's probability that the best citable candidate answers
    relied: tuple[str, ...] = ()  # a following part: the documents the part before it was answered from, first cited first
    several: bool = False  # one of the parts of a message that asks several things
    relied_sections: frozenset[str] = frozenset()  # a following part: the sections those passages sit in

    def may_cite(self, source: str) -> bool:
        """The filter lets this document be cited."""
        return self.allowed is None or source in self.allowed

    def citable(self) -> list[Candidate]:
        """The candidates the filter lets the answer cite, best first."""
        return [c for c in self.cands if self.may_cite(c.source)]


@dataclass(frozen=True)
class Reply:
    """A strategy's answer to one part: text with ⟦n⟧ markers and the citations they point at."""

    route: str
    text: str
    answerable: bool
    citations: tuple[Citation, ...]
    sentences: tuple[Sentence, ...] = ()  # a generated reply's sentences, checked (⟦n⟧ markers)


Strategy = Callable[[Turn, Env], "Reply | None"]


class Citations:
    """Citations of one reply: a passage cited twice gets one number."""

    def __init__(self) -> None:
        self.items: list[Citation] = []

    def add(self, source: str, title: str, date: str, page: int | None, text: str, quote: str) -> int:
        """The number of the citation of this passage (added if new)."""
        for c in self.items:
            if c.source == source and c.text == text:
                return c.n
        self.items.append(Citation(len(self.items) + 1, source, title, date, page, text, quote))
        return len(self.items)

    def chunk(self, item: StoredChunk, page: int | None, passage: str, quote: str) -> int:
        """Cite a passage of an indexed chunk."""
        return self.add(item.chunk.source, item.title, item.date, page, passage, quote)

    def desk(self, desk: Desk, person: Contact | None = None) -> int:
        """Cite a desk's rows (the person's row as the quote, if one is named)."""
        quote = desk.passage
        if person is not None:
            key = person.name or person.phone
            quote = next((line for line in desk.passage.split("\n") if key in line), desk.passage)
        # a handbook desk's entry title ("제3차 연안정비 기본계획(2025∼2029) 시행") is shown with it: cite it too
        text = desk.passage if not desk.section or desk.section in desk.passage else f"{desk.section}\n{desk.passage}"
        return self.add(desk.source, desk.title, desk.date, desk.page, text, quote)


def quoted(text: str, date: str) -> str:
    """A verbatim quote as the answer shows it: table cells joined by ' · ', relative dates resolved."""
    return annotate(text.replace("\t", " · "), date)
