"""The desk index scores every desk as coverage() does desk by desk, on the real corpus's desks."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from assistant.coverage import Layer, coverage
from assistant.strategies.routing import CONTACT_WORDS
from core.text import tokens
from tests.conftest import ROOT

QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip() and json.loads(line).get("kind") in ("contact", "routing")][:40]


@pytest.mark.parametrize("credits", [(0.5, 0.3), (0.7, 0.2)])
def test_cover_equals_coverage_desk_by_desk(engine: Any, credits: tuple[float, float]) -> None:
    index = engine.composer.env.desks
    assert len(index.desks) == len(engine.facts.desks) > 100
    assert QUESTIONS
    title_credit, body_credit = credits
    nonzero = 0
    for question in QUESTIONS:
        q = engine.analyzer.analyse(question)
        words = {w: v for w, v in q.weights.items() if w not in CONTACT_WORDS}
        got = index.cover(q, words, title_credit, body_credit)
        want = np.array([coverage(q, [Layer(frozenset(tokens(f"{d.section} {d.unit} {d.passage}"))),
                                      Layer(frozenset(tokens(d.title)), "", title_credit),
                                      Layer(engine.corpus.doc_tokens.get(d.source, set()), "", body_credit)], words)
                         for d in index.desks])
        assert np.array_equal(got, want), question  # bit for bit: routing ties are decided on these
        nonzero += int((got > 0).sum())
    assert nonzero > len(QUESTIONS)


def test_same_department_lists_every_document(engine: Any) -> None:
    index = engine.composer.env.desks
    at = next(i for i, d in enumerate(index.desks) if d.department and len(engine.facts.same_desk(d)) > 1)
    listed = [index.desks[i] for i in index.same_department(at)]
    assert listed == engine.facts.same_desk(index.desks[at])
    assert len({d.source for d in listed}) > 1
