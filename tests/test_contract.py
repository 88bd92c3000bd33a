"""The `ask --json` / `ask --jsonl` contract evaluators depend on, through the real CLI, with the vectors in
embedded Chroma and on a Chroma server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from core.vectors import ChromaTarget
from tests.conftest import ROOT, chroma_env, load_doc

KEYS = {"question", "answer", "answerable", "citations"}
CITATION_KEYS = {"n", "source", "title", "date", "page", "text"}


def _check(obj: dict[str, Any]) -> None:
    assert KEYS <= set(obj)
    assert isinstance(obj["question"], str) and isinstance(obj["answer"], str)
    assert isinstance(obj["answerable"], bool)
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", obj["answer"])}
    numbers = [c["n"] for c in obj["citations"]]
    assert numbers == list(range(1, len(numbers) + 1))
    assert markers <= set(numbers)
    for c in obj["citations"]:
        assert CITATION_KEYS <= set(c)
        assert (ROOT / c["source"]).is_file() and c["source"].startswith("corpus/")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", c["date"])
        assert c["page"] is None or (isinstance(c["page"], int) and c["page"] >= 1)
        # Verbatim: the cited passage is a piece of the document's own text.
        assert c["text"] in load_doc(Path(c["source"]).name).text


def test_ask_json(served_index: tuple[Path, ChromaTarget]) -> None:
    index, chroma = served_index
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "GPU는 언제까지 몇 장 확보하나요?", "--json", "--index", str(index)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=chroma_env(chroma),
    )
    assert proc.returncode == 0, proc.stderr
    obj = json.loads(proc.stdout)
    _check(obj)
    assert obj["answerable"] is True
    assert "20만장" in obj["answer"] and "2030" in obj["answer"]
    assert obj["citations"][0]["source"] == "corpus/msit_2025-09-30_ai_core_project_tf.txt"


def test_ask_jsonl_reads_plain_and_json_lines(served_index: tuple[Path, ChromaTarget]) -> None:
    index, chroma = served_index
    lines = [
        "AI 인재 TF 담당 사무관 전화번호는?",
        json.dumps({"question": "LG AI대학원 박사과정 입학정원은?"}, ensure_ascii=False),
        "",
        "AI 인재 TF에 배정된 예산은 얼마인가요?",
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--jsonl", "--index", str(index)],
        cwd=ROOT, input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=300, env=chroma_env(chroma),
    )
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [o["question"] for o in out] == [
        "AI 인재 TF 담당 사무관 전화번호는?", "LG AI대학원 박사과정 입학정원은?", "AI 인재 TF에 배정된 예산은 얼마인가요?"
    ]
    for o in out:
        _check(o)
    assert "044-202-6321" in out[0]["answer"]
    assert "5명" in out[1]["answer"]
    assert out[2]["answerable"] is False


def test_ask_text_output_lists_numbered_sources(served_index: tuple[Path, ChromaTarget]) -> None:
    index, chroma = served_index
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "LG AI대학원 박사과정 입학정원은?", "--index", str(index)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=chroma_env(chroma),
    )
    assert proc.returncode == 0, proc.stderr
    assert "출처:" in proc.stdout and "[1]" in proc.stdout and "corpus/moe_2026-03-04_105494.hwp" in proc.stdout
