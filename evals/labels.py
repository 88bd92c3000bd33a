"""The fit's labels: each training question read by the engine's own loop (Engine.read), each part
matched to its labelled part, and each candidate labelled as answering it or not (evals/fit.py, step 2)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.engine import Engine, Reading
from core.text import fold
from evals.scorers import Case


@dataclass
class Item:
    """One labelled question read by the engine: its reading, each part's gold case and candidate labels."""

    case: Case
    reading: Reading
    golds: list[Case]
    labels: list[np.ndarray]

    @property
    def document(self) -> str:
        """The document it is about: the unit of the document-grouped folds."""
        return self.case.source_hint or f"(none) {self.case.id}"


def label(case: Case, text: str, source: str) -> int:
    """1 when the unit answers the case (see the module docstring)."""
    if not case.answerable or (case.kind != "crossdoc" and Path(source).stem != case.source_hint):
        return 0
    flat, support = fold(text), fold(case.support)
    have = [any(fold(a) in flat for a in g) for g in case.facts]
    overlap = bool(support) and (support in flat or (len(flat) >= 10 and flat in support))
    return int((bool(have) and all(have)) or (overlap and (any(have) or not case.facts)))


def answered(case: Case, cands: list[Any], units: int = 3) -> int:
    """1 when the best candidate, with the next of its document up to `units` quotes, holds what the
    case asks: what the decision to answer learns to predict."""
    if not cands:
        return 0
    top = cands[0]
    same = [c for c in cands if c.source == top.source][:units]
    if label(case, top.text, top.source):
        return 1
    if not case.answerable or not case.facts or (case.kind != "crossdoc" and Path(top.source).stem != case.source_hint):
        return 0
    flat = fold(" ".join(c.text for c in same))
    return int(all(any(fold(a) in flat for a in g) for g in case.facts))


def gold_part(case: Case, part: str) -> Case:
    """The labelled part an engine part asks (by character overlap); the case itself when it has none."""
    if not case.parts:
        return case
    grams = _grams(part)
    return max(case.parts, key=lambda p: len(grams & _grams(p.question)) / (len(_grams(p.question)) or 1))


def _grams(text: str) -> set[str]:
    flat = fold(text)
    return {flat[i : i + 2] for i in range(len(flat) - 1)}


def build(engine: Engine, cases: list[Case]) -> list[Item]:
    """Readings and labels of every case, through the engine's own loop."""
    from tqdm import tqdm

    items = []
    for case in tqdm(cases, desc="reading", unit="q", mininterval=10):
        reading = engine.read(case.question)
        golds = [gold_part(case, t.part) for t in reading.turns]
        labels = [np.array([label(g, c.text, c.source) for c in t.cands], dtype=np.int64)
                  for g, t in zip(golds, reading.turns)]
        items.append(Item(case, reading, golds, labels))
    return items
