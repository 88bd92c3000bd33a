"""A refusal that relies on no answered part names a desk only when the decision's confidence reaches a bar
fitted on training refusals (evals/refusal_desks.py --fit): under it, the best-ranked document is a guess
and its phone would likely be a wrong one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.strategies.refusal import FITTED, desk_bar

PHONE = "044-"


def test_the_bar_is_fitted_and_pays_on_documents_it_was_not_fitted_on() -> None:
    fitted = json.loads(FITTED.read_text(encoding="utf-8"))
    assert 0.0 < desk_bar() == fitted["bar"] < 0.5 and fitted["cost"] == 2.0
    assert fitted["gain_by_document_cv"] > 0 and 0 < fitted["desks_dropped"] < fitted["refusals_on_their_own"]


def test_a_low_confidence_refusal_names_no_desk_and_a_confident_one_does(engine: Any) -> None:
    # The same refusal on either side of the bar: under it, no desk and no phone; at it, the desk to ask.
    assert engine.composer.env.desk_bar == desk_bar()
    reading = engine.read("늘봄학교 강사 시급은 얼마인가요?")
    confidence = reading.turns[0].confidence
    bar = engine.composer.env.desk_bar
    try:
        engine.composer.env.desk_bar = confidence + 1e-6
        guess = engine.answer(reading)
        engine.composer.env.desk_bar = confidence
        pointed = engine.answer(reading)
    finally:
        engine.composer.env.desk_bar = bar
    assert guess.route == "refusal" and not guess.citations and PHONE not in guess.answer
    assert pointed.route == "refusal" and pointed.citations and "담당 부서에 문의해 보세요" in pointed.answer


def test_the_measure_counts_every_refusal_whatever_the_bar(engine: Any, tmp_path: Path) -> None:
    from evals.refusal_desks import refused_parts

    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps({"id": "u1", "kind": "unanswerable", "question": "늘봄학교 강사 시급은 얼마인가요?",
                               "answerable": False, "facts": [], "support": "", "source_hint": "", "page": None},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    bar = engine.composer.env.desk_bar
    try:
        rows = refused_parts(engine, [one])
    finally:
        engine.composer.env.desk_bar = bar
    assert len(rows) == 1 and rows[0]["desk"]  # measured as it would be named without the bar
