"""The training sets: large, varied, grounded in the documents, with their provenance, and apart
from the dev and blind sets."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from core.text import fold
from evals.readers import Doc, reader_lines, validate
from evals.scorers import KINDS, load_cases
from tests.conftest import CORPUS, ROOT, load_doc

TRAIN = ROOT / "evals" / "train"
FILES = sorted(TRAIN.glob("*.jsonl"))
SHAPES = {"keyword", "noisy", "crosslingual", "letter", "multipart", "table", "contact", "routing", "event",
          "temporal", "target", "unanswerable"}


def _documents() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.name != "manifest.tsv")


def test_training_sets_are_large_and_cover_every_document_and_shape() -> None:
    cases = load_cases(FILES)
    assert len(cases) >= 2000
    assert len({c.id for c in cases}) == len(cases)
    assert {c.kind for c in cases} <= set(KINDS) and SHAPES <= {c.kind for c in cases}
    per_doc = Counter(c.source_hint for c in cases)
    thin = {d: per_doc[Path(d).stem] for d in _documents() if per_doc[Path(d).stem] < 20}
    assert not thin, thin
    asks = [p for c in cases for p in (c.parts or (c,))]
    assert sum(not p.answerable for p in asks) >= 0.15 * len(asks)
    letters = [c for c in cases if c.kind == "letter"]
    assert len(letters) >= 150 and all(len(c.parts) >= 2 for c in letters)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_training_file_is_grounded_and_has_its_provenance(path: Path) -> None:
    docs = {Path(n).stem: Doc("\n".join(reader_lines(load_doc(n)))) for n in _documents()}
    assert validate(path, docs) == []
    meta = json.loads(path.with_suffix(".provenance.json").read_text(encoding="utf-8"))
    assert meta["split"] == "train" and meta["brief"] and meta["writer"] and meta["date"]
    assert set(meta["documents"]) <= set(docs)


def test_no_training_question_is_a_dev_or_blind_question() -> None:
    blind = [p for p in sorted((ROOT / "evals" / "blind").glob("*.jsonl")) if p.stem != "dialogues"]
    held = [*load_cases([ROOT / "evals" / "gold.jsonl"]), *load_cases(blind)]
    asked = {fold(q) for c in held for q in (c.question, *(p.question for p in c.parts))}
    assert not [c.id for c in load_cases(FILES) if fold(c.question) in asked]
