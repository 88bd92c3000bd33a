"""The dialogue scorer on hand-made dialogues and a scripted ask (history as the chat would send it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.errors import UserError
from evals.dialogues import load_dialogues, rewritten, score, standalone_pairs
from evals.feedback import bad_feedback_markdown
from tests.conftest import ROOT

DIALOGUE = {"id": "T1", "kind": "dialogue", "turns": [
    {"question": "AI 중점학교는 몇 개교?", "answerable": True, "facts": [["1,141개교"]], "support": "총 1,141개교로",
     "source_hint": "x", "page": None},
    {"question": "그럼 담당자는?", "answerable": True, "facts": [["김주영"]], "support": "과 장 김주영",
     "source_hint": "x", "page": None},
    {"question": "예산은?", "answerable": False, "facts": [], "support": "", "source_hint": "", "page": None},
]}


def test_turns_are_asked_with_the_earlier_turns_and_scored_by_position(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "x.txt").write_text("x", encoding="utf-8")
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(DIALOGUE, ensure_ascii=False) + "\n\n", encoding="utf-8")
    seen: list[list[dict[str, str]]] = []
    replies = iter([
        {"answer": "총 1,141개교로 [1]", "answerable": True, "citations": [
            {"source": "corpus/x.txt", "page": None, "text": "이번에 선정된 학교는 총 1,141개교로 운영"}]},
        {"answer": "과장 김철수 [1]", "answerable": True, "resolved": "AI 중점학교 담당자는?", "citations": [
            {"source": "corpus/x.txt", "page": None, "text": "과 장 김주영 (044)"}]},
        {"answer": "찾지 못했습니다.", "answerable": False, "citations": []},
    ])

    def ask(question: str, history: list[dict[str, str]]) -> dict[str, Any]:
        seen.append(history)
        return next(replies)

    metrics, records = score(load_dialogues(path), ask, tmp_path)
    assert [len(h) for h in seen] == [0, 2, 4]
    assert seen[2][1] == {"role": "assistant", "content": "총 1,141개교로 [1]"}
    assert metrics["by_turn"]["1"]["fact_accuracy"] == 1.0
    assert metrics["by_turn"]["2"]["fact_accuracy"] == 0.0 and metrics["by_turn"]["2"]["citation_hit"] == 1.0
    assert metrics["by_turn"]["3"]["refusal_accuracy"] == 1.0
    assert metrics["n"] == 3 and metrics["dialogues"] == 1 and records[1]["resolved"] == "AI 중점학교 담당자는?"


def test_a_malformed_dialogue_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "x", "turns": []}\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"d.jsonl:1"):
        load_dialogues(path)


def test_bad_feedback_section() -> None:
    assert "No 👎" in bad_feedback_markdown([])
    row = {"at": "2026-01-01T10:00:00", "kind": "chat", "question": "a|b", "answer": "x\ny", "comment": "틀림",
           "citations": [{"source": "corpus/x.txt", "page": 3}]}
    text = bad_feedback_markdown([row])
    assert "a\\|b" in text and "x<br>y" in text and "corpus/x.txt p3" in text and "틀림" in text


def test_no_standalone_question_is_rewritten_after_an_unrelated_one(engine: Any) -> None:
    # Every question of the blind staff sets, asked right after a question about another document (issue 17).
    from evals.scorers import load_cases

    files = [ROOT / "evals" / "blind" / f for f in ("staff.jsonl", "newdocs.jsonl", "round16_staff.jsonl")]
    cases = [{"question": c.question, "source_hint": c.source_hint} for c in load_cases(files)]
    pairs = standalone_pairs(cases)
    assert len(pairs) >= 150
    changed = rewritten(pairs, lambda q, h: engine.read(q, h).message)
    assert changed == [], changed[:5]


def test_standalone_pairs_put_each_question_after_another_documents() -> None:
    cases = [{"question": "A?", "source_hint": "x"}, {"question": "B?", "source_hint": "x"},
             {"question": "C?", "source_hint": "y"}, {"question": "줄이\n둘", "source_hint": "z"}]
    assert standalone_pairs(cases) == [("C?", "A?"), ("C?", "B?"), ("줄이\n둘", "C?")]
    assert rewritten([("C?", "A?")], lambda q, h: q) == []
    assert rewritten([("C?", "A?")], lambda q, h: "C A?") == [{"previous": "C?", "question": "A?", "resolved": "C A?"}]
