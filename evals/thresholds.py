"""The thresholds of the answer decision, chosen by running the real strategies: the outcome of every
question under every (answer, extra, units) grid point, computed once, and the objectives that pick one
point for one-part messages and another for messages that ask several things (evals/fit.py uses them)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.engine import Engine
from assistant.render import render
from evals.labels import Item
from evals.scorers import citation_hit, fact_ok, parts_ok, quote_precision

ANSWER_GRID = np.round(np.arange(0.02, 0.9, 0.02), 3)
EXTRA_GRID = (0.0, 0.05, 0.2, 0.5)
UNITS_GRID = (1, 2, 3)

Grid = tuple[float, float, int]  # answer, extra, units


def outcomes(engine: Engine, item: Item, grid: Grid) -> dict[str, Any]:
    """The case answered with the real strategies under these thresholds: fact, hit, refusal, parts."""
    env = engine.composer.env
    base = env.ranker
    env.ranker = replace(base, answer_min=grid[0], extra_min=grid[1], units=grid[2], several=None)
    try:
        replies = engine.composer.replies(list(item.reading.turns))
    finally:
        env.ranker = base
    answer = render(item.case.question, [(t.part, r) for t, r in zip(item.reading.turns, replies)]).to_dict()
    case = item.case
    out = {"answerable": answer["answerable"], "fact": fact_ok(case, answer), "hit": citation_hit(case, answer, Path.cwd())}
    if case.parts:
        out["parts"] = parts_ok(case, answer)
    out["concise"] = quote_precision(case, answer)
    return out


def summary(items: list[Item], outs: list[dict[str, Any]]) -> dict[str, float]:
    """Fact, hit, refusal and the objective (the worse of answering right and refusing right)."""
    facts = [o["fact"] for it, o in zip(items, outs) if it.case.answerable]
    hits = [o["hit"] for it, o in zip(items, outs) if it.case.answerable]
    refusals = [not o["answerable"] for it, o in zip(items, outs) if not it.case.answerable]
    fact = float(np.mean(facts)) if facts else 0.0
    hit = float(np.mean(hits)) if hits else 0.0
    refusal = float(np.mean(refusals)) if refusals else 1.0
    answered = (fact + hit) / 2
    return {"fact": fact, "hit": hit, "refusal": refusal, "n": len(items),
            "concise": float(np.mean([o.get("concise", 1.0) for o in outs])) if outs else 1.0,
            "objective": min(answered, refusal) + 0.01 * answered}


def several(item: Item) -> bool:
    """The message asks several things (the engine read more than one part)."""
    return len(item.reading.turns) > 1


def part_summary(items: list[Item], outs: list[dict[str, Any]]) -> dict[str, float]:
    """The objective counted by asking part (a several-part message is judged part by part): the worse of
    the answerable parts answered and the unanswerable ones refused."""
    answerable: list[bool] = []
    unanswerable: list[bool] = []
    for it, o in zip(items, outs):
        if it.case.parts and "parts" in o:
            for part, ok in zip(it.case.parts, o["parts"]):
                (answerable if part.answerable else unanswerable).append(ok)
        elif it.case.answerable:
            answerable.append(bool(o["fact"]))
        else:
            unanswerable.append(not o["answerable"])
    answered = float(np.mean(answerable)) if answerable else 0.0
    refused = float(np.mean(unanswerable)) if unanswerable else 1.0
    return {"parts": answered, "parts_refused": refused, "objective": min(answered, refused) + 0.01 * answered,
            "concise": float(np.mean([o.get("concise", 1.0) for o in outs])) if outs else 1.0}


class Table:
    """Outcomes of every item under every (answer, extra, units) thresholds, computed once."""

    def __init__(self, engine: Engine, items: list[Item]) -> None:
        from tqdm import tqdm

        self.grid: list[Grid] = [(float(a), e, u) for u in UNITS_GRID for e in EXTRA_GRID for a in ANSWER_GRID]
        self.outs: dict[Grid, list[dict[str, Any]]] = {g: [] for g in self.grid}
        for it in tqdm(items, desc="outcomes", unit="q", mininterval=10):
            confidences = sorted({round(t.confidence, 6) for t in it.reading.turns})
            memo: dict[tuple[Any, ...], dict[str, Any]] = {}
            for g in self.grid:
                # only which parts pass the threshold matters: one run per distinct pattern
                key = (g[1], g[2], *(c >= g[0] for c in confidences))
                if key not in memo:
                    memo[key] = outcomes(engine, it, g)
                self.outs[g].append(memo[key])

    def best(self, items: list[Item], idx: list[int]) -> dict[bool, Grid]:
        """The thresholds with the best objective over these items (then the most concise answers), chosen
        apart for one-part messages and for messages that ask several things (keyed by `several`)."""
        chosen: dict[bool, Grid] = {}
        for many in (False, True):
            group = [i for i in idx if several(items[i])] if many else [i for i in idx if not several(items[i])]
            if not group:
                continue
            judge = part_summary if many else summary
            scored = [(g, judge([items[i] for i in group], [self.outs[g][i] for i in group])) for g in self.grid]
            # within half a point of the best objective, the thresholds whose answers quote what they need
            chosen[many] = max(scored, key=lambda gs: (round(gs[1]["objective"] * 200), gs[1]["concise"], -gs[0][0]))[0]
        return {many: chosen.get(many, chosen.get(not many, self.grid[0])) for many in (False, True)}

    def outcome(self, items: list[Item], i: int, grids: dict[bool, Grid]) -> dict[str, Any]:
        """Item i's outcome under the thresholds of its shape."""
        return self.outs[grids[several(items[i])]][i]
