"""Corpus statistics built once per index and injected everywhere: chunks and their answer units,
IDF, each document's words and text, and the quoted names of the corpus."""

from __future__ import annotations

import functools
import math
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from core import store
from core.errors import IndexMissing
from core.records import StoredChunk, Unit
from core.text import fold, plain


@dataclass(frozen=True)
class UnitRef:
    """A unit with where it sits: its chunk (an index into Corpus.items), its line and page."""

    unit: Unit
    item: int
    page: int | None
    toks: frozenset[str]


class Corpus:
    """Everything the engine knows about the indexed documents, read from the store once."""

    def __init__(self, db: sqlite3.Connection, index_dir: str = "") -> None:
        self.items: list[StoredChunk] = store.load_chunks(db)
        if not self.items:
            raise IndexMissing(f"the index at {index_dir or 'the index directory'}/ is empty — ingest some documents first")
        self.by_id = {it.chunk.id: i for i, it in enumerate(self.items)}
        df: Counter[str] = Counter()
        self.doc_tokens: dict[str, set[str]] = {}
        texts: dict[str, list[str]] = {}
        self.by_source: dict[str, list[int]] = {}
        for i, it in enumerate(self.items):
            df.update(set(it.tokens))
            self.doc_tokens.setdefault(it.chunk.source, set()).update(it.tokens)
            texts.setdefault(it.chunk.source, [it.title]).append(it.chunk.text)
            self.by_source.setdefault(it.chunk.source, []).append(i)
        self.doc_text = {source: plain(" ".join(parts)) for source, parts in texts.items()}  # for containment
        # for "is this word anywhere": a document indexed under two names (a joint release) is searched once
        self.corpus_text = "\n".join(dict.fromkeys(self.doc_text.values()))
        self.names = quoted_names([*(it.title for it in self.items), *(it.chunk.text for it in self.items)])
        n = len(self.items)
        self.df: dict[str, int] = dict(df)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        self.units: list[UnitRef] = []
        self.units_of: dict[int, list[int]] = {}  # chunk index -> unit indices, in reading order
        for unit in store.load_units(db):
            item = self.by_id.get(unit.chunk_id)
            if item is None:
                continue
            pages = self.items[item].chunk.pages
            page = pages[unit.line_no] if unit.line_no < len(pages) else None
            self.units_of.setdefault(item, []).append(len(self.units))
            self.units.append(UnitRef(unit, item, page, frozenset(unit.tokens)))
        self.title_item: dict[str, int] = {}  # the chunk holding each document's title line
        for source, idxs in self.by_source.items():
            title = plain(self.items[idxs[0]].title)
            found = next((i for i in idxs if self.items[i].chunk.kind == "text"
                          and any(plain(ln) == title for ln in self.items[i].chunk.lines)), None)
            if found is not None:
                self.title_item[source] = found

    @functools.cached_property
    def unit_df(self) -> dict[str, tuple[int, Counter[str]]]:
        """Per document: its number of units and in how many of them each token occurs. What sets one
        sentence of a document apart from its others is what the document rarely says."""
        out: dict[str, tuple[int, Counter[str]]] = {}
        for u in self.units:
            source = self.items[u.item].chunk.source
            n, df = out.get(source, (0, Counter()))
            df.update(u.toks)
            out[source] = (n + 1, df)
        return out

    def idf_of(self, token: str) -> float:
        """Inverse document frequency of a token; unseen tokens get the maximum."""
        return self.idf.get(token, self.max_idf)

    @functools.cached_property
    def _doc_idf(self) -> dict[str, float]:
        n = len(self.doc_tokens)
        df = Counter(t for words in self.doc_tokens.values() for t in words)
        return {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) / math.log(1 + (n + 0.5) / 0.5) for t, c in df.items()}

    def topic_idf(self, token: str) -> float:
        """How well a word names what a message is about: its IDF over passages, or over documents (on the
        same scale) when that is higher. A call's own name ("ITRC") fills many of its passages, so passages
        alone call it common; few documents name it."""
        return max(self.idf_of(token), self.max_idf * self._doc_idf.get(token, 1.0))


# Names the documents quote: 「모두의 한국어」, ‘코-위크 아카데미’, ｢재직자 인공지능·디지털 집중과정｣.
_QUOTED = re.compile(r"「([^」\n]{2,40})」|｢([^｣\n]{2,40})｣|『([^』\n]{2,40})』|‘([^’\n]{2,40})’|“([^”\n]{2,40})”")
PAREN = re.compile(r"(\S+?)\(([^()]{1,20})\)")


def quoted_names(texts: Iterable[str]) -> dict[str, frozenset[str]]:
    """Every quoted name with a Hangul word, folded, mapped to its spellings: "인공지능(AI) 중점학교"
    is also written "AI 중점학교" and "인공지능 중점학교"."""
    names: dict[str, frozenset[str]] = {}
    for text in texts:
        for m in _QUOTED.finditer(text):
            if "이하" in text[max(0, m.start() - 5) : m.start()]:
                continue  # (이하 ‘과기정통부’): a short name being defined, not a name of a thing
            name = next(g for g in m.groups() if g).strip()
            if not re.search(r"[가-힣]{2}", name) or len(fold(name)) < 4:
                continue
            forms = frozenset(spellings(name))
            for form in forms:
                names[form] = names.get(form, frozenset()) | forms
    return names


@lru_cache(maxsize=1 << 14)
def spellings(text: str) -> tuple[str, str, str]:
    """text folded as written, with each parenthesised part dropped, and with it instead of the word
    before it: "인공지능(AI) 중점학교" -> 인공지능(ai)중점학교, 인공지능중점학교, ai중점학교."""
    return plain(text), plain(PAREN.sub(r"\1", text)), plain(PAREN.sub(r"\2", text))
