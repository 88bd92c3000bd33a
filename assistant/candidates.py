"""The units a question's hits offer as answers, each with its place: chunk, line, page and context."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.corpus import Corpus
from assistant.coverage import is_field
from assistant.retrieval import Hit
from core.records import StoredChunk, Unit
from core.text import tokens

TITLE_DOCS = 5  # retrieved documents whose title passage joins the candidates


@dataclass
class Candidate:
    """A sentence or table row that may answer, with its features and fitted score."""

    ref: int  # index into Corpus.units
    unit: Unit
    hit: Hit
    rank: int  # rank of the hit it came from (title passages after the hits)
    line: str  # the paragraph or row it sits in
    page: int | None
    context: frozenset[str]  # tokens of the title and section (and a row's table header)
    line_toks: frozenset[str]
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0  # the ranker's score: comparable within one part only
    p: float = 0.0  # its softmax share of the part's candidates

    @property
    def item(self) -> StoredChunk:
        """The chunk (with its document's metadata) the unit sits in."""
        return self.hit.item

    @property
    def text(self) -> str:
        """The unit's verbatim text."""
        return self.unit.text

    @property
    def source(self) -> str:
        """The document the unit is from."""
        return self.hit.item.chunk.source


class ContextCache:
    """Tokens of each chunk's title and section, and of each line, computed once per chunk."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._context: dict[int, frozenset[str]] = {}
        self._lines: dict[tuple[int, int], frozenset[str]] = {}

    def context(self, index: int) -> frozenset[str]:
        """Tokens of a chunk's document title and section heading."""
        if index not in self._context:
            item = self.corpus.items[index]
            self._context[index] = frozenset(tokens(f"{item.title} {item.chunk.section}"))
        return self._context[index]

    def line(self, index: int, line_no: int) -> frozenset[str]:
        """Tokens of one line of a chunk: the union of its units' tokens."""
        key = (index, line_no)
        if key not in self._lines:
            refs = self.corpus.units_of.get(index, [])
            self._lines[key] = frozenset(t for r in refs if self.corpus.units[r].unit.line_no == line_no
                                         for t in self.corpus.units[r].toks)
        return self._lines[key]


def title_hits(corpus: Corpus, hits: list[Hit]) -> list[Hit]:
    """The passage holding the title of each of the first retrieved documents, when retrieval
    missed it: a press release's title often states its main fact ("67개 대학이 함께 만드는 …")."""
    have = {hit.index for hit in hits}
    extra: list[Hit] = []
    for source in dict.fromkeys(hit.item.chunk.source for hit in hits[:TITLE_DOCS]):
        index = corpus.title_item.get(source)
        if index is not None and index not in have:
            extra.append(Hit(corpus.items[index], index, 0.0, None, None))
            have.add(index)
    return extra


def candidates(corpus: Corpus, cache: ContextCache, hits: list[Hit]) -> list[Candidate]:
    """Every unit of the hits (text sentences and table rows), in hit order then reading order."""
    out: list[Candidate] = []
    for rank, hit in enumerate(hits):
        chunk = hit.item.chunk
        context = cache.context(hit.index)
        header = cache.line(hit.index, 0) if chunk.kind == "table" else frozenset()
        for ref in corpus.units_of.get(hit.index, []):
            u = corpus.units[ref]
            line_no = u.unit.line_no
            ctx = context | header if line_no else context
            if is_field(u.unit.text):  # "◦ (장소) …" means what its block is about
                ctx = ctx | frozenset(hit.item.tokens)
            out.append(Candidate(ref, u.unit, hit, rank, chunk.lines[line_no], u.page, ctx,
                                 cache.line(hit.index, line_no)))
    return out
