"""Issue #10, bad questions: `ask` and `ask --jsonl` give a clear answer or a clear one-line error for
empty, blank, 100 KB, control-character, emoji-only, SQL- and path-like questions, JSON that is not an
object and histories of the wrong shape; never a traceback, and one bad --jsonl line never stops the run.
The answering cases run the real CLI in a new process over the real corpus index."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from assistant.cli import main
from tests.conftest import ROOT

REJECTED = {  # question -> a piece of the one-line message
    "": "입력해 주세요",
    "   \t  ": "입력해 주세요",
    "\x00\x07\x1b\u202e": "입력해 주세요",
    "가" * 100_000: "너무 깁니다(100,000자)",
    "😀🎉👍": "글자나 숫자가 없습니다",
    "?!…": "글자나 숫자가 없습니다",
}


@pytest.mark.parametrize("question", list(REJECTED), ids=["empty", "blank", "controls", "100k", "emoji", "punctuation"])
def test_ask_rejects_with_one_line_and_exit_2(question: str, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["ask", question, "--index", str(tmp_path / "never-opened")])
    assert code == 2 and out.getvalue() == ""
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and REJECTED[question] in lines[0], lines
    assert "no index" not in lines[0]  # the question is checked before anything is loaded


def _files(index: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(f"file:{index / 'index.sqlite'}?mode=ro", uri=True)
    try:
        return sorted(db.execute("SELECT source, digest FROM files").fetchall())
    finally:
        db.close()


def test_jsonl_answers_every_line_in_order_and_one_bad_line_never_stops_it(corpus_index: Path) -> None:
    valid = "AI 인재 TF 담당 사무관 전화번호는?"
    lines: list[bytes] = [
        valid.encode(),
        b'{"question": ""}',
        b'{"question": "   "}',
        ("가" * 100_000).encode(),
        "GPU는\x07 언제까지\x1b[31m 몇 장?\u202e".encode(),
        "😀😀😀".encode(),
        b"'; DROP TABLE chunks; --",
        b"SELECT * FROM files WHERE 1=1",
        b"../../../etc/passwd",
        b"C:\\Windows\\System32\\config",
        b"[1, 2, 3]",
        b"42",
        b'{"question": "q"',
        b'{"question": 5}',
        '{"question": "GPU 몇 장?", "history": "문자열"}'.encode(),
        '{"question": "GPU 몇 장?", "history": [{"role": "bot", "content": "x"}]}'.encode(),
        json.dumps({"question": "LG AI대학원 박사과정 입학정원은?",
                    "history": [{"role": "user", "content": "안녕하세요"}]}, ensure_ascii=False).encode(),
        "교육부 \udcff".encode("utf-8", "surrogateescape"),  # not UTF-8
        b"",
        b"   ",
        valid.encode(),
    ]
    before = _files(corpus_index)
    proc = subprocess.run([sys.executable, "-m", "assistant", "ask", "--jsonl", "--index", str(corpus_index)],
                          cwd=ROOT, input=b"\n".join(lines) + b"\n", capture_output=True, timeout=900)
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and err.strip() == "", err
    out = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert len(out) == len(lines) - 2  # blank lines give no output line; every other line gives one
    errors = [i for i, o in enumerate(out) if "error" in o]
    assert errors == [1, 2, 3, 5, 10, 11, 12, 13, 14, 15, 17], [(i, o.get("error")) for i, o in enumerate(out)]
    assert proc.returncode == 1  # some lines were errors
    for o in out:
        assert {"question", "answer", "answerable", "citations"} <= set(o)
        assert len(o["question"]) <= 200 or "error" not in o
        assert "\n" not in o.get("error", "")
    assert "044-202-6321" in out[0]["answer"] and out[-1]["answer"] == out[0]["answer"]
    assert "GPU" in out[4]["question"] and "\x07" not in out[4]["question"]
    for i in (6, 7, 8, 9):  # SQL- and path-like text is a question like any other: answered or refused, no error
        assert "error" not in out[i] and out[i]["answer"]
    assert "5명" in out[16]["answer"]
    assert _files(corpus_index) == before  # nothing a question says reaches the store's write side


def test_ask_answers_an_odd_but_valid_question(corpus_index: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "assistant", "ask", "GPU는\x07 언제까지 '; DROP TABLE chunks; -- 몇 장?",
                           "--json", "--index", str(corpus_index)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert json.loads(proc.stdout)["question"].startswith("GPU는")


def test_a_question_in_non_utf8_bytes_is_one_line(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "assistant", "ask", "질문".encode("cp949"), "--index", str(tmp_path)],
                          cwd=ROOT, capture_output=True, timeout=120)
    err = proc.stderr.decode("utf-8", "replace").splitlines()
    assert proc.returncode == 2 and len(err) == 1 and "UTF-8" in err[0], err


def test_a_reader_that_goes_away_ends_the_run_quietly(corpus_index: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "ask", "--jsonl", "--index", str(corpus_index)],
                            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write("GPU는 몇 장?\n".encode() * 200)
    proc.stdin.close()
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=600) in (0, 141) and "Traceback" not in err and "Exception ignored" not in err, err
