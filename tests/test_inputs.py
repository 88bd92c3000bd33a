"""Bad questions get one clear line, never a traceback: the checks, `ask`, `ask --jsonl` and the API's function."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.inputs import BadInput, clean_dates, clean_history, clean_letter, clean_question, parse_line
from tests.conftest import ROOT

BAD_QUESTIONS = [
    ("", "입력해 주세요"),
    ("   \n\t ", "입력해 주세요"),
    ("가" * 100_000, "너무 깁니다"),
    ("😀🎉🙏", "글자나 숫자가 없습니다"),
    ("\x00\x01\x02\x1b\x7f", "입력해 주세요"),  # control characters only
    (None, "문자열이어야"),
    (["질문"], "문자열이어야"),
]


@pytest.mark.parametrize(("text", "message"), BAD_QUESTIONS)
def test_bad_questions_are_refused_with_a_korean_line(text: Any, message: str) -> None:
    with pytest.raises(BadInput, match=message) as info:
        clean_question(text)
    assert "\n" not in str(info.value)


def test_odd_but_answerable_questions_pass_cleaned() -> None:
    assert clean_question("GPU는\x00 언제까지\u202e 몇 장?\r\n") == "GPU는 언제까지 몇 장?"
    assert clean_question("'; DROP TABLE chunks; --") == "'; DROP TABLE chunks; --"
    assert clean_question("../../etc/passwd") == "../../etc/passwd"
    assert clean_letter("첫 줄\r\n\r\n  둘째   줄 ") == "첫 줄\n\n둘째 줄"


@pytest.mark.parametrize("history", ["문자열", {"role": "user"}, [1, 2], [{"role": "system", "content": "x"}],
                                     [{"role": "user", "content": 3}], [{"content": "x"}]])
def test_a_history_of_the_wrong_shape_is_refused(history: Any) -> None:
    with pytest.raises(BadInput, match="history"):
        clean_history(history)


def test_history_is_trimmed_and_cleaned() -> None:
    turns = [{"role": "user", "content": f"질문 {i}\x00"} for i in range(30)]
    out = clean_history(turns)
    assert len(out) == 20 and out[-1] == {"role": "user", "content": "질문 29"}
    assert clean_history(None) == [] and clean_history([]) == []


def test_jsonl_lines() -> None:
    assert parse_line("그냥 질문") == ("그냥 질문", [])
    assert parse_line('{"question": "Q", "history": [{"role": "user", "content": "A"}]}') == (
        "Q", [{"role": "user", "content": "A"}])
    assert parse_line("[교육부] 담당자는?") == ("[교육부] 담당자는?", [])
    assert parse_line('"GPU는 몇 장?"') == ("GPU는 몇 장?", [])
    for line, message in (('["a", "b"]', "배열"), ("42", "숫자"), ("null", "null"), ("true", "참/거짓"),
                          ("{이건 JSON이 아닌 질문}", "JSON 객체를 읽을 수 없습니다"), ('{"q": 1}', '"question"'),
                          ('{"question": 5}', "문자열"), ('{"question": "Q", "history": "x"}', "history")):
        with pytest.raises(BadInput, match=message):
            parse_line(line)


def test_dates() -> None:
    assert clean_dates("2025.9.30", " 2026. 1. 5. ") == ("2025-09-30", "2026-01-05")
    assert clean_dates("2025-09-30", "2026-01-01") == ("2025-09-30", "2026-01-01")
    assert clean_dates("2025/09/30", "") == ("2025-09-30", "")
    with pytest.raises(BadInput, match="YYYY-MM-DD"):
        clean_dates("어제", "")
    with pytest.raises(BadInput, match="늦습니다"):
        clean_dates("2026-01-01", "2025-01-01")


def test_cli_bad_question_is_one_line_and_exit_2(corpus_index: Path) -> None:
    for arg in ("   ", "🙂🙂", "가" * 3_000):
        proc = subprocess.run([sys.executable, "-m", "assistant", "ask", arg, "--index", str(corpus_index)],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 2 and proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
    proc = subprocess.run([sys.executable, "-m", "assistant", "ask", "질문", "--since", "어제", "--index",
                           str(corpus_index)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "YYYY-MM-DD" in proc.stderr and "Traceback" not in proc.stderr


def test_jsonl_run_survives_every_bad_line(corpus_index: Path) -> None:
    lines = [
        "", "   ", "😀😀", "가" * 100_000, "\x00\x07질문\x1b", '["not", "an", "object"]', "42",
        json.dumps({"question": "Q", "history": {"role": "user"}}), "'; DROP TABLE chunks; --", "../../../etc/passwd",
        json.dumps({"question": "그럼 담당자는?", "history": [{"role": "user", "content": "AI 중점학교는 몇 개교로 늘어나?"},
                                                        {"role": "assistant", "content": "1,141개교 [1]"}]},
                   ensure_ascii=False),
    ]
    proc = subprocess.run([sys.executable, "-m", "assistant", "ask", "--jsonl", "--index", str(corpus_index)],
                          cwd=ROOT, input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(out) == 9  # blank lines are skipped; every other line gets one object, in order
    errors = {i: o["error"] for i, o in enumerate(out) if "error" in o}
    assert sorted(errors) == [0, 1, 3, 4, 5]  # 4: "42" is JSON, and not a question
    assert "글자나 숫자" in errors[0] and "너무 깁니다" in errors[1] and "JSON 객체" in errors[3] and "history" in errors[5]
    assert all(out[i]["answerable"] is False and out[i]["citations"] == [] for i in errors)
    assert out[2]["question"] == "질문" and out[4]["question"] == "42"
    assert out[6]["question"] == "'; DROP TABLE chunks; --" and out[7]["question"] == "../../../etc/passwd"
    followup = out[8]
    assert followup["resolved"] == "AI 중점학교 담당자는?" and "044-203-" in followup["answer"]


def test_messages_fill_their_particles() -> None:
    from core.text import particle

    for text, expected in (("", "질문을 입력해 주세요."), ("가" * 3000, "질문이 너무 깁니다")):
        with pytest.raises(BadInput) as err:
            clean_question(text)
        assert str(err.value).startswith(expected)
    with pytest.raises(BadInput) as err:
        clean_letter("")
    assert str(err.value) == "민원 내용을 입력해 주세요."
    with pytest.raises(BadInput) as err:
        clean_dates("2025/13/45", "")
    assert str(err.value).startswith("시작일 '2025/13/45'는 올바른 날짜가 아닙니다")  # 5 is read 오: a vowel
    pairs = (("질문", "를"), ("내용", "를"), ("TF", "은"), ("학교", "은"), ("서울", "으로"), ("부산", "로"), ("과기부", "이"),
             ("2030", "은"), ("7", "로"))
    assert [particle(w, p) for w, p in pairs] == ["을", "을", "는", "는", "로", "으로", "가", "은", "로"]
