"""Corroboration: another passage of the same document making the same statement (a summary bullet
and the body paragraph behind it) is cited beside a quote, so a reader sees the statement in full."""

from __future__ import annotations

import re

from assistant.answer import Citation
from assistant.candidates import Candidate
from assistant.coverage import CONTEXT_CREDIT, Layer, caption, coverage
from assistant.question import HANGUL_ONLY, HAS_NUMBER, Query
from assistant.strategies.base import Env
from core.text import plain, sentences, tokens

_GARBLED = re.compile(r"[\u0a80-\u0aff\u0a00-\u0a7f\ue000-\uf8ff]")


def asked_figures(q: Query, text: str, window: int) -> list[str]:
    """The figures of a quote that answer the question: those with the question's words just around
    them ("2029년까지 누적 1만 명", "12개 예선리그", not "총 11종"), and a year said with them; folded."""
    found: list[tuple[int, str, str]] = []
    for m in HAS_NUMBER.finditer(text):
        before = plain(text[max(0, m.start() - window) : m.start()])
        after = plain(text[m.end() : m.end() + window // 2])
        near = sum(1 for t in q.concepts if len(t) > 1 and (t in before or t in after))
        found.append((near, plain(m.group(0)), before))
    asked = [(fig, before) for n, fig, before in found if n > 0]
    if not asked:
        return []  # no figures, or figures that answer something else than the question
    keys = sorted(dict.fromkeys(fig for fig, _ in asked), key=len, reverse=True)[:2]  # equal lengths: as written
    if len(keys) == 1:
        # a figure listed with it in the same counter ("바이오(2개), 로봇(3개)"), or a year said
        # just before it, belongs to the statement
        counter = re.sub(r"[\d,.]", "", keys[0])
        keys += [fig for _, fig, _ in found if fig != keys[0] and re.sub(r"[\d,.]", "", fig) == counter][:1]
        keys += re.findall(r"20\d\d년", asked[0][1])[: 2 - len(keys)]
    return keys


def corroborate(q: Query, env: Env, c: Candidate, cited: list[Citation]) -> Citation | None:
    """A line of another passage of the quote's document stating its asked figures (or its rare
    names), stating what is asked too, and covering the question; None if there is none."""
    t = env.tuning
    keys = asked_figures(q, c.text, t.figure_window)
    figures = bool(keys)
    if not figures and HAS_NUMBER.search(c.text):
        return None  # figures, none of them asked about: nothing to corroborate
    # one figure must be specific ("3,000명"); two that must share a line can be short ("9개", "12개")
    if keys and sum(map(len, keys)) < (t.corroboration_key if len(keys) == 1 else t.corroboration_pair):
        return None
    if not keys:  # no figures: the quote's rare names (서울반도체, 캔버라)
        idf = env.corpus.idf_of
        rare = {w for w in c.unit.tokens if len(w) > 2 and HANGUL_ONLY.match(w) and idf(w) >= t.rare_idf}
        keys = sorted(rare, key=lambda w: (-idf(w), w))[:2]
    if not keys:
        return None
    own = plain(c.text)

    def states(text: str) -> bool:
        flat = plain(text)
        if figures:  # all the figures; of rare names one is enough (each is in a handful of passages)
            return all(re.search(rf"(?<![\d,.]){re.escape(k)}", flat) for k in keys)
        return any(k in flat for k in keys)

    need = t.corroboration_pair_cover if figures and len(keys) > 1 else t.corroboration_cover
    best: tuple[float, Citation] | None = None
    for i in env.corpus.by_source.get(c.source, ()):
        other = env.corpus.items[i]
        chunk = other.chunk
        if any(x.text == chunk.text for x in cited):
            continue
        context: frozenset[str] | None = None
        for line, page in zip(chunk.lines, chunk.pages):
            flat = plain(line)
            if not states(line) or caption(line) or flat in own or own in flat or _GARBLED.search(line):
                continue
            if not all(rx.search(line) for rx in q.needs):
                continue  # it must state what is asked too (the date of "언제"), not only name the thing
            if context is None:
                context = frozenset(tokens(f"{other.title} {chunk.section}"))
            cover = coverage(q, [Layer(tokens(line), flat), Layer(context, "", CONTEXT_CREDIT)])
            if cover >= need and (best is None or cover > best[0]):
                quote = next((x for x in sentences(line) if states(x)), line)
                best = (cover, Citation(0, chunk.source, other.title, other.date, page, chunk.text, quote))
    return best[1] if best else None
