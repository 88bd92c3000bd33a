"""Sentence selection: the fitted ranker's best sentence or table row answers when the decision is
confident enough; the next best of the same document join it while they are likely enough next to it
(both fitted), and a sentence announcing a list ("다음과 같은 네 가지") brings the list."""

from __future__ import annotations

import re

from assistant.candidates import Candidate, ContextCache, candidates
from assistant.coverage import caption
from assistant.features import featurize
from assistant.retrieval import Hit
from assistant.strategies.base import Citations, Env, Reply, Turn, mark, quoted
from assistant.strategies.corroborate import corroborate

_ANNOUNCES = re.compile(r"다음과\s*같|아래와\s*같|[:：]\s*$")
_ITEM = re.compile(r"\s*(?:[①-⑳]|\d{1,2}[.)]\s|[가-하][.)]\s|[-–•◦○▪▸·])")


def select(turn: Turn, env: Env) -> Reply | None:
    """Quote the best candidate, and those that complete it; None when the best is not likely enough."""
    cands = turn.citable()
    if not cands or turn.confidence < env.ranker.thresholds(turn.several)[0]:
        return None
    chosen = complete(turn, env, cands)
    return render(turn, env, chosen)


def complete(turn: Turn, env: Env, cands: list[Candidate]) -> list[Candidate]:
    """The best candidate, then the next best of its document while they are likely enough next to it
    (a fitted share of its p) and the answer has fewer than the fitted number of quotes."""
    best = cands[0]
    chosen = [best]
    _, extra, units = env.ranker.thresholds(turn.several)
    floor = extra * best.p
    # in a handbook (each entry with its own desk), another entry is about something else
    entries = best.item.chunk.section in {d.section for d in env.facts.desks_of(best.source) if d.section}
    for c in cands[1:]:
        if len(chosen) >= units or c.p < floor:
            break
        if c.source != best.source or caption(c.text) or any(c.text == x.text for x in chosen):
            continue
        if not entries or c.item.chunk.section == best.item.chunk.section:
            chosen.append(c)
    for c in list(chosen):
        if _ANNOUNCES.search(c.text):  # the list's items follow it
            items = _list_after(turn, env, c)
            chosen.extend(x for x in items if all(x.text != y.text for y in chosen))
    return [best, *sorted(chosen[1:], key=lambda x: (x.rank, x.hit.index, x.unit.seq))]


def _list_after(turn: Turn, env: Env, c: Candidate) -> list[Candidate]:
    """The lines after a sentence announcing a list: the rest of its passage, or, when the passage ends
    there, the marked items (①, 1., -, ◦ …) that open the passages after it (the chunker cuts at ①)."""
    n = env.tuning.list_items
    after = sorted((x for x in turn.cands if x.hit.index == c.hit.index and x.unit.seq > c.unit.seq),
                   key=lambda x: x.unit.seq)
    if after:
        return after[:n]
    order = env.corpus.by_source[c.source]
    following = order[order.index(c.hit.index) + 1 : order.index(c.hit.index) + 1 + n]
    units = candidates(env.corpus, ContextCache(env.corpus), [Hit(env.corpus.items[i], i, 0.0, None, None)
                                                              for i in following])
    items: list[Candidate] = []
    for u in units:  # in reading order; the list ends at the first line that is not an item
        if not _ITEM.match(u.text) or len(items) >= n:
            break
        items.append(u)
    featurize(turn.q, env.corpus, items)
    env.ranker.score(items)
    return items


def render(turn: Turn, env: Env, chosen: list[Candidate]) -> Reply:
    """Each quote verbatim with its citation, and a corroborating passage of the same document."""
    cites = Citations()
    parts = []
    extras = 0
    for c in chosen:
        passage = c.item.chunk.text if c.unit.kind == "sentence" else c.line
        marks = mark(cites.chunk(c.item, c.page, passage, c.text))
        if extras < env.tuning.max_corroborations:
            also = corroborate(turn.q, env, c, cites.items)
            if also is not None:
                extras += 1
                marks += mark(cites.add(also.source, also.title, also.date, also.page, also.text, also.quote))
        parts.append(f"{quoted(c.text, c.item.date)} {marks}")
    return Reply("selection", "\n".join(parts), True, tuple(cites.items))
