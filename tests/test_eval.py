"""The gold set is sound, and the assistant stays above the CI thresholds on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.text import fold
from evals.runner import document_text, failures, score
from evals.scorers import KINDS, load_cases
from tests.conftest import ROOT, load_doc

GOLD = ROOT / "evals" / "gold.jsonl"


def test_gold_set_shape_and_grounding() -> None:
    cases = load_cases([GOLD])
    assert len(cases) >= 100
    assert len({c.id for c in cases}) == len(cases)
    assert {c.kind for c in cases} <= set(KINDS)
    unanswerable = [c for c in cases if not c.answerable]
    assert len(unanswerable) >= 15 and all(c.kind == "unanswerable" and not c.facts for c in unanswerable)
    assert sum(1 for c in cases if c.kind == "crosslingual") >= 3
    assert sum(1 for c in cases if c.kind == "noisy") >= 5
    corpus = {p.name: fold(load_doc(p.name).text) for p in (ROOT / "corpus").iterdir() if p.name != "manifest.tsv"}
    for c in cases:
        if not c.answerable:
            continue
        text = next(t for name, t in corpus.items() if name.startswith(c.source_hint + "."))
        assert fold(c.support) in text, (c.id, c.support)
        for group in c.facts:
            # A cross-document question's facts come from several documents.
            pool = corpus.values() if c.kind == "crossdoc" else [text]
            assert any(fold(alt) in t for alt in group for t in pool), (c.id, group)


def test_eval_meets_thresholds(engine: Any, tmp_path: Path) -> None:
    cases = load_cases([GOLD])
    metrics, records = score(cases, lambda q: engine.ask(q).to_dict(), ROOT, document_text(engine))
    (tmp_path / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2))
    assert not failures(metrics), (failures(metrics), [r for r in records if not r.get("fact", True)][:5])
    assert metrics["n"] == len(cases) == sum(m["n"] for m in metrics["by_kind"].values())
    # a phone shown should be one of a document the question is about. 8 dev answers show another (a
    # cross-document question's second document, a refusal naming the most related document's desk, the
    # newest listing of the asked department): a guard against more, not the goal (0)
    assert metrics["stray_phone_answers"] <= 8, [r for r in records if r.get("stray_phones")][:3]
